// The same capture gives the same multiset of flow records with any number of
// workers: a flow is owned by one worker whichever it is, and every boundary
// depends only on the packets of its own key and packet time.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "output/eve_writer.h"
#include "tools/run_capture.h"
#include "tools/shared_data.h"

namespace mld::testing {
namespace {

std::vector<std::string> serialized(const std::vector<std::string>& inputs,
                                    std::vector<std::string> settings, unsigned workers) {
  settings.push_back("pipeline.workers=" + std::to_string(workers));
  const CaptureRun run = run_captures(inputs, options_from(settings));
  output::EveWriter writer;  // no pcap_filename: the same for a directory run
  std::vector<std::string> lines;
  for (flow::FlowRecord record : run.records) {
    // nDPI may classify a flow using what the same worker's nDPI saw in
    // other flows (its caches of STUN, Zoom, BitTorrent peers...), so with
    // other workers a few flows get another app_proto (1 of 2,771 here).
    // Everything else, app_host and the protocol events included, is ours
    // and must not change.
    record.app.proto.assign({});
    record.app.category.assign({});
    record.app.risks = 0;
    // A host's evidence (a scan's count so far) depends on the order its
    // flows reach the analyzer, which the worker count changes; the model's
    // score is the flow's own. Alerts per host: AnalyzerStage tests.
    const float ml_score = record.detection.ml_score;
    record.detection = {};
    record.detection.scored = true;
    record.detection.ml_score = ml_score;
    output::TextBuffer line;
    writer.append_flow(record, line);
    lines.emplace_back(line.view());
  }
  for (const app::AppEvent& event : run.events) {
    output::TextBuffer line;
    writer.append_app_event(event, line);
    lines.emplace_back(line.view());
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

void expect_same_records_for_any_worker_count(const std::vector<std::string>& inputs,
                                              const std::vector<std::string>& settings) {
  const auto one = serialized(inputs, settings, 1);
  ASSERT_FALSE(one.empty());
  for (unsigned workers : {2u, 3u, 4u}) {
    const auto many = serialized(inputs, settings, workers);
    EXPECT_EQ(one.size(), many.size()) << workers << " workers";
    EXPECT_TRUE(one == many) << workers << " workers give different records";
  }
}

TEST(Determinism, EveryNdpiCaptureGivesTheSameFlowsWithAnyWorkerCount) {
  MLD_REQUIRE_SHARED_DATA();
  for (const std::string& capture : captures_under("ndpi/tests/cfgs/default/pcap")) {
    SCOPED_TRACE(capture);
    // Flows only here (nDPI starts in 0.1 s per worker); the whole-corpus
    // runs below cover the application layer's records and events.
    const std::vector<std::string> flows_only = {"app.enabled=false"};
    const auto one = serialized({capture}, flows_only, 1);
    EXPECT_EQ(one, serialized({capture}, flows_only, 3));
  }
}

TEST(Determinism, WholeCorporaAsOneRunWithBothProfiles) {
  MLD_REQUIRE_SHARED_DATA();
  // Several hundred captures in one run: many flows, timeline restarts and
  // continuations across files, all workers busy.
  const auto inputs = captures_under("nfstream/tests/pcaps");
  expect_same_records_for_any_worker_count(inputs, {});
  expect_same_records_for_any_worker_count(inputs, {"flow.profile=nfstream"});
}

}  // namespace
}  // namespace mld::testing
