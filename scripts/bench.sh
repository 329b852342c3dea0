#!/usr/bin/env bash
# `make bench`: every benchmark, figures printed one per line. Each part adds its own script
# under scripts/bench.d/ (run in name order).
set -uo pipefail
cd "$(dirname "$0")/.."
export KWARTIER_BIN="$PWD/.build/release/kwartier"
# Every benchmark runs even when one fails; any failure fails the whole run at the end.
failed=0
for b in scripts/bench.d/*.sh; do
  [ -e "$b" ] || continue
  echo "== $(basename "$b" .sh)"
  bash "$b" || { echo "   (benchmark $b failed)"; failed=1; }
done
exit "$failed"
