#!/usr/bin/env bash
# The output path on one core: events/s serialized, signed and written, as
# ratios against plain write() of the same bytes in the same invocation, then
# RSS over a long run. Usage: bench/sink.sh [EVENTS] [LONG_EVENTS]
#   (defaults 5000000 and 50000000; env BUILD_DIR, MLD_SHARED_DATA)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/real_capture.sh"

build_with_real_capture mld_sink_bench
"$BUILD/mld_sink_bench" "$REAL" "$WORK/sink-bench.json" "${1:-5000000}" "${2:-50000000}"
