#pragma once
// Gradient-boosted trees trained with XGBoost's C API (Debian's libxgboost),
// converted into our model file's tree form. XGBoost is only the trainer and,
// in tests and benchmarks, the reference: inference is TreeEnsemble's.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <stdexcept>
#include <vector>

#include "detect/cic_csv.h"

namespace mld::detect {

class XgboostError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BoosterParams {
  int rounds = 10;  // boosting rounds: one tree per class each
  int max_depth = 8;
  double eta = 0.3;  // learning rate (XGBoost's default)
  std::uint64_t seed = 1;
  int threads = 0;  // 0: every hardware thread
};

class XgbBooster {
 public:
  // Trains objective multi:softprob with every class of `flows` on the rows
  // listed in `rows` (histogram tree method).
  static XgbBooster train(const LabelledFlows& flows, std::span<const std::size_t> rows,
                          const BoosterParams& params);
  XgbBooster(XgbBooster&& other) noexcept;
  XgbBooster& operator=(XgbBooster&&) = delete;
  XgbBooster(const XgbBooster&) = delete;
  ~XgbBooster();

  // XGBoost's own class probabilities for `rows` (row-major, rows x classes).
  std::vector<float> predict(const LabelledFlows& flows, std::span<const std::size_t> rows) const;

  // The trees as our model file stores them: {"base_score": ..., "trees":
  // [{"class", "left", "right", "feature", "value"}, ...]}, nodes breadth
  // first, floats written in their shortest exact decimal form.
  nlohmann::json model_trees() const;

  void* handle() const { return handle_; }  // for benchmarks comparing predictors

 private:
  explicit XgbBooster(void* handle) : handle_(handle) {}
  void* handle_;
};

// Throws XgboostError with XGBoost's last error when `status` is not 0.
void check_xgboost(int status, const char* call);

}  // namespace mld::detect
