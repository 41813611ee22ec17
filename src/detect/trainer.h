#pragma once
// `mldefender train`: stratified k-fold cross-validation of gradient-boosted
// trees on labelled CIC flows, then one model on every row, written as our
// versioned model file with the cross-validation metrics inside.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "detect/cic_csv.h"
#include "detect/xgboost_booster.h"

namespace mld::detect {

struct ClassMetrics {
  std::string name;
  std::size_t rows = 0;       // in the data
  std::size_t predicted = 0;  // out-of-fold predictions of this class
  double recall = 0, precision = 0, f1 = 0;
};

// Pooled over the folds: every row is predicted once, by the model of the
// fold that did not train on it.
struct CvMetrics {
  int folds = 0;
  double macro_f1 = 0;  // mean of the classes' F1
  double accuracy = 0;
  std::vector<ClassMetrics> classes;
};

// Per row, its fold in 0..folds-1: each class's rows shuffled with `seed`
// and dealt round-robin, so every fold holds about 1/folds of every class.
std::vector<int> stratified_folds(const std::vector<std::uint32_t>& labels, int folds,
                                  std::uint64_t seed);

// Trains on all folds but one, predicts that one with our TreeEnsemble (so
// the conversion is exercised on every row), for each fold in turn.
CvMetrics cross_validate(const LabelledFlows& flows, const BoosterParams& params, int folds);

// The model file for `booster` trained on `flows` (format version 1,
// models/README.md): metadata, metrics and trees.
nlohmann::json model_document(const LabelledFlows& flows, const XgbBooster& booster,
                              const BoosterParams& params, const CvMetrics& metrics);

}  // namespace mld::detect
