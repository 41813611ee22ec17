#pragma once
// A trained tree ensemble compiled into flat arrays and evaluated in-process:
// no Python, no allocation per flow. Loaded from the versioned model file that
// `mldefender train` writes (models/README.md describes the format).
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mld::detect {

class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::string_view kModelFormat = "mldefender-tree-ensemble";
inline constexpr int kModelVersion = 1;
// Deeper trees are refused: they would only come from a corrupt or hostile
// file, and the bound keeps one prediction's cost bounded too.
inline constexpr int kMaxTreeDepth = 32;

class TreeEnsemble {
 public:
  // Throws ModelError naming the file and what is wrong with it.
  static TreeEnsemble load(const std::string& path);
  // The same from the file's text; `source` names it in errors.
  static TreeEnsemble parse(std::string_view text, const std::string& source);

  // CIC CSV column names, in the order predict() reads them.
  const std::vector<std::string>& features() const { return features_; }
  const std::vector<std::string>& classes() const { return classes_; }
  const std::string& profile() const { return profile_; }  // "dataset" or "fixed"
  const std::string& source() const { return source_; }    // the file it came from
  std::size_t trees() const;

  // Class probabilities for one flow: `features` has features().size()
  // values, `probabilities` classes().size(). Features must be finite (a NaN
  // takes the right branch: models carry no missing-value directions).
  void predict(std::span<const float> features, std::span<float> probabilities) const;

 private:
  std::vector<std::string> features_;
  std::vector<std::string> classes_;
  std::string profile_;
  std::string source_;
  // The flat arrays: see tree_ensemble.cc.
  struct Arrays;
  std::shared_ptr<const Arrays> arrays_;
};

}  // namespace mld::detect
