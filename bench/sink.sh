#!/usr/bin/env bash
# The output path on one core: events/s serialized, signed and written, as
# ratios against plain write() of the same bytes in the same invocation, then
# RSS over a long run. Usage: bench/sink.sh [EVENTS] [LONG_EVENTS]
#   (defaults 5000000 and 50000000; env BUILD_DIR, MLD_SHARED_DATA)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
WORK=$ROOT/bench/work
DATA=${MLD_SHARED_DATA:-$ROOT/../shared/data}
REAL=$WORK/real.pcap

if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DMLD_BUILD_BENCH=ON -DMLD_BUILD_TESTS=OFF
fi
cmake --build "$BUILD" -j"$(nproc)" --target mld_sink_bench mld_make_bench_capture
mkdir -p "$WORK"
if [[ ! -s $REAL ]]; then  # the same real-traffic capture as bench/run.sh
  "$BUILD/mld_make_bench_capture" -o "$REAL" "$DATA/401trg-detections" \
    "$DATA/comnet24s-dns-tunnel" "$DATA/mmt-operator" "$DATA/mmt-security" \
    "$DATA/ndpi/tests/cfgs/default/pcap" "$DATA/nfstream/tests/pcaps" "$DATA/slips" \
    >"$WORK/real.txt" 2>"$WORK/real.log"
fi
"$BUILD/mld_sink_bench" "$REAL" "$WORK/sink-bench.json" "${1:-5000000}" "${2:-50000000}"
