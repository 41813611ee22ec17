#pragma once
// `mldefender train`: fits a tree ensemble on labelled CIC CSV flows, prints
// its cross-validation table and writes the model file.
#include <cstdint>
#include <string>
#include <vector>

namespace mld::cli {

struct TrainArguments {
  std::vector<std::string> inputs;  // --input: CSV files or directories (repeatable)
  std::string output;               // --output: the model file
  int rounds = 10;                  // --rounds: boosting rounds (one tree per class each)
  int max_depth = 8;                // --max-depth
  int folds = 5;                    // --folds: stratified cross-validation folds
  std::uint64_t seed = 1;           // --seed: folds and XGBoost
};

// 0: model written; 1: bad arguments; 2: the data could not be read or
// trained on; 3: the model could not be written.
int train_command(const TrainArguments& arguments);

}  // namespace mld::cli
