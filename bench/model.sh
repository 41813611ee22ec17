#!/usr/bin/env bash
# Tree-ensemble inference: ns per flow for our flat-array predictor and for
# XGBoost's single-row predict of the same 100-tree model (trained at start on
# the CIC-IDS2017 sample), then their ratio. Goal: ours <= 1 µs per flow.
# Usage: bench/model.sh [benchmark flags]   (env BUILD_DIR, MLD_SHARED_DATA)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}

if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DMLD_BUILD_BENCH=ON -DMLD_BUILD_TESTS=OFF
fi
cmake --build "$BUILD" -j"$(nproc)" --target mld_model_bench
mkdir -p "$ROOT/bench/work"
"$BUILD/mld_model_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_format=csv "$@" | tee "$ROOT/bench/work/model-bench.csv" |
  awk -F, '/_median"/ { name = $1; gsub(/"/, "", name); sub(/_median/, "", name); ns[name] = $4
             printf "%-30s %10.1f ns per flow (median CPU time)\n", name, $4 }
           END { ours = ns["BM_TreeEnsemblePredict"]; xgb = ns["BM_XgboostPredictFromDense"]
                 if (ours > 0 && xgb > 0)
                   printf "ours / XGBoost = %.3f (XGBoost %.1fx slower); goal ours <= 1000 ns: %s\n",
                          ours / xgb, xgb / ours, ours <= 1000 ? "met" : "NOT met" }'
