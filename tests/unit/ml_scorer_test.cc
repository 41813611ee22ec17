// The scorer maps a model's CIC column names onto a flow's statistics: a
// hand-written model that splits on "Flow Duration" and "Total Fwd Packet"
// must see the record's duration (end - start, µs) and forward packets.
#include "detect/ml_scorer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace mld::detect {
namespace {

// DDoS when the duration is below 500 µs and more than 5 forward packets were
// seen; BENIGN otherwise. Margins: BENIGN 0 + 1 or 0 + -1; the others 0.
const char* const kModel = R"({
  "format": "mldefender-tree-ensemble", "version": 1, "objective": "multi:softprob",
  "feature_profile": "dataset", "features": ["Total Fwd Packet", "Flow Duration"],
  "classes": ["BENIGN", "DDoS", "Portscan"], "base_score": 0,
  "trees": [
    {"class": 0, "left": [1, -1, 3, -1, -1], "right": [2, -1, 4, -1, -1],
     "feature": [1, -1, 0, -1, -1], "value": [500, 1, 5.5, 1, -1]},
    {"class": 1, "left": [-1], "right": [-1], "feature": [-1], "value": [0]},
    {"class": 2, "left": [-1], "right": [-1], "feature": [-1], "value": [-0.5]}
  ]})";

flow::FlowRecord record(Micros duration, std::uint64_t forward_packets) {
  flow::FlowRecord r;
  r.has_features = true;
  r.start = 1'000'000;
  r.end = r.start + duration;
  r.packets_toserver = forward_packets;
  return r;
}

TEST(MlScorer, ScoresWithTheRecordsStatistics) {
  MlScorer scorer(TreeEnsemble::parse(kModel, "scorer.json"));
  // 800 µs is not below 500 (right), 7 is not below 5.5 (right):
  // BENIGN margin -1, DDoS 0, Portscan -0.5.
  MlVerdict v = scorer.score(record(800, 7));
  const double sum = std::exp(-1.0) + 1 + std::exp(-0.5);
  EXPECT_NEAR(v.score, 1 - std::exp(-1.0) / sum, 1e-6);
  EXPECT_EQ(v.label, "DDoS");
  EXPECT_EQ(v.category, "dos");
  // Short flow (300 < 500): BENIGN margin 1.
  v = scorer.score(record(300, 7));
  EXPECT_NEAR(v.score, 1 - std::exp(1.0) / (std::exp(1.0) + 1 + std::exp(-0.5)), 1e-6);
  // 800 µs but only 5 packets: 5 < 5.5, BENIGN margin 1 again.
  MlVerdict few = scorer.score(record(800, 5));
  EXPECT_NEAR(few.score, v.score, 1e-7);
}

TEST(MlScorer, FlowsWithoutStatisticsScoreZero) {
  MlScorer scorer(TreeEnsemble::parse(kModel, "scorer.json"));
  flow::FlowRecord r = record(800, 7);
  r.has_features = false;
  const MlVerdict v = scorer.score(r);
  EXPECT_EQ(v.score, 0);
  EXPECT_EQ(v.label, "");
}

TEST(MlScorer, RefusesUnknownFeaturesAndModelsWithoutBenign) {
  std::string text = kModel;
  text.replace(text.find("Flow Duration"), 13, "Flow Duratio");
  try {
    MlScorer scorer(TreeEnsemble::parse(text, "odd.json"));
    FAIL() << "accepted an unknown feature";
  } catch (const ModelError& e) {
    EXPECT_EQ(std::string(e.what()), "odd.json: feature \"Flow Duratio\" is not a CIC flow column");
  }
  text = kModel;
  text.replace(text.find("BENIGN"), 6, "Benign");
  EXPECT_THROW(MlScorer(TreeEnsemble::parse(text, "odd.json")), ModelError);
}

TEST(MlScorer, CategoriesOfTheCicClasses) {
  EXPECT_EQ(ml_category("DoS Hulk"), "dos");
  EXPECT_EQ(ml_category("DoS Slowhttptest"), "dos");
  EXPECT_EQ(ml_category("DDoS"), "dos");
  EXPECT_EQ(ml_category("Portscan"), "scan");
  EXPECT_EQ(ml_category("PortScan"), "scan");
  EXPECT_EQ(ml_category("Infiltration - Portscan"), "scan");
  EXPECT_EQ(ml_category("FTP-Patator"), "brute-force");
  EXPECT_EQ(ml_category("SSH-Patator"), "brute-force");
  EXPECT_EQ(ml_category("Botnet"), "botnet");
  EXPECT_EQ(ml_category("Web Attack - Brute Force"), "web-attack");
  EXPECT_EQ(ml_category("Web Attack - XSS"), "web-attack");
  EXPECT_EQ(ml_category("Infiltration"), "infiltration");
  EXPECT_EQ(ml_category("Heartbleed"), "exploit");
  EXPECT_EQ(ml_category("Something New"), "ml");
}

}  // namespace
}  // namespace mld::detect
