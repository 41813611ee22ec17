// Tunnels: every kind, families switched off, nesting, the depth limit and
// the fallback rule for malformed encapsulations.
#include <gtest/gtest.h>

#include "decode_test_support.h"

namespace mld::decode::test {
namespace {

constexpr std::uint8_t kIpip4 = 4;
constexpr std::uint8_t kIpip6 = 41;
constexpr std::uint8_t kGre = 47;

FrameBuilder outer_ipv4(std::uint8_t protocol) {
  FrameBuilder b;
  b.ethernet().ipv4("198.51.100.1", "198.51.100.2", protocol);
  return b;
}

FrameBuilder outer_udp(std::uint16_t sport, std::uint16_t dport) {
  FrameBuilder b = outer_ipv4(kProtoUdp);
  b.udp(sport, dport);
  return b;
}

// Inner IPv4 TCP 10.9.0.1:33000 -> 10.9.0.2:80, 10 payload bytes: 50 bytes of IP.
FrameBuilder& inner_tcp4(FrameBuilder& b) {
  return b.ipv4("10.9.0.1", "10.9.0.2", kProtoTcp).tcp(33000, 80, tcp_flag::ack).payload(10);
}
// Inner IPv6 UDP [2001:db8:1::1]:5000 -> [2001:db8:2::1]:53, 20 payload bytes: 68 bytes of IP.
FrameBuilder& inner_udp6(FrameBuilder& b) {
  return b.ipv6("2001:db8:1::1", "2001:db8:2::1", kProtoUdp).udp(5000, 53).payload(20);
}

void expect_inner_tcp4(const PacketView& v) {
  EXPECT_EQ(v.ip_version, IpVersion::v4);
  EXPECT_EQ(src(v), "10.9.0.1");
  EXPECT_EQ(dst(v), "10.9.0.2");
  EXPECT_EQ(v.protocol, kProtoTcp);
  EXPECT_EQ(v.src_port, 33000);
  EXPECT_EQ(v.dst_port, 80);
  EXPECT_EQ(v.ip_length, 50u);
  EXPECT_EQ(v.l4_length, 30u);
  EXPECT_EQ(v.l4_header_length, 20);
  EXPECT_EQ(v.payload_length, 10u);
  EXPECT_EQ(v.captured_payload_length, 10u);
  EXPECT_EQ(v.tcp_flags, tcp_flag::ack);
}

void expect_inner_udp6(const PacketView& v) {
  EXPECT_EQ(v.ip_version, IpVersion::v6);
  EXPECT_EQ(src(v), "2001:db8:1::1");
  EXPECT_EQ(dst(v), "2001:db8:2::1");
  EXPECT_EQ(v.protocol, kProtoUdp);
  EXPECT_EQ(v.src_port, 5000);
  EXPECT_EQ(v.dst_port, 53);
  EXPECT_EQ(v.ip_length, 68u);
  EXPECT_EQ(v.l4_length, 28u);
  EXPECT_EQ(v.payload_length, 20u);
}

// The packet was kept as the outer flow, as decoded before the tunnel.
void expect_outer_udp(const PacketView& v, std::uint16_t sport, std::uint16_t dport) {
  EXPECT_EQ(src(v), "198.51.100.1");
  EXPECT_EQ(v.protocol, kProtoUdp);
  EXPECT_EQ(v.src_port, sport);
  EXPECT_EQ(v.dst_port, dport);
  EXPECT_EQ(v.tunnel, TunnelInfo{});
}

TunnelInfo tunnel(TunnelKind kind, std::uint32_t id = 0, std::uint8_t depth = 1) {
  return {kind, depth, id};
}

// --- IP in IP ---------------------------------------------------------------

TEST(DecodeTunnel, FourInFour) {
  FrameBuilder b = outer_ipv4(kIpip4);
  const Bytes frame = inner_tcp4(b).build();
  ASSERT_EQ(frame.size(), 84u);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::ip4_in_ip4));
  EXPECT_EQ(v.wire_length, 84u);
  EXPECT_EQ(v.captured_length, 84u);
  EXPECT_EQ(v.payload, frame.data() + 74);
  EXPECT_EQ(v.notes, 0);
}

