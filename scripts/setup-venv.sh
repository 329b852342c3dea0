#!/usr/bin/env bash
# Creates .venv with the pinned test peers (pymodbus, dsmr-parser, ocpp, pytest). Quiet when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
req=Tests/requirements.txt
stamp=.venv/.requirements.stamp
if [ -f "$stamp" ] && cmp -s "$req" "$stamp" && [ -x .venv/bin/python ]; then exit 0; fi
echo "kwartier setup: preparing the Python test venv (.venv) from $req"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
cp "$req" "$stamp"
