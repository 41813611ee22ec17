// Tree-ensemble inference per flow: our flat-array predictor against
// XGBoost's own single-row prediction of the same booster, in the same run.
// The model: 10 rounds x 10 classes = 100 trees of depth <= 12, trained at
// start-up on the corrected CIC-IDS2017 sample (the ten classes with >= 1,740
// rows, so every round grows a full set of trees).
// Usage: mld_model_bench [benchmark flags]; env MLD_SHARED_DATA.
#include <benchmark/benchmark.h>
#include <xgboost/c_api.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "detect/trainer.h"
#include "detect/tree_ensemble.h"

namespace {

using namespace mld::detect;

struct Fixture {
  LabelledFlows flows;
  std::unique_ptr<XgbBooster> booster;
  std::unique_ptr<TreeEnsemble> model;
  std::vector<std::string> row_interfaces;  // XGBoost's array interface of each row
};

Fixture& fixture() {
  static Fixture* f = [] {
    const char* env = std::getenv("MLD_SHARED_DATA");
    const std::string dir = std::string(env != nullptr ? env : MLD_SHARED_DATA_DIR) +
                            "/cicids2017-improved-sample/nids-daten/"
                            "sampled_CICIDS2017_improved_rnd_2500/";
    std::vector<std::string> files;
    for (const char* name : {"BENIGN_2500", "DDoS_2500", "DoS_GoldenEye_2500", "DoS_Hulk_2500",
                             "DoS_Slowhttptest_1740", "DoS_Slowloris_2500", "FTP-Patator_2500",
                             "Infiltration_-_Portscan_2500", "Portscan_2500", "SSH-Patator_2500"}) {
      files.push_back(dir + name + ".csv");
    }
    auto* out = new Fixture;
    out->flows = read_cic_csv(files, cic_feature_names());
    std::vector<std::size_t> rows(out->flows.rows());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    const BoosterParams params{.rounds = 10, .max_depth = 12, .seed = 1, .threads = 0};
    out->booster = std::make_unique<XgbBooster>(XgbBooster::train(out->flows, rows, params));
    out->model = std::make_unique<TreeEnsemble>(TreeEnsemble::parse(
        model_document(out->flows, *out->booster, params, {}).dump(), "benchmark model"));
    // Single-row prediction in XGBoost is single-threaded work: one thread,
    // as our predictor runs on one worker.
    check_xgboost(XGBoosterSetParam(out->booster->handle(), "nthread", "1"), "XGBoosterSetParam");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      char interface[160];
      std::snprintf(interface, sizeof interface,
                    R"({"data": [%zu, true], "shape": [1, %zu], "typestr": "<f4", "version": 3})",
                    reinterpret_cast<std::size_t>(out->flows.row(i)), out->flows.features.size());
      out->row_interfaces.emplace_back(interface);
    }
    std::fprintf(stderr, "model: %zu trees, %zu classes, %zu features, %zu rows\n",
                 out->model->trees(), out->model->classes().size(), out->model->features().size(),
                 rows.size());
    return out;
  }();
  return *f;
}

// Rows taken in a fixed stride through the shuffled classes, so branch
// prediction cannot learn one flow's path.
std::size_t next_row(std::size_t row, std::size_t rows) { return (row + 7919) % rows; }

void BM_TreeEnsemblePredict(benchmark::State& state) {
  Fixture& f = fixture();
  std::vector<float> probabilities(f.flows.classes.size());
  std::size_t row = 0;
  for (auto _ : state) {
    f.model->predict({f.flows.row(row), f.flows.features.size()}, probabilities);
    benchmark::DoNotOptimize(probabilities.data());
    row = next_row(row, f.flows.rows());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TreeEnsemblePredict);

void BM_XgboostPredictFromDense(benchmark::State& state) {
  Fixture& f = fixture();
  const char* config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0,)"
                       R"( "strict_shape": false, "cache_id": 0, "missing": NaN})";
  std::size_t row = 0;
  for (auto _ : state) {
    const bst_ulong* shape = nullptr;
    bst_ulong dimensions = 0;
    const float* result = nullptr;
    check_xgboost(XGBoosterPredictFromDense(f.booster->handle(), f.row_interfaces[row].c_str(),
                                            config, nullptr, &shape, &dimensions, &result),
                  "XGBoosterPredictFromDense");
    benchmark::DoNotOptimize(result);
    row = next_row(row, f.flows.rows());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_XgboostPredictFromDense);

}  // namespace

BENCHMARK_MAIN();
