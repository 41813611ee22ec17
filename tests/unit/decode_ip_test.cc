// IP layer (spec 1.2, 1.3): header checks, the length rules (TSO, clamp,
// snaplen, padding), fragments, IPv6 extension headers.
#include <gtest/gtest.h>

#include "decode_test_support.h"

namespace mld::decode::test {
namespace {

constexpr std::uint8_t kOspf = 89;

FrameBuilder eth_ipv4(std::uint8_t protocol, std::uint16_t fragment = 0, std::size_t options = 0) {
  FrameBuilder b;
  b.ethernet().ipv4("192.168.1.10", "192.168.1.20", protocol, fragment, options);
  return b;
}

FrameBuilder eth_ipv6(std::uint8_t next_header) {
  FrameBuilder b;
  b.ethernet(0x86dd).ipv6("fe80::1", "fe80::2", next_header);
  return b;
}

TEST(DecodeIpv4, OptionsAreSkippedViaIhl) {
  const Bytes frame =
      eth_ipv4(kProtoTcp, 0, 8).tcp(1025, 22, tcp_flag::ack | tcp_flag::psh).payload(6).build();
  ASSERT_EQ(frame.size(), 68u);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(src(v), "192.168.1.10");
  EXPECT_EQ(dst(v), "192.168.1.20");
  EXPECT_EQ(v.ip_length, 54u);
  EXPECT_EQ(v.l4_length, 26u);
  EXPECT_EQ(v.src_port, 1025);
  EXPECT_EQ(v.dst_port, 22);
  EXPECT_EQ(v.payload_length, 6u);
  EXPECT_EQ(v.payload, frame.data() + 14 + 28 + 20);
}

TEST(DecodeIpv4, TotalLengthZeroUsesTheOriginalFrame) {
  // TCP segmentation offload: the sender's NIC fills the length in later.
  const Bytes frame =
      eth_ipv4(kProtoTcp).ip_length_override(0).tcp(1, 2, tcp_flag::ack).payload(100).build();
  ASSERT_EQ(frame.size(), 154u);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.ip_length, 140u);
  EXPECT_EQ(v.l4_length, 120u);
  EXPECT_EQ(v.payload_length, 100u);
  EXPECT_EQ(v.captured_payload_length, 100u);
  EXPECT_EQ(v.notes, decode_note::ip_length_zero);

  // Original (wire) bytes count, not captured ones.
  ASSERT_EQ(decode(frame, v, {.wire_length = 2014}), DropReason::none);
  EXPECT_EQ(v.ip_length, 2000u);
  EXPECT_EQ(v.payload_length, 1960u);
  EXPECT_EQ(v.captured_payload_length, 100u);
  EXPECT_EQ(v.notes, decode_note::ip_length_zero | decode_note::snaplen_truncated);
}

TEST(DecodeIpv4, TotalLengthBeyondTheFrameIsClamped) {
  const Bytes frame =
      eth_ipv4(kProtoTcp).ip_length_override(1000).tcp(1, 2, tcp_flag::ack).payload(10).build();
  ASSERT_EQ(frame.size(), 64u);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.ip_length, 50u);
  EXPECT_EQ(v.payload_length, 10u);
  EXPECT_EQ(v.notes, decode_note::ip_length_clamped);

  ASSERT_EQ(decode(frame, v, {.wire_length = 500}), DropReason::none);
  EXPECT_EQ(v.ip_length, 486u);
  EXPECT_EQ(v.payload_length, 446u);
  EXPECT_EQ(v.captured_payload_length, 10u);
  EXPECT_EQ(v.notes, decode_note::ip_length_clamped | decode_note::snaplen_truncated);
}

