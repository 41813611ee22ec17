#pragma once
// Hand-made PacketViews for flow-layer tests: no bytes, no decoder, just the
// fields a test wants to state (wire length defaults to a plausible frame).
#include <arpa/inet.h>

#include <stdexcept>
#include <string>

#include "decode/packet_view.h"

namespace mld::testing {

inline decode::IpAddress ip(const std::string& text) {
  std::uint8_t bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return decode::IpAddress::from_v4(bytes);
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) return decode::IpAddress::from_v6(bytes);
  throw std::invalid_argument("bad address " + text);
}

inline decode::PacketView packet(Micros t, const std::string& src, std::uint16_t sport,
                                 const std::string& dst, std::uint16_t dport,
                                 std::uint8_t protocol, std::uint32_t payload = 0) {
  decode::PacketView v;
  v.timestamp = t;
  v.ip_version = src.find(':') == std::string::npos ? decode::IpVersion::v4 : decode::IpVersion::v6;
  v.protocol = protocol;
  v.src_ip = ip(src);
  v.dst_ip = ip(dst);
  v.src_port = sport;
  v.dst_port = dport;
  const std::uint16_t header = protocol == decode::kProtoTcp ? 20 : protocol == decode::kProtoUdp ? 8 : 0;
  v.l4_header_length = header;
  v.payload_length = payload;
  v.l4_length = header + payload;
  v.ip_length = v.l4_length + (v.ip_version == decode::IpVersion::v4 ? 20 : 40);
  v.wire_length = 14 + v.ip_length;
  v.captured_length = v.wire_length;
  return v;
}

inline decode::PacketView tcp(Micros t, const std::string& src, std::uint16_t sport,
                              const std::string& dst, std::uint16_t dport, std::uint8_t flags,
                              std::uint32_t payload = 0, std::uint32_t seq = 0,
                              std::uint16_t window = 1000) {
  decode::PacketView v = packet(t, src, sport, dst, dport, decode::kProtoTcp, payload);
  v.tcp_flags = flags;
  v.tcp_seq = seq;
  v.tcp_window = window;
  return v;
}

inline decode::PacketView udp(Micros t, const std::string& src, std::uint16_t sport,
                              const std::string& dst, std::uint16_t dport,
                              std::uint32_t payload = 10) {
  return packet(t, src, sport, dst, dport, decode::kProtoUdp, payload);
}

inline decode::PacketView icmp(Micros t, const std::string& src, const std::string& dst,
                               std::int16_t type, std::int16_t code) {
  decode::PacketView v = packet(t, src, 0, dst, 0, decode::kProtoIcmp);
  v.icmp_type = type;
  v.icmp_code = code;
  v.ip_length += 8;
  v.l4_length += 8;
  v.wire_length += 8;
  return v;
}

}  // namespace mld::testing
