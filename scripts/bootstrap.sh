#!/usr/bin/env bash
# Fresh Debian 12 machine -> a built sensor and its first flows:
# installs the dependencies, builds in Release, and runs mldefender on the
# sample capture (samples/sample.pcap) into eve.json.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMLD_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target mldefender

./build/mldefender run -r samples/sample.pcap -o eve.json
echo
echo "eve.json: $(grep -c '"event_type":"flow"' eve.json) flow records," \
  "$(grep -c '"event_type":"alert"' eve.json) alerts and a stats record; the first TCP flow:"
grep -m 1 '"event_type":"flow".*"proto":"TCP"' eve.json