TEST(DecodeIpv4, BadHeaders) {
  PacketView v;
  EXPECT_EQ(decode(eth_ipv4(kProtoTcp).ip_length_override(19).tcp(1, 2, 0).build(), v),
            DropReason::ipv4_bad_header);  // total length < IHL*4
  EXPECT_EQ(decode(eth_ipv4(kProtoTcp, 0, 4).ip_length_override(20).tcp(1, 2, 0).build(), v),
            DropReason::ipv4_bad_header);  // IHL 6: 24 > 20

  Bytes ihl4 = eth_ipv4(kProtoTcp).tcp(1, 2, 0).build();
  ihl4[14] = 0x44;
  EXPECT_EQ(decode(ihl4, v), DropReason::ipv4_bad_header);
}

TEST(DecodeIpv4, HeaderTruncated) {
  const Bytes frame = eth_ipv4(kProtoTcp).tcp(1, 2, 0).build();
  PacketView v;
  EXPECT_EQ(decode(frame, v, {.captured = 14 + 19}), DropReason::ipv4_header_truncated);
  // IHL 15 announces 60 bytes of header, the frame has 40 bytes of IP.
  Bytes long_ihl = frame;
  long_ihl[14] = 0x4f;
  EXPECT_EQ(decode(long_ihl, v), DropReason::ipv4_header_truncated);
  // Options present but cut by the snaplen.
  const Bytes options = eth_ipv4(kProtoTcp, 0, 12).tcp(1, 2, 0).build();
  EXPECT_EQ(decode(options, v, {.captured = 14 + 30}), DropReason::ipv4_header_truncated);
}

TEST(DecodeIpv4, SnaplenTruncatedTcpKeepsItsTrueLength) {
  const Bytes frame = eth_ipv4(kProtoTcp).tcp(80, 50000, tcp_flag::ack).payload(1000).build();
  ASSERT_EQ(frame.size(), 1054u);
  PacketView v;
  ASSERT_EQ(decode(frame, v, {.captured = 100}), DropReason::none);
  EXPECT_EQ(v.wire_length, 1054u);
  EXPECT_EQ(v.captured_length, 100u);
  EXPECT_EQ(v.ip_length, 1040u);
  EXPECT_EQ(v.l4_length, 1020u);
  EXPECT_EQ(v.payload_length, 1000u);
  EXPECT_EQ(v.captured_payload_length, 46u);
  EXPECT_EQ(v.payload, frame.data() + 54);
  EXPECT_EQ(v.notes, decode_note::snaplen_truncated);

  // Cut exactly after the TCP header: no payload captured.
  ASSERT_EQ(decode(frame, v, {.captured = 54}), DropReason::none);
  EXPECT_EQ(v.payload_length, 1000u);
  EXPECT_EQ(v.payload, nullptr);
  EXPECT_EQ(v.captured_payload_length, 0u);
}

TEST(DecodeIpv4, EthernetPaddingIsNeverPayload) {
  Bytes udp = eth_ipv4(kProtoUdp).udp(5000, 5001).payload(2).build();
  ASSERT_EQ(udp.size(), 44u);
  udp.resize(60, 0);  // minimum Ethernet frame
  PacketView v;
  ASSERT_EQ(decode(udp, v), DropReason::none);
  EXPECT_EQ(v.ip_length, 30u);
  EXPECT_EQ(v.payload_length, 2u);
  EXPECT_EQ(v.captured_payload_length, 2u);
  EXPECT_EQ(v.notes, 0);

  Bytes tcp = FrameBuilder()
                  .ethernet()
                  .vlan(9)
                  .ipv4("1.1.1.1", "2.2.2.2", kProtoTcp)
                  .tcp(1, 2, tcp_flag::ack)
                  .build();
  ASSERT_EQ(tcp.size(), 58u);
  tcp.resize(64, 0);
  ASSERT_EQ(decode(tcp, v), DropReason::none);
  EXPECT_EQ(v.ip_length, 40u);
  EXPECT_EQ(v.payload_length, 0u);
  EXPECT_EQ(v.payload, nullptr);
  EXPECT_EQ(v.captured_payload_length, 0u);
}

