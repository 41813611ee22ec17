// Names of tunnel families (configuration `decode.tunnels`) and tunnel kinds
// (flow records).
#include <array>

#include "decode/decoder.h"
#include "decode/packet_view.h"

namespace mld::decode {
namespace {

struct FamilyName {
  std::uint32_t bit;
  std::string_view name;
};

constexpr std::array<FamilyName, 8> kFamilyNames{{
    {tunnel_family::gre, "gre"},
    {tunnel_family::erspan, "erspan"},
    {tunnel_family::vxlan, "vxlan"},
    {tunnel_family::geneve, "geneve"},
    {tunnel_family::ipip, "ipip"},
    {tunnel_family::gtpu, "gtpu"},
    {tunnel_family::teredo, "teredo"},
    {tunnel_family::capwap, "capwap"},
}};

}  // namespace

std::optional<std::uint32_t> parse_tunnel_family(std::string_view name) {
  if (name == "all") return tunnel_family::all;
  if (name == "none") return tunnel_family::none;
  for (const FamilyName& family : kFamilyNames) {
    if (family.name == name) return family.bit;
  }
  return std::nullopt;
}

std::string_view tunnel_kind_name(TunnelKind kind) {
  switch (kind) {
    case TunnelKind::none:
      return "none";
    case TunnelKind::gre:
      return "gre";
    case TunnelKind::erspan:
      return "erspan";
    case TunnelKind::vxlan:
      return "vxlan";
    case TunnelKind::geneve:
      return "geneve";
    case TunnelKind::ip4_in_ip4:
      return "4in4";
    case TunnelKind::ip6_in_ip4:
      return "6in4";
    case TunnelKind::ip4_in_ip6:
      return "4in6";
    case TunnelKind::ip6_in_ip6:
      return "6in6";
    case TunnelKind::gtp_u:
      return "gtpu";
    case TunnelKind::teredo:
      return "teredo";
    case TunnelKind::capwap:
      return "capwap";
  }
  return "unknown";
}

}  // namespace mld::decode
