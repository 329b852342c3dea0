"""Benchmark: from a P1 telegram to the SetChargingProfile that answers it, for N OCPP charge
points (the `ocpp` package's v16 ChargePoint) driven by `kwartier run`. The house load steps
between two levels every few seconds, so every step changes all N setpoints; each lease whose
limit changed is timed from the last telegram sent before it. Prints p50/p99 in ms."""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests/Integration"))
sys.path.insert(0, str(ROOT / "Tests/Peers"))
from p1_server import P1Server  # noqa: E402
from ocpp_charger import Chargers  # noqa: E402


class StampedP1(P1Server):
    """Records when each telegram left (monotonic)."""

    def __init__(self, *a):
        self.sent = []
        super().__init__(*a)

    def _send(self):
        import datetime
        from p1_server import telegram
        tz = datetime.timezone(datetime.timedelta(hours=1))
        while self.running:
            time.sleep(1)
            cars = self.draw()
            lines = [h + c for h, c in zip(self.house_a, cars)]
            self.last_lines = lines
            data = telegram(datetime.datetime.now(tz), self.import_kwh, lines)
            for c in list(self.clients):
                try:
                    c.sendall(data)
                except OSError:
                    self.clients.remove(c)
            self.sent.append(time.monotonic())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    kwartier = os.environ.get("KWARTIER_BIN", str(ROOT / ".build/release/kwartier"))
    tmp = Path(tempfile.mkdtemp(prefix="bench-ocpp-"))
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    chargers = Chargers(f"ws://127.0.0.1:{port}")
    ids = [f"CP{i:03d}" for i in range(1, args.points + 1)]
    house = [10.0, 10.0, 10.0]
    p1 = StampedP1(house, lambda: [sum(cp.drawing[i] for cp in list(chargers.points.values())) for i in range(3)])
    fuse = 10 * args.points
    points = "\n".join(f"  cp{i}: {{ board: grid, driver: ocpp, ocpp: {{ id: {cid} }}, max_a: 16, safe_a: 6 }}"
                       for i, cid in enumerate(ids, 1))
    cfg = tmp / "k.yaml"
    cfg.write_text(f"""
site: {{ data_dir: {tmp}/data, slider_kw: 10000, start_buffer_a: 0 }}
grid: {{ fuse_a: {fuse}, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1.port} }}
ocpp: {{ listen: 127.0.0.1:{port}, allow_unauthenticated: true, meter_interval_s: 1, lease_s: 600 }}
chargepoints:
{points}
""")
    log = open(tmp / "kwartier.log", "w")
    proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(cfg)], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cps = [chargers.connect(cid) for cid in ids]
        for cp in cps:
            chargers.run(cp.plug_in_and_start())
        time.sleep(8)
        start = time.monotonic()
        step = 0
        while time.monotonic() - start < args.seconds:
            step += 1
            p1.house_a = [10.0 + 20.0 * (step % 2)] * 3     # every 6 s the house takes or frees 20 A
            time.sleep(6)
        lat = []
        for cp in cps:
            last = None
            for (mono, _), (_, action, p) in zip(cp.stamps, [r for r in cp.received if r[1] == "SetChargingProfile"]):
                if p["stack_level"] != 1 or mono < start:
                    continue
                limit = p["charging_schedule"]["charging_schedule_period"][0]["limit"]
                if limit == last:
                    continue
                last = limit
                before = [t for t in p1.sent if t <= mono]
                if before:
                    lat.append((mono - before[-1]) * 1000)
        lat.sort()
        if not lat:
            print("no setpoint changes seen; log in", tmp)
            return 1
        p50 = lat[len(lat) // 2]
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        print(f"ocpp telegram→SetChargingProfile, {args.points} points: {len(lat)} changes, p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {lat[-1]:.1f} ms")
        return 0
    finally:
        proc.terminate()
        proc.wait(10)
        chargers.close()
        p1.close()


if __name__ == "__main__":
    sys.exit(main())
