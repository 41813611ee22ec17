// Transport fields (spec 1.4): TCP, UDP, ICMP/ICMPv6, SCTP, other protocols.
#include <gtest/gtest.h>

#include "decode_test_support.h"

namespace mld::decode::test {
namespace {

FrameBuilder eth_ipv4(std::uint8_t protocol) {
  FrameBuilder b;
  b.ethernet().ipv4("172.16.0.1", "172.16.0.2", protocol);
  return b;
}

TEST(DecodeTransport, TcpFieldsOptionsAndPayload) {
  const Bytes frame = eth_ipv4(kProtoTcp)
                          .tcp(50123, 8080, 0xff, 0x01020304, 0xa0b0c0d0, 29200, 12)
                          .payload(7, 0x5a)
                          .build();
  ASSERT_EQ(frame.size(), 14u + 20 + 32 + 7);
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_TRUE(v.is_tcp());
  EXPECT_EQ(v.src_port, 50123);
  EXPECT_EQ(v.dst_port, 8080);
  EXPECT_EQ(v.tcp_flags, 0xff);  // all eight bits, CWR and ECE included
  EXPECT_TRUE(v.has_flag(tcp_flag::cwr));
  EXPECT_TRUE(v.has_flag(tcp_flag::ece));
  EXPECT_EQ(v.tcp_seq, 0x01020304u);
  EXPECT_EQ(v.tcp_ack, 0xa0b0c0d0u);
  EXPECT_EQ(v.tcp_window, 29200);
  EXPECT_EQ(v.ip_length, 59u);
  EXPECT_EQ(v.l4_length, 39u);
  EXPECT_EQ(v.l4_header_length, 32);
  EXPECT_EQ(v.payload_length, 7u);
  ASSERT_EQ(v.captured_payload_length, 7u);
  EXPECT_EQ(v.payload, frame.data() + 66);
  EXPECT_EQ(v.payload[0], 0x5a);
  EXPECT_EQ(v.icmp_type, -1);
  EXPECT_EQ(v.icmp_code, -1);
}

TEST(DecodeTransport, TcpOptionsNeedNotBeCaptured) {
  const Bytes frame = eth_ipv4(kProtoTcp).tcp(1, 2, tcp_flag::syn, 0, 0, 1024, 40).build();
  ASSERT_EQ(frame.size(), 14u + 20 + 60);
  PacketView v;
  ASSERT_EQ(decode(frame, v, {.captured = 14 + 20 + 20}), DropReason::none);
  EXPECT_EQ(v.l4_header_length, 60);
  EXPECT_EQ(v.payload_length, 0u);
  EXPECT_EQ(v.payload, nullptr);
  EXPECT_EQ(v.notes, decode_note::snaplen_truncated);
}

TEST(DecodeTransport, TcpHeaderTruncated) {
  const Bytes frame = eth_ipv4(kProtoTcp).tcp(1, 2, tcp_flag::syn).build();
  PacketView v;
  EXPECT_EQ(decode(frame, v, {.captured = 14 + 20 + 19}), DropReason::tcp_header_truncated);
  EXPECT_EQ(decode(frame, v, {.captured = 14 + 20}), DropReason::tcp_header_truncated);
}

TEST(DecodeTransport, TcpDataOffsetBelowFive) {
  Bytes frame = eth_ipv4(kProtoTcp).tcp(1, 2, tcp_flag::syn).payload(10).build();
  PacketView v;
  for (std::uint8_t offset : {0, 1, 4}) {
    frame[14 + 20 + 12] = static_cast<std::uint8_t>(offset << 4);
    EXPECT_EQ(decode(frame, v), DropReason::tcp_bad_data_offset) << int{offset};
  }
}

TEST(DecodeTransport, TcpDataOffsetBeyondTheSegmentMeansNoPayload) {
  // Data offset 15 (60 bytes) in a 30-byte segment: payload max(0, 30 - 60) = 0.
  Bytes frame = eth_ipv4(kProtoTcp).tcp(1, 2, tcp_flag::ack).payload(10).build();
  frame[14 + 20 + 12] = 0xf0;
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.l4_header_length, 60);
  EXPECT_EQ(v.l4_length, 30u);
  EXPECT_EQ(v.payload_length, 0u);
  EXPECT_EQ(v.payload, nullptr);
}

TEST(DecodeTransport, UdpLengthsComeFromIp) {
  Bytes frame = eth_ipv4(kProtoUdp).udp(53, 33000).payload(12).build();
  frame[14 + 20 + 4] = 0x01;  // UDP length 256+: ignored
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.src_port, 53);
  EXPECT_EQ(v.dst_port, 33000);
  EXPECT_EQ(v.l4_header_length, 8);
  EXPECT_EQ(v.l4_length, 20u);
  EXPECT_EQ(v.payload_length, 12u);
  EXPECT_EQ(v.captured_payload_length, 12u);
  EXPECT_EQ(v.payload, frame.data() + 42);
  EXPECT_EQ(v.tcp_flags, 0);
  EXPECT_EQ(v.tcp_window, 0);
  EXPECT_EQ(v.tcp_seq, 0u);
  EXPECT_EQ(v.tcp_ack, 0u);
  EXPECT_EQ(v.icmp_type, -1);
}

