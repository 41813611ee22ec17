#pragma once
// Internal to src/decode: IPv4 and IPv6 headers (spec 1.2, 1.3).
#include <cstdint>

#include "decode/byte_reader.h"
#include "decode/drop_reason.h"
#include "decode/ip_address.h"
#include "decode/packet_view.h"

namespace mld::decode {

// Where one decoded IP datagram lies in the frame. All offsets are frame
// offsets; `datagram_end` (l3_offset + ip_length) may lie beyond the captured
// bytes when the capture was cut by the snaplen.
struct IpLayer {
  std::uint32_t l3_offset = 0;
  std::uint32_t l4_offset = 0;  // after IPv4 options / IPv6 extension headers
  std::uint32_t datagram_end = 0;
};

// Decodes the IP header at `l3_offset`, which the enclosing layer announced as
// `expected` (a different version nibble is ip_version_mismatch). `wire_end`
// is where the enclosing frame or datagram ends on the wire: the bytes that an
// IP length of 0 stands for, and the bound a larger length is clamped to.
// Fills the IP fields of `view` (version, addresses, protocol, ip_length,
// l4_length, notes) and `layer`.
DropReason decode_ip(const ByteReader& bytes, std::uint32_t wire_end, std::uint32_t l3_offset,
                     IpVersion expected, PacketView& view, IpLayer& layer);

}  // namespace mld::decode
