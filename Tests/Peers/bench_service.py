"""Benchmark: the hub as a service (`kwartier run --headless` against the pymodbus chargers and
the P1 dongle of test_service). Prints the time from a telegram to its snapshot arriving at a
control-socket subscriber (p50/p99), and the service's CPU with 0 and with 3 dashboards
attached (`kwartier dashboard` in tmux, 1 Hz as a person would run it)."""
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests/Integration"))
sys.path.insert(0, str(ROOT / "Tests/Peers"))
import test_service  # noqa: E402
from bench_ocpp import StampedP1  # noqa: E402
from dashboard_tmux import Pane  # noqa: E402


def cpu_percent(pid, seconds):
    c0, t0 = test_service.cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return 100 * (test_service.cpu_seconds(pid) - c0) / (time.monotonic() - t0)


def main():
    kwartier = os.environ.get("KWARTIER_BIN", str(ROOT / ".build/release/kwartier"))
    tmp = Path(tempfile.mkdtemp(prefix="bench-service-"))
    test_service.P1Server = StampedP1          # the rig's dongle, with send times
    with test_service.hub_rig(kwartier, tmp) as hub:
        hub.start()
        p1 = hub.p1
        time.sleep(5)                           # first rounds, chargers found
        c = test_service.Client(hub.sock)
        c.send(b'{"id":1,"subscribe":{}}\n')
        c.answer(1)
        lat, seen, end = [], None, time.monotonic() + 40
        while time.monotonic() < end:
            m = c.line()
            now = time.monotonic()
            if "snapshot" not in m:
                continue
            n = m["snapshot"]["grid"]["telegrams"]
            if seen is not None and n != seen:
                before = [t for t in p1.sent if t <= now]
                if before:
                    lat.append((now - before[-1]) * 1000)
            seen = n
        c.close()
        lat.sort()
        if not lat:
            print("service: no snapshots seen; log in", tmp)
            return 1
        p50, p99 = lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        print(f"service: telegram → snapshot at a socket subscriber, {len(lat)} telegrams: "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        idle = cpu_percent(hub.proc.pid, 30)
        for i in range(3):
            (tmp / f"d{i}").mkdir()
        panes = [Pane(kwartier, tmp / f"d{i}", width=100, height=30,
                      program=[kwartier, "dashboard", "--socket", str(hub.sock)]) for i in range(3)]
        try:
            for p in panes:
                p.wait_text("Slider", 15)
            attached = cpu_percent(hub.proc.pid, 30)
        finally:
            for p in panes:
                p.close()
        print(f"service: CPU of the hub, 2 chargers at 1 Hz: {idle:.2f} % of a core alone, "
              f"{attached:.2f} % with 3 dashboards attached (goal < 1 %)")
        return 0 if attached < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
