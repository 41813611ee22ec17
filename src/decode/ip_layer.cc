#include "decode/ip_layer.h"

namespace mld::decode {
namespace {

constexpr std::uint32_t kIpv4MinHeader = 20;
constexpr std::uint32_t kIpv6Header = 40;
constexpr std::uint16_t kIpv4MoreFragments = 0x2000;
constexpr std::uint16_t kIpv4FragmentOffset = 0x1fff;

// No real packet stacks more than a handful of extension headers; the limit
// keeps a hostile chain of minimal headers from costing more than a few reads.
constexpr int kMaxIpv6ExtensionHeaders = 16;

std::uint32_t bytes_after(std::uint32_t offset, std::uint32_t end) {
  return end > offset ? end - offset : 0;
}

// Spec 1.3: a length field of 0 (TCP segmentation offload) stands for the
// bytes the frame has after the link header, and a length beyond them is
// clamped to them. `available` counts original (wire) bytes, not captured
// ones, so a snaplen-truncated packet keeps its true length (D12).
std::uint32_t effective_ip_length(std::uint32_t header_length_field, std::uint32_t available,
                                  PacketView& view) {
  if (header_length_field == 0) {
    view.notes |= decode_note::ip_length_zero;
    return available;
  }
  if (header_length_field > available) {
    view.notes |= decode_note::ip_length_clamped;
    return available;
  }
  return header_length_field;
}

// Fills the fields every IP version shares once the header is accepted.
void finish_ip_layer(const ByteReader& bytes, std::uint32_t l3_offset, std::uint32_t l4_offset,
                     PacketView& view, IpLayer& layer) {
  view.l4_length = bytes_after(l4_offset, l3_offset + view.ip_length);  // never negative
  layer = {l3_offset, l4_offset, l3_offset + view.ip_length};
  if (layer.datagram_end > bytes.size()) view.notes |= decode_note::snaplen_truncated;
}

DropReason decode_ipv4(const ByteReader& bytes, std::uint32_t wire_end, std::uint32_t l3,
                       PacketView& view, IpLayer& layer) {
  if (!bytes.has(l3, 1)) return DropReason::ipv4_header_truncated;
  const std::uint8_t version_ihl = bytes.u8(l3);
  // Every caller announced IPv4 (EtherType, PPP protocol, link type, IP
  // protocol 4, GRE/Geneve protocol type) or chose it from this very nibble.
  if ((version_ihl >> 4) != 4) return DropReason::ip_version_mismatch;
  const std::uint32_t header_length = (version_ihl & 0x0fu) * 4;
  if (header_length < kIpv4MinHeader) return DropReason::ipv4_bad_header;
  if (!bytes.has(l3, header_length)) return DropReason::ipv4_header_truncated;
  const std::uint16_t total_length = bytes.be16(l3 + 2);
  if (total_length != 0 && total_length < header_length) return DropReason::ipv4_bad_header;

  const std::uint16_t fragment = bytes.be16(l3 + 6);
  if ((fragment & kIpv4FragmentOffset) != 0) return DropReason::non_first_fragment;  // D9
  if ((fragment & kIpv4MoreFragments) != 0) view.notes |= decode_note::first_fragment;

  view.ip_version = IpVersion::v4;
  view.protocol = bytes.u8(l3 + 9);
  view.src_ip = IpAddress::from_v4(bytes.at(l3 + 12, 4));
  view.dst_ip = IpAddress::from_v4(bytes.at(l3 + 16, 4));
  view.ip_length = effective_ip_length(total_length, bytes_after(l3, wire_end), view);
  finish_ip_layer(bytes, l3, l3 + header_length, view, layer);  // options skipped via IHL
  return DropReason::none;
}

enum class Ipv6Extension { none, generic, authentication, fragment };

Ipv6Extension classify_ipv6_next_header(std::uint8_t next_header) {
  switch (next_header) {
    case 0:    // Hop-by-Hop options
    case 43:   // Routing
    case 60:   // Destination options
    case 135:  // Mobility
    case 139:  // HIP
    case 140:  // Shim6
    case 253:  // experimentation
    case 254:
      return Ipv6Extension::generic;
    case 51:
      return Ipv6Extension::authentication;
    case 44:
      return Ipv6Extension::fragment;
    default:
      return Ipv6Extension::none;  // the upper-layer protocol
  }
}

// Walks the extension headers starting at `offset` with type `next_header`;
// leaves both at the upper-layer protocol.
DropReason walk_ipv6_extensions(const ByteReader& bytes, std::uint8_t& next_header,
                                std::uint32_t& offset, PacketView& view) {
  for (int walked = 0;; ++walked) {
    const Ipv6Extension kind = classify_ipv6_next_header(next_header);
    if (kind == Ipv6Extension::none) return DropReason::none;
    // A chain longer than any real stack cannot be decoded within our limit.
    if (walked == kMaxIpv6ExtensionHeaders) return DropReason::ipv6_extension_truncated;
    if (!bytes.has(offset, 2)) return DropReason::ipv6_extension_truncated;
    std::uint32_t length = 8;  // Fragment header: fixed size
    if (kind == Ipv6Extension::generic) length = (bytes.u8(offset + 1) + 1u) * 8;
    if (kind == Ipv6Extension::authentication) length = (bytes.u8(offset + 1) + 2u) * 4;
    if (!bytes.has(offset, length)) return DropReason::ipv6_extension_truncated;
    if (kind == Ipv6Extension::fragment) {
      // Fragment offset (13 bits), reserved (2), M (1).
      const std::uint16_t field = bytes.be16(offset + 2);
      if ((field >> 3) != 0) return DropReason::non_first_fragment;  // D9
      if ((field & 0x1) != 0) view.notes |= decode_note::first_fragment;
    }
    next_header = bytes.u8(offset);
    offset += length;
  }
}

DropReason decode_ipv6(const ByteReader& bytes, std::uint32_t wire_end, std::uint32_t l3,
                       PacketView& view, IpLayer& layer) {
  if (!bytes.has(l3, 1)) return DropReason::ipv6_header_truncated;
  if ((bytes.u8(l3) >> 4) != 6) return DropReason::ip_version_mismatch;
  if (!bytes.has(l3, kIpv6Header)) return DropReason::ipv6_header_truncated;

  const std::uint16_t payload_length = bytes.be16(l3 + 4);
  const std::uint32_t length_field = payload_length == 0 ? 0 : kIpv6Header + payload_length;
  view.ip_length = effective_ip_length(length_field, bytes_after(l3, wire_end), view);

  // Extension headers belong to the datagram: never read them from bytes
  // beyond its end (Ethernet padding, trailers).
  std::uint8_t next_header = bytes.u8(l3 + 6);
  std::uint32_t l4_offset = l3 + kIpv6Header;
  const ByteReader datagram = bytes.truncated(l3 + view.ip_length);
  const DropReason reason = walk_ipv6_extensions(datagram, next_header, l4_offset, view);
  if (reason != DropReason::none) return reason;

  view.ip_version = IpVersion::v6;
  view.protocol = next_header;
  view.src_ip = IpAddress::from_v6(bytes.at(l3 + 8, 16));
  view.dst_ip = IpAddress::from_v6(bytes.at(l3 + 24, 16));
  finish_ip_layer(bytes, l3, l4_offset, view, layer);
  return DropReason::none;
}

}  // namespace

DropReason decode_ip(const ByteReader& bytes, std::uint32_t wire_end, std::uint32_t l3_offset,
                     IpVersion expected, PacketView& view, IpLayer& layer) {
  return expected == IpVersion::v4 ? decode_ipv4(bytes, wire_end, l3_offset, view, layer)
                                   : decode_ipv6(bytes, wire_end, l3_offset, view, layer);
}

}  // namespace mld::decode
