// The flat-array predictor on a hand-written model whose probabilities are
// computed by hand: XGBoost's multi:softprob adds base_score and the leaf of
// every tree of a class into that class's margin, then takes the softmax, and
// a split sends a value left when it is strictly below the threshold.
#include "detect/tree_ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

namespace mld::detect {
namespace {

// Tree 1 is stored out of breadth-first order (children after parents, left
// child of the root last) so the loader's relayout is exercised.
const char* const kModel = R"({
  "format": "mldefender-tree-ensemble", "version": 1, "objective": "multi:softprob",
  "feature_profile": "dataset", "features": ["Flow Duration", "Total Fwd Packet"],
  "classes": ["BENIGN", "DDoS"], "base_score": 0.5,
  "trees": [
    {"class": 0, "left": [1, -1, -1], "right": [2, -1, -1], "feature": [0, -1, -1],
     "value": [100, 0.4, -0.2]},
    {"class": 1, "left": [3, 2, -1, -1, -1], "right": [1, 4, -1, -1, -1],
     "feature": [1, 0, -1, -1, -1], "value": [3, 50, 0.5, -0.3, 0.1]},
    {"class": 0, "left": [-1], "right": [-1], "feature": [-1], "value": [0.1]}
  ]})";

struct Probabilities {
  float benign, ddos;
};

Probabilities predict(const TreeEnsemble& model, float duration, float packets) {
  const float features[] = {duration, packets};
  float out[2];
  model.predict(features, out);
  return {out[0], out[1]};
}

TEST(TreeEnsemble, ReadsTheModelDescription) {
  const TreeEnsemble model = TreeEnsemble::parse(kModel, "tiny.json");
  EXPECT_EQ(model.trees(), 3u);
  EXPECT_EQ(model.features(), (std::vector<std::string>{"Flow Duration", "Total Fwd Packet"}));
  EXPECT_EQ(model.classes(), (std::vector<std::string>{"BENIGN", "DDoS"}));
  EXPECT_EQ(model.profile(), "dataset");
  EXPECT_EQ(model.source(), "tiny.json");
}

TEST(TreeEnsemble, PredictsTheHandComputedSoftmax) {
  const TreeEnsemble model = TreeEnsemble::parse(kModel, "tiny.json");
  // (200, 1): leaves -0.2, -0.3, 0.1 -> margins 0.4 and 0.2.
  Probabilities p = predict(model, 200, 1);
  EXPECT_NEAR(p.ddos, 1 / (1 + std::exp(0.2)), 1e-6);  // 0.450166
  EXPECT_NEAR(p.benign, 0.549834, 1e-6);
  // (60, 3): 3 is not below 3, so tree 1 goes right, then 60 >= 50 right:
  // leaves 0.4, 0.1, 0.1 -> margins 1.0 and 0.6.
  p = predict(model, 60, 3);
  EXPECT_NEAR(p.ddos, 0.401312, 1e-6);
  EXPECT_NEAR(p.benign, 0.598688, 1e-6);
  // (10, 5): leaves 0.4, 0.5, 0.1 -> margins 1.0 and 1.0.
  p = predict(model, 10, 5);
  EXPECT_NEAR(p.ddos, 0.5, 1e-6);
  EXPECT_NEAR(p.benign, 0.5, 1e-6);
}

TEST(TreeEnsemble, RefusesWrongSpanSizes) {
  const TreeEnsemble model = TreeEnsemble::parse(kModel, "tiny.json");
  const float features[] = {1, 2, 3};
  float out[2];
  EXPECT_THROW(model.predict(features, out), std::invalid_argument);
}

// The tiny model with one substring replaced.
std::string broken(const std::string& from, const std::string& to) {
  std::string text = kModel;
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

void expect_model_error(const std::string& text, const std::string& problem) {
  try {
    TreeEnsemble::parse(text, "bad-model.json");
    FAIL() << "accepted a model with " << problem;
  } catch (const ModelError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("bad-model.json: ", 0), 0u) << message;
    EXPECT_NE(message.find(problem), std::string::npos) << message;
  }
}

TEST(TreeEnsemble, NamesTheFileAndTheProblem) {
  expect_model_error("{\"format\": ", "not valid JSON");
  expect_model_error(broken("\"version\": 1", "\"version\": 2"), "unsupported version 2");
  expect_model_error(broken("mldefender-tree-ensemble", "xgboost"), "format");
  expect_model_error(broken("multi:softprob", "binary:logistic"), "objective");
  expect_model_error(broken("\"feature\": [1, 0,", "\"feature\": [2, 0,"),
                     "feature index 2 out of range");
  // Node 1's left child pointing back at the root: a cycle.
  expect_model_error(broken("\"left\": [3, 2,", "\"left\": [3, 0,"), "child 0 out of range");
  expect_model_error(broken("\"left\": [3, 2,", "\"left\": [3, 9,"), "child 9 out of range");
  // Node 1's left child is the root's left child too: not a tree.
  expect_model_error(broken("\"left\": [3, 2,", "\"left\": [3, 3,"), "two parents");
  expect_model_error(broken("\"class\": 1", "\"class\": 2"), "class out of range");
  expect_model_error(broken("[0.1]", "[1e39]"), "non-finite value");
  expect_model_error(broken("\"DDoS\"", "\"BENIGN\""), "names BENIGN twice");
  expect_model_error(broken("\"feature\": [-1], ", ""), "missing or mistyped \"feature\"");
  expect_model_error(broken("\"value\": [0.1]", "\"value\": [0.1, 0.2]"), "differ in length");
}

TEST(TreeEnsemble, RefusesTreesDeeperThanTheBound) {
  // A chain of kMaxTreeDepth + 1 splits: splits at even positions (left child
  // the next split), leaves at odd positions, one more leaf at the end.
  const int splits = kMaxTreeDepth + 1, nodes = 2 * splits + 1;
  std::string left, right, feature, value;
  for (int i = 0; i < nodes; ++i) {
    const bool split = i % 2 == 0 && i < 2 * splits;
    const std::string comma = i + 1 < nodes ? "," : "";
    left += std::to_string(split ? i + 2 : -1) + comma;
    right += std::to_string(split ? i + 1 : -1) + comma;
    feature += (split ? "0" : "-1") + comma;
    value += "1" + comma;
  }
  const std::string deep = R"({"class": 0, "left": [)" + left + R"(], "right": [)" + right +
                           R"(], "feature": [)" + feature + R"(], "value": [)" + value + "]}";
  const std::string text =
      broken(R"({"class": 0, "left": [-1], "right": [-1], "feature": [-1], "value": [0.1]})", deep);
  expect_model_error(text, "deeper than 32 levels");
}

TEST(TreeEnsemble, LoadNamesTheFile) {
  const std::string path = ::testing::TempDir() + "tree_ensemble_test_model.json";
  {
    std::ofstream out(path);
    out << broken("\"version\": 1", "\"version\": 7");
  }
  try {
    TreeEnsemble::load(path);
    FAIL() << "accepted version 7";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": unsupported version 7"), std::string::npos)
        << e.what();
  }
  std::remove(path.c_str());
  EXPECT_THROW(TreeEnsemble::load(path), ModelError);  // gone: cannot open
}

}  // namespace
}  // namespace mld::detect
