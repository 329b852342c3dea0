# P1 decode throughput, Swift against the Python dsmr_parser oracle on the same corpus, same run.
# Goal: at least 50x (backtests replay months of telegrams).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
corpus="$(mktemp /tmp/kwartier-p1-corpus.XXXXXX)"
trap 'rm -f "$corpus"' EXIT
swift_out="$(KWARTIER_P1_CORPUS="$corpus" "$(dirname "$KWARTIER_BIN")/kwartier-bench" p1)" || exit 1
echo "$swift_out"
swift_rate="$(echo "$swift_out" | sed -n 's/^p1.decode_telegrams_per_s=\([0-9.]*\).*/\1/p')"
py_rate="$("$root/.venv/bin/python" - "$corpus" <<'PY'
import re, sys, time
from dsmr_parser import telegram_specifications
from dsmr_parser.parsers import TelegramParser
data = open(sys.argv[1], "rb").read().decode("ascii")
telegrams = re.findall(r"/[^/!]*![0-9A-F]{4}\r\n", data)
parser = TelegramParser(telegram_specifications.BELGIUM_FLUVIUS)   # CRC checked, like ours
n, start = 0, time.process_time()   # CPU time, as the Swift figures: fair on a busy machine
while time.process_time() - start < 3.0:
    for t in telegrams[:200]:
        parser.parse(t)
        n += 1
elapsed = time.process_time() - start
print(f"{n / elapsed:.0f}")
PY
)" || exit 1
echo "p1.dsmr_parser_telegrams_per_s=$py_rate (Python $("$root/.venv/bin/python" -c 'import platform; print(platform.python_version())'), dsmr-parser $("$root/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("dsmr-parser"))'), BELGIUM_FLUVIUS spec)"
awk -v s="$swift_rate" -v p="$py_rate" 'BEGIN { r = s / p; printf "p1.speedup_vs_dsmr_parser=%.0fx (in-process decode; goal >= 50x: %s)\n", r, (r >= 50 ? "met" : "NOT met") }'
# The command a user runs: `kwartier p1 decode FILE --json` over 20 000 telegrams (the corpus 20
# times), JSON lines to /dev/null; CPU time of the process (user + system), best of three.
big="$(mktemp /tmp/kwartier-p1-big.XXXXXX)"
trap 'rm -f "$corpus" "$big"' EXIT
for _ in $(seq 20); do cat "$corpus"; done > "$big"
n_big=$(( $(grep -c '^!' "$big") ))
cli_rate="$("$root/.venv/bin/python" - "$KWARTIER_BIN" "$big" "$n_big" <<'PY'
import resource, subprocess, sys
kw, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
best = None
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([kw, "p1", "decode", path, "--json"], stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    best = cpu if best is None else min(best, cpu)
print(f"{n / best:.0f}")
PY
)" || exit 1
echo "p1.cli_decode_json_telegrams_per_s=$cli_rate (kwartier p1 decode FILE --json, $n_big telegrams, CPU time, best of 3)"
awk -v s="$cli_rate" -v p="$py_rate" 'BEGIN { r = s / p; printf "p1.cli_json_speedup_vs_dsmr_parser=%.0fx (goal >= 50x: %s; stretch 300x: %s)\n", r, (r >= 50 ? "met" : "NOT met"), (r >= 300 ? "met" : "not met") }'
