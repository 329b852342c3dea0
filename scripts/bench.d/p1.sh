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
n, start = 0, time.perf_counter()
while time.perf_counter() - start < 3.0:
    for t in telegrams[:200]:
        parser.parse(t)
        n += 1
elapsed = time.perf_counter() - start
print(f"{n / elapsed:.0f}")
PY
)" || exit 1
echo "p1.dsmr_parser_telegrams_per_s=$py_rate (Python $("$root/.venv/bin/python" -c 'import platform; print(platform.python_version())'), dsmr-parser $("$root/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("dsmr-parser"))'), BELGIUM_FLUVIUS spec)"
awk -v s="$swift_rate" -v p="$py_rate" 'BEGIN { r = s / p; printf "p1.speedup_vs_dsmr_parser=%.0fx (goal >= 50x: %s)\n", r, (r >= 50 ? "met" : "NOT met") }'