TEST(DecodeTunnel, SixInFour) {
  FrameBuilder b = outer_ipv4(kIpip6);
  const Bytes frame = inner_udp6(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::ip6_in_ip4));
  EXPECT_EQ(v.wire_length, 14u + 20 + 68);
}

TEST(DecodeTunnel, FourInSix) {
  FrameBuilder b;
  b.ethernet(0x86dd).ipv6("2001:db8::1", "2001:db8::2", kIpip4);
  const Bytes frame = inner_tcp4(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::ip4_in_ip6));
  EXPECT_EQ(v.wire_length, 14u + 40 + 50);
}

TEST(DecodeTunnel, SixInSix) {
  FrameBuilder b;
  b.ethernet(0x86dd).ipv6("2001:db8::1", "2001:db8::2", kIpip6);
  const Bytes frame = inner_udp6(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::ip6_in_ip6));
}

TEST(DecodeTunnel, SixInSixAfterExtensionHeader) {
  FrameBuilder b;
  b.ethernet(0x86dd).ipv6("2001:db8::1", "2001:db8::2", 60).ipv6_extension(kIpip6, 0);
  const Bytes frame = inner_udp6(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::ip6_in_ip6));
}

// --- GRE ----------------------------------------------------------------------

TEST(DecodeTunnel, GreWithKey) {
  FrameBuilder b = outer_ipv4(kGre);
  b.gre(0x0800, 0xdeadbeef);
  const Bytes frame = inner_tcp4(b).build();
  ASSERT_EQ(frame.size(), 14u + 20 + 8 + 50);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::gre, 0xdeadbeef));
  EXPECT_EQ(v.wire_length, 92u);
}

TEST(DecodeTunnel, GreWithChecksumAndSequenceCarryingIpv6) {
  FrameBuilder b = outer_ipv4(kGre);
  b.gre(0x86dd, std::nullopt, 77, true);
  const Bytes frame = inner_udp6(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::gre, 0));
}

TEST(DecodeTunnel, GreTransparentEthernetSkipsInnerVlans) {
  FrameBuilder b;
  b.ethernet().vlan(10).ipv4("198.51.100.1", "198.51.100.2", kGre).gre(0x6558, 42);
  b.ethernet().vlan(99).vlan(98);
  const Bytes frame = inner_tcp4(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::gre, 42));
  ASSERT_EQ(v.vlans.count, 1);  // the outer network's tag only
  EXPECT_EQ(v.vlans.ids[0], 10);
}

TEST(DecodeTunnel, GreOtherProtocolIsTheFlow) {
  const Bytes frame = outer_ipv4(kGre).gre(0x8847).mpls(5, true).payload(30).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.protocol, kGre);
  EXPECT_EQ(v.tunnel, TunnelInfo{});
  EXPECT_EQ(v.notes, 0);
  EXPECT_EQ(v.src_port, 0);
  EXPECT_EQ(v.payload_length, 0u);
}

TEST(DecodeTunnel, ErspanTypeOne) {
  FrameBuilder b = outer_ipv4(kGre);
  b.gre(0x88be).ethernet();
  const Bytes frame = inner_tcp4(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::erspan, 0));
}

TEST(DecodeTunnel, ErspanTypeTwo) {
  FrameBuilder b = outer_ipv4(kGre);
  b.gre(0x88be, std::nullopt, 171).erspan2(666).ethernet();
  const Bytes frame = inner_tcp4(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::erspan, 666));
}

