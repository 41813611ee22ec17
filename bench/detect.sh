#!/usr/bin/env bash
# What detection costs: the whole pipeline on the benchmark capture with
# detect.enabled=false (the baseline), with the rule detectors alone, and with
# the rule detectors and the tree-ensemble model, alternating runs in the same
# invocation so the shared machine's load falls on all alike. Reports packets/s,
# peak RSS and the ratios to the baseline. Usage: bench/detect.sh [RUNS] [WORKERS]
#   RUNS (default 3) alternating rounds; WORKERS (default 1) flow workers.
#   env BUILD_DIR (default build-bench), MLD_SHARED_DATA.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/real_capture.sh"
RUNS=${1:-3}
WORKERS=${2:-1}

build_with_real_capture mldefender
packets=$(tcpdump -r "$REAL" -qn 2>/dev/null | wc -l)
cat "$REAL" >/dev/null  # warm the page cache: we measure processing, not the disk

timed() {  # prints "seconds peak_rss_kib"
  /usr/bin/time -f '%e %M' -o "$WORK/detect.one" "$@" >/dev/null 2>&1
  cat "$WORK/detect.one"
}

RUN=("$BUILD/mldefender" run -r "$REAL" -w "$WORKERS" -o /dev/null)
: >"$WORK/detect.tsv"
for ((round = 1; round <= RUNS; round++)); do
  printf 'off\t%s\n' "$(timed "${RUN[@]}" --set detect.enabled=false)" >>"$WORK/detect.tsv"
  printf 'rules\t%s\n' "$(timed "${RUN[@]}" --set detect.ml.model=none)" >>"$WORK/detect.tsv"
  printf 'rules+model\t%s\n' "$(timed "${RUN[@]}")" >>"$WORK/detect.tsv"
done

awk -v packets="$packets" -v runs="$RUNS" -v workers="$WORKERS" '
  { t[$1, ++n[$1]] = $2; rss[$1, n[$1]] = $3 }
  END {
    printf "capture: %d packets; %d worker(s); %d alternating rounds\n\n", packets, workers, runs
    printf "| round | off pkt/s | rules pkt/s | rules+model pkt/s | rules/off | rules+model/off | RSS off / rules+model MiB |\n"
    printf "|---:|---:|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= runs; ++i) {
      o = packets / t["off", i]; r = packets / t["rules", i]; m = packets / t["rules+model", i]
      printf "| %d | %.0f | %.0f | %.0f | %.2fx | %.2fx | %.1f / %.1f |\n", i, o, r, m, r / o,
        m / o, rss["off", i] / 1024, rss["rules+model", i] / 1024
    }
  }' "$WORK/detect.tsv" | tee "$WORK/detect-results.md"
