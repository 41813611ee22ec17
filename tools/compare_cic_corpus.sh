#!/bin/bash
# Run the sensor (cic-csv, decode.tunnels=false) and tools/cic_reference.py over every capture
# of a corpus and print the total agreement and per-column mismatch totals.
#
# Usage: tools/compare_cic_corpus.sh [-p dataset|fixed] [-j JOBS] [-o OUTDIR] [-b SENSOR_BIN]
#        [-r "EXTRA REFERENCE ARGS", e.g. -r --strict-l4] [-x "EXTRA SENSOR ARGS", e.g. -x "-w 4"] [DIR...]
# Default DIR: ../shared/data/ndpi/tests/cfgs/default/pcap (beside the repository)
# Default sensor: build-ref/mldefender (cmake -S . -B build-ref -DCMAKE_BUILD_TYPE=Release
#   -DMLD_BUILD_TESTS=OFF && cmake --build build-ref --target mldefender)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PROFILE=dataset
JOBS=$(nproc)
OUT=/tmp/cic_corpus
BIN=$ROOT/build-ref/mldefender
REFARGS=""
SENARGS=""
while getopts "p:j:o:b:r:x:" o; do
  case $o in
    p) PROFILE=$OPTARG ;;
    j) JOBS=$OPTARG ;;
    o) OUT=$OPTARG ;;
    b) BIN=$OPTARG ;;
    r) REFARGS=$OPTARG ;;
    x) SENARGS=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
DIRS=("$@")
[ ${#DIRS[@]} -eq 0 ] && DIRS=("$ROOT/../shared/data/ndpi/tests/cfgs/default/pcap")
[ -x "$BIN" ] || { echo "sensor binary $BIN not found" >&2; exit 2; }
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.csv "$OUT"/*.err

one() {  # $1 capture
  local cap=$1 name
  name=$(echo "$cap" | sed 's#^/##; s#/#__#g')
  "$BIN" run -r "$cap" --format cic-csv --set decode.tunnels=false --set app.enabled=false \
    --features "$PROFILE" $SENARGS \
    -o "$OUT/$name.sensor.csv" >/dev/null 2>"$OUT/$name.sensor.err"
  [ -f "$OUT/$name.sensor.csv" ] || : >"$OUT/$name.sensor.csv"
  /usr/bin/python3 "$HERE/cic_reference.py" "$cap" --profile "$PROFILE" $REFARGS >"$OUT/$name.ref.csv" \
    2>"$OUT/$name.ref.err"
  /usr/bin/python3 "$HERE/compare_cic.py" "$OUT/$name.ref.csv" "$OUT/$name.sensor.csv" \
    --label "$cap" --summary-json "$OUT/$name.json" >"$OUT/$name.txt" 2>&1
}
export -f one
export BIN OUT PROFILE HERE REFARGS SENARGS

find "${DIRS[@]}" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort |
  xargs -P "$JOBS" -I{} bash -c 'one "$@"' _ {}

/usr/bin/python3 - "$OUT" <<'EOF'
import glob, json, os, sys
from collections import Counter
out = sys.argv[1]
tot = Counter(); cols = Counter(); caps = 0; bad_caps = []; ex = {}
fm = Counter(); fex = {}  # cells equal in number but written differently
for j in sorted(glob.glob(os.path.join(out, "*.json"))):
    r = json.load(open(j)); caps += 1
    name = os.path.basename(j)[:-5]
    for c, n in r.get("format_mismatch", {}).items():
        fm[c] += n
        fex.setdefault(c, (name, r["format_examples"][c][0]))
    tot["ref"] += r["ref_rows"]; tot["sen"] += r["sensor_rows"]; tot["matched"] += r["matched"]
    tot["identical"] += r["identical"]; tot["only_ref"] += len(r["only_ref"])
    tot["only_sen"] += len(r["only_sensor"])
    for c, n in r["col_mismatch"].items():
        cols[c] += n
        ex.setdefault(c, (name, r["examples"][c][0]))
    if r["identical"] != r["ref_rows"] or r["only_sensor"]:
        bad_caps.append((name, r["ref_rows"] - r["identical"], len(r["only_sensor"])))
for e in glob.glob(os.path.join(out, "*.ref.err")):
    if os.path.getsize(e): print("reference error:", e)
print("captures %d" % caps)
print("reference flows %d, sensor flows %d, matched %d, only reference %d, only sensor %d"
      % (tot["ref"], tot["sen"], tot["matched"], tot["only_ref"], tot["only_sen"]))
ag = tot["identical"] / tot["ref"] if tot["ref"] else 0
print("AGREEMENT: %d / %d reference flows identical in every column = %.5f"
      % (tot["identical"], tot["ref"], ag))
print("per-column mismatches (matched rows):")
for c, n in cols.most_common():
    name, (fid, ts, a, b) = ex[c]
    print("  %-28s %6d   e.g. %s %s @ %s ref=%s sensor=%s" % (c, n, name, fid, ts, a, b))
if fm:
    print("cells equal in number but written differently (not counted as mismatches):")
    for c, n in fm.most_common():
        name, (fid, ts, a, b) = fex[c]
        print("  %-28s %6d   e.g. %s %s @ %s ref=%s sensor=%s" % (c, n, name, fid, ts, a, b))
print("captures with differences: %d" % len(bad_caps))
for name, d, s in bad_caps:
    print("  %s: %d ref rows not identical, %d sensor-only rows" % (name, d, s))
EOF
