// Community ID v1 against the published baseline vectors of
// corelight/community-id-spec.
#include "output/community_id.h"

#include <gtest/gtest.h>

#include "tools/packet_factory.h"

namespace mld::output {
namespace {

CommunityIdInput flow(std::uint8_t protocol, const char* src, std::uint16_t sport, const char* dst,
                      std::uint16_t dport) {
  CommunityIdInput in;
  in.ip_version = std::string(src).find(':') == std::string::npos ? decode::IpVersion::v4
                                                                   : decode::IpVersion::v6;
  in.protocol = protocol;
  in.src_ip = testing::ip(src);
  in.dst_ip = testing::ip(dst);
  in.src_port = sport;
  in.dst_port = dport;
  return in;
}

CommunityIdInput icmp(std::uint8_t protocol, const char* src, const char* dst, int type, int code) {
  CommunityIdInput in = flow(protocol, src, 0, dst, 0);
  in.icmp_type = static_cast<std::int16_t>(type);
  in.icmp_code = static_cast<std::int16_t>(code);
  return in;
}

TEST(CommunityId, TcpIsTheSameInBothDirections) {
  EXPECT_EQ(community_id_v1(flow(6, "1.2.3.4", 1122, "5.6.7.8", 3344)),
            "1:wCb3OG7yAFWelaUydu0D+125CLM=");
  EXPECT_EQ(community_id_v1(flow(6, "5.6.7.8", 3344, "1.2.3.4", 1122)),
            "1:wCb3OG7yAFWelaUydu0D+125CLM=");
}

TEST(CommunityId, UdpAndSeed) {
  EXPECT_EQ(community_id_v1(flow(17, "1.2.3.4", 1122, "5.6.7.8", 3344)),
            "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=");
  EXPECT_EQ(community_id_v1(flow(6, "1.2.3.4", 1122, "5.6.7.8", 3344), 1),
            "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=");
}

TEST(CommunityId, IcmpEchoRequestAndReplyShareAnId) {
  EXPECT_EQ(community_id_v1(icmp(1, "1.2.3.4", "5.6.7.8", 8, 0)), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
  EXPECT_EQ(community_id_v1(icmp(1, "5.6.7.8", "1.2.3.4", 0, 0)), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
}

TEST(CommunityId, OneWayIcmpAndIcmpv6) {
  EXPECT_EQ(community_id_v1(icmp(1, "1.2.3.4", "5.6.7.8", 11, 0)), "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=");
  EXPECT_EQ(community_id_v1(icmp(58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D",
                                 "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 128, 0)),
            "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
}

TEST(CommunityId, ProtocolsWithoutPortsHashAddressesOnly) {
  EXPECT_EQ(community_id_v1(flow(46, "1.2.3.4", 0, "5.6.7.8", 0)), "1:ikv3kmf89luf73WPz1jOs49S768=");
}

}  // namespace
}  // namespace mld::output
