# Sourced by the bench scripts that run on the real-traffic benchmark capture:
# sets ROOT, BUILD (env BUILD_DIR, default build-bench), WORK, DATA (env
# MLD_SHARED_DATA) and REAL, and defines build_with_real_capture TARGET...:
# configures build-bench if need be, builds the targets and the capture
# generator, and writes bench/work/real.pcap (the capture bench/run.sh uses)
# once.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
WORK=$ROOT/bench/work
DATA=${MLD_SHARED_DATA:-$ROOT/../shared/data}
REAL=$WORK/real.pcap

build_with_real_capture() {
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DMLD_BUILD_BENCH=ON \
      -DMLD_BUILD_TESTS=OFF
  fi
  cmake --build "$BUILD" -j"$(nproc)" --target "$@" mld_make_bench_capture
  mkdir -p "$WORK"
  if [[ ! -s $REAL ]]; then
    "$BUILD/mld_make_bench_capture" -o "$REAL" "$DATA/401trg-detections" \
      "$DATA/comnet24s-dns-tunnel" "$DATA/mmt-operator" "$DATA/mmt-security" \
      "$DATA/ndpi/tests/cfgs/default/pcap" "$DATA/nfstream/tests/pcaps" "$DATA/slips" \
      >"$WORK/real.txt" 2>"$WORK/real.log"
  fi
}
