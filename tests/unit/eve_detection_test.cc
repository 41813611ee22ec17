// What detection adds to the EVE lines: the "detection" object of flow
// records, alert events (Suricata 8's "alert" object with source and target)
// and the stats record's "detect" object. The expected lines are written by
// hand; the community id of 1.2.3.4:1122 -> 5.6.7.8:3344 over TCP is the
// Community ID spec's own test vector.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output/eve_writer.h"
#include "tools/packet_factory.h"

namespace mld::output {
namespace {

constexpr Micros kSecond = 1'000'000;
constexpr Micros kTime = 1'700'000'000'123'456;  // 2023-11-14T22:13:20.123456Z
const std::vector<std::string> kInputs = {"capture.pcap"};

flow::FlowIdentity tcp_identity() {
  flow::FlowIdentity f;
  f.flow_id = 7;
  f.protocol = 6;
  f.src_ip = testing::ip("1.2.3.4");
  f.dst_ip = testing::ip("5.6.7.8");
  f.src_port = 1122;
  f.dst_port = 3344;
  return f;
}

flow::FlowRecord tcp_record() {
  const flow::FlowIdentity f = tcp_identity();
  flow::FlowRecord r;
  r.flow_id = f.flow_id;
  r.protocol = f.protocol;
  r.src_ip = f.src_ip;
  r.dst_ip = f.dst_ip;
  r.src_port = f.src_port;
  r.dst_port = f.dst_port;
  r.start = kTime;
  r.end = kTime + 2 * kSecond;
  r.packets_toserver = 3;
  r.packets_toclient = 2;
  r.bytes_toserver = 180;
  r.bytes_toclient = 120;
  return r;
}

// The line of tcp_record() up to the end of its "flow" object; `alerted`:
// a detector fired on it.
std::string flow_line_start(bool alerted) {
  return R"({"timestamp":"2023-11-14T22:13:20.123456+0000","flow_id":7,)"
         R"("pcap_filename":"capture.pcap","event_type":"flow","src_ip":"1.2.3.4","src_port":1122,)"
         R"("dest_ip":"5.6.7.8","dest_port":3344,"proto":"TCP",)"
         R"("community_id":"1:wCb3OG7yAFWelaUydu0D+125CLM=",)"
         R"("flow":{"pkts_toserver":3,"pkts_toclient":2,"bytes_toserver":180,"bytes_toclient":120,)"
         R"("start":"2023-11-14T22:13:20.123456+0000","end":"2023-11-14T22:13:22.123456+0000",)"
         R"("age":2,"state":"new","reason":"end-of-input","alerted":)" +
         std::string(alerted ? "true" : "false") + R"(,"conn_state":"OTH","history":""})";
}

std::string flow_line(const flow::FlowRecord& record) {
  TextBuffer out;
  EveWriter(kInputs).append_flow(record, out);
  return std::string(out.view());
}

std::string alert_line(const detect::Alert& alert) {
  TextBuffer out;
  EveWriter(kInputs).append_alert(alert, out);
  return std::string(out.view());
}

flow::DetectionSummary scan_detection() {
  flow::DetectionSummary d;
  d.scored = true;
  d.fast_score = 0.9f;
  d.ml_score = 0.02f;
  d.authoritative = static_cast<std::uint8_t>(detect::Authority::fast);
  d.category.assign("scan");
  d.ml_label.assign("PortScan");
  // Set in the opposite order to the one written: detector.h's order.
  d.reasons = detect::reason_bit(detect::Detector::scan_stealth) |
              detect::reason_bit(detect::Detector::scan_vertical);
  return d;
}

TEST(EveDetection, ScoredFlowRecordHasADetectionObjectAfterTheFlowObject) {
  flow::FlowRecord record = tcp_record();
  record.detection = scan_detection();
  EXPECT_EQ(flow_line(record),
            flow_line_start(true) + R"(,"detection":{"fast_score":0.9,"ml_score":0.02,"score":0.9,)"
                             R"("divergence":0.88,"authoritative":"fast","category":"scan",)"
                             R"("ml_label":"PortScan","reasons":["scan_vertical","scan_stealth"]}})"
                             "\n");
}

TEST(EveDetection, UnscoredFlowRecordHasNoDetectionObject) {
  flow::FlowRecord record = tcp_record();
  record.detection = scan_detection();
  record.detection.scored = false;
  EXPECT_EQ(flow_line(record), flow_line_start(false) + "}\n");
}

TEST(EveDetection, BenignFlowLeavesOutCategoryLabelAndReasons) {
  flow::FlowRecord record = tcp_record();
  record.detection.scored = true;
  EXPECT_EQ(flow_line(record), flow_line_start(false) +
                                   R"(,"detection":{"fast_score":0.0,"ml_score":0.0,"score":0.0,)"
                                   R"("divergence":0.0,"authoritative":"none"}})"
                                   "\n");
}

TEST(EveDetection, ScoresAreWrittenToFourDecimalsWithoutExponent) {
  flow::FlowRecord record = tcp_record();
  flow::DetectionSummary& d = record.detection;
  d.scored = true;
  d.fast_score = 0.00004f;  // rounds to 0
  d.ml_score = 0.123456f;
  d.authoritative = static_cast<std::uint8_t>(detect::Authority::ml);
  d.category.assign("ml");
  EXPECT_EQ(flow_line(record),
            flow_line_start(false) + R"(,"detection":{"fast_score":0.0,"ml_score":0.1235,"score":0.1235,)"
                             R"("divergence":0.1235,"authoritative":"ml","category":"ml"}})"
                             "\n");
  d.fast_score = 1.0f;
  d.ml_score = 0.00016f;  // 0.0002: the smallest steps stay in fixed notation
  d.authoritative = static_cast<std::uint8_t>(detect::Authority::consensus);
  d.category.assign("dos");
  EXPECT_EQ(flow_line(record),
            flow_line_start(false) + R"(,"detection":{"fast_score":1.0,"ml_score":0.0002,"score":1.0,)"
                             R"("divergence":0.9998,"authoritative":"consensus","category":"dos"}})"
                             "\n");
}

detect::Alert scan_alert() {
  detect::Alert alert;
  alert.detector = detect::Detector::scan_vertical;
  alert.flow = tcp_identity();
  alert.source_ip = testing::ip("1.2.3.4");
  alert.target_ip = testing::ip("5.6.7.8");
  alert.timestamp = kTime + 30 * kSecond;
  alert.first_seen = kTime;
  alert.last_seen = kTime + 60 * kSecond;
  alert.count = 1000;
  alert.score = 0.9f;
  alert.detail = "1000 ports of 5.6.7.8 in 60 s";
  return alert;
}

const std::string kAlertHeader =
    R"({"timestamp":"2023-11-14T22:13:50.123456+0000","flow_id":7,)"
    R"("pcap_filename":"capture.pcap","event_type":"alert","src_ip":"1.2.3.4","src_port":1122,)"
         R"("dest_ip":"5.6.7.8","dest_port":3344,"proto":"TCP",)"
         R"("community_id":"1:wCb3OG7yAFWelaUydu0D+125CLM=",)";

TEST(EveDetection, AlertIsSuricataShapedWithOurDetectionObject) {
  EXPECT_EQ(alert_line(scan_alert()),
            kAlertHeader +
                R"("alert":{"action":"allowed","gid":1,"signature_id":9100001,"rev":1,)"
                R"("signature":"ML Defender SCAN vertical port scan",)"
                R"("category":"Detection of a Network Scan","severity":2,)"
                R"("source":{"ip":"1.2.3.4"},"target":{"ip":"5.6.7.8"}},)"
                R"("detection":{"detector":"scan_vertical","score":0.9,"category":"scan",)"
                R"("count":1000,"first_seen":"2023-11-14T22:13:20.123456+0000",)"
                R"("last_seen":"2023-11-14T22:14:20.123456+0000",)"
                R"("detail":"1000 ports of 5.6.7.8 in 60 s"}})"
                "\n");
}

TEST(EveDetection, ModelAlertNamesTheClassAndEscapesTheDetail) {
  detect::Alert alert = scan_alert();
  alert.detector = detect::Detector::ml;
  alert.source_port = 1122;
  alert.target_port = 3344;
  alert.count = 1;
  alert.score = 0.75f;
  alert.detail = "Bot \"x\\y\"\n";
  EXPECT_EQ(alert_line(alert),
            kAlertHeader +
                R"("alert":{"action":"allowed","gid":1,"signature_id":9100090,"rev":1,)"
                R"("signature":"ML Defender tree-ensemble model: Bot \"x\\y\"\n",)"
                R"("category":"Misc Attack","severity":2,)"
                R"("source":{"ip":"1.2.3.4","port":1122},"target":{"ip":"5.6.7.8","port":3344}},)"
                R"("detection":{"detector":"ml","score":0.75,"category":"ml","count":1,)"
                R"("first_seen":"2023-11-14T22:13:20.123456+0000",)"
                R"("last_seen":"2023-11-14T22:14:20.123456+0000",)"
                R"("detail":"Bot \"x\\y\"\n"}})"
                "\n");
}