TEST(DecodeTransport, UdpHeaderTruncated) {
  const Bytes frame = eth_ipv4(kProtoUdp).udp(1, 2).build();
  PacketView v;
  EXPECT_EQ(decode(frame, v, {.captured = 14 + 20 + 7}), DropReason::udp_header_truncated);
}

TEST(DecodeTransport, IcmpHasNoPortsAndNoLengths) {
  const Bytes frame = eth_ipv4(kProtoIcmp).icmp(8, 0).payload(56).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.protocol, kProtoIcmp);
  EXPECT_EQ(v.icmp_type, 8);
  EXPECT_EQ(v.icmp_code, 0);
  EXPECT_EQ(v.src_port, 0);
  EXPECT_EQ(v.dst_port, 0);
  EXPECT_EQ(v.ip_length, 84u);
  EXPECT_EQ(v.l4_length, 64u);
  EXPECT_EQ(v.l4_header_length, 0);  // [Q1]
  EXPECT_EQ(v.payload_length, 0u);
  EXPECT_EQ(v.payload, nullptr);
  EXPECT_EQ(v.tcp_flags, 0);

  ASSERT_EQ(decode(eth_ipv4(kProtoIcmp).icmp(3, 13).build(), v), DropReason::none);
  EXPECT_EQ(v.icmp_type, 3);
  EXPECT_EQ(v.icmp_code, 13);
}

TEST(DecodeTransport, Icmpv6) {
  const Bytes frame = FrameBuilder()
                          .ethernet(0x86dd)
                          .ipv6("2001:db8::a", "2001:db8::b", kProtoIcmpv6)
                          .icmp(128, 0)
                          .payload(32)
                          .build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.protocol, kProtoIcmpv6);
  EXPECT_EQ(v.icmp_type, 128);
  EXPECT_EQ(v.icmp_code, 0);
  EXPECT_EQ(v.ip_length, 80u);
  EXPECT_EQ(v.l4_length, 40u);
  EXPECT_EQ(v.l4_header_length, 0);
  EXPECT_EQ(v.payload_length, 0u);
  EXPECT_EQ(v.src_port, 0);
}

TEST(DecodeTransport, IcmpHeaderTruncated) {
  const Bytes frame = eth_ipv4(kProtoIcmp).icmp(8, 0).build();
  PacketView v;
  EXPECT_EQ(decode(frame, v, {.captured = 14 + 20 + 1}), DropReason::icmp_header_truncated);
  ASSERT_EQ(decode(frame, v, {.captured = 14 + 20 + 2}), DropReason::none);
  EXPECT_EQ(v.icmp_type, 8);
}

TEST(DecodeTransport, SctpPortsOnly) {
  const Bytes frame = eth_ipv4(kProtoSctp).sctp(2905, 2906).payload(16).build();
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.protocol, kProtoSctp);
  EXPECT_EQ(v.src_port, 2905);
  EXPECT_EQ(v.dst_port, 2906);
  EXPECT_EQ(v.l4_length, 28u);
  EXPECT_EQ(v.l4_header_length, 0);
  EXPECT_EQ(v.payload_length, 0u);
  EXPECT_EQ(v.payload, nullptr);
  // "Any other protocol" needs no header (spec 1.2): a cut SCTP header is no drop.
  ASSERT_EQ(decode(frame, v, {.captured = 14 + 20 + 11}), DropReason::none);
  EXPECT_EQ(v.src_port, 0);
}

TEST(DecodeTransport, OtherProtocolsHaveNoPortsAndNoLengths) {
  const Bytes frame = eth_ipv4(89).payload(44).build();  // OSPF
  PacketView v;
  ASSERT_EQ(decode(frame, v), DropReason::none);
  EXPECT_EQ(v.protocol, 89);
  EXPECT_EQ(v.src_port, 0);
  EXPECT_EQ(v.dst_port, 0);
  EXPECT_EQ(v.ip_length, 64u);
  EXPECT_EQ(v.l4_length, 44u);
  EXPECT_EQ(v.l4_header_length, 0);
  EXPECT_EQ(v.payload_length, 0u);
  EXPECT_EQ(v.payload, nullptr);
  EXPECT_EQ(v.icmp_type, -1);
  EXPECT_EQ(v.icmp_code, -1);
  EXPECT_EQ(v.tcp_flags, 0);
}

TEST(DecodeTransport, ReusedViewIsReset) {
  PacketView v;
  ASSERT_EQ(decode(eth_ipv4(kProtoTcp).tcp(1, 2, 0xff, 5, 6, 7).payload(3).build(), v),
            DropReason::none);
  ASSERT_EQ(decode(eth_ipv4(kProtoIcmp).icmp(0, 0).build(), v), DropReason::none);
  EXPECT_EQ(v.tcp_flags, 0);
  EXPECT_EQ(v.tcp_seq, 0u);
  EXPECT_EQ(v.tcp_window, 0);
  EXPECT_EQ(v.payload, nullptr);
  EXPECT_EQ(v.icmp_type, 0);
}

}  // namespace
}  // namespace mld::decode::test
