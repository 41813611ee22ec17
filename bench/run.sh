#!/usr/bin/env bash
# Throughput and memory of `mldefender run` against tcpdump, softflowd and argus
# on the same capture, then bytes per held flow. Writes the results section of
# bench/README.md. Usage: bench/run.sh   (env: RUNS=5 BUILD_DIR=...)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
WORK=$ROOT/bench/work                      # gitignored: captures and raw results
DATA=${MLD_SHARED_DATA:-$ROOT/../shared/data}
RUNS=${RUNS:-5}
SYNTH_FLOWS=${SYNTH_FLOWS:-1000000}
MLD=$BUILD/mldefender
GEN=$BUILD/mld_make_bench_capture
REAL=$WORK/real.pcap
BIG=$WORK/synth-$SYNTH_FLOWS.pcap
TINY=$WORK/synth-100.pcap

need() {  # tool, Debian package
  command -v "$1" >/dev/null || { echo "missing $1: apt-get install $2 (scripts/install-deps.sh)" >&2; exit 1; }
}
need tcpdump tcpdump; need softflowd softflowd; need argus argus-server
need hyperfine hyperfine; need /usr/bin/time time; need python3 python3; need cmake cmake

# Release build of the sensor and the generator; a no-op when up to date.
build() {
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DMLD_BUILD_BENCH=ON -DMLD_BUILD_TESTS=OFF
  fi
  cmake --build "$BUILD" -j"$(nproc)" --target mldefender mld_make_bench_capture
}

# The corpus: every source except tcpdump's, whose captures are mostly
# deliberately truncated or fuzzed crash regressions, not traffic.
make_captures() {
  mkdir -p "$WORK"
  if [[ ! -s $REAL || ! -s $WORK/real.txt ]]; then
    "$GEN" -o "$REAL" "$DATA/401trg-detections" "$DATA/comnet24s-dns-tunnel" "$DATA/mmt-operator" \
      "$DATA/mmt-security" "$DATA/ndpi/tests/cfgs/default/pcap" "$DATA/nfstream/tests/pcaps" \
      "$DATA/slips" >"$WORK/real.txt" 2>"$WORK/real.log"
  fi
  [[ -s $BIG ]] || "$GEN" --synth-flows "$SYNTH_FLOWS" -o "$BIG" >/dev/null
  [[ -s $TINY ]] || "$GEN" --synth-flows 100 -o "$TINY" >/dev/null
}

field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# name<TAB>command, one per line: the same file, each tool's plain file mode.
# softflowd: -r reads the file, tracks flows (expiring only when -m is exceeded,
# so -m matches mldefender's default flow.max-flows), exports them all at EOF
# and exits; -6 tracks IPv6 too, which needs an export format that has it (-v 10).
# argus -X ignores /etc/argus.conf so the machine's config cannot change the run.
commands() {
  local sf="softflowd -6 -v 10 -m 1048576 -n 127.0.0.1:9995 -p $WORK/softflowd.pid -c $WORK/softflowd.ctl"
  printf '%s\t%s\n' \
    "tcpdump" "tcpdump -n -r $REAL -w /dev/null" \
    "softflowd" "$sf -r $REAL" \
    "argus" "argus -X -r $REAL -w /dev/null" \
    "mldefender -w 1 (cic)" "$MLD run -r $REAL -w 1 -o /dev/null" \
    "mldefender -w 1 (cic, no statistics)" "$MLD run -r $REAL -w 1 --features none -o /dev/null" \
    "mldefender -w 2 (cic)" "$MLD run -r $REAL -w 2 -o /dev/null" \
    "mldefender -w 1 (nfstream)" "$MLD run -r $REAL -w 1 --flow-profile nfstream -o /dev/null" \
    "mldefender -w 2 (nfstream)" "$MLD run -r $REAL -w 2 --flow-profile nfstream -o /dev/null"
}

# Interleaved rounds: each round runs every tool once (one hyperfine call), so
# the load that other users put on this shared machine drifts over all tools
# alike instead of over whichever tool happened to run then. Round 0 is the
# warm-up and is discarded. -N: no shell in between.
time_all() {
  local args=() round
  while IFS=$'\t' read -r name cmd; do args+=(-n "$name" "$cmd"); done < <(commands)
  cat "$REAL" >/dev/null  # warm the page cache: we measure processing, not the disk
  rm -f "$WORK"/times-*.json
  for ((round = 0; round <= RUNS; round++)); do
    hyperfine -N --runs 1 --style none --export-json "$WORK/times-$round.json" "${args[@]}"
  done
  rm -f "$WORK/times-0.json"
}

# Peak RSS, one run each (hyperfine cannot measure it).
rss_all() {
  : >"$WORK/rss.tsv"
  while IFS=$'\t' read -r name cmd; do
    # shellcheck disable=SC2086  # cmd is a word list on purpose
    /usr/bin/time -f %M -o "$WORK/rss.one" $cmd >/dev/null 2>&1
    printf '%s\t%s\n' "$name" "$(cat "$WORK/rss.one")" >>"$WORK/rss.tsv"
  done < <(commands)
}

