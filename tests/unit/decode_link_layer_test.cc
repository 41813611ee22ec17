// Link layers: every supported pcap link type, VLAN/QinQ, MPLS, PPPoE, and
// the frames that are not IP.
#include <gtest/gtest.h>

#include "decode_test_support.h"

namespace mld::decode::test {
namespace {

using capture::LinkType;

// IPv4 TCP SYN 10.0.0.1:40000 -> 10.0.0.2:443, 40 bytes of IP.
FrameBuilder& add_tcp4(FrameBuilder& b) {
  return b.ipv4("10.0.0.1", "10.0.0.2", kProtoTcp).tcp(40000, 443, tcp_flag::syn);
}
// IPv6 UDP [2001:db8::1]:5353 -> [2001:db8::2]:53 with 4 payload bytes: 52 bytes of IP.
FrameBuilder& add_udp6(FrameBuilder& b) {
  return b.ipv6("2001:db8::1", "2001:db8::2", kProtoUdp).udp(5353, 53).payload(4);
}

void expect_tcp4(const PacketView& v) {
  EXPECT_EQ(v.ip_version, IpVersion::v4);
  EXPECT_EQ(src(v), "10.0.0.1");
  EXPECT_EQ(dst(v), "10.0.0.2");
  EXPECT_EQ(v.protocol, kProtoTcp);
  EXPECT_EQ(v.src_port, 40000);
  EXPECT_EQ(v.dst_port, 443);
  EXPECT_EQ(v.ip_length, 40u);
  EXPECT_EQ(v.l4_length, 20u);
  EXPECT_EQ(v.l4_header_length, 20);
  EXPECT_EQ(v.payload_length, 0u);
  EXPECT_EQ(v.tcp_flags, tcp_flag::syn);
  EXPECT_EQ(v.vlans.count, 0);
  EXPECT_EQ(v.tunnel, TunnelInfo{});
  EXPECT_EQ(v.notes, 0);
}

void expect_udp6(const PacketView& v) {
  EXPECT_EQ(v.ip_version, IpVersion::v6);
  EXPECT_EQ(src(v), "2001:db8::1");
  EXPECT_EQ(dst(v), "2001:db8::2");
  EXPECT_EQ(v.protocol, kProtoUdp);
  EXPECT_EQ(v.src_port, 5353);
  EXPECT_EQ(v.dst_port, 53);
  EXPECT_EQ(v.ip_length, 52u);
  EXPECT_EQ(v.l4_length, 12u);
  EXPECT_EQ(v.l4_header_length, 8);
  EXPECT_EQ(v.payload_length, 4u);
  EXPECT_EQ(v.captured_payload_length, 4u);
}

Bytes tcp4_after(FrameBuilder b) { return add_tcp4(b).build(); }
Bytes udp6_after(FrameBuilder b) { return add_udp6(b).build(); }

DropReason decode_as(std::uint16_t link_type, const Bytes& frame, PacketView& view) {
  return decode(frame, view, {.link_type = link_type});
}

TEST(DecodeLinkLayer, EthernetIpv4Tcp) {
  const Bytes frame = tcp4_after(FrameBuilder().ethernet());
  ASSERT_EQ(frame.size(), 54u);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_tcp4(v);
  EXPECT_EQ(v.wire_length, 54u);
  EXPECT_EQ(v.captured_length, 54u);
  EXPECT_EQ(v.timestamp, 1'700'000'000'000'000);
  EXPECT_EQ(v.input_index, 3);
  EXPECT_EQ(v.icmp_type, -1);
  EXPECT_EQ(v.icmp_code, -1);
  EXPECT_EQ(v.payload, nullptr);
  EXPECT_EQ(v.captured_payload_length, 0u);
}

TEST(DecodeLinkLayer, EthernetIpv6Udp) {
  const Bytes frame = udp6_after(FrameBuilder().ethernet(0x86dd));
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_udp6(v);
  ASSERT_NE(v.payload, nullptr);
  EXPECT_EQ(v.payload, frame.data() + 14 + 40 + 8);
}

TEST(DecodeLinkLayer, EthernetTypeDisagreesWithIpVersion) {
  PacketView v;
  EXPECT_EQ(decode(udp6_after(FrameBuilder().ethernet(0x0800)), v),
            DropReason::ip_version_mismatch);
  EXPECT_EQ(decode(tcp4_after(FrameBuilder().ethernet(0x86dd)), v),
            DropReason::ip_version_mismatch);
}

TEST(DecodeLinkLayer, EthernetHeaderTruncated) {
  const Bytes frame = FrameBuilder().ethernet().build();
  PacketView v;
  EXPECT_EQ(decode(frame, v, {.captured = 13}), DropReason::link_header_truncated);
  // A complete Ethernet header announcing IPv4 with nothing after it.
  EXPECT_EQ(decode(frame, v), DropReason::ipv4_header_truncated);
}

TEST(DecodeLinkLayer, EmptyAndInconsistentFrames) {
  const Bytes frame = tcp4_after(FrameBuilder().ethernet());
  PacketView v;
  capture::RawPacket raw;
  raw.data = frame.data();
  raw.captured_length = 0;
  raw.wire_length = 54;
  EXPECT_EQ(Decoder().decode(raw, v), DropReason::empty_frame);
  raw.captured_length = 54;
  raw.wire_length = 0;
  EXPECT_EQ(Decoder().decode(raw, v), DropReason::empty_frame);
  raw.wire_length = 53;  // corrupt record: read as its 53 original bytes, which cut TCP
  EXPECT_EQ(Decoder().decode(raw, v), DropReason::tcp_header_truncated);
  EXPECT_EQ(v.captured_length, 53u);
  raw.data = nullptr;
  raw.wire_length = 54;
  EXPECT_EQ(Decoder().decode(raw, v), DropReason::empty_frame);
}

TEST(DecodeLinkLayer, ArpAndOtherEtherTypesAreNotIp) {
  PacketView v;
  EXPECT_EQ(decode(FrameBuilder().ethernet(0x0806).payload(28, 0).build(), v), DropReason::not_ip);
  EXPECT_EQ(decode(FrameBuilder().ethernet(0x88cc).payload(30).build(), v),  // LLDP
            DropReason::not_ip);
  EXPECT_EQ(decode(FrameBuilder().ethernet(0x8863).payload(30).build(), v),  // PPPoE discovery
            DropReason::not_ip);
}

TEST(DecodeLinkLayer, Ieee8023LengthFrameIsNotIp) {
  // 802.3 + LLC (STP): the type field is a length (38 <= 1500), even though
  // the bytes after it could pass for IP.
  const Bytes frame = tcp4_after(FrameBuilder().ethernet(38));
  PacketView v;
  EXPECT_EQ(decode(frame, v), DropReason::not_ip);
  EXPECT_EQ(decode(tcp4_after(FrameBuilder().ethernet(1500)), v), DropReason::not_ip);
}

TEST(DecodeLinkLayer, QinQThreeTagsWithMixedTpids) {
  const Bytes frame =
      tcp4_after(FrameBuilder().ethernet().vlan(100, 0x88a8).vlan(200, 0x9100).vlan(300, 0x8100));
  ASSERT_EQ(frame.size(), 14u + 12 + 40);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  ASSERT_EQ(v.vlans.count, 3);
  EXPECT_EQ(v.vlans.ids[0], 100);
  EXPECT_EQ(v.vlans.ids[1], 200);
  EXPECT_EQ(v.vlans.ids[2], 300);
  EXPECT_EQ(v.ip_length, 40u);
  EXPECT_EQ(v.src_port, 40000);
}

TEST(DecodeLinkLayer, VlanPriorityBitsAreNotPartOfTheId) {
  Bytes frame = tcp4_after(FrameBuilder().ethernet().vlan(42));
  frame[14] |= 0xe0;  // PCP 7
  frame[14] |= 0x10;  // DEI
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  ASSERT_EQ(v.vlans.count, 1);
  EXPECT_EQ(v.vlans.ids[0], 42);
}

TEST(DecodeLinkLayer, DeepVlanStackKeepsTheOuterFour) {
  FrameBuilder b;
  b.ethernet();
  for (std::uint16_t id = 1; id <= 6; ++id) b.vlan(id);
  const Bytes frame = tcp4_after(b);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  ASSERT_EQ(v.vlans.count, VlanStack::kMaxVlans);
  EXPECT_EQ(v.vlans.ids[0], 1);
  EXPECT_EQ(v.vlans.ids[3], 4);
  EXPECT_EQ(v.src_port, 40000);
}

TEST(DecodeLinkLayer, VlanTagTruncated) {
  const Bytes frame = tcp4_after(FrameBuilder().ethernet().vlan(5));
  PacketView v;
  EXPECT_EQ(decode(frame, v, {.captured = 16}), DropReason::link_header_truncated);
}

TEST(DecodeLinkLayer, VlanThenArpIsNotIp) {
  PacketView v;
  EXPECT_EQ(decode(FrameBuilder().ethernet().vlan(5, 0x8100, 0x0806).payload(28).build(), v),
            DropReason::not_ip);
  EXPECT_EQ(v.vlans.count, 1);
}

TEST(DecodeLinkLayer, MplsTwoLabels) {
  const Bytes frame = tcp4_after(FrameBuilder().ethernet(0x8847).mpls(100, false).mpls(200, true));
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_tcp4(v);
}

TEST(DecodeLinkLayer, MplsMulticastIpv6) {
  const Bytes frame = udp6_after(FrameBuilder().ethernet(0x8848).mpls(16, true));
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  expect_udp6(v);
}

TEST(DecodeLinkLayer, MplsPseudowireControlWordIsNotIp) {
  // Control word 0x00000000 then an Ethernet frame: nibble 0.
  const Bytes frame =
      tcp4_after(FrameBuilder().ethernet(0x8847).mpls(100, true).raw({0, 0, 0, 0}).ethernet());
  PacketView v;
  EXPECT_EQ(decode(frame, v), DropReason::not_ip);
}

TEST(DecodeLinkLayer, MplsTruncated) {
  const Bytes frame = tcp4_after(FrameBuilder().ethernet(0x8847).mpls(1, false).mpls(2, true));
  PacketView v;
  EXPECT_EQ(decode(frame, v, {.captured = 20}), DropReason::link_header_truncated);
  // Label stack complete, nothing after it: no version nibble to decide on.
  EXPECT_EQ(decode(frame, v, {.captured = 22}), DropReason::link_header_truncated);
  const Bytes no_bottom = FrameBuilder().ethernet(0x8847).mpls(1, false).mpls(2, false).build();
  EXPECT_EQ(decode(no_bottom, v), DropReason::link_header_truncated);
}

TEST(DecodeLinkLayer, PppoeSession) {
  PacketView v;
  ASSERT_EQ(decode(tcp4_after(FrameBuilder().ethernet(0x8864).pppoe_session(0x0021)), v),
            DropReason::none);
  expect_tcp4(v);
  ASSERT_EQ(decode(udp6_after(FrameBuilder().ethernet(0x8864).pppoe_session(0x0057)), v),
            DropReason::none);
  expect_udp6(v);
}

TEST(DecodeLinkLayer, PppoeSessionOtherThanIp) {
  PacketView v;
  EXPECT_EQ(decode(FrameBuilder().ethernet(0x8864).pppoe_session(0xc021).payload(10).build(), v),
            DropReason::not_ip);  // LCP
  const Bytes frame = tcp4_after(FrameBuilder().ethernet(0x8864).pppoe_session(0x0021));
  EXPECT_EQ(decode(frame, v, {.captured = 21}), DropReason::link_header_truncated);
}

TEST(DecodeLinkLayer, VlanThenPppoe) {
  const Bytes frame =
      tcp4_after(FrameBuilder().ethernet().vlan(7, 0x8100, 0x8864).pppoe_session(0x0021));
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.vlans.count, 1);
  EXPECT_EQ(v.src_port, 40000);
}

TEST(DecodeLinkLayer, LinuxSll) {
  PacketView v;
  const Bytes frame = tcp4_after(FrameBuilder().linux_sll(0x0800));
  ASSERT_EQ(frame.size(), 56u);
  ASSERT_EQ(decode_as(capture::kLinkLinuxSll, frame, v), DropReason::none);
  expect_tcp4(v);
  ASSERT_EQ(decode_as(capture::kLinkLinuxSll, udp6_after(FrameBuilder().linux_sll(0x86dd)), v),
            DropReason::none);
  expect_udp6(v);
}

TEST(DecodeLinkLayer, LinuxSllWithVlanTag) {
  const Bytes frame = tcp4_after(FrameBuilder().linux_sll().vlan(33));
  PacketView v;
  ASSERT_EQ(decode_as(capture::kLinkLinuxSll, frame, v), DropReason::none);
  ASSERT_EQ(v.vlans.count, 1);
  EXPECT_EQ(v.vlans.ids[0], 33);
  EXPECT_EQ(v.ip_length, 40u);
}

TEST(DecodeLinkLayer, LinuxSllNotIpAndTruncated) {
  PacketView v;
  EXPECT_EQ(
      decode_as(capture::kLinkLinuxSll, FrameBuilder().linux_sll(0x0806).payload(28).build(), v),
      DropReason::not_ip);
  // Protocol 0x0004: 802.2 LLC frame.
  EXPECT_EQ(
      decode_as(capture::kLinkLinuxSll, FrameBuilder().linux_sll(0x0004).payload(28).build(), v),
      DropReason::not_ip);
  const Bytes frame = tcp4_after(FrameBuilder().linux_sll());
  EXPECT_EQ(decode(frame, v, {.link_type = capture::kLinkLinuxSll, .captured = 15}),
            DropReason::link_header_truncated);
}

TEST(DecodeLinkLayer, LinuxSll2) {
  PacketView v;
  const Bytes frame = tcp4_after(FrameBuilder().linux_sll2(0x0800));
  ASSERT_EQ(frame.size(), 60u);
  ASSERT_EQ(decode_as(capture::kLinkLinuxSll2, frame, v), DropReason::none);
  expect_tcp4(v);
  ASSERT_EQ(decode_as(capture::kLinkLinuxSll2, udp6_after(FrameBuilder().linux_sll2(0x86dd)), v),
            DropReason::none);
  expect_udp6(v);
  EXPECT_EQ(decode(frame, v, {.link_type = capture::kLinkLinuxSll2, .captured = 19}),
            DropReason::link_header_truncated);
}

TEST(DecodeLinkLayer, LinuxSll2WithVlanTag) {
  const Bytes frame = tcp4_after(FrameBuilder().linux_sll2(0x8100).raw({0x00, 0x0c, 0x08, 0x00}));
  PacketView v;
  ASSERT_EQ(decode_as(capture::kLinkLinuxSll2, frame, v), DropReason::none);
  ASSERT_EQ(v.vlans.count, 1);
  EXPECT_EQ(v.vlans.ids[0], 12);
}

TEST(DecodeLinkLayer, RawIpByVersionNibble) {
  PacketView v;
  for (std::uint16_t link : {capture::kLinkRaw, capture::kLinkRawBsd12, capture::kLinkRawBsd14}) {
    SCOPED_TRACE(link);
    ASSERT_EQ(decode_as(link, tcp4_after(FrameBuilder()), v), DropReason::none);
    expect_tcp4(v);
    EXPECT_EQ(v.wire_length, 40u);
    ASSERT_EQ(decode_as(link, udp6_after(FrameBuilder()), v), DropReason::none);
    expect_udp6(v);
    EXPECT_EQ(decode_as(link, FrameBuilder().raw({0x50, 0, 0, 0}).build(), v), DropReason::not_ip);
  }
}

TEST(DecodeLinkLayer, RawIpv4AndIpv6LinkTypes) {
  PacketView v;
  ASSERT_EQ(decode_as(capture::kLinkIpv4, tcp4_after(FrameBuilder()), v), DropReason::none);
  expect_tcp4(v);
  ASSERT_EQ(decode_as(capture::kLinkIpv6, udp6_after(FrameBuilder()), v), DropReason::none);
  expect_udp6(v);
  EXPECT_EQ(decode_as(capture::kLinkIpv4, udp6_after(FrameBuilder()), v),
            DropReason::ip_version_mismatch);
  EXPECT_EQ(decode_as(capture::kLinkIpv6, tcp4_after(FrameBuilder()), v),
            DropReason::ip_version_mismatch);
  EXPECT_EQ(decode_as(capture::kLinkIpv4, FrameBuilder().raw({0x45, 0, 0}).build(), v),
            DropReason::ipv4_header_truncated);
  EXPECT_EQ(decode_as(capture::kLinkIpv6, FrameBuilder().raw({0x60, 0, 0}).build(), v),
            DropReason::ipv6_header_truncated);
}

TEST(DecodeLinkLayer, NullAcceptsEitherByteOrder) {
  PacketView v;
  // Family in the capturing host's byte order: little-endian AF_INET ...
  ASSERT_EQ(decode_as(capture::kLinkNull, tcp4_after(FrameBuilder().raw({2, 0, 0, 0})), v),
            DropReason::none);
  expect_tcp4(v);
  // ... big-endian AF_INET ...
  ASSERT_EQ(decode_as(capture::kLinkNull, tcp4_after(FrameBuilder().raw({0, 0, 0, 2})), v),
            DropReason::none);
  expect_tcp4(v);
  // ... and the BSD AF_INET6 values 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (Darwin).
  ASSERT_EQ(decode_as(capture::kLinkNull, udp6_after(FrameBuilder().raw({30, 0, 0, 0})), v),
            DropReason::none);
  expect_udp6(v);
  ASSERT_EQ(decode_as(capture::kLinkNull, udp6_after(FrameBuilder().raw({0, 0, 0, 24})), v),
            DropReason::none);
  expect_udp6(v);
  ASSERT_EQ(decode_as(capture::kLinkNull, udp6_after(FrameBuilder().raw({28, 0, 0, 0})), v),
            DropReason::none);
}

TEST(DecodeLinkLayer, NullOtherFamiliesAndTruncation) {
  PacketView v;
  EXPECT_EQ(decode_as(capture::kLinkNull, tcp4_after(FrameBuilder().raw({7, 0, 0, 0})), v),
            DropReason::not_ip);
  EXPECT_EQ(decode_as(capture::kLinkNull, FrameBuilder().raw({2, 0, 0}).build(), v),
            DropReason::link_header_truncated);
  EXPECT_EQ(decode_as(capture::kLinkNull, FrameBuilder().raw({2, 0, 0, 0}).build(), v),
            DropReason::link_header_truncated);
}

TEST(DecodeLinkLayer, LoopIsNetworkOrderOnly) {
  PacketView v;
  ASSERT_EQ(decode_as(capture::kLinkLoop, tcp4_after(FrameBuilder().raw({0, 0, 0, 2})), v),
            DropReason::none);
  expect_tcp4(v);
  ASSERT_EQ(decode_as(capture::kLinkLoop, udp6_after(FrameBuilder().raw({0, 0, 0, 24})), v),
            DropReason::none);
  expect_udp6(v);
  EXPECT_EQ(decode_as(capture::kLinkLoop, tcp4_after(FrameBuilder().raw({2, 0, 0, 0})), v),
            DropReason::not_ip);
}

TEST(DecodeLinkLayer, PppVariants) {
  PacketView v;
  for (std::uint16_t link : {capture::kLinkPpp, capture::kLinkPppSerial}) {
    SCOPED_TRACE(link);
    ASSERT_EQ(decode_as(link, tcp4_after(FrameBuilder().ppp(0x0021, true, false)), v),
              DropReason::none);
    expect_tcp4(v);
    ASSERT_EQ(decode_as(link, tcp4_after(FrameBuilder().ppp(0x0021, false, false)), v),
              DropReason::none);
    expect_tcp4(v);
    ASSERT_EQ(decode_as(link, tcp4_after(FrameBuilder().ppp(0x21, true, true)), v),
              DropReason::none);
    expect_tcp4(v);
    ASSERT_EQ(decode_as(link, tcp4_after(FrameBuilder().ppp(0x21, false, true)), v),
              DropReason::none);
    expect_tcp4(v);
    ASSERT_EQ(decode_as(link, udp6_after(FrameBuilder().ppp(0x0057, true, false)), v),
              DropReason::none);
    expect_udp6(v);
    ASSERT_EQ(decode_as(link, udp6_after(FrameBuilder().ppp(0x57, false, true)), v),
              DropReason::none);
    expect_udp6(v);
  }
}

TEST(DecodeLinkLayer, PppOtherProtocolsAndTruncation) {
  PacketView v;
  EXPECT_EQ(decode_as(capture::kLinkPpp, FrameBuilder().ppp(0xc021).payload(8).build(), v),
            DropReason::not_ip);  // LCP
  EXPECT_EQ(decode_as(capture::kLinkPpp, FrameBuilder().ppp(0x8021).payload(8).build(), v),
            DropReason::not_ip);  // IPCP
  EXPECT_EQ(decode_as(capture::kLinkPpp, FrameBuilder().raw({0xff, 0x03}).build(), v),
            DropReason::link_header_truncated);
  EXPECT_EQ(decode_as(capture::kLinkPpp, FrameBuilder().raw({0xff, 0x03, 0x00}).build(), v),
            DropReason::link_header_truncated);
  // PPP announcing IPv4 that carries IPv6.
  EXPECT_EQ(decode_as(capture::kLinkPpp, udp6_after(FrameBuilder().ppp(0x0021)), v),
            DropReason::ip_version_mismatch);
}

TEST(DecodeLinkLayer, PppSerialCarryingCiscoHdlc) {
  PacketView v;
  ASSERT_EQ(decode_as(capture::kLinkPppSerial,
                      tcp4_after(FrameBuilder().raw({0x0f, 0x00, 0x08, 0x00})), v),
            DropReason::none);
  expect_tcp4(v);
}

TEST(DecodeLinkLayer, CiscoHdlc) {
  PacketView v;
  ASSERT_EQ(decode_as(capture::kLinkCiscoHdlc,
                      tcp4_after(FrameBuilder().raw({0x0f, 0x00, 0x08, 0x00})), v),
            DropReason::none);
  expect_tcp4(v);
  ASSERT_EQ(decode_as(capture::kLinkCiscoHdlc,
                      udp6_after(FrameBuilder().raw({0x8f, 0x00, 0x86, 0xdd})), v),
            DropReason::none);
  expect_udp6(v);
  // SLARP keepalive.
  EXPECT_EQ(decode_as(capture::kLinkCiscoHdlc,
                      FrameBuilder().raw({0x8f, 0x00, 0x80, 0x35}).payload(20).build(), v),
            DropReason::not_ip);
  EXPECT_EQ(decode_as(capture::kLinkCiscoHdlc, FrameBuilder().raw({0x0f, 0x00, 0x08}).build(), v),
            DropReason::link_header_truncated);
}

TEST(DecodeLinkLayer, UnsupportedLinkTypes) {
  const Bytes frame = tcp4_after(FrameBuilder().ethernet());
  PacketView v;
  for (std::uint16_t link : {147, 163, 65535}) {  // user0, AVS 802.11, ...
    EXPECT_EQ(decode_as(link, frame, v), DropReason::unsupported_link_type) << link;
  }
}

// An 802.11 data frame header: frame control (type data), duration, three
// addresses, sequence control; `qos` adds the QoS control field, `four_addr`
// (ToDS and FromDS) the fourth address.
FrameBuilder& wifi_data(FrameBuilder& b, bool qos, bool four_addr, std::uint8_t extra_flags = 0) {
  const std::uint8_t subtype = qos ? 0x8 : 0x0;
  b.raw({static_cast<std::uint8_t>(subtype << 4 | 2 << 2),
         static_cast<std::uint8_t>((four_addr ? 0x03 : 0x01) | extra_flags)});
  b.payload(2 + 18 + 2, 0x11);  // duration, addresses 1-3, sequence control
  if (four_addr) b.payload(6, 0x22);
  if (qos) b.payload(2, 0x00);
  return b.raw({0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00});  // LLC/SNAP, IPv4
}

TEST(DecodeLinkLayer, Ieee80211DataFramesUseTheirLlcSnapEtherType) {
  PacketView v;
  for (bool qos : {false, true}) {
    for (bool four_addr : {false, true}) {
      FrameBuilder b;
      ASSERT_EQ(decode_as(capture::kLinkIeee80211, tcp4_after(wifi_data(b, qos, four_addr)), v),
                DropReason::none)
          << qos << four_addr;
      expect_tcp4(v);
    }
  }
  FrameBuilder beacon;
  beacon.raw({0x80, 0x00}).payload(40);  // management frame
  EXPECT_EQ(decode_as(capture::kLinkIeee80211, beacon.build(), v), DropReason::not_ip);
  FrameBuilder protected_frame;
  EXPECT_EQ(decode_as(capture::kLinkIeee80211,
                      tcp4_after(wifi_data(protected_frame, true, false, /*protected=*/0x40)), v),
            DropReason::not_ip);
  FrameBuilder short_frame;
  short_frame.raw({0x08, 0x01}).payload(10);
  EXPECT_EQ(decode_as(capture::kLinkIeee80211, short_frame.build(), v),
            DropReason::link_header_truncated);
}

TEST(DecodeLinkLayer, RadiotapAndPpiWrapTheirFrames) {
  PacketView v;
  // Radiotap: version 0, pad, length 12 (little-endian), present flags, 4 bytes of fields.
  FrameBuilder radiotap;
  radiotap.raw({0x00, 0x00, 0x0c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00});
  ASSERT_EQ(decode_as(capture::kLinkRadiotap, tcp4_after(wifi_data(radiotap, true, false)), v),
            DropReason::none);
  expect_tcp4(v);
  // PPI: version 0, flags 0, length 8, DLT 1 (Ethernet), all little-endian.
  FrameBuilder ppi;
  ppi.raw({0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00}).ethernet();
  ASSERT_EQ(decode_as(capture::kLinkPpi, tcp4_after(ppi), v), DropReason::none);
  expect_tcp4(v);
  FrameBuilder ppi_other;
  ppi_other.raw({0x00, 0x00, 0x08, 0x00, 0x93, 0x00, 0x00, 0x00}).ethernet();
  EXPECT_EQ(decode_as(capture::kLinkPpi, tcp4_after(ppi_other), v),
            DropReason::unsupported_link_type);
}

}  // namespace
}  // namespace mld::decode::test
