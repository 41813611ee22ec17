#include "detect/ml_scorer.h"

#include <algorithm>

namespace mld::detect {
namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::size_t cic_column(const std::string& name, const std::string& model_name) {
  for (std::size_t i = 0; i < flow::kCicColumnCount; ++i) {
    if (flow::kCicColumns[i].csv_name == name) return i;
  }
  throw ModelError(model_name + ": feature \"" + name + "\" is not a CIC flow column");
}

float as_float(const flow::CicValue& value) {
  return value.is_float ? static_cast<float>(value.real) : static_cast<float>(value.integer);
}

}  // namespace

std::string_view ml_category(std::string_view label) {
  // Order matters: "Infiltration - Portscan" is a scan, "Web Attack - Brute
  // Force" a web attack.
  if (contains(label, "Portscan") || contains(label, "PortScan")) return "scan";
  if (label.starts_with("Web Attack")) return "web-attack";
  if (label.starts_with("DoS") || label.starts_with("DDoS")) return "dos";
  if (label.ends_with("Patator")) return "brute-force";
  if (label == "Botnet" || label == "Bot") return "botnet";
  if (label.starts_with("Infiltration")) return "infiltration";
  if (label == "Heartbleed") return "exploit";
  return "ml";
}

MlScorer::MlScorer(TreeEnsemble model) : model_(std::move(model)) {
  const std::string& name = model_.source();
  const auto profile = flow::parse_feature_profile(model_.profile());
  if (!profile) throw ModelError(name + ": unknown feature profile \"" + model_.profile() + "\"");
  profile_ = *profile;
  for (const std::string& feature : model_.features()) {
    columns_.push_back(cic_column(feature, name));
  }
  const auto& classes = model_.classes();
  const auto benign = std::find(classes.begin(), classes.end(), kBenignClass);
  if (benign == classes.end()) throw ModelError(name + ": has no BENIGN class");
  benign_ = static_cast<std::size_t>(benign - classes.begin());
  for (const std::string& label : classes) categories_.push_back(ml_category(label));
  features_.resize(columns_.size());
  probabilities_.resize(classes.size());
}

MlVerdict MlScorer::score(const flow::FlowRecord& record) {
  if (!record.has_features) return {};
  const flow::CicValues values = record.features.values(record.cic_context(), profile_);
  for (std::size_t i = 0; i < columns_.size(); ++i) features_[i] = as_float(values[columns_[i]]);
  model_.predict(features_, probabilities_);
  std::size_t best = benign_ == 0 ? 1 : 0;
  for (std::size_t c = 0; c < probabilities_.size(); ++c) {
    if (c != benign_ && probabilities_[c] > probabilities_[best]) best = c;
  }
  const float score = std::clamp(1.0f - probabilities_[benign_], 0.0f, 1.0f);
  return {score, model_.classes()[best], categories_[best]};
}

}  // namespace mld::detect