# Peak RSS (KiB) of mldefender on $1 with --features $3; its stats record
# (last EVE line) to $2. The same max-flows for every run: tables are address
# space until touched.
mld_rss() {
  /usr/bin/time -f %M -o "$WORK/rss.one" "$MLD" run -r "$1" -w 1 --features "$3" \
    --set flow.max-flows=2000000 -o - 2>/dev/null | tail -n 1 >"$2"
  cat "$WORK/rss.one"
}

measure_memory() {
  : >"$WORK/memory.tsv"
  for features in dataset none; do
    printf 'big-%s\t%s\n' "$features" "$(mld_rss "$BIG" "$WORK/stats-big.json" "$features")" >>"$WORK/memory.tsv"
    printf 'tiny-%s\t%s\n' "$features" "$(mld_rss "$TINY" "$WORK/stats-tiny.json" "$features")" >>"$WORK/memory.tsv"
  done
}

machine() {
  echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), kernel $(uname -r), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $("$MLD" --version 2>/dev/null || echo '?')"
}

# Markdown results from the raw files in bench/work.
results() {
  echo "## Results"
  echo
  echo "Capture: \`bench/work/real.pcap\`, $(field packets "$WORK/real.txt") packets, $(field flows "$WORK/real.txt") flows (distinct 5-tuples), $(field bytes "$WORK/real.txt") bytes on the wire, $(field span_s "$WORK/real.txt") s of packet time."
  echo "Median wall time of $RUNS interleaved rounds after a warm-up round (hyperfine); CPU = median user+system seconds."
  echo
  python3 - "$WORK" "$WORK/rss.tsv" "$WORK/memory.tsv" "$WORK/stats-big.json" \
    "$WORK/stats-tiny.json" "$(field packets "$WORK/real.txt")" <<'EOF'
import json, sys
import glob, statistics
work, rss_file, mem_file, big_file, tiny_file, packets = sys.argv[1:]
packets = int(packets)
wall, cpu = {}, {}  # command -> one value per round
for path in sorted(glob.glob(f"{work}/times-*.json")):
    for r in json.load(open(path))["results"]:
        wall.setdefault(r["command"], []).append(r["times"][0])
        cpu.setdefault(r["command"], []).append(r["user"] + r["system"])
median = {name: statistics.median(t) for name, t in wall.items()}
rss = dict(line.rstrip("\n").split("\t") for line in open(rss_file))
pps = {name: packets / m for name, m in median.items()}
ref1, ref2 = pps["mldefender -w 1 (cic)"], pps["mldefender -w 2 (cic)"]
print("| tool | median wall s | CPU s | packets/s | mldefender -w 1 (cic) ÷ tool | mldefender -w 2 (cic) ÷ tool | peak RSS MiB |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in wall:
    print(f"| {name} | {median[name]:.2f} | {statistics.median(cpu[name]):.2f} | {pps[name]:,.0f} | {ref1 / pps[name]:.2f} | "
          f"{ref2 / pps[name]:.2f} | {int(rss[name]) / 1024:.1f} |")
mem = dict(line.split() for line in open(mem_file))
big, tiny = json.load(open(big_file))["stats"]["flow"], json.load(open(tiny_file))["stats"]["flow"]
held = big["ended"]["end-of-input"]  # still in the table when the input ended
print()
stats_ratio = pps["mldefender -w 1 (cic)"] / pps["mldefender -w 1 (cic, no statistics)"]
print(f"**Statistics:** with all 81 CIC statistics on, one worker runs at {stats_ratio:.2f}× the "
      "packets/s of the same run without them (`--features none`).")
print()
for features, label in (("dataset", "with the CIC statistics"), ("none", "without statistics (`--features none`)")):
    b, t = int(mem[f"big-{features}"]), int(mem[f"tiny-{features}"])
    per_flow = (b - t) * 1024 / held
    print(f"**Memory {label}:** {per_flow:.0f} bytes per held flow = (peak RSS {b / 1024:.1f} MiB with "
          f"{held:,} flows held at end of input − {t / 1024:.1f} MiB with {tiny['created']} flows) / {held:,}.")
print()
print("(cic profile, 1 worker, `--set flow.max-flows=2000000`, synthetic SYN + SYN-ACK flows within 2 s, so none "
      "times out before the end of input.)")
EOF
  echo
  echo "Commands (\`\$F\` = the capture):"
  echo
  commands | while IFS=$'\t' read -r name cmd; do
    cmd=${cmd//$REAL/\$F}
    echo "- $name: \`${cmd//$ROOT\//}\`"
  done
  echo
  machine
  echo "- reproduce: \`bench/run.sh\` (RUNS=$RUNS; captures are reused from bench/work/ when present)"
}

# Replaces everything from "## Results" on; the hand-written intro above stays.
write_readme() {
  local readme=$ROOT/bench/README.md
  local intro
  intro=$(sed '/^## Results/,$d' "$readme" 2>/dev/null || true)
  { printf '%s\n\n' "${intro:-# Benchmarks}"; results; } >"$readme.new"
  mv "$readme.new" "$readme"
}

build
make_captures
time_all
rss_all
measure_memory
write_readme
sed -n '/^## Results/,$p' "$ROOT/bench/README.md"
