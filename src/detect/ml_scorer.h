#pragma once
// Scores finished flows with a tree ensemble: the model's feature columns are
// taken from the flow's CIC statistics (in the model's feature profile), and
// the score is the probability that the flow is not benign.
#include <string_view>
#include <vector>

#include "detect/tree_ensemble.h"
#include "flow/flow_record.h"

namespace mld::detect {

// The class every model must have: the ML score is 1 - P(kBenignClass).
inline constexpr std::string_view kBenignClass = "BENIGN";

struct MlVerdict {
  float score = 0;            // 1 - P(BENIGN), 0..1
  std::string_view label;     // the most likely non-benign class ("" without features)
  std::string_view category;  // its detection category: "dos", "scan", ... ("ml" if unknown)
};

// The detection category of a CIC-IDS2017 class name ("DoS Hulk" -> "dos").
std::string_view ml_category(std::string_view label);

class MlScorer {
 public:
  // Throws ModelError when the model names a feature that is not a CIC
  // column, has no BENIGN class or an unknown feature profile.
  explicit MlScorer(TreeEnsemble model);

  // Not thread-safe (reuses its buffers): one scorer per thread. Flows
  // without statistics score 0.
  MlVerdict score(const flow::FlowRecord& record);

  const TreeEnsemble& model() const { return model_; }

 private:
  TreeEnsemble model_;
  flow::FeatureProfile profile_;
  std::vector<std::size_t> columns_;          // model feature i is CIC column columns_[i]
  std::vector<std::string_view> categories_;  // per class
  std::size_t benign_ = 0;                    // index of BENIGN in the classes
  std::vector<float> features_;               // reused per flow
  std::vector<float> probabilities_;          // reused per flow
};

}  // namespace mld::detect
