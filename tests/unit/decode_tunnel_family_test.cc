// Tunnel family names (`decode.tunnels`) and tunnel kind names.
#include <gtest/gtest.h>

#include <algorithm>
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
  EXPECT_EQ(parse_tunnel_family("all"), tunnel_family::all);
  EXPECT_EQ(parse_tunnel_family("none"), tunnel_family::none);
}

TEST(DecodeTunnelFamily, RejectsUnknownNames) {
  for (std::string_view name : {"", "GRE", "gtp-u", "4in4", "vxlan,gre", " gre", "l2tp"}) {
    EXPECT_EQ(parse_tunnel_family(name), std::nullopt) << name;
  }
}

TEST(DecodeTunnelFamily, ToString) {
  EXPECT_EQ(tunnel_families_to_string(tunnel_family::all), "all");
  EXPECT_EQ(tunnel_families_to_string(tunnel_family::none), "none");
  EXPECT_EQ(tunnel_families_to_string(tunnel_family::vxlan | tunnel_family::gre), "gre,vxlan");
  EXPECT_EQ(tunnel_families_to_string(tunnel_family::teredo), "teredo");
  EXPECT_EQ(tunnel_families_to_string(tunnel_family::all & ~tunnel_family::ipip),
            "gre,erspan,vxlan,geneve,gtpu,teredo,capwap");
  EXPECT_EQ(tunnel_families_to_string(0xffffffffu), "all");  // unknown bits ignored
}

TEST(DecodeTunnelFamily, RoundTripsEveryMask) {
  for (std::uint32_t mask = 0; mask <= tunnel_family::all; ++mask) {
    const std::string text = tunnel_families_to_string(mask);
    std::uint32_t parsed = 0;
    std::size_t begin = 0;
    while (begin <= text.size()) {
      const std::size_t comma = std::min(text.find(',', begin), text.size());
      const auto bit = parse_tunnel_family(std::string_view(text).substr(begin, comma - begin));
      ASSERT_TRUE(bit.has_value()) << text;
      parsed |= *bit;
      begin = comma + 1;
    }
    EXPECT_EQ(parsed, mask) << text;
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
}

}  // namespace
}  // namespace mld::decode