TEST(DecodeIpv4, Fragments) {
  PacketView v;
  EXPECT_EQ(decode(eth_ipv4(kProtoUdp, 0x00b9).payload(40).build(), v),
            DropReason::non_first_fragment);  // offset 185, last fragment
  EXPECT_EQ(decode(eth_ipv4(kProtoUdp, 0x2001).payload(40).build(), v),
            DropReason::non_first_fragment);  // offset 1, more to come

  const Bytes first = eth_ipv4(kProtoUdp, 0x2000).udp(1000, 53).payload(100).build();
  ASSERT_EQ(decode(first, v), DropReason::none);
  EXPECT_EQ(v.notes, decode_note::first_fragment);
  EXPECT_EQ(v.dst_port, 53);
  EXPECT_EQ(v.ip_length, 128u);
  EXPECT_EQ(v.payload_length, 100u);

  ASSERT_EQ(decode(eth_ipv4(kProtoUdp, 0x4000).udp(1000, 53).build(), v), DropReason::none);
  EXPECT_EQ(v.notes, 0);  // DF alone is not a fragment
}

TEST(DecodeIpv4, OtherProtocolWithHeaderOnlyDatagram) {
  Bytes frame = eth_ipv4(kOspf).build();
  frame.resize(60, 0);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.protocol, kOspf);
  EXPECT_EQ(v.ip_length, 20u);
  EXPECT_EQ(v.l4_length, 0u);
}

TEST(DecodeIpv4, TransportHeaderBeyondTheDatagramCountsButAddsNoLength) {
  // Total length 20: the TCP header lies beyond the datagram, but it was
  // captured, which is all spec 1.2 asks; its lengths stay those of the IP header.
  const Bytes frame = eth_ipv4(kProtoTcp).ip_length_override(20).tcp(1, 2, 0).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.src_port, 1);
  EXPECT_EQ(v.l4_length, 0u);
  EXPECT_EQ(v.payload_length, 0u);
  EXPECT_EQ(v.payload, nullptr);
}

TEST(DecodeIpv6, ExtensionHeaderChain) {
  // HBH (8) -> Routing (8) -> Destination (16) -> AH (24) -> TCP.
  const Bytes frame = eth_ipv6(0)
                          .ipv6_extension(43, 0)
                          .ipv6_extension(60, 0)
                          .ipv6_extension(51, 1)
                          .raw({kProtoTcp, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1})
                          .payload(12, 0)  // ICV
                          .tcp(443, 50000, tcp_flag::ack)
                          .payload(5)
                          .build();
  ASSERT_EQ(frame.size(), 14u + 121);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.ip_version, IpVersion::v6);
  EXPECT_EQ(src(v), "fe80::1");
  EXPECT_EQ(v.protocol, kProtoTcp);
  EXPECT_EQ(v.ip_length, 121u);
  EXPECT_EQ(v.l4_length, 25u);
  EXPECT_EQ(v.src_port, 443);
  EXPECT_EQ(v.payload_length, 5u);
  EXPECT_EQ(v.payload, frame.data() + 14 + 40 + 56 + 20);
}

TEST(DecodeIpv6, MobilityHipShim6AndExperimentalHeadersAreWalked) {
  const Bytes frame = eth_ipv6(135)
                          .ipv6_extension(139, 0)
                          .ipv6_extension(140, 0)
                          .ipv6_extension(253, 0)
                          .ipv6_extension(254, 0)
                          .ipv6_extension(kProtoUdp, 0)
                          .udp(1, 2)
                          .build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.protocol, kProtoUdp);
  EXPECT_EQ(v.l4_length, 8u);
  EXPECT_EQ(v.dst_port, 2);
}