TEST(DecodeTunnel, ErspanTypeThree) {
  for (bool subheader : {false, true}) {
    SCOPED_TRACE(subheader);
    FrameBuilder b = outer_ipv4(kGre);
    b.gre(0x22eb).erspan3(101, subheader).ethernet();
    const Bytes frame = inner_tcp4(b).build();
    ASSERT_EQ(frame.size(), 14u + 20 + 4 + 12 + (subheader ? 8 : 0) + 14 + 50);
    PacketView v;
    ASSERT_EQ(decode(frame, v), DropReason::none);
    expect_inner_tcp4(v);
    EXPECT_EQ(v.tunnel, tunnel(TunnelKind::erspan, 101));
  }
}

TEST(DecodeTunnel, ErspanTypeThreeOtherFrameTypeIsTheGreFlow) {
  FrameBuilder b = outer_ipv4(kGre);
  b.gre(0x22eb).erspan3(101, false, 2);
  const Bytes frame = inner_tcp4(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.protocol, kGre);
  EXPECT_EQ(v.tunnel, TunnelInfo{});
  EXPECT_EQ(v.notes, 0);
}

TEST(DecodeTunnel, PptpGreCarryingPppIpv4) {
  FrameBuilder b = outer_ipv4(kGre);
  b.gre_pptp(0x4000, 1).ppp(0x0021);
  const Bytes frame = inner_tcp4(b).build();
  ASSERT_EQ(frame.size(), 14u + 20 + 12 + 4 + 50);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::gre, 0x4000));
}

TEST(DecodeTunnel, PptpGreWithAckAndCompressedPpp) {
  FrameBuilder b = outer_ipv4(kGre);
  b.gre_pptp(7, 2, 1).ppp(0x21, false, true);
  const Bytes frame = inner_tcp4(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::gre, 7));

  FrameBuilder b6 = outer_ipv4(kGre);
  b6.gre_pptp(8, 3).ppp(0x0057);
  ASSERT_EQ(decode(inner_udp6(b6).build(), v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::gre, 8));
}

TEST(DecodeTunnel, PptpControlAndAckOnlyPacketsAreTheGreFlow) {
  PacketView v;
  // LCP configure-request inside the PPTP tunnel.
  ASSERT_EQ(decode(outer_ipv4(kGre).gre_pptp(9, 1).ppp(0xc021).payload(14).build(), v),
            DropReason::none);
  EXPECT_EQ(v.protocol, kGre);
  EXPECT_EQ(v.tunnel, TunnelInfo{});
  EXPECT_EQ(v.notes, 0);
  // Acknowledgement without payload (no sequence number, payload length 0).
  ASSERT_EQ(decode(outer_ipv4(kGre).gre_pptp(9, std::nullopt, 5).build(), v), DropReason::none);
  EXPECT_EQ(v.protocol, kGre);
  EXPECT_EQ(v.notes, 0);
}

// --- UDP tunnels ----------------------------------------------------------

TEST(DecodeTunnel, Vxlan) {
  FrameBuilder b = outer_udp(54321, 4789);
  b.vxlan(0x123456).ethernet();
  const Bytes frame = inner_tcp4(b).build();
  ASSERT_EQ(frame.size(), 14u + 20 + 8 + 8 + 14 + 50);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::vxlan, 0x123456));
  EXPECT_EQ(v.wire_length, 114u);
  EXPECT_EQ(v.payload, frame.data() + 104);
}

// CAPWAP data: preamble 0, HLEN 2 (8 bytes), WBID 1, T bit, flags.
FrameBuilder& capwap(FrameBuilder& b, bool native_80211, std::uint8_t flags = 0) {
  return b.raw({0x00, 0x10, static_cast<std::uint8_t>(0x02 | (native_80211 ? 1 : 0)), flags,
                0x00, 0x00, 0x00, 0x00});
}

TEST(DecodeTunnel, CapwapCarryingEthernet) {
  FrameBuilder b = outer_udp(12222, 5247);
  capwap(b, /*native_80211=*/false).ethernet();
  PacketView v;
  ASSERT_EQ(decode(inner_tcp4(b).build(), v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::capwap, 0));
}

