#!/usr/bin/env bash
# Runs every fuzz target for a while on its seed corpus:
#   fuzz/run.sh [BUILD_DIR] [SECONDS_PER_TARGET]     (defaults: build-fuzz 600)
# Seeds come from the real captures in ../shared/data: single frames for
# fuzz_decoder (seed_corpus.sh), the small capture files themselves for
# fuzz_capture_file. New inputs go to fuzz/corpus-*/ (ignored by git); crashes
# are written to fuzz/crash-* and fail the run.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build-fuzz}
seconds=${2:-600}
data=${MLD_SHARED_DATA:-$repo/../shared/data}
cd "$repo"

targets=(fuzz_decoder fuzz_capture_file fuzz_log_verifier fuzz_reassembler fuzz_dns fuzz_http
  fuzz_tls fuzz_x509 fuzz_starttls fuzz_ssh fuzz_smb fuzz_quic fuzz_name_scores fuzz_cic_csv
  fuzz_model_file)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" fuzz_seed_extract mldefender
[ -d fuzz/corpus-decoder ] || fuzz/seed_corpus.sh "$build" fuzz/corpus-decoder
if [ ! -d fuzz/corpus-capture ]; then
  mkdir -p fuzz/corpus-capture
  # Capture files under 64 KiB are the seeds (libFuzzer reads prefixes of larger ones).
  find "$data" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -size -64k \
    -exec cp -t fuzz/corpus-capture {} + 2>/dev/null || true
fi

if [ ! -d fuzz/corpus-log_verifier ]; then
  # Real signed logs, as the sensor writes them, with the target's key.
  mkdir -p fuzz/corpus-log_verifier
  key=$(mktemp) && printf 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF' >"$key"
  "$build/mldefender" run -r samples/sample.pcap -o fuzz/corpus-log_verifier/sample.json \
    --set output.signing.key-file="$key" 2>/dev/null
  zstd -q -k fuzz/corpus-log_verifier/sample.json
  rm -f "$key"
fi

# Labelled CSV seeds: a header and a few rows of the CIC-IDS2017 sample.
if [ ! -d fuzz/corpus-cic_csv ] && [ -d "$data/cicids2017-improved-sample" ]; then
  mkdir -p fuzz/corpus-cic_csv
  head -c 4000 "$data/cicids2017-improved-sample/nids-daten/sampled_CICIDS2017_improved_rnd_2500/Heartbleed_11.csv" \
    >fuzz/corpus-cic_csv/heartbleed.csv
fi

status=0
for target in "${targets[@]}"; do
  corpus=fuzz/corpus-${target#fuzz_}
  [ "$target" = fuzz_capture_file ] && corpus=fuzz/corpus-capture
  mkdir -p "$corpus"  # the application-layer targets start from nothing in CI
  echo "--- $target: ${seconds}s on $(find "$corpus" -type f | wc -l) inputs"
  if ! "$build/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=fuzz/crash- "$corpus" \
      2>"$build/$target.log"; then
    status=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::new_units_added|ERROR|SUMMARY" \
    "$build/$target.log" || true
done
exit $status
