#!/usr/bin/env bash
# `swift build "$@"` with SwiftPM's progress lines filtered out; exits with the build's own status,
# so a failing build fails its caller (make release, scripts/test.sh) with the compiler's errors
# shown, instead of running against a binary left over from an earlier build.
set -uo pipefail
cd "$(dirname "$0")/.."
"${SWIFT:-swift}" build "$@" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]|^Building for|^Write |^Compiling plugin'
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "swift build $* failed (exit $status)" >&2
fi
exit "$status"
