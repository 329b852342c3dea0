"""`kwartier run --headless` following a car's ready-by plan: an Alfen charger served by pymodbus
(Tests/Peers) with a car plugged in, a P1 dongle on TCP whose lines include what it draws, and a
price file (no battery: the prices only plan the car). With the cheap hours later the point is
held at 0 A and `kwartier explain` says why; once the present quarter is the cheapest it charges."""
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest

from conftest import run, stop_process
from modbus_peers import Peers
from p1_server import P1Server
from p1_support import wait_for
from test_run_energy import write_prices

HOUSE_A = [2.0, 2.0, 2.0]


@pytest.fixture
def rig(kwartier, tmp_path):
    spec = {"tcp": [{"name": "cp1", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5}}]}
    prices = tmp_path / "prices.csv"
    # Dear now, cheap in the next two hours, dear after.
    write_prices(prices, [(-1, 300.0), (0, 300.0), (1, 20.0), (2, 20.0)] + [(k, 300.0) for k in range(3, 30)])
    with Peers(kwartier, spec, tmp_path / "peers") as peers:
        p1 = P1Server(HOUSE_A, lambda: peers.get("cp1")["currents"])
        cfg = tmp_path / "kwartier.yaml"
        cfg.write_text(f"""
site: {{ name: Car plan, voltage: 230, slider_kw: 20, time_zone: UTC, data_dir: {tmp_path}/data, start_buffer_a: 2 }}
grid: {{ fuse_a: 40, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1.port}, stale_after_s: 5 }}
chargepoints:
  cp1: {{ board: grid, driver: alfen-eve, tcp: 127.0.0.1:{peers.ports['cp1']}, unit: 1, max_a: 16, safe_a: 6 }}
energy:
  prices: {{ source: file, file: {prices} }}
""")
        log = open(tmp_path / "run.log", "w")
        proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(cfg)],
                                stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            yield peers, prices, cfg, proc, tmp_path / "run.log"
        finally:
            stop_process(proc, timeout=10)
            log.close()
            p1.close()


def test_run_holds_the_car_until_its_cheapest_quarters(kwartier, rig):
    peers, prices, cfg, proc, log = rig
    # Without a target the car charges at once.
    assert wait_for(lambda: peers.get("cp1")["limit_a"] >= 15.9, 30), log.read_text()

    # Ready in 5 h with 10 kWh: 10 kWh fit in the two cheap hours, so the car is held now.
    h0 = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    ready = (h0 + timedelta(hours=5)).strftime("%H:%M")
    r = run(kwartier, "set", "point", "cp1", "--ready-by", ready, "--energy-kwh", "10", "--config", str(cfg))
    assert r.returncode == 0, (r.stdout, r.stderr)
    # The car is inside its minimum run time (15 min) from its start: it keeps its turn until then,
    # so the hold shows first in the explanation of a new session; unplug and plug again.
    peers.cmd(cmd="set", device="cp1", params={"car": False})
    assert wait_for(lambda: peers.get("cp1")["limit_a"] == 0, 20), log.read_text()
    time.sleep(2)
    peers.cmd(cmd="set", device="cp1", params={"car": True})
    cheap = f"{(h0 + timedelta(hours=1)).strftime('%H:%M')}–{(h0 + timedelta(hours=3)).strftime('%H:%M')}"

    def explain():
        e = run(kwartier, "explain", "--config", str(cfg))
        return e.stdout
    assert wait_for(lambda: f"cp1 0.0 A: waiting for the planned quarters {cheap[:5]}" in explain(), 20), (explain(), log.read_text())
    assert f"cheapest before {ready}" in explain()
    time.sleep(3)
    assert peers.get("cp1")["limit_a"] == 0

    # The present hour becomes the cheapest: the plan is made again and the car charges now.
    write_prices(prices, [(-1, 300.0), (0, 5.0), (1, 20.0), (2, 20.0)] + [(k, 300.0) for k in range(3, 30)])
    assert wait_for(lambda: peers.get("cp1")["limit_a"] >= 6, 30), (explain(), log.read_text())
    assert "planned quarter until" in explain() or "point max" in explain()
    assert proc.poll() is None
