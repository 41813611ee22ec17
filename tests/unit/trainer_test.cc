// Training on the corrected CIC-IDS2017 sample (../shared/data): the CSV
// reader against values read off the CSV text by hand, and our TreeEnsemble
// against XGBoost's own predictions of the same booster, the independent
// reference for the conversion and the predictor.
#include "detect/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "detect/tree_ensemble.h"
#include "tools/shared_data.h"

namespace mld::detect {
namespace {

const char* const kSample =
    "cicids2017-improved-sample/nids-daten/sampled_CICIDS2017_improved_rnd_2500";

std::string sample_file(const std::string& name) {
  return testing::shared_data_dir() + "/" + kSample + "/" + name;
}

std::size_t column(const LabelledFlows& flows, const std::string& name) {
  const auto it = std::find(flows.features.begin(), flows.features.end(), name);
  EXPECT_NE(it, flows.features.end()) << name;
  return static_cast<std::size_t>(it - flows.features.begin());
}

TEST(CicCsv, ReadsAKnownRow) {
  MLD_REQUIRE_SHARED_DATA();
  const LabelledFlows flows = read_cic_csv({sample_file("Heartbleed_11.csv")}, cic_feature_names());
  ASSERT_EQ(flows.rows(), 11u);
  EXPECT_EQ(flows.classes, std::vector<std::string>{"Heartbleed"});
  EXPECT_EQ(flows.skipped_non_finite, 0u);
  // The first data line (id 244353), read off the CSV text.
  const float* row = flows.row(0);
  EXPECT_EQ(row[column(flows, "Flow Duration")], 119302728.0f);
  EXPECT_EQ(row[column(flows, "Total Fwd Packet")], 2685.0f);
  EXPECT_EQ(row[column(flows, "Total Bwd packets")], 1729.0f);
  EXPECT_FLOAT_EQ(row[column(flows, "Fwd Packet Length Mean")], 3.090875232774675f);
  EXPECT_FLOAT_EQ(row[column(flows, "Flow Bytes/s")], 63411.92801559408f);
  EXPECT_EQ(row[column(flows, "Bwd Header Length")], -10200.0f);
  EXPECT_EQ(row[column(flows, "FWD Init Win Bytes")], 29200.0f);
  EXPECT_EQ(row[column(flows, "ICMP Type")], -1.0f);
  EXPECT_EQ(row[column(flows, "Total TCP Flow Time")], 119302728.0f);
  EXPECT_EQ(flows.labels[0], 0u);
}

TEST(CicCsv, FilesAreSortedByNameAndHashed) {
  MLD_REQUIRE_SHARED_DATA();
  const std::vector<std::string> files =
      cic_csv_files({sample_file("Portscan_2500.csv"), sample_file("Botnet_736.csv")});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(files[0].ends_with("Botnet_736.csv"));
  const LabelledFlows flows = read_cic_csv(files, {"Flow Duration"});
  EXPECT_EQ(flows.rows(), 736u + 2500u);
  EXPECT_EQ(flows.classes, (std::vector<std::string>{"Botnet", "Portscan"}));
  EXPECT_EQ(flows.sha256.size(), 64u);
  EXPECT_EQ(cic_csv_files({testing::shared_data_dir() + "/" + kSample}).size(), 16u);
}

// A small CSV written by the test: header plus the given lines.
std::string write_csv(const std::string& name, const std::string& body) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << "id,Flow Duration,Total Fwd Packet,Label\n" << body;
  return path;
}

TEST(CicCsv, NonFiniteRowsAreCountedAndSkipped) {
  const std::string path = write_csv("trainer_test_finite.csv",
                                     "1,10,2,BENIGN\r\n2,Infinity,2,DDoS\n3,NaN,1,DDoS\n"
                                     "4,1e300,1,DDoS\n5,7,3,DDoS\n");
  const LabelledFlows flows = read_cic_csv({path}, {"Total Fwd Packet", "Flow Duration"});
  EXPECT_EQ(flows.skipped_non_finite, 3u);
  ASSERT_EQ(flows.rows(), 2u);
  EXPECT_EQ(flows.values, (std::vector<float>{2, 10, 3, 7}));
  EXPECT_EQ(flows.labels, (std::vector<std::uint32_t>{0, 1}));
  std::remove(path.c_str());
}

void expect_csv_error(const std::string& body, const std::string& problem) {
  const std::string path = write_csv("trainer_test_bad.csv", body);
  try {
    read_cic_csv({path}, {"Flow Duration"});
    FAIL() << "accepted " << body;
  } catch (const CsvError& e) {
    EXPECT_NE(std::string(e.what()).find(path + problem), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(CicCsv, MalformedRowsNameFileAndLine) {
  expect_csv_error("1,10,2,BENIGN\n2,10,BENIGN\n", ":3: 3 fields, the header has 4");
  expect_csv_error("1,1O,2,BENIGN\n", ":2: \"Flow Duration\" is not a number: \"1O\"");
  expect_csv_error("1,,2,BENIGN\n", ":2: \"Flow Duration\" is not a number");
  expect_csv_error("1,10,2,\"BENIGN\"\n", ":2: quoted fields");
  expect_csv_error("1,10,2,\n", ":2: empty Label");
  EXPECT_THROW(read_cic_csv({write_csv("trainer_test_header.csv", "")}, {"Idle Max"}), CsvError);
  EXPECT_THROW(cic_csv_files({"/nonexistent/flows.csv"}), CsvError);
}

TEST(Trainer, FoldsAreStratified) {
  std::vector<std::uint32_t> labels;
  for (int i = 0; i < 103; ++i) labels.push_back(0);
  for (int i = 0; i < 11; ++i) labels.push_back(1);
  const std::vector<int> fold = stratified_folds(labels, 5, 7);
  int count[2][5] = {};
  for (std::size_t i = 0; i < labels.size(); ++i) {
    ASSERT_GE(fold[i], 0);
    ASSERT_LT(fold[i], 5);
    ++count[labels[i]][fold[i]];
  }
  EXPECT_EQ((std::vector<int>(count[0], count[0] + 5)), (std::vector<int>{21, 21, 21, 20, 20}));
  EXPECT_EQ((std::vector<int>(count[1], count[1] + 5)), (std::vector<int>{3, 2, 2, 2, 2}));
  EXPECT_EQ(stratified_folds(labels, 5, 7), fold);  // reproducible
  EXPECT_NE(stratified_folds(labels, 5, 8), fold);  // and seeded
}

TEST(Trainer, OurPredictorMatchesXgboostOnEveryRow) {
  MLD_REQUIRE_SHARED_DATA();
  const LabelledFlows flows =
      read_cic_csv({sample_file("BENIGN_2500.csv"), sample_file("DoS_Slowloris_2500.csv"),
                    sample_file("Heartbleed_11.csv"), sample_file("Infiltration_36.csv"),
                    sample_file("Portscan_2500.csv")},
                   cic_feature_names());
  std::vector<std::size_t> rows(flows.rows());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const BoosterParams params{.rounds = 4, .max_depth = 10, .eta = 0.3, .seed = 3, .threads = 2};
  const XgbBooster booster = XgbBooster::train(flows, rows, params);
  const std::vector<float> reference = booster.predict(flows, rows);

  const TreeEnsemble model =
      TreeEnsemble::parse(model_document(flows, booster, params, {}).dump(), "trained");
  ASSERT_EQ(model.trees(), 4u * 5u);
  ASSERT_EQ(model.features(), cic_feature_names());
  std::vector<float> ours(flows.classes.size());
  double worst = 0;
  for (std::size_t i = 0; i < flows.rows(); ++i) {
    model.predict({flows.row(i), flows.features.size()}, ours);
    for (std::size_t c = 0; c < ours.size(); ++c) {
      worst =
          std::max(worst, static_cast<double>(std::abs(ours[c] - reference[i * ours.size() + c])));
    }
  }
  EXPECT_LT(worst, 1e-5) << "largest probability difference over " << flows.rows() << " rows";
}

}  // namespace
}  // namespace mld::detect
