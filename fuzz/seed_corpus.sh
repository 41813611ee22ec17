#!/usr/bin/env bash
# Builds the seed corpus of fuzz_decoder from the real captures beside the
# checkout (../shared/data, or $MLD_SHARED_DATA): the first frames of every
# capture, each prefixed with its link-type selector (fuzz_link_types.h).
#
#   fuzz/seed_corpus.sh [BUILD_DIR] [CORPUS_DIR]
#   ./build-fuzz/fuzz/fuzz_decoder -max_total_time=300 fuzz/corpus-decoder
#
# BUILD_DIR defaults to build-fuzz (configured with clang if absent),
# CORPUS_DIR to fuzz/corpus-decoder (ignored by git).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build-fuzz}
corpus=${2:-$repo/fuzz/corpus-decoder}
data=${MLD_SHARED_DATA:-$repo/../shared/data}

if [ ! -d "$data" ]; then
  echo "no captures at $data (set MLD_SHARED_DATA)" >&2
  exit 1
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -DMLD_FUZZ=ON -DMLD_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" -j"$(nproc)" --target fuzz_seed_extract fuzz_decoder

mkdir -p "$corpus"
find "$data" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print0 |
  sort -z | xargs -0 "$build/fuzz/fuzz_seed_extract" "$corpus"
echo "$(find "$corpus" -type f | wc -l) inputs in $corpus"
