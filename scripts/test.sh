#!/usr/bin/env bash
# The full test suite, as CI runs it: installs what is missing, then builds and
# runs every test in Release, under AddressSanitizer + UndefinedBehaviorSanitizer
# and under ThreadSanitizer, builds the fuzz targets and runs each briefly, and
# checks the layer order of DESIGN.md.
#
#   ./scripts/test.sh            everything
#   MLD_SUITES="release" ./scripts/test.sh   a subset (release asan tsan fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/check-layers.sh

jobs=$(nproc)
suites=${MLD_SUITES:-"release asan tsan fuzz"}

build() {  # build DIR CMAKE-ARGS...
  local dir=$1; shift
  cmake -S . -B "$dir" -DMLD_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
}

run_ctest() {  # run_ctest DIR [CTEST-ARGS...]
  local dir=$1; shift
  (cd "$dir" && ctest --output-on-failure --timeout 900 -j"$jobs" "$@")
}

for suite in $suites; do
  echo "=== $suite"
  case $suite in
    release)
      build build-release -DCMAKE_BUILD_TYPE=Release
      run_ctest build-release
      ;;
    asan)
      build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMLD_SANITIZE=address,undefined
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        run_ctest build-asan
      ;;
    tsan)
      # The threaded parts: pipelines with several workers, live capture.
      # Left to the other suites: the single-worker corpus runs (robustness,
      # application conformance), which would only repeat ASan's work slowly.
      build build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMLD_SANITIZE=thread
      TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        run_ctest build-tsan -L 'threaded|live|conformance' \
        -E 'Robustness|NdpiApplicationConformance|DetectionEvaluation'
      ;;
    fuzz)
      CC=clang CXX=clang++ build build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMLD_FUZZ=ON \
        -DMLD_BUILD_TESTS=OFF
      ./fuzz/run.sh build-fuzz 30
      ;;
    *)
      echo "unknown suite: $suite" >&2
      exit 1
      ;;
  esac
done
echo "all suites passed: $suites"
