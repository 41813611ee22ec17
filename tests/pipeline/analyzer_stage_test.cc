// The host analyzer stage between the workers and the sink: every flow is
// scored and delivered, and a host's alerts do not depend on how many workers
// and shards there are (ThreadSanitizer runs this too).
#include "pipeline/analyzer_stage.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tools/pcap_builder.h"
#include "tools/run_capture.h"

namespace mld::testing {
namespace {

namespace f = decode::tcp_flag;
constexpr std::int64_t kSecond = 1'000'000;

// 10.9.9.9 probes ports 1..40 of 10.2.2.2 with SYNs that are answered by RST
// (a vertical scan), while 200 other clients each make one DNS query and
// one HTTPS connection to the same two servers (benign).
std::string scan_among_benign_traffic() {
  const std::string path = temp_path("analyzer-stage.pcap");
  PcapWriter w(path, 1);
  std::int64_t t = 1'700'000'000 * kSecond;
  for (std::uint16_t port = 1; port <= 40; ++port) {
    w.write(t, FrameBuilder().ethernet().ipv4("10.9.9.9", "10.2.2.2", 6)
                   .tcp(50000, port, f::syn).build());
    w.write(t + 100, FrameBuilder().ethernet().ipv4("10.2.2.2", "10.9.9.9", 6)
                         .tcp(port, 50000, f::rst | f::ack).build());
    t += 10'000;
  }
  for (int client = 0; client < 200; ++client) {
    const std::string ip = "10.3." + std::to_string(client / 100) + "." +
                           std::to_string(client % 100 + 1);
    const auto sport = static_cast<std::uint16_t>(30000 + client);
    w.write(t, FrameBuilder().ethernet().ipv4(ip, "10.2.2.53", 17).udp(sport, 53)
                   .payload(30).build());
    w.write(t + 500, FrameBuilder().ethernet().ipv4("10.2.2.53", ip, 17).udp(53, sport)
                         .payload(60).build());
    w.write(t + 1000, FrameBuilder().ethernet().ipv4(ip, "10.2.2.2", 6)
                          .tcp(sport, 443, f::syn).build());
    w.write(t + 2000, FrameBuilder().ethernet().ipv4("10.2.2.2", ip, 6)
                          .tcp(443, sport, f::syn | f::ack).build());
    w.write(t + 3000, FrameBuilder().ethernet().ipv4(ip, "10.2.2.2", 6)
                          .tcp(sport, 443, f::ack).build());
    t += 50'000;
  }
  return path;
}

struct Outcome {
  std::size_t records = 0;
  std::size_t scored = 0;
  std::set<std::pair<std::string, std::string>> alerts;  // (detector, source)
};

Outcome run_with(const std::string& path, unsigned workers, unsigned shards) {
  const CaptureRun run = run_captures(
      {path}, options_from({"pipeline.workers=" + std::to_string(workers),
                            "detect.shards=" + std::to_string(shards), "detect.ml.model=none"}));
  Outcome outcome;
  outcome.records = run.records.size();
  for (const flow::FlowRecord& record : run.records) outcome.scored += record.detection.scored;
  for (const detect::Alert& alert : run.alerts) {
    outcome.alerts.emplace(std::string(detect::detector_info(alert.detector).name),
                           alert.source_ip.to_string(decode::IpVersion::v4));
  }
  return outcome;
}

TEST(AnalyzerStage, ScanIsOneAlertFromItsSourceWithAnyWorkerAndShardCount) {
  const std::string path = scan_among_benign_traffic();
  const Outcome one = run_with(path, 1, 1);
  EXPECT_EQ(one.records, 40u + 400u);
  EXPECT_EQ(one.scored, one.records);
  const std::set<std::pair<std::string, std::string>> expected = {
      {"scan_vertical", "10.9.9.9"}};
  EXPECT_EQ(one.alerts, expected);
  for (const auto& [workers, shards] : {std::pair{2u, 1u}, {2u, 3u}, {4u, 2u}, {3u, 4u}}) {
    const Outcome many = run_with(path, workers, shards);
    EXPECT_EQ(many.records, one.records) << workers << " workers, " << shards << " shards";
    EXPECT_EQ(many.scored, one.records) << workers << " workers, " << shards << " shards";
    EXPECT_EQ(many.alerts, one.alerts) << workers << " workers, " << shards << " shards";
  }
}

TEST(AnalyzerStage, ModelReadsTheStatisticsEvenWhenRecordsDoNotCarryThem) {
  const CaptureRun run =
      run_captures({scan_among_benign_traffic()}, options_from({"flow.features=none"}));
  ASSERT_FALSE(run.records.empty());
  std::size_t with_ml_score = 0;
  for (const flow::FlowRecord& record : run.records) {
    EXPECT_FALSE(record.has_features);
    with_ml_score += record.detection.ml_score > 0;
  }
  EXPECT_GT(with_ml_score, 0u);  // without the statistics every ml_score would be 0
}

TEST(AnalyzerStage, ShardOfAHostIsStableAndCoversEveryShard) {
  std::set<unsigned> seen;
  for (int i = 0; i < 256; ++i) {
    const std::uint8_t v4[4] = {10, 0, 0, static_cast<std::uint8_t>(i)};
    const auto host = decode::IpAddress::from_v4(v4);
    const unsigned shard = pipeline::shard_of(host, 5);
    EXPECT_LT(shard, 5u);
    EXPECT_EQ(shard, pipeline::shard_of(host, 5));
    EXPECT_EQ(pipeline::shard_of(host, 1), 0u);
    seen.insert(shard);
  }
  EXPECT_EQ(seen.size(), 5u);
}

}  // namespace
}  // namespace mld::testing
