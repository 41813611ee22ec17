// CIC statistics of packets that the decoder had to work for: VLAN tags,
// Ethernet padding, IPv6 extension headers, fragments, snaplen cuts and
// out-of-order timestamps. Captures written by the test; values by hand.
#include <gtest/gtest.h>

#include <map>

#include "output/cic_csv_writer.h"
#include "tools/pcap_builder.h"
#include "tools/run_capture.h"

namespace mld::testing {
namespace {

namespace f = decode::tcp_flag;
constexpr std::int64_t kT0 = 1'600'000'000'000'000;

std::map<std::string_view, flow::CicValue> features(const flow::FlowRecord& r) {
  std::map<std::string_view, flow::CicValue> by_key;
  const auto values = r.features.values(r.cic_context(), flow::FeatureProfile::dataset);
  for (std::size_t i = 0; i < flow::kCicColumnCount; ++i) {
    by_key[flow::kCicColumns[i].json_key] = values[i];
  }
  return by_key;
}

std::vector<flow::FlowRecord> run(const std::string& name,
                                  const std::vector<std::pair<std::int64_t, Bytes>>& frames,
                                  std::uint32_t captured = 0) {
  const std::string path = temp_path(name);
  {
    PcapWriter w(path, 1);
    for (const auto& [t, frame] : frames) w.write(kT0 + t, frame, 0, captured);
  }
  return run_captures({path}, options_from({})).records;
}

TEST(CicCaptureFeatures, VlanTagsAndEthernetPaddingAreNeverPayload) {
  // A bare ACK is 54 bytes; Ethernet pads it to 60. Tagged, it is 58 -> 64.
  auto ack = [](bool tagged, bool from_client) {
    FrameBuilder b;
    b.ethernet();
    if (tagged) b.vlan(100);
    from_client ? b.ipv4("10.0.0.1", "10.0.0.2", 6).tcp(1000, 80, f::ack)
                : b.ipv4("10.0.0.2", "10.0.0.1", 6).tcp(80, 1000, f::ack);
    Bytes frame = b.build();
    frame.resize(tagged ? 64 : 60, 0);  // padding after the IP datagram
    return frame;
  };
  for (bool tagged : {false, true}) {
    const auto records = run("padding.pcap", {{0, ack(tagged, true)}, {10, ack(tagged, false)}});
    ASSERT_EQ(records.size(), 1u);
    auto x = features(records[0]);
    EXPECT_EQ(x["total_length_fwd_packets"].integer, 0) << tagged;
    EXPECT_EQ(x["packet_length_max"].integer, 0);
    EXPECT_EQ(x["fwd_header_length"].integer, 20);
    EXPECT_EQ(records[0].bytes_toserver, tagged ? 64u : 60u);  // frames count padding
  }
}

TEST(CicCaptureFeatures, Ipv6ExtensionHeadersAndSnaplenCuts) {
  auto segment = [](std::size_t payload) {
    return FrameBuilder().ethernet(0x86dd).ipv6("2001:db8::1", "2001:db8::2", 0)
        .ipv6_extension(60)    // hop-by-hop, then destination options
        .ipv6_extension(6, 1)  // 16 bytes, then TCP
        .tcp(5555, 443, f::psh | f::ack, 0, 0, 8192, 12)  // 32-byte header
        .payload(payload).build();
  };
  // Captured 100 bytes only (14 + 40 + 8 + 16 + the 20 fixed TCP bytes = 98
  // are needed): lengths still come from the IPv6 header (D12).
  const auto records = run("ipv6.pcap", {{0, segment(1000)}, {500, segment(200)}}, 100);
  ASSERT_EQ(records.size(), 1u);
  auto x = features(records[0]);
  EXPECT_EQ(x["total_length_fwd_packets"].integer, 1200);
  EXPECT_EQ(x["fwd_packet_length_max"].integer, 1000);
  EXPECT_EQ(x["fwd_header_length"].integer, 64);
  EXPECT_EQ(x["fwd_seg_size_min"].integer, 32);
  EXPECT_EQ(x["flow_iat_max"].integer, 500);
}

TEST(CicCaptureFeatures, FirstFragmentsCountAndLaterFragmentsDoNot) {
  auto fragment = [](std::uint16_t fragment_field, bool with_udp) {
    FrameBuilder b;
    b.ethernet().ipv4("10.0.0.1", "10.0.0.2", 17, fragment_field);
    if (with_udp) b.udp(4000, 53);
    return b.payload(100).build();
  };
  const auto records = run("fragments.pcap", {{0, fragment(0x2000, true)},     // MF, offset 0
                                              {10, fragment(0x000e, false)}});  // offset 112
  ASSERT_EQ(records.size(), 1u);
  auto x = features(records[0]);
  EXPECT_EQ(x["total_fwd_packets"].integer, 1);
  EXPECT_EQ(x["total_length_fwd_packets"].integer, 100);  // the first fragment's payload
}

TEST(CicCaptureFeatures, OutOfOrderTimestampsAreClampedToZeroGaps) {
  auto datagram = [](bool from_client) {
    FrameBuilder b;
    b.ethernet();
    from_client ? b.ipv4("10.0.0.1", "10.0.0.2", 17).udp(4000, 53)
                : b.ipv4("10.0.0.2", "10.0.0.1", 17).udp(53, 4000);
    return b.payload(20).build();
  };
  const auto records = run("unordered.pcap", {{5000, datagram(true)}, {1000, datagram(false)},
                                              {6000, datagram(true)}});
  ASSERT_EQ(records.size(), 1u);
  auto x = features(records[0]);
  EXPECT_EQ(x["flow_duration"].integer, 1000);  // 5000 -> (1000 clamped to 5000) -> 6000
  EXPECT_EQ(x["flow_iat_min"].integer, 0);
  EXPECT_EQ(x["flow_iat_max"].integer, 1000);
  EXPECT_EQ(x["bwd_iat_total"].integer, 0);
}

TEST(CicCaptureFeatures, CsvHeaderAndRowFollowTheSpecLayout) {
  const Bytes frame = FrameBuilder().ethernet().ipv4("192.168.10.5", "192.168.10.3", 17)
                          .udp(53633, 53).payload(54).build();
  const auto records = run("csv.pcap", {{88203, frame}, {25324 + 88203, frame}});
  ASSERT_EQ(records.size(), 1u);
  output::TextBuffer text;
  const output::CicCsvWriter writer(flow::FeatureProfile::dataset);
  writer.append_header(text);
  writer.append_row(records[0], text);
  const std::string csv(text.view());
  const std::string header = csv.substr(0, csv.find('\n'));
  EXPECT_EQ(header.rfind("Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow "
                         "Duration,Total Fwd Packet,Total Bwd packets,",
                         0),
            0u);
  const std::string last_columns = ",Idle Min,ICMP Code,ICMP Type,Total TCP Flow Time";
  EXPECT_EQ(header.substr(header.size() - last_columns.size()), last_columns);
  EXPECT_EQ(std::count(header.begin(), header.end(), ','), 7 + 81 - 1);
  // 2020-09-13 12:26:40 UTC is 1600000000 s; the first packet is 88203 µs later.
  const std::string row = csv.substr(header.size() + 1);
  EXPECT_EQ(row.rfind("192.168.10.5-192.168.10.3-53633-53-17,192.168.10.5,53633,192.168.10.3,53,"
                      "17,2020-09-13 12:26:40.088203,25324,2,0,108,0,54,54,54.0,0.0,",
                      0),
            0u)
      << row;
  EXPECT_EQ(std::count(row.begin(), row.end(), ','), 7 + 81 - 1);
  EXPECT_EQ(row.back(), '\n');
}

}  // namespace
}  // namespace mld::testing
