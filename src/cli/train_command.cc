#include "cli/train_command.h"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>

#include "detect/ml_scorer.h"
#include "detect/trainer.h"

namespace mld::cli {
namespace {

void print_table(const detect::LabelledFlows& flows, const detect::CvMetrics& metrics) {
  fmt::print(
      "{}-fold stratified cross-validation ({} rows, {} classes; {} rows with "
      "non-finite values skipped)\n",
      metrics.folds, flows.rows(), flows.classes.size(), flows.skipped_non_finite);
  fmt::print("{:<28} {:>6} {:>8} {:>9} {:>6}\n", "class", "rows", "recall", "precision", "F1");
  for (const detect::ClassMetrics& c : metrics.classes) {
    fmt::print("{:<28} {:>6} {:>8.4f} {:>9.4f} {:>6.4f}\n", c.name, c.rows, c.recall, c.precision,
               c.f1);
  }
  fmt::print("macro-F1 {:.4f}, accuracy {:.4f}\n", metrics.macro_f1, metrics.accuracy);
  fmt::print(
      "These scores come from the training dataset itself (its flows share capture days, "
      "hosts and tools); they overstate real-world accuracy, which only labelled traffic "
      "from elsewhere can measure.\n");
}

bool valid(const TrainArguments& a) {
  if (a.inputs.empty() || a.output.empty()) {
    fmt::print(stderr, "train: --input and --output are required\n");
  } else if (a.rounds < 1 || a.max_depth < 1 || a.max_depth > 12 || a.folds < 2) {
    fmt::print(stderr, "train: need --rounds >= 1, --max-depth in 1..12, --folds >= 2\n");
  } else {
    return true;
  }
  return false;
}

}  // namespace

int train_command(const TrainArguments& arguments) {
  if (!valid(arguments)) return 1;
  const detect::BoosterParams params{
      .rounds = arguments.rounds, .max_depth = arguments.max_depth, .seed = arguments.seed};
  nlohmann::json model;
  try {
    const detect::LabelledFlows flows =
        detect::read_cic_csv(detect::cic_csv_files(arguments.inputs), detect::cic_feature_names());
    if (std::find(flows.classes.begin(), flows.classes.end(), detect::kBenignClass) ==
        flows.classes.end()) {
      fmt::print(stderr, "train: the data has no BENIGN rows\n");
      return 2;
    }
    const detect::CvMetrics metrics = detect::cross_validate(flows, params, arguments.folds);
    print_table(flows, metrics);
    std::vector<std::size_t> rows(flows.rows());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    model = detect::model_document(flows, detect::XgbBooster::train(flows, rows, params), params,
                                   metrics);
  } catch (const std::exception& e) {
    fmt::print(stderr, "train: {}\n", e.what());
    return 2;
  }
  std::ofstream out(arguments.output, std::ios::binary | std::ios::trunc);
  out << model.dump() << '\n';
  if (!out.flush()) {
    fmt::print(stderr, "train: cannot write {}\n", arguments.output);
    return 3;
  }
  fmt::print("model with {} classes and {} trees written to {}\n", model["classes"].size(),
             model["trees"].size(), arguments.output);
  return 0;
}

}  // namespace mld::cli
