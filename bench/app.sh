#!/usr/bin/env bash
# The whole pipeline on one worker (flows, the 81 statistics, reassembly, nDPI,
# dissectors, protocol events) next to Debian's ndpiReader (nDPI 4.2, single
# thread) on the same capture, in the same invocation, alternating runs so the
# shared machine's load falls on both alike. Reports packets/s and peak RSS
# of each and their ratios; the ratios compare the pipeline without the host
# analyzers (detect.enabled=false: ndpiReader detects nothing), and a third
# run per round gives the speed with them, for reference.
# Usage: bench/app.sh [RUNS] [PACKETS]
#   RUNS (default 3) alternating rounds; PACKETS (default: all of the
#   benchmark capture) cuts a prefix of bench/work/real.pcap with tcpdump -c.
#   env BUILD_DIR (default build-bench), MLD_SHARED_DATA.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/real_capture.sh"
RUNS=${1:-3}
PACKETS=${2:-}

build_with_real_capture mldefender
INPUT=$REAL
if [[ -n $PACKETS ]]; then
  INPUT=$WORK/app-prefix.pcap
  tcpdump -r "$REAL" -c "$PACKETS" -w "$INPUT" 2>/dev/null
fi
packets=$(tcpdump -r "$INPUT" -qn 2>/dev/null | wc -l)
cat "$INPUT" >/dev/null  # warm the page cache: we measure processing, not the disk

# One timed run: prints "seconds peak_rss_kib".
timed() {
  /usr/bin/time -f '%e %M' -o "$WORK/app.one" "$@" >/dev/null 2>&1
  cat "$WORK/app.one"
}

MLD=("$BUILD/mldefender" run -r "$INPUT" -w 1 -o /dev/null)
NDPI=(ndpiReader -i "$INPUT" -q)
: >"$WORK/app.tsv"
for ((round = 1; round <= RUNS; round++)); do
  printf 'mldefender\t%s\n' "$(timed "${MLD[@]}" --set detect.enabled=false)" >>"$WORK/app.tsv"
  printf 'ndpiReader\t%s\n' "$(timed "${NDPI[@]}")" >>"$WORK/app.tsv"
  printf 'detecting\t%s\n' "$(timed "${MLD[@]}")" >>"$WORK/app.tsv"
done

awk -v packets="$packets" -v runs="$RUNS" '
  { t[$1, ++n[$1]] = $2; rss[$1, n[$1]] = $3 }
  END {
    printf "capture: %d packets; %d alternating rounds\n\n", packets, runs
    printf "| round | mldefender -w 1 pkt/s | ndpiReader pkt/s | speed ratio | mldefender RSS MiB | ndpiReader RSS MiB | RSS ratio | with detection pkt/s |\n"
    printf "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= runs; ++i) {
      m = packets / t["mldefender", i]; d = packets / t["ndpiReader", i]
      printf "| %d | %.0f | %.0f | %.2fx | %.1f | %.1f | %.2fx | %.0f |\n", i, m, d, m / d,
        rss["mldefender", i] / 1024, rss["ndpiReader", i] / 1024,
        rss["mldefender", i] / rss["ndpiReader", i], packets / t["detecting", i]
    }
  }' "$WORK/app.tsv" | tee "$WORK/app-results.md"
