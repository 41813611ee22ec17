#!/usr/bin/env bash
# Installs everything ML Defender needs to build, test and benchmark on Debian 12.
# Idempotent: packages already present are left alone. Needs root (or sudo).
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config clang libclang-rt-14-dev
  # libraries
  libpcap-dev libxxhash-dev libssl-dev libfmt-dev libyaml-cpp-dev libcli11-dev
  libzmq3-dev libprotobuf-dev protobuf-compiler libzstd-dev zstd libndpi-dev libpsl-dev publicsuffix libxgboost-dev
  nlohmann-json3-dev
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev iproute2 iputils-ping netcat-openbsd
  tcpdump softflowd argus-server libndpi-bin python3 hyperfine time
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