TEST(EveDetection, AlertWithoutDetailLeavesItOut) {
  detect::Alert alert = scan_alert();
  alert.detail.clear();
  const nlohmann::json line = nlohmann::json::parse(alert_line(alert));
  EXPECT_FALSE(line["detection"].contains("detail"));
  EXPECT_EQ(line["detection"]["count"], 1000);
}

TEST(EveDetection, AlertOnAnIcmpFlowLeavesOutTheCommunityId) {
  // An ICMP flow's community id needs its type and code, which an alert
  // does not carry: no id rather than a wrong one.
  detect::Alert alert = scan_alert();
  alert.detector = detect::Detector::flood_icmp;
  alert.flow.protocol = 1;
  alert.flow.src_port = alert.flow.dst_port = 0;
  alert.source_port = alert.target_port = 0;
  const nlohmann::json line = nlohmann::json::parse(alert_line(alert));
  EXPECT_EQ(line["proto"], "ICMP");
  EXPECT_FALSE(line.contains("community_id"));
  EXPECT_EQ(line["alert"]["signature_id"], 9100012);
  EXPECT_EQ(line["alert"]["severity"], 1);
  EXPECT_EQ(line["detection"]["category"], "dos");
}

TEST(EveDetection, AlertOnAnIpv6FlowWritesIpv6Endpoints) {
  detect::Alert alert = scan_alert();
  alert.flow.ip_version = decode::IpVersion::v6;
  alert.flow.src_ip = alert.source_ip = testing::ip("2001:db8::1");
  alert.flow.dst_ip = alert.target_ip = testing::ip("2001:db8::2");
  alert.target_port = 22;
  const nlohmann::json line = nlohmann::json::parse(alert_line(alert));
  EXPECT_EQ(line["src_ip"], "2001:db8::1");
  EXPECT_EQ(line["alert"]["source"], (nlohmann::json{{"ip", "2001:db8::1"}}));
  EXPECT_EQ(line["alert"]["target"], (nlohmann::json{{"ip", "2001:db8::2"}, {"port", 22}}));
}

