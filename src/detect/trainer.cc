#include "detect/trainer.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <random>

#include "detect/tree_ensemble.h"

namespace mld::detect {
namespace {

using nlohmann::json;

std::string xgboost_version() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

// Metrics rounded to 4 decimals: more would be noise, and it keeps the file
// readable.
double rounded(double value) { return std::round(value * 1e4) / 1e4; }

json metrics_json(const CvMetrics& metrics) {
  json classes = json::array();
  for (const ClassMetrics& c : metrics.classes) {
    classes.push_back({{"class", c.name},
                       {"rows", c.rows},
                       {"recall", rounded(c.recall)},
                       {"precision", rounded(c.precision)},
                       {"f1", rounded(c.f1)}});
  }
  return {{"validation", "stratified " + std::to_string(metrics.folds) +
                             "-fold cross-validation, out-of-fold predictions pooled"},
          {"folds", metrics.folds},
          {"macro_f1", rounded(metrics.macro_f1)},
          {"accuracy", rounded(metrics.accuracy)},
          {"per_class", classes}};
}

CvMetrics score(const LabelledFlows& flows, const std::vector<std::uint32_t>& predicted,
                int folds) {
  const std::size_t n = flows.classes.size();
  std::vector<std::size_t> rows(n), hits(n), guesses(n);
  for (std::size_t i = 0; i < flows.rows(); ++i) {
    ++rows[flows.labels[i]];
    ++guesses[predicted[i]];
    if (predicted[i] == flows.labels[i]) ++hits[predicted[i]];
  }
  CvMetrics metrics;
  metrics.folds = folds;
  for (std::size_t c = 0; c < n; ++c) {
    ClassMetrics m{flows.classes[c], rows[c], guesses[c]};
    m.recall = rows[c] ? static_cast<double>(hits[c]) / rows[c] : 0;
    m.precision = guesses[c] ? static_cast<double>(hits[c]) / guesses[c] : 0;
    m.f1 = m.recall + m.precision > 0 ? 2 * m.recall * m.precision / (m.recall + m.precision) : 0;
    metrics.macro_f1 += m.f1 / static_cast<double>(n);
    metrics.classes.push_back(m);
  }
  const std::size_t correct = std::accumulate(hits.begin(), hits.end(), std::size_t{0});
  metrics.accuracy = flows.rows() ? static_cast<double>(correct) / flows.rows() : 0;
  return metrics;
}

std::uint32_t most_likely(std::span<const float> probabilities) {
  return static_cast<std::uint32_t>(std::max_element(probabilities.begin(), probabilities.end()) -
                                    probabilities.begin());
}

}  // namespace

std::vector<int> stratified_folds(const std::vector<std::uint32_t>& labels, int folds,
                                  std::uint64_t seed) {
  std::vector<int> fold(labels.size());
  const std::uint32_t classes =
      labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
  std::mt19937_64 random(seed);  // the engine is specified: same folds everywhere
  for (std::uint32_t c = 0; c < classes; ++c) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] == c) members.push_back(i);
    }
    // Fisher-Yates by hand: std::shuffle's sequence differs between libraries.
    for (std::size_t i = members.size(); i > 1; --i)
      std::swap(members[i - 1], members[random() % i]);
    for (std::size_t i = 0; i < members.size(); ++i) {
      fold[members[i]] = static_cast<int>(i % static_cast<std::size_t>(folds));
    }
  }
  return fold;
}

CvMetrics cross_validate(const LabelledFlows& flows, const BoosterParams& params, int folds) {
  const std::vector<int> fold = stratified_folds(flows.labels, folds, params.seed);
  std::vector<std::uint32_t> predicted(flows.rows());
  std::vector<float> probabilities(flows.classes.size());
  for (int k = 0; k < folds; ++k) {
    std::vector<std::size_t> train;
    for (std::size_t i = 0; i < flows.rows(); ++i) {
      if (fold[i] != k) train.push_back(i);
    }
    const XgbBooster booster = XgbBooster::train(flows, train, params);
    const TreeEnsemble model = TreeEnsemble::parse(
        model_document(flows, booster, params, {}).dump(), "fold " + std::to_string(k));
    for (std::size_t i = 0; i < flows.rows(); ++i) {
      if (fold[i] != k) continue;
      model.predict({flows.row(i), flows.features.size()}, probabilities);
      predicted[i] = most_likely(probabilities);
    }
  }
  return score(flows, predicted, folds);
}

json model_document(const LabelledFlows& flows, const XgbBooster& booster,
                    const BoosterParams& params, const CvMetrics& metrics) {
  json files = json::array();
  for (const std::string& file : flows.files) {
    files.push_back(std::filesystem::path(file).filename().string());
  }
  json trees = booster.model_trees();
  return {
      {"format", kModelFormat},
      {"version", kModelVersion},
      {"created_by", "mldefender train (XGBoost " + xgboost_version() + " C API)"},
      {"objective", "multi:softprob"},
      {"feature_profile", "dataset"},
      {"features", flows.features},
      {"classes", flows.classes},
      {"training_data",
       {{"sha256", flows.sha256},
        {"hash_of", "the CSV files' bytes, concatenated in file name order"},
        {"files", files},
        {"rows", flows.rows()},
        {"skipped_non_finite_rows", flows.skipped_non_finite}}},
      {"trainer",
       {{"library", "xgboost"},
        {"booster", "gbtree"},
        {"tree_method", "hist"},
        {"rounds", params.rounds},
        {"max_depth", params.max_depth},
        {"eta", params.eta},
        {"seed", params.seed}}},
      {"metrics", metrics_json(metrics)},
      {"base_score", trees["base_score"]},
      {"trees", std::move(trees["trees"])},
  };
}

}  // namespace mld::detect
