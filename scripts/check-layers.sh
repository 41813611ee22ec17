#!/usr/bin/env bash
# DESIGN.md layer order: a folder of src/ includes only folders above it.
set -euo pipefail
cd "$(dirname "$0")/../src"
order=(common capture decode flow app detect pipeline output cli)
status=0
for i in "${!order[@]}"; do
  layer=${order[$i]}
  [ -d "$layer" ] || continue
  allowed="${order[*]:0:$((i + 1))}"
  while IFS= read -r line; do
    file=${line%%:*}
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"${line#*:}")
    if [[ " $allowed " != *" $target "* ]]; then
      echo "layer violation: $file includes $target/ (src/$layer may include: $allowed)" >&2
      status=1
    fi
  done < <(grep -rHE '^#include "[a-z_]+/' "$layer" || true)
done
exit $status
