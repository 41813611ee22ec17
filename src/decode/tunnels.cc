#include "decode/tunnels.h"

#include "decode/decoder.h"
#include "decode/transport.h"

namespace mld::decode {
namespace {

constexpr std::uint8_t kProtoIpv4InIp = 4;
constexpr std::uint8_t kProtoIpv6InIp = 41;
constexpr std::uint8_t kProtoGre = 47;

constexpr std::uint16_t kPortVxlan = 4789;
constexpr std::uint16_t kPortGeneve = 6081;
constexpr std::uint16_t kPortGtpu = 2152;
constexpr std::uint16_t kPortTeredo = 3544;
constexpr std::uint16_t kPortCapwapData = 5247;

TunnelMatch match_ip_in_ip(const IpLayer& layer, const PacketView& view, TunnelHeader& out) {
  const bool inner_v4 = view.protocol == kProtoIpv4InIp;
  if (view.ip_version == IpVersion::v4) {
    out.kind = inner_v4 ? TunnelKind::ip4_in_ip4 : TunnelKind::ip6_in_ip4;
  } else {
    out.kind = inner_v4 ? TunnelKind::ip4_in_ip6 : TunnelKind::ip6_in_ip6;
  }
  out.id = 0;
  out.inner_offset = layer.l4_offset;
  out.inner = inner_v4 ? InnerStart::ipv4 : InnerStart::ipv6;
  return TunnelMatch::found;
}

TunnelMatch match_udp_port(std::uint16_t port, const ByteReader& datagram, const IpLayer& layer,
                           std::uint32_t families, TunnelHeader& out) {
  const std::uint32_t payload = layer.l4_offset + kUdpHeader;
  switch (port) {
    case kPortVxlan:
      if ((families & tunnel_family::vxlan) == 0) break;
      return match_vxlan(datagram, payload, out);
    case kPortGeneve:
      if ((families & tunnel_family::geneve) == 0) break;
      return match_geneve(datagram, payload, out);
    case kPortGtpu:
      if ((families & tunnel_family::gtpu) == 0) break;
      return match_gtpu(datagram, payload, out);
    case kPortTeredo:
      if ((families & tunnel_family::teredo) == 0) break;
      return match_teredo(datagram, payload, layer.datagram_end, out);
    case kPortCapwapData:
      if ((families & tunnel_family::capwap) == 0) break;
      return match_capwap(datagram, payload, out);
    default:
      break;
  }
  return TunnelMatch::not_tunnel;
}

// Tunnel endpoints listen on the well-known port, so it is usually the
// destination; replies and some implementations use it as the source.
TunnelMatch match_udp_tunnel(const ByteReader& datagram, const IpLayer& layer,
                             const PacketView& view, std::uint32_t families, TunnelHeader& out) {
  const TunnelMatch by_destination = match_udp_port(view.dst_port, datagram, layer, families, out);
  if (by_destination != TunnelMatch::not_tunnel || view.src_port == view.dst_port) {
    return by_destination;
  }
  return match_udp_port(view.src_port, datagram, layer, families, out);
}

}  // namespace

TunnelMatch match_tunnel(const ByteReader& datagram, const IpLayer& layer, const PacketView& view,
                         std::uint32_t families, TunnelHeader& out) {
  switch (view.protocol) {
    case kProtoIpv4InIp:
    case kProtoIpv6InIp:
      if ((families & tunnel_family::ipip) == 0) return TunnelMatch::not_tunnel;
      return match_ip_in_ip(layer, view, out);
    case kProtoGre:
      return match_gre(datagram, layer.l4_offset, families, out);
    case kProtoUdp:
      return match_udp_tunnel(datagram, layer, view, families, out);
    default:
      return TunnelMatch::not_tunnel;
  }
}

}  // namespace mld::decode
