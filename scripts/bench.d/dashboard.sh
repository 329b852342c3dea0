#!/usr/bin/env bash
# Dashboard bandwidth (issue 8): bytes per second the dashboard writes in steady state at 80x24
# with 20 charge points at the default 1 Hz — on a serial-console terminal (TERM=vt100, C
# locale: ASCII, no colour) and on xterm-256color (UTF-8, colour) — with htop at the same size
# and rate as a yardstick. Goal: below 600 B/s (a 9600-baud console carries ~960 B/s).
# DASHBOARD_BENCH_S shortens the 60 s window (e.g. DASHBOARD_BENCH_S=10 for a quick look).
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN="${KWARTIER_BIN:-$PWD/.build/release/kwartier}"
[ -x "$BIN" ] || BIN="$PWD/.build/debug/kwartier"
S="${DASHBOARD_BENCH_S:-60}"
PTY="python3 scripts/bench.d/pty_bytes.py --cols 80 --rows 24 --warmup 5 --seconds $S"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# All runs at once: they only wait on timers, and the window stays one minute in total.
$PTY --term vt100 --lang C -- "$BIN" dashboard-preview --points 20 --refresh-hz 1 > "$out/vt100" 2>&1 &
$PTY --term xterm-256color --lang C.UTF-8 -- "$BIN" dashboard-preview --points 20 --refresh-hz 1 > "$out/xterm" 2>&1 &
$PTY --term vt100 --lang C -- "$BIN" dashboard-preview --points 20 --refresh-hz 1 --screen 2 > "$out/points" 2>&1 &
# Worst case: a higher slider (more cars charging) and every car's current moving every second.
$PTY --term vt100 --lang C -- "$BIN" dashboard-preview --points 20 --refresh-hz 1 --busy --slider 60 > "$out/busy" 2>&1 &
$PTY --term vt100 --lang C -- "$BIN" dashboard-preview --points 20 --refresh-hz 1 --busy --slider 60 --screen 2 > "$out/busy-points" 2>&1 &
if command -v htop >/dev/null; then
  $PTY --term vt100 --lang C -- htop -d 10 > "$out/htop-vt100" 2>&1 &
  $PTY --term xterm-256color --lang C.UTF-8 -- htop -d 10 > "$out/htop-xterm" 2>&1 &
fi
wait
echo "   dashboard 80x24, 20 points, 1 Hz, ${S} s after 5 s start-up:"
echo "     overview  TERM=vt100 ASCII          $(cat "$out/vt100")"
echo "     overview  TERM=xterm-256color UTF-8 $(cat "$out/xterm")"
echo "     points    TERM=vt100 ASCII          $(cat "$out/points")"
echo "   worst case (--busy: 9 cars charging, every car's current changing every second):"
echo "     overview  TERM=vt100 ASCII          $(cat "$out/busy")"
echo "     points    TERM=vt100 ASCII          $(cat "$out/busy-points")"
if [ -e "$out/htop-vt100" ]; then
  echo "   htop -d 10 (1 Hz) 80x24, yardstick:"
  echo "     TERM=vt100                          $(cat "$out/htop-vt100")"
  echo "     TERM=xterm-256color                 $(cat "$out/htop-xterm")"
else
  echo "   htop not installed (apt-get install htop) - no yardstick"
fi
