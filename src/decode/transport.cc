#include "decode/transport.h"

#include <algorithm>

namespace mld::decode {
namespace {

constexpr std::uint32_t kTcpMinHeader = 20;
constexpr std::uint32_t kSctpCommonHeader = 12;

std::uint32_t minus_or_zero(std::uint32_t a, std::uint32_t b) { return a > b ? a - b : 0; }

// Points the view at the payload bytes that were captured, up to the IP
// datagram's end: Ethernet padding never shows up as payload.
void set_captured_payload(const ByteReader& captured, std::uint32_t datagram_end,
                          std::uint32_t begin, PacketView& view) {
  const ByteReader datagram = captured.truncated(datagram_end);
  if (view.payload_length == 0 || !datagram.has(begin, 1)) return;
  const auto length = static_cast<std::uint32_t>(
      std::min<std::size_t>(view.payload_length, datagram.size() - begin));
  view.payload = datagram.at(begin, length);
  view.captured_payload_length = length;
}

DropReason decode_tcp(const ByteReader& captured, const IpLayer& layer, PacketView& view) {
  const std::uint32_t l4 = layer.l4_offset;
  if (!captured.has(l4, kTcpMinHeader)) return DropReason::tcp_header_truncated;
  const std::uint32_t data_offset = captured.u8(l4 + 12) >> 4;
  if (data_offset < 5) return DropReason::tcp_bad_data_offset;
  const std::uint32_t header_length = data_offset * 4;  // options need not be captured
  view.src_port = captured.be16(l4);
  view.dst_port = captured.be16(l4 + 2);
  view.tcp_seq = captured.be32(l4 + 4);
  view.tcp_ack = captured.be32(l4 + 8);
  view.tcp_flags = captured.u8(l4 + 13);
  view.tcp_window = captured.be16(l4 + 14);
  view.l4_header_length = static_cast<std::uint16_t>(header_length);
  view.payload_length = minus_or_zero(view.l4_length, header_length);
  set_captured_payload(captured, layer.datagram_end, l4 + header_length, view);
  return DropReason::none;
}

// The payload length comes from the IP header, not the UDP length field
// (spec 1.4: every length derives from ip_len).
DropReason decode_udp(const ByteReader& captured, const IpLayer& layer, PacketView& view) {
  const std::uint32_t l4 = layer.l4_offset;
  if (!captured.has(l4, kUdpHeader)) return DropReason::udp_header_truncated;
  view.src_port = captured.be16(l4);
  view.dst_port = captured.be16(l4 + 2);
  view.l4_header_length = kUdpHeader;
  view.payload_length = minus_or_zero(view.l4_length, kUdpHeader);
  set_captured_payload(captured, layer.datagram_end, l4 + kUdpHeader, view);
  return DropReason::none;
}

// ICMP and ICMPv6 carry no ports, and header and payload lengths are 0 [Q1].
DropReason decode_icmp(const ByteReader& captured, const IpLayer& layer, PacketView& view) {
  if (!captured.has(layer.l4_offset, 2)) return DropReason::icmp_header_truncated;
  view.icmp_type = captured.u8(layer.l4_offset);
  view.icmp_code = captured.u8(layer.l4_offset + 1);
  return DropReason::none;
}

// SCTP keeps ports in its common header; they are informative only (flows of
// "any other protocol" have no ports, spec 1.4), so a short header is no drop.
void decode_sctp(const ByteReader& captured, const IpLayer& layer, PacketView& view) {
  if (!captured.has(layer.l4_offset, kSctpCommonHeader)) return;
  view.src_port = captured.be16(layer.l4_offset);
  view.dst_port = captured.be16(layer.l4_offset + 2);
}

}  // namespace

DropReason decode_transport(const ByteReader& captured, const IpLayer& layer, PacketView& view) {
  const ByteReader datagram = captured.truncated(layer.datagram_end);
  if (datagram.has(layer.l3_offset, 1)) {
    view.ip_packet = datagram.at(layer.l3_offset, 1);
    view.captured_ip_length = static_cast<std::uint32_t>(datagram.size() - layer.l3_offset);
  }
  switch (view.protocol) {
    case kProtoTcp:
      return decode_tcp(captured, layer, view);
    case kProtoUdp:
      return decode_udp(captured, layer, view);
    case kProtoIcmp:
    case kProtoIcmpv6:
      return decode_icmp(captured, layer, view);
    case kProtoSctp:
      decode_sctp(captured, layer, view);
      return DropReason::none;
    default:
      return DropReason::none;  // ports, header and payload lengths stay 0
  }
}

}  // namespace mld::decode