TEST(DecodeTunnel, CapwapCarryingNative80211) {
  FrameBuilder b = outer_udp(12222, 5247);
  capwap(b, /*native_80211=*/true);
  b.raw({0x88, 0x01}).payload(24, 0x11);                           // QoS data, ToDS
  b.raw({0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00});         // LLC/SNAP, IPv4
  PacketView v;
  ASSERT_EQ(decode(inner_tcp4(b).build(), v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel.kind, TunnelKind::capwap);
}

TEST(DecodeTunnel, CapwapAcceptsCiscoByteSwappedFrameControl) {
  FrameBuilder b = outer_udp(12222, 5247);
  capwap(b, /*native_80211=*/true);
  b.raw({0x01, 0x08}).payload(22, 0x11);                    // data, ToDS: swapped
  b.raw({0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00});  // LLC/SNAP, IPv4
  PacketView v;
  ASSERT_EQ(decode(inner_tcp4(b).build(), v), DropReason::none);
  expect_inner_tcp4(v);
}

TEST(DecodeTunnel, CapwapKeepAlivesAndEncryptedPacketsStayUdp) {
  for (const std::uint8_t preamble_type : {0, 1}) {
    FrameBuilder b = outer_udp(12222, 5247);
    b.raw({preamble_type, 0x10, 0x02, static_cast<std::uint8_t>(preamble_type ? 0 : 0x08),
           0, 0, 0, 0})
        .payload(16);
    PacketView v;
    ASSERT_EQ(decode(b.build(), v), DropReason::none);
    EXPECT_EQ(v.tunnel.kind, TunnelKind::none);
    EXPECT_EQ(v.dst_port, 5247);
  }
}

TEST(DecodeTunnel, VxlanBySourcePort) {
  FrameBuilder b = outer_udp(4789, 54321);
  b.vxlan(7).ethernet(0x86dd);
  PacketView v;
  ASSERT_EQ(decode(inner_udp6(b).build(), v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::vxlan, 7));
}

TEST(DecodeTunnel, GeneveWithOptions) {
  FrameBuilder b = outer_udp(40000, 6081);
  b.geneve(0xabcdef, 0x6558, 8).ethernet();
  const Bytes frame = inner_tcp4(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::geneve, 0xabcdef));
}

TEST(DecodeTunnel, GeneveCarryingIpDirectly) {
  PacketView v;
  FrameBuilder b4 = outer_udp(40000, 6081);
  b4.geneve(5, 0x0800);
  ASSERT_EQ(decode(inner_tcp4(b4).build(), v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::geneve, 5));
  FrameBuilder b6 = outer_udp(40000, 6081);
  b6.geneve(6, 0x86dd, 4);
  ASSERT_EQ(decode(inner_udp6(b6).build(), v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::geneve, 6));
}

TEST(DecodeTunnel, GeneveOtherProtocolIsTheUdpFlow) {
  const Bytes frame = outer_udp(40000, 6081).geneve(5, 0x894f).payload(24).build();  // NSH
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_outer_udp(v, 40000, 6081);
  EXPECT_EQ(v.notes, 0);
}

TEST(DecodeTunnel, GtpuWithExtensionHeader) {
  FrameBuilder b = outer_udp(2152, 2152);
  b.gtpu(0xabcdef01, 0xff, true);
  const Bytes frame = inner_tcp4(b).build();
  ASSERT_EQ(frame.size(), 14u + 20 + 8 + 16 + 50);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::gtp_u, 0xabcdef01));
}

TEST(DecodeTunnel, GtpuCarryingIpv6) {
  FrameBuilder b = outer_udp(33333, 2152);
  b.gtpu(99);
  PacketView v;
  ASSERT_EQ(decode(inner_udp6(b).build(), v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::gtp_u, 99));
}

