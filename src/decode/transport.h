#pragma once
// Internal to src/decode: TCP, UDP, ICMP/ICMPv6 and SCTP fields (spec 1.4).
#include "decode/byte_reader.h"
#include "decode/drop_reason.h"
#include "decode/ip_layer.h"
#include "decode/packet_view.h"

namespace mld::decode {

inline constexpr std::uint32_t kUdpHeader = 8;

// Fills ports, L4 header and payload lengths, TCP and ICMP fields and the
// captured payload of `view` from the L4 header at `layer.l4_offset`.
// `captured` holds the captured bytes around the packet: a header counts when
// it was captured (spec 1.2), even where the IP length ends the datagram
// before it; lengths and the payload never reach past `layer.datagram_end`.
DropReason decode_transport(const ByteReader& captured, const IpLayer& layer, PacketView& view);

}  // namespace mld::decode