TEST(DecodeIpv6, Fragments) {
  PacketView v;
  const Bytes first =
      eth_ipv6(44).ipv6_fragment(kProtoUdp, 0, true).udp(1000, 53).payload(100).build();
  ASSERT_EQ(decode(first, v), DropReason::none);
  EXPECT_EQ(v.notes, decode_note::first_fragment);
  EXPECT_EQ(v.protocol, kProtoUdp);
  EXPECT_EQ(v.ip_length, 156u);
  EXPECT_EQ(v.l4_length, 108u);
  EXPECT_EQ(v.payload_length, 100u);

  EXPECT_EQ(decode(eth_ipv6(44).ipv6_fragment(kProtoUdp, 100, false).payload(50).build(), v),
            DropReason::non_first_fragment);
  EXPECT_EQ(decode(eth_ipv6(44).ipv6_fragment(kProtoUdp, 1, true).payload(50).build(), v),
            DropReason::non_first_fragment);

  // Atomic fragment (offset 0, M clear): an ordinary packet.
  ASSERT_EQ(decode(eth_ipv6(44).ipv6_fragment(kProtoUdp, 0, false).udp(1, 2).build(), v),
            DropReason::none);
  EXPECT_EQ(v.notes, 0);
}

TEST(DecodeIpv6, ExtensionTruncated) {
  const Bytes frame = eth_ipv6(0).ipv6_extension(kProtoTcp, 2).tcp(1, 2, 0).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(decode(frame, v, {.captured = 14 + 40 + 1}), DropReason::ipv6_extension_truncated);
  EXPECT_EQ(decode(frame, v, {.captured = 14 + 40 + 10}), DropReason::ipv6_extension_truncated);
  // The header is captured but lies beyond the datagram (payload length 8).
  const Bytes beyond =
      eth_ipv6(0).ipv6_extension(kProtoTcp, 1).ip_length_override(8).tcp(1, 2, 0).build();
  EXPECT_EQ(decode(beyond, v), DropReason::ipv6_extension_truncated);
}

TEST(DecodeIpv6, HostileExtensionChainIsBounded) {
  auto chain = [](int headers) {
    FrameBuilder b = eth_ipv6(60);
    for (int i = 1; i < headers; ++i) b.ipv6_extension(60, 0);
    return b.ipv6_extension(kProtoUdp, 0).udp(1, 2).build();
  };
  PacketView v;
  ASSERT_EQ(decode(chain(16), v), DropReason::none);
  EXPECT_EQ(v.l4_length, 8u);
  EXPECT_EQ(decode(chain(17), v), DropReason::ipv6_extension_truncated);
}

TEST(DecodeIpv6, HeaderTruncated) {
  const Bytes frame = eth_ipv6(kProtoUdp).udp(1, 2).build();
  PacketView v;
  EXPECT_EQ(decode(frame, v, {.captured = 14 + 39}), DropReason::ipv6_header_truncated);
}

TEST(DecodeIpv6, PayloadLengthZeroAndClamp) {
  const Bytes zero = eth_ipv6(kProtoUdp).ip_length_override(0).udp(1, 2).payload(30).build();
  PacketView v;
  ASSERT_EQ(decode(zero, v), DropReason::none);
  EXPECT_EQ(v.ip_length, 78u);
  EXPECT_EQ(v.payload_length, 30u);
  EXPECT_EQ(v.notes, decode_note::ip_length_zero);

  const Bytes big = eth_ipv6(kProtoUdp).ip_length_override(4000).udp(1, 2).payload(30).build();
  ASSERT_EQ(decode(big, v), DropReason::none);
  EXPECT_EQ(v.ip_length, 78u);
  EXPECT_EQ(v.notes, decode_note::ip_length_clamped);
}

TEST(DecodeIpv6, EspAndNoNextHeaderAreProtocols) {
  PacketView v;
  ASSERT_EQ(decode(eth_ipv6(50).payload(20).build(), v), DropReason::none);
  EXPECT_EQ(v.protocol, 50);
  EXPECT_EQ(v.l4_length, 20u);
  EXPECT_EQ(v.src_port, 0);
  EXPECT_EQ(v.payload_length, 0u);
  ASSERT_EQ(decode(eth_ipv6(0).ipv6_extension(59, 0).build(), v), DropReason::none);
  EXPECT_EQ(v.protocol, 59);
  EXPECT_EQ(v.l4_length, 0u);
}

}  // namespace
}  // namespace mld::decode::test
