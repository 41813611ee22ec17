#pragma once
// Internal to src/decode: recognising the encapsulations the decoder removes.
// Each matcher reads only the tunnel's own header; decoder.cc decodes the
// packet inside and applies the fallback rule.
#include <cstdint>

#include "decode/byte_reader.h"
#include "decode/ip_layer.h"
#include "decode/packet_view.h"

namespace mld::decode {

enum class TunnelMatch : std::uint8_t {
  not_tunnel,  // not an encapsulation we remove (or its family is off): keep the packet
  malformed,   // it is one, but its header is broken or not captured
  found,
};

// What follows the tunnel header.
enum class InnerStart : std::uint8_t { ethernet, ieee80211, ipv4, ipv6, ip_by_version };

struct TunnelHeader {
  TunnelKind kind = TunnelKind::none;
  std::uint32_t id = 0;
  std::uint32_t inner_offset = 0;  // frame offset of the inner packet
  InnerStart inner = InnerStart::ipv4;
};

// Looks at the decoded packet (`view`, `layer`) for an encapsulation of one of
// `families` (tunnel_family bits). `datagram` holds the captured bytes of the
// frame up to the end of the packet's IP datagram.
TunnelMatch match_tunnel(const ByteReader& datagram, const IpLayer& layer, const PacketView& view,
                         std::uint32_t families, TunnelHeader& out);

// GRE at `offset`: v0 (IP, transparent Ethernet), ERSPAN I/II/III, v1 (PPTP).
TunnelMatch match_gre(const ByteReader& datagram, std::uint32_t offset, std::uint32_t families,
                      TunnelHeader& out);

// UDP tunnels; `offset` is the start of the UDP payload, `udp_end` the end of
// the enclosing datagram on the wire.
TunnelMatch match_vxlan(const ByteReader& datagram, std::uint32_t offset, TunnelHeader& out);
TunnelMatch match_geneve(const ByteReader& datagram, std::uint32_t offset, TunnelHeader& out);
TunnelMatch match_gtpu(const ByteReader& datagram, std::uint32_t offset, TunnelHeader& out);
TunnelMatch match_teredo(const ByteReader& datagram, std::uint32_t offset, std::uint32_t udp_end,
                         TunnelHeader& out);
TunnelMatch match_capwap(const ByteReader& datagram, std::uint32_t offset, TunnelHeader& out);

}  // namespace mld::decode