TEST(DecodeTunnel, GtpuEchoRequestIsOrdinaryUdp) {
  const Bytes frame = outer_udp(2152, 2152).gtpu(0, 0x01).raw({0, 0, 0, 0}).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_outer_udp(v, 2152, 2152);
  EXPECT_EQ(v.notes, 0);
  EXPECT_EQ(v.payload_length, 12u);
}

TEST(DecodeTunnel, GtpuNonIpPduStaysTheOuterFlow) {
  // A G-PDU whose payload starts with nibble 0 (e.g. an Ethernet PDU session).
  PacketView v;
  ASSERT_EQ(decode(outer_udp(2152, 2152).gtpu(1).payload(40, 0x00).build(), v), DropReason::none);
  expect_outer_udp(v, 2152, 2152);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_not_flow);
}

TEST(DecodeTunnel, TeredoWithOriginIndication) {
  FrameBuilder b = outer_udp(3544, 61000);
  b.teredo_origin();
  const Bytes frame = inner_udp6(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::teredo));
  EXPECT_EQ(v.wire_length, 14u + 20 + 8 + 8 + 68);
}

TEST(DecodeTunnel, TeredoWithAuthenticationAndOrigin) {
  FrameBuilder b = outer_udp(61000, 3544);
  b.teredo_authentication(3, 5).teredo_origin();
  PacketView v;
  ASSERT_EQ(decode(inner_udp6(b).build(), v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::teredo));
}

TEST(DecodeTunnel, TeredoPlain) {
  FrameBuilder b = outer_udp(61000, 3544);
  PacketView v;
  ASSERT_EQ(decode(inner_udp6(b).build(), v), DropReason::none);
  expect_inner_udp6(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::teredo));
}

TEST(DecodeTunnel, TeredoPortWithoutPlausibleIpv6IsOrdinaryUdp) {
  PacketView v;
  ASSERT_EQ(decode(outer_udp(61000, 3544).raw({0x12, 0x34, 0x01, 0x00}).payload(30).build(), v),
            DropReason::none);
  expect_outer_udp(v, 61000, 3544);
  EXPECT_EQ(v.notes, 0);
  // Version 6, but the payload length does not fit the UDP payload.
  FrameBuilder b = outer_udp(61000, 3544);
  b.ipv6("2001::1", "2001::2", kProtoUdp).ip_length_override(500).udp(1, 2);
  ASSERT_EQ(decode(b.build(), v), DropReason::none);
  expect_outer_udp(v, 61000, 3544);
  EXPECT_EQ(v.notes, 0);
}

// --- families switched off --------------------------------------------------

TEST(DecodeTunnel, FamiliesSwitchedOffDecodeTheOuterProtocol) {
  PacketView v;
  {
    FrameBuilder b = outer_ipv4(kIpip6);
    const Bytes frame = inner_udp6(b).build();
    const std::uint32_t families = tunnel_family::all & ~tunnel_family::ipip;
    ASSERT_EQ(decode(frame, v, {.options = with_tunnels(families)}), DropReason::none);
    EXPECT_EQ(v.protocol, kIpip6);
    EXPECT_EQ(v.src_port, 0);
    EXPECT_EQ(v.dst_port, 0);
    EXPECT_EQ(v.ip_length, 88u);
    EXPECT_EQ(v.tunnel, TunnelInfo{});
  }
  {
    FrameBuilder b = outer_udp(54321, 4789);
    b.vxlan(1).ethernet();
    const Bytes frame = inner_tcp4(b).build();
    ASSERT_EQ(decode(frame, v, {.options = with_tunnels(tunnel_family::gre)}), DropReason::none);
    expect_outer_udp(v, 54321, 4789);
    EXPECT_EQ(v.payload_length, 8u + 14 + 50);
    EXPECT_EQ(v.notes, 0);
  }
}

