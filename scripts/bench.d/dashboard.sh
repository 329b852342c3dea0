#!/usr/bin/env bash
# Dashboard bandwidth (issue 8): bytes per second the dashboard writes in steady state at 80x24
# at the default 1 Hz — on a serial-console terminal (TERM=vt100, C locale: ASCII, no colour)
# and on xterm-256color (UTF-8, colour):
#   - over the fake site (`kwartier-preview`, 20 points, deterministic),
#   - over the REAL control core (`kwartier demo`: the simulated car park driven through real
#     P1 telegrams, 8 points; and `kwartier demo --config examples/carpark20.yaml`, 20 points),
# with htop at the same size and rate as a yardstick. Goal: below 600 B/s with 20 points (a
# 9600-baud console carries ~960 B/s).
# DASHBOARD_BENCH_S shortens the 60 s window (e.g. DASHBOARD_BENCH_S=10 for a quick look);
# DASHBOARD_BENCH_START sets the demo's time of day (default 11:00, cars charging).
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN="${KWARTIER_BIN:-$PWD/.build/release/kwartier}"
[ -x "$BIN" ] || BIN="$PWD/.build/debug/kwartier"
PREVIEW="$(dirname "$BIN")/kwartier-preview"   # the development tool over the fake site
S="${DASHBOARD_BENCH_S:-60}"
START="${DASHBOARD_BENCH_START:-11:00}"
PTY="python3 scripts/bench.d/pty_bytes.py --cols 80 --rows 24 --warmup 5 --seconds $S"
# The demo first simulates the day up to --start (about a second in a release build, longer
# while the other runs start too): a longer warm-up keeps that out of the steady state.
DEMO_PTY="python3 scripts/bench.d/pty_bytes.py --cols 80 --rows 24 --warmup 12 --seconds $S"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
demo() {  # demo NAME [pty options] -- [demo options]: a fresh data dir per run
  local name=$1; shift
  local popts=()
  while [ "$1" != "--" ]; do popts+=("$1"); shift; done
  shift
  $DEMO_PTY "${popts[@]}" -- "$BIN" demo --data-dir "$out/data-$name" --start "$START" --refresh-hz 1 "$@" > "$out/$name" 2>&1
}

# All runs at once: they only wait on timers, and the window stays one minute in total.
$PTY --term vt100 --lang C -- "$PREVIEW" --points 20 --refresh-hz 1 > "$out/vt100" 2>&1 &
$PTY --term xterm-256color --lang C.UTF-8 -- "$PREVIEW" --points 20 --refresh-hz 1 > "$out/xterm" 2>&1 &
$PTY --term vt100 --lang C -- "$PREVIEW" --points 20 --refresh-hz 1 --screen 2 > "$out/points" 2>&1 &
# Worst case: a higher slider (more cars charging) and every car's current moving every second.
$PTY --term vt100 --lang C -- "$PREVIEW" --points 20 --refresh-hz 1 --busy --slider 60 > "$out/busy" 2>&1 &
$PTY --term vt100 --lang C -- "$PREVIEW" --points 20 --refresh-hz 1 --busy --slider 60 --screen 2 > "$out/busy-points" 2>&1 &
# A large site (issue 18): 250 points, the Points screen, every charging car's current moving.
$PTY --term vt100 --lang C -- "$PREVIEW" --points 250 --refresh-hz 1 --busy --slider 600 --screen 2 > "$out/p250-points" 2>&1 &
$PTY --term vt100 --lang C -- "$PREVIEW" --points 250 --refresh-hz 1 --busy --slider 600 --screen 3 > "$out/p250-boards" 2>&1 &
# The real core.
demo demo8-vt100 --term vt100 --lang C -- &
demo demo8-xterm --term xterm-256color --lang C.UTF-8 -- &
demo demo8-points --term vt100 --lang C --keys 2 -- &
demo demo20-vt100 --term vt100 --lang C -- --config examples/carpark20.yaml &
demo demo20-xterm --term xterm-256color --lang C.UTF-8 -- --config examples/carpark20.yaml &
demo demo20-points --term vt100 --lang C --keys 2 -- --config examples/carpark20.yaml &
demo demo20-devices --term vt100 --lang C --keys 4 -- --config examples/carpark20.yaml &
# Busier: ten simulated seconds a frame (cars come and go, currents move more between frames).
demo demo20-x10 --term vt100 --lang C -- --config examples/carpark20.yaml --speed 10 &
if command -v htop >/dev/null; then
  $PTY --term vt100 --lang C -- htop -d 10 > "$out/htop-vt100" 2>&1 &
  $PTY --term xterm-256color --lang C.UTF-8 -- htop -d 10 > "$out/htop-xterm" 2>&1 &
fi
wait
echo "   kwartier-preview (fake site) 80x24, 20 points, 1 Hz, ${S} s after 5 s start-up:"
echo "     overview  TERM=vt100 ASCII          $(cat "$out/vt100")"
echo "     overview  TERM=xterm-256color UTF-8 $(cat "$out/xterm")"
echo "     points    TERM=vt100 ASCII          $(cat "$out/points")"
echo "   worst case (--busy: 9 cars charging, every car's current changing every second):"
echo "     overview  TERM=vt100 ASCII          $(cat "$out/busy")"
echo "     points    TERM=vt100 ASCII          $(cat "$out/busy-points")"
echo "   250 points (--busy --slider 600: most cars charging, every current changing every second):"
echo "     points    TERM=vt100 ASCII          $(cat "$out/p250-points")"
echo "     boards    TERM=vt100 ASCII          $(cat "$out/p250-boards")"
echo "   kwartier demo (the real core, simulated site from $START) 80x24, 1 Hz, ${S} s after 12 s start-up:"
echo "     8 points  overview TERM=vt100 ASCII          $(cat "$out/demo8-vt100")"
echo "     8 points  overview TERM=xterm-256color UTF-8 $(cat "$out/demo8-xterm")"
echo "     8 points  points   TERM=vt100 ASCII          $(cat "$out/demo8-points")"
echo "     20 points overview TERM=vt100 ASCII          $(cat "$out/demo20-vt100")"
echo "     20 points overview TERM=xterm-256color UTF-8 $(cat "$out/demo20-xterm")"
echo "     20 points points   TERM=vt100 ASCII          $(cat "$out/demo20-points")"
echo "     20 points devices  TERM=vt100 ASCII          $(cat "$out/demo20-devices")"
echo "     20 points overview TERM=vt100 --speed 10     $(cat "$out/demo20-x10")"
if [ -e "$out/htop-vt100" ]; then
  echo "   htop -d 10 (1 Hz) 80x24, yardstick:"
  echo "     TERM=vt100                          $(cat "$out/htop-vt100")"
  echo "     TERM=xterm-256color                 $(cat "$out/htop-xterm")"
else
  echo "   htop not installed (apt-get install htop) - no yardstick"
fi
