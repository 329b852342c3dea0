# What a user runs: `kwartier simulate --scenario carpark-20-tight --days 30` (Kwartier through
# real telegram bytes, the two baselines beside it on the second core), wall and CPU time of the
# whole command. Goal: under 20 s (bar: 60 s). SIMULATE_BENCH_DAYS shortens it.
days="${SIMULATE_BENCH_DAYS:-30}"
.venv/bin/python - "$KWARTIER_BIN" "$days" <<'PY'
import json, resource, subprocess, sys, time
kw, days = sys.argv[1], int(sys.argv[2])
t0 = time.monotonic()
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
out = subprocess.run([kw, "simulate", "--scenario", "carpark-20-tight", "--days", str(days), "--json"],
                     capture_output=True, text=True, check=True).stdout
wall = time.monotonic() - t0
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
rep = json.loads(out.strip().splitlines()[-1])
goal, bar = 20 * days / 30, 60 * days / 30
verdict = "met" if wall < goal else ("bar met, goal NOT met" if wall < bar else "NOT met")
print(f"simulate.cli_{days}_days_s={wall:.1f} wall, {cpu:.1f} CPU ({rep['steps']} steps, {rep['violations']} violations; "
      f"goal < {goal:.0f} s, bar < {bar:.0f} s: {verdict})")
# Per simulated step, the whole command's CPU (the baselines' few percent included): the wall
# goal on one core means < 7.7 µs a step, the bar < 23 µs.
us = cpu / rep['steps'] * 1e6
print(f"simulate.cli_cpu_us_per_step={us:.1f} (goal < 7.7 µs: {'met' if us < 7.7 else 'NOT met'}; "
      f"bar < 23 µs: {'met' if us < 23 else 'NOT met'})")
PY