TEST(DecodeTunnel, EachFamilyControlsItsOwnKinds) {
  struct Case {
    const char* name;
    std::uint32_t family;
    Bytes frame;
    std::uint8_t outer_protocol;
  };
  auto build = [](FrameBuilder b) { return inner_tcp4(b).build(); };
  FrameBuilder gre = outer_ipv4(kGre);
  gre.gre(0x0800);
  FrameBuilder pptp = outer_ipv4(kGre);
  pptp.gre_pptp(1).ppp();
  FrameBuilder erspan = outer_ipv4(kGre);
  erspan.gre(0x88be).ethernet();
  FrameBuilder vxlan = outer_udp(1, 4789);
  vxlan.vxlan(1).ethernet();
  FrameBuilder geneve = outer_udp(1, 6081);
  geneve.geneve(1, 0x0800);
  FrameBuilder ipip = outer_ipv4(kIpip4);
  FrameBuilder gtpu = outer_udp(1, 2152);
  gtpu.gtpu(1);
  FrameBuilder teredo = outer_udp(1, 3544);
  const std::vector<Case> cases = {
      {"gre", tunnel_family::gre, build(gre), kGre},
      {"pptp", tunnel_family::gre, build(pptp), kGre},
      {"erspan", tunnel_family::erspan, build(erspan), kGre},
      {"vxlan", tunnel_family::vxlan, build(vxlan), kProtoUdp},
      {"geneve", tunnel_family::geneve, build(geneve), kProtoUdp},
      {"ipip", tunnel_family::ipip, build(ipip), kIpip4},
      {"gtpu", tunnel_family::gtpu, build(gtpu), kProtoUdp},
      {"teredo", tunnel_family::teredo, inner_udp6(teredo).build(), kProtoUdp},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    PacketView v;
    ASSERT_EQ(decode(c.frame, v, {.options = with_tunnels(c.family)}), DropReason::none);
    EXPECT_EQ(v.tunnel.depth, 1);
    ASSERT_EQ(decode(c.frame, v, {.options = with_tunnels(tunnel_family::all & ~c.family)}),
              DropReason::none);
    EXPECT_EQ(v.tunnel, TunnelInfo{});
    EXPECT_EQ(v.protocol, c.outer_protocol);
    EXPECT_EQ(v.notes, 0);
  }
}

// --- nesting and the depth limit ---------------------------------------------

TEST(DecodeTunnel, GreInsideVxlan) {
  FrameBuilder b = outer_udp(50000, 4789);
  b.vxlan(300).ethernet().ipv4("172.31.0.1", "172.31.0.2", kGre).gre(0x0800, 5);
  const Bytes frame = inner_tcp4(b).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::gre, 5, 2));
  EXPECT_EQ(v.wire_length, static_cast<std::uint32_t>(frame.size()));
}

FrameBuilder nested_ip_in_ip(int encapsulations) {
  FrameBuilder b;
  b.ethernet();
  for (int i = 0; i < encapsulations; ++i) {
    b.ipv4("192.0.2." + std::to_string(i + 1), "192.0.2.200", kIpip4);
  }
  return b;
}

TEST(DecodeTunnel, NestingUpToTheLimitIsDecoded) {
  FrameBuilder b = nested_ip_in_ip(Decoder::kMaxTunnelDepth);
  PacketView v;
  ASSERT_EQ(decode(inner_tcp4(b).build(), v), DropReason::none);
  expect_inner_tcp4(v);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::ip4_in_ip4, 0, Decoder::kMaxTunnelDepth));
  EXPECT_EQ(v.notes, 0);
}

TEST(DecodeTunnel, NestingBeyondTheLimitKeepsTheCurrentLayer) {
  FrameBuilder b = nested_ip_in_ip(Decoder::kMaxTunnelDepth + 1);
  PacketView v;
  ASSERT_EQ(decode(inner_tcp4(b).build(), v), DropReason::none);
  EXPECT_EQ(v.protocol, kIpip4);
  EXPECT_EQ(src(v), "192.0.2.5");
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::ip4_in_ip4, 0, Decoder::kMaxTunnelDepth));
  EXPECT_EQ(v.notes, decode_note::tunnel_depth_limit);
}

