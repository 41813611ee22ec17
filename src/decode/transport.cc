#include "decode/transport.h"

#include <algorithm>

namespace mld::decode {
namespace {

constexpr std::uint32_t kTcpMinHeader = 20;
constexpr std::uint32_t kSctpCommonHeader = 12;

std::uint32_t minus_or_zero(std::uint32_t a, std::uint32_t b) { return a > b ? a - b : 0; }

// Points the view at the payload bytes that were captured. `datagram` ends at
// the IP datagram's end, so Ethernet padding never shows up as payload.
void set_captured_payload(const ByteReader& datagram, std::uint32_t begin, PacketView& view) {
  if (view.payload_length == 0 || !datagram.has(begin, 1)) return;
  const auto captured = static_cast<std::uint32_t>(
      std::min<std::size_t>(view.payload_length, datagram.size() - begin));
  view.payload = datagram.at(begin, captured);
  view.captured_payload_length = captured;
}

DropReason decode_tcp(const ByteReader& datagram, std::uint32_t l4, PacketView& view) {
  if (!datagram.has(l4, kTcpMinHeader)) return DropReason::tcp_header_truncated;
  const std::uint32_t data_offset = datagram.u8(l4 + 12) >> 4;
  if (data_offset < 5) return DropReason::tcp_bad_data_offset;
  const std::uint32_t header_length = data_offset * 4;  // options need not be captured
  view.src_port = datagram.be16(l4);
  view.dst_port = datagram.be16(l4 + 2);
  view.tcp_seq = datagram.be32(l4 + 4);
  view.tcp_ack = datagram.be32(l4 + 8);
  view.tcp_flags = datagram.u8(l4 + 13);
  view.tcp_window = datagram.be16(l4 + 14);
  view.l4_header_length = static_cast<std::uint16_t>(header_length);
  view.payload_length = minus_or_zero(view.l4_length, header_length);
  set_captured_payload(datagram, l4 + header_length, view);
  return DropReason::none;
}

// The payload length comes from the IP header, not the UDP length field
// (spec 1.4: every length derives from ip_len).
DropReason decode_udp(const ByteReader& datagram, std::uint32_t l4, PacketView& view) {
  if (!datagram.has(l4, kUdpHeader)) return DropReason::udp_header_truncated;
  view.src_port = datagram.be16(l4);
  view.dst_port = datagram.be16(l4 + 2);
  view.l4_header_length = kUdpHeader;
  view.payload_length = minus_or_zero(view.l4_length, kUdpHeader);
  set_captured_payload(datagram, l4 + kUdpHeader, view);
  return DropReason::none;
}

// ICMP and ICMPv6 carry no ports, and header and payload lengths are 0 [Q1].
DropReason decode_icmp(const ByteReader& datagram, std::uint32_t l4, PacketView& view) {
  if (!datagram.has(l4, 2)) return DropReason::icmp_header_truncated;
  view.icmp_type = datagram.u8(l4);
  view.icmp_code = datagram.u8(l4 + 1);
  return DropReason::none;
}

// SCTP keeps ports in its common header; lengths follow "any other protocol".
DropReason decode_sctp(const ByteReader& datagram, std::uint32_t l4, PacketView& view) {
  if (!datagram.has(l4, kSctpCommonHeader)) return DropReason::sctp_header_truncated;
  view.src_port = datagram.be16(l4);
  view.dst_port = datagram.be16(l4 + 2);
  return DropReason::none;
}

}  // namespace

DropReason decode_transport(const ByteReader& datagram, const IpLayer& layer, PacketView& view) {
  switch (view.protocol) {
    case kProtoTcp:
      return decode_tcp(datagram, layer.l4_offset, view);
    case kProtoUdp:
      return decode_udp(datagram, layer.l4_offset, view);
    case kProtoIcmp:
    case kProtoIcmpv6:
      return decode_icmp(datagram, layer.l4_offset, view);
    case kProtoSctp:
      return decode_sctp(datagram, layer.l4_offset, view);
    default:
      return DropReason::none;  // ports, header and payload lengths stay 0
  }
}

}  // namespace mld::decode