TEST(EveDetection, StatsRecordHasEveryDetectCounterAndEveryDetector) {
  pipeline::RunStats stats;
  detect::DetectStats& d = stats.detect;
  d.flows_opened = 1;
  d.flows_scored = 2;
  d.app_events = 3;
  d.hosts_tracked = 4;
  d.hosts_evicted = 5;
  d.set_overflows = 6;
  d.alerts = 7;
  d.alerts_aggregated = 8;
  d.flows_opened_dropped = 11;
  d.alerts_by_detector[static_cast<std::size_t>(detect::Detector::dga)] = 9;
  d.alerts_by_detector[static_cast<std::size_t>(detect::Detector::ml)] = 10;
  TextBuffer out;
  EveWriter(kInputs).append_stats(stats, kTime, out);
  const nlohmann::json detect = nlohmann::json::parse(out.view())["stats"]["detect"];
  const nlohmann::json expected = {{"flows_opened", 1},
                                   {"flows_scored", 2},
                                   {"app_events", 3},
                                   {"hosts_tracked", 4},
                                   {"hosts_evicted", 5},
                                   {"set_overflows", 6},
                                   {"alerts", 7},
                                   {"alerts_aggregated", 8},
                                   {"flows_opened_dropped", 11},
                                   {"alerts_by_detector",
                                    {{"scan_vertical", 0},
                                     {"scan_horizontal", 0},
                                     {"scan_stealth", 0},
                                     {"flood_syn", 0},
                                     {"flood_udp", 0},
                                     {"flood_icmp", 0},
                                     {"amplification", 0},
                                     {"dns_tunnel", 0},
                                     {"dga", 9},
                                     {"smb_lateral", 0},
                                     {"smb_admin_share", 0},
                                     {"smb_remote_service", 0},
                                     {"smb_ransomware", 0},
                                     {"brute_force", 0},
                                     {"beaconing", 0},
                                     {"ml", 10}}}};
  EXPECT_EQ(detect, expected);
  // Written after the application layer's counters, in the counters' order.
  const std::string line(out.view());
  EXPECT_LT(line.find("\"app\":{"), line.find("\"detect\":{\"flows_opened\":1,\"flows_scored\":2"));
  EXPECT_LT(line.find("\"detect\":{"), line.find("\"workers\":"));
}

}  // namespace
}  // namespace mld::output