// --- fallback rule ------------------------------------------------------------

TEST(DecodeTunnel, VxlanPortWithGarbageIsTheOuterFlow) {
  const Bytes frame = outer_udp(54321, 4789).payload(40, 0x00).build();  // I flag clear
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_outer_udp(v, 54321, 4789);
  EXPECT_EQ(v.payload_length, 40u);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
}

TEST(DecodeTunnel, TruncatedTunnelHeadersFallBack) {
  PacketView v;
  ASSERT_EQ(decode(outer_udp(1, 4789).raw({0x08, 0, 0}).build(), v), DropReason::none);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
  ASSERT_EQ(decode(outer_ipv4(kGre).raw({0x20, 0x00, 0x08, 0x00, 0x00}).build(), v),
            DropReason::none);  // key announced, not present
  EXPECT_EQ(v.protocol, kGre);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
  ASSERT_EQ(decode(outer_udp(1, 6081).raw({0x02, 0, 0x65, 0x58, 0, 0, 1, 0}).build(), v),
            DropReason::none);  // 8 bytes of options announced, none present
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
}

TEST(DecodeTunnel, MalformedInnerPacketFallsBackToTheOuterFlow) {
  PacketView v;
  // VXLAN, inner Ethernet cut short.
  ASSERT_EQ(decode(outer_udp(1, 4789).vxlan(1).raw({1, 2, 3, 4, 5, 6, 7}).build(), v),
            DropReason::none);
  expect_outer_udp(v, 1, 4789);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
  // VXLAN, inner IPv4 with IHL 4.
  FrameBuilder bad_ihl = outer_udp(1, 4789);
  bad_ihl.vxlan(1).ethernet();
  Bytes frame = inner_tcp4(bad_ihl).build();
  frame[14 + 20 + 8 + 8 + 14] = 0x44;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_outer_udp(v, 1, 4789);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
  // IP protocol 4 announcing IPv4, carrying IPv6.
  FrameBuilder mismatch = outer_ipv4(kIpip4);
  ASSERT_EQ(decode(inner_udp6(mismatch).build(), v), DropReason::none);
  EXPECT_EQ(v.protocol, kIpip4);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
  // Inner TCP header truncated.
  ASSERT_EQ(decode(outer_ipv4(kIpip4).ipv4("1.1.1.1", "2.2.2.2", kProtoTcp).raw({0, 1}).build(), v),
            DropReason::none);
  EXPECT_EQ(src(v), "198.51.100.1");
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
}

TEST(DecodeTunnel, BrokenGreHeadersFallBack) {
  PacketView v;
  // Routing present (RFC 1701 source route).
  ASSERT_EQ(decode(outer_ipv4(kGre).raw({0x40, 0x00, 0x08, 0x00}).payload(30).build(), v),
            DropReason::none);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
  // Version 2.
  ASSERT_EQ(decode(outer_ipv4(kGre).raw({0x00, 0x02, 0x08, 0x00}).payload(30).build(), v),
            DropReason::none);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
  // Version 1 without the mandatory key.
  ASSERT_EQ(decode(outer_ipv4(kGre).raw({0x10, 0x01, 0x88, 0x0b}).payload(30).build(), v),
            DropReason::none);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
}

TEST(DecodeTunnel, GtpuMalformedHeadersFallBack) {
  PacketView v;
  // Version 2 (GTPv2-C on the GTP-U port).
  ASSERT_EQ(decode(outer_udp(2152, 2152).raw({0x48, 0xff, 0, 4, 0, 0, 0, 1}).payload(4).build(), v),
            DropReason::none);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
  // Extension header of length 0.
  ASSERT_EQ(decode(outer_udp(2152, 2152)
                       .raw({0x34, 0xff, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0x85, 0, 0, 0, 0})
                       .payload(20)
                       .build(),
                   v),
            DropReason::none);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
}

