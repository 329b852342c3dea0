#!/usr/bin/env bash
# `make fuzz`: libFuzzer on the P1 framer + parser for a fixed time (FUZZ_SECONDS, default 60),
# seeded with the real telegrams in Tests/CoreTests/Fixtures/p1. Built outside SwiftPM:
# swiftc -sanitize=fuzzer,address over Sources/Core/P1 and the model files it uses.
# Crashes and the grown corpus go to fuzz-out/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
out=fuzz-out
bin=.build/fuzz/p1-fuzz
mkdir -p "$out/corpus" "$out/seeds" "$out/crashes" .build/fuzz

sources=(Sources/Core/P1/*.swift Sources/Core/Model/Phase.swift Sources/Core/Model/Measurements.swift Sources/Core/Text/Format.swift
         Tests/Fuzz/P1FuzzTarget.swift)
newest_src=$(ls -t "${sources[@]}" | head -1)
if [ ! -x "$bin" ] || [ "$newest_src" -nt "$bin" ]; then
  echo "building $bin"
  # A failed build must not leave the previous binary to fuzz: remove it first; with pipefail the
  # compiler's status (not grep's) decides, and set -e stops the script on it.
  rm -f "$bin"
  swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name P1Fuzz "${sources[@]}" -o "$bin" 2>&1 \
    | { grep -v "Cannot export local symbol" || true; }
fi
test -x "$bin"

# Seeds: every real telegram, prefixed with a read-size seed byte.
for f in Tests/CoreTests/Fixtures/p1/*.txt; do
  { printf '\x07'; cat "$f"; } > "$out/seeds/$(basename "$f")"
done

echo "fuzzing the P1 framer + parser for ${seconds}s"
set +e
"$bin" -max_total_time="$seconds" -rss_limit_mb=1024 -malloc_limit_mb=256 -max_len=16384 -timeout=5 \
  -dict=Tests/Fuzz/p1.dict -artifact_prefix="$out/crashes/" -print_final_stats=1 \
  "$out/corpus" "$out/seeds" 2>&1 | grep -E "^#[0-9]+.*(DONE|pulse)|stat::|ERROR|SUMMARY|Test unit written|crash" | tail -15
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then echo "p1 fuzz: FAILED (see $out/crashes/)"; exit "$status"; fi
echo "p1 fuzz: no crash, no leak, memory bounded in ${seconds}s"
