// Tunnel family names (`decode.tunnels`) and tunnel kind names.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "decode/decoder.h"
#include "decode/packet_view.h"

namespace mld::decode {
namespace {

TEST(DecodeTunnelFamily, ParsesEveryName) {
  EXPECT_EQ(parse_tunnel_family("gre"), tunnel_family::gre);
  EXPECT_EQ(parse_tunnel_family("erspan"), tunnel_family::erspan);
  EXPECT_EQ(parse_tunnel_family("vxlan"), tunnel_family::vxlan);
  EXPECT_EQ(parse_tunnel_family("geneve"), tunnel_family::geneve);
  EXPECT_EQ(parse_tunnel_family("ipip"), tunnel_family::ipip);
  EXPECT_EQ(parse_tunnel_family("gtpu"), tunnel_family::gtpu);
  EXPECT_EQ(parse_tunnel_family("teredo"), tunnel_family::teredo);
  EXPECT_EQ(parse_tunnel_family("capwap"), tunnel_family::capwap);
  EXPECT_EQ(parse_tunnel_family("all"), tunnel_family::all);
  EXPECT_EQ(parse_tunnel_family("none"), tunnel_family::none);
}

TEST(DecodeTunnelFamily, RejectsUnknownNames) {
  for (std::string_view name : {"", "GRE", "gtp-u", "4in4", "vxlan,gre", " gre", "l2tp"}) {
    EXPECT_EQ(parse_tunnel_family(name), std::nullopt) << name;
  }
}

TEST(DecodeTunnelFamily, KindNames) {
  EXPECT_EQ(tunnel_kind_name(TunnelKind::none), "none");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::gre), "gre");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::erspan), "erspan");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::vxlan), "vxlan");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::geneve), "geneve");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::ip4_in_ip4), "4in4");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::ip6_in_ip4), "6in4");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::ip4_in_ip6), "4in6");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::ip6_in_ip6), "6in6");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::gtp_u), "gtpu");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::teredo), "teredo");
  EXPECT_EQ(tunnel_kind_name(TunnelKind::capwap), "capwap");
}

}  // namespace
}  // namespace mld::decode