TEST(DecodeTunnel, FallbackKeepsTheLayerJustOutsideTheBrokenTunnel) {
  // 4in4 decoded, then VXLAN garbage inside: the flow is the inner UDP packet
  // of the 4in4 tunnel.
  const Bytes frame = outer_ipv4(kIpip4)
                          .ipv4("10.0.0.1", "10.0.0.2", kProtoUdp)
                          .udp(1000, 4789)
                          .payload(16, 0)
                          .build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(src(v), "10.0.0.1");
  EXPECT_EQ(v.dst_port, 4789);
  EXPECT_EQ(v.tunnel, tunnel(TunnelKind::ip4_in_ip4));
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_malformed);
}

TEST(DecodeTunnel, InnerArpStaysTheOuterFlow) {
  const Bytes frame = outer_udp(54321, 4789).vxlan(1).ethernet(0x0806).payload(28).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_outer_udp(v, 54321, 4789);
  EXPECT_EQ(v.tunnel.kind, TunnelKind::none);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_not_flow);
}

TEST(DecodeTunnel, InnerNonFirstFragmentStaysTheOuterFlow) {
  const Bytes frame = outer_ipv4(kGre)
                          .gre(0x0800)
                          .ipv4("10.9.0.1", "10.9.0.2", kProtoUdp, 0x0010)
                          .payload(40)
                          .build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.protocol, kGre);
  EXPECT_EQ(v.notes, decode_note::tunnel_inner_not_flow);
}

// --- lengths inside tunnels ----------------------------------------------------

TEST(DecodeTunnel, InnerLengthZeroUsesTheOuterDatagram) {
  FrameBuilder b = outer_ipv4(kGre);
  b.gre(0x0800).ipv4("10.9.0.1", "10.9.0.2", kProtoTcp).ip_length_override(0);
  b.tcp(33000, 80, tcp_flag::ack).payload(10);
  Bytes frame = b.build();
  frame.resize(frame.size() + 6, 0);  // trailer after the outer datagram
  frame[14 + 2] = 0;
  frame[14 + 3] = 20 + 4 + 50;  // outer total length covers GRE + inner only
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.ip_length, 50u);
  EXPECT_EQ(v.payload_length, 10u);
  EXPECT_EQ(v.captured_payload_length, 10u);
  EXPECT_EQ(v.notes, decode_note::ip_length_zero);
}

TEST(DecodeTunnel, InnerLengthBeyondTheOuterDatagramIsClamped) {
  FrameBuilder b = outer_ipv4(kIpip4);
  b.ipv4("10.9.0.1", "10.9.0.2", kProtoUdp).ip_length_override(900).udp(1, 2).payload(12);
  PacketView v;
  ASSERT_EQ(decode(b.build(), v), DropReason::none);
  EXPECT_EQ(v.ip_length, 40u);
  EXPECT_EQ(v.payload_length, 12u);
  EXPECT_EQ(v.notes, decode_note::ip_length_clamped);
}

TEST(DecodeTunnel, SnaplenTruncatedInnerPacket) {
  FrameBuilder b = outer_udp(54321, 4789);
  b.vxlan(1).ethernet().ipv4("10.9.0.1", "10.9.0.2", kProtoTcp).tcp(1, 2, 0).payload(1000);
  const Bytes frame = b.build();
  PacketView v;
  ASSERT_EQ(decode(frame, v, {.captured = 128}), DropReason::none);
  EXPECT_EQ(v.tunnel.kind, TunnelKind::vxlan);
  EXPECT_EQ(v.wire_length, static_cast<std::uint32_t>(frame.size()));
  EXPECT_EQ(v.captured_length, 128u);
  EXPECT_EQ(v.ip_length, 1040u);
  EXPECT_EQ(v.payload_length, 1000u);
  EXPECT_EQ(v.captured_payload_length, 128u - (14 + 20 + 8 + 8 + 14 + 40));
  EXPECT_EQ(v.notes, decode_note::snaplen_truncated);
}

}  // namespace
}  // namespace mld::decode::test
