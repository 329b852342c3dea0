#!/usr/bin/env python3
"""`kwartier run --headless` at rest on a 20-point site: 20 Modbus TCP charge points on loopback
pymodbus peers (two peer processes) and a P1 dongle on TCP sending one telegram a second. After a
warm-up, measures the hub's CPU (share of one core, from /proc/PID/stat over the window) and its
resident memory (now and peak, VmRSS/VmHWM). Goals (issue 18): under 1 % of a core, under 30 MB.
Used by scripts/bench.d/20-headless.sh; HEADLESS_BENCH_S sets the window (default 60 s),
HEADLESS_BENCH_MAPS=1 also prints the resident memory of each mapped file."""
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests/Integration"))
from conftest import stop_process  # noqa: E402
from modbus_peers import Peers, profiles_json  # noqa: E402
from p1_server import P1Server  # noqa: E402

TCP_MIX = ["abb-terra-ac", "alfen-eve", "peblar", "mennekes-amtron-pro", "enovates"]
UNITS = {"abb-terra-ac": 1, "alfen-eve": 1, "peblar": 255, "mennekes-amtron-pro": 255, "enovates": 1}
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK      # utime + stime


def memory_kb(pid):
    out = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM"):
            out[k] = int(v.split()[0])
    return out


def rss_by_mapping(pid):
    """Resident kB per mapped file (anonymous memory, heap and stacks together), largest first."""
    rss, name = {}, "?"
    for line in pathlib.Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and ":" not in head[0]:
            name = os.path.basename(head[5]) if len(head) > 5 and head[5].startswith("/") else "[anonymous]"
        elif head and head[0] == "Rss:":
            rss[name] = rss.get(name, 0) + int(head[1])
    return sorted(rss.items(), key=lambda kv: -kv[1])


def main():
    kwartier = os.environ.get("KWARTIER_BIN", str(ROOT / ".build/release/kwartier"))
    window = float(os.environ.get("HEADLESS_BENCH_S", "60"))
    warmup = 15.0
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        profiles_json(kwartier, d / "profiles.json")
        tcp = [{"name": f"cp{i + 1}", "driver": TCP_MIX[i % len(TCP_MIX)], "unit": UNITS[TCP_MIX[i % len(TCP_MIX)]],
                "params": {"ramp_s": 0}} for i in range(20)]
        with Peers(kwartier, {"tcp": tcp[:10]}, d / "a", profiles=d / "profiles.json") as pa, \
                Peers(kwartier, {"tcp": tcp[10:]}, d / "b", profiles=d / "profiles.json") as pb:
            ports = {**pa.ports, **pb.ports}
            p1 = P1Server([8.0, 8.0, 8.0], lambda: [0.0, 0.0, 0.0])
            lines = ["site: { name: headless bench, voltage: 230, slider_kw: 40, data_dir: %s }" % (d / "data"),
                     "grid: { fuse_a: 250, limit_a: 250, meter: p1 }",
                     "meters:", f"  p1: {{ type: p1, tcp: 127.0.0.1:{p1.port} }}",
                     "chargepoints:"]
            for t in tcp:
                lines += [f"  {t['name']}:", "    board: grid", f"    driver: {t['driver']}", "    phases: L1L2L3",
                          f"    tcp: 127.0.0.1:{ports[t['name']]}", f"    unit: {t['unit']}"]
            cfg = d / "headless.yaml"
            cfg.write_text("\n".join(lines) + "\n")
            log = open(d / "kwartier.log", "w")
            proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(cfg)], stdout=log, stderr=subprocess.STDOUT)
            try:
                time.sleep(warmup)
                if proc.poll() is not None:
                    print("headless: kwartier run exited:", (d / "kwartier.log").read_text()[-2000:])
                    return 1
                c0, t0 = cpu_seconds(proc.pid), time.monotonic()
                time.sleep(window)
                c1, t1 = cpu_seconds(proc.pid), time.monotonic()
                mem = memory_kb(proc.pid)
                if os.environ.get("HEADLESS_BENCH_SMAPS"):
                    print(pathlib.Path(f"/proc/{proc.pid}/smaps_rollup").read_text())
                    print((d / "kwartier.log").read_text()[-1500:])
                if os.environ.get("HEADLESS_BENCH_MAPS"):
                    for name, kb in rss_by_mapping(proc.pid):
                        if kb >= 100:
                            print(f"headless.rss_kb {kb:7d} {name}")
            finally:
                stop_process(proc)
                p1.running = False
            share = (c1 - c0) / (t1 - t0) * 100
            rss, hwm = mem.get("VmRSS", 0) / 1024, mem.get("VmHWM", 0) / 1024
            print(f"headless.cpu_percent={share:.2f} (20 Modbus TCP points on pymodbus peers + P1 at 1 Hz, "
                  f"{t1 - t0:.0f} s after {warmup:.0f} s start-up; goal < 1 % of a core: {'met' if share < 1 else 'NOT met'})")
            print(f"headless.rss_mb={rss:.1f} peak {hwm:.1f} (goal < 30 MB: {'met' if hwm < 30 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
