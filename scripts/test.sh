#!/usr/bin/env bash
# `make test`: unit tests (swift test) then integration tests (pytest against the built binary
# and real peers: pymodbus servers, socat pty pairs, tmux). Both always run; either failing fails.
set -uo pipefail
cd "$(dirname "$0")/.."
export KWARTIER_BIN="$PWD/.build/debug/kwartier"
status=0
# A build that fails stops here: the tests must not run against a binary from an earlier build.
scripts/build.sh --build-tests || exit $?
swift test --skip-build --disable-swift-testing 2>&1 | grep -vE "^Test Case '.*' (started|passed)" ; s=${PIPESTATUS[0]}
[ "$s" -eq 0 ] || status=$s
.venv/bin/python -m pytest -q Tests/Integration -p no:cacheprovider; s=$?
[ "$s" -eq 0 ] || status=$s
exit $status
