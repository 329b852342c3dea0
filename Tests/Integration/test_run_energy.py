"""`kwartier run --headless` steering a home battery and the inverter's export limit: a Sungrow
SH-RT hybrid served by pymodbus (Tests/Peers, the register map of its profile), a P1 dongle on
TCP, and a price file the test rewrites while the hub runs. Asserts the registers the inverter
receives: a negative price limits export and a positive one lifts the limit; a cheap hour before
dear ones charges the battery within the slider; a broken price file leaves the last good prices
in force with an alert; a price that no longer covers the present never curtails. The weather
comes from the Open-Meteo emulator (Tests/Peers/openmeteo_emulator.py)."""
import json
import os
import subprocess
import time
from datetime import datetime, timedelta, timezone

import sys

import pytest

from conftest import ROOT, stop_process
from modbus_peers import Peers
from p1_server import P1Server
from p1_support import wait_for

sys.path.insert(0, str(ROOT / "Tests/Peers"))
from openmeteo_emulator import OpenMeteo  # noqa: E402

ENABLE, DISABLE = 0xAA, 0x55          # Sungrow export limitation on / off
CHARGE, DISCHARGE, STOP = 0xAA, 0xBB, 0xCC   # Sungrow forced command
HOUSE_A = [1.5, 1.5, 1.5]             # 3 × 1.5 A × 230 V = 1035 W taken from the grid


def write_prices(path, hours):
    """`hours`: [(hour offset from the present hour, €/MWh)], written atomically as CSV."""
    h0 = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    rows = ["time,eur_per_mwh"] + [f"{(h0 + timedelta(hours=k)).isoformat()},{p}" for k, p in hours]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(rows) + "\n")
    os.replace(tmp, path)


@pytest.fixture
def rig(kwartier, tmp_path):
    spec = {"tcp": [{"name": "roof", "driver": "sungrow-shx", "unit": 1,
                     "params": {"pv_w": 0.0, "grid_w": 1035.0, "battery_w": 0.0, "soc": 30.0}}]}
    prices = tmp_path / "prices.csv"
    write_prices(prices, [(k, -50.0) for k in range(-1, 24)])
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    weather = OpenMeteo({now + timedelta(hours=h): 50 for h in range(-24, 72)})
    with Peers(kwartier, spec, tmp_path / "peers") as peers:
        p1 = P1Server(HOUSE_A, lambda: [0.0, 0.0, 0.0])
        cfg = tmp_path / "kwartier.yaml"
        cfg.write_text(f"""
site: {{ name: Energy run, voltage: 230, slider_kw: 5, data_dir: {tmp_path}/data }}
grid: {{ fuse_a: 25, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1.port}, stale_after_s: 5 }}
inverters:
  roof: {{ driver: sungrow-shx, tcp: 127.0.0.1:{peers.ports['roof']}, unit: 1 }}
energy:
  mode: plan
  prices: {{ source: file, file: {prices} }}
  formula: {{ take: {{ a: 1, b: 0.12 }}, inject: {{ a: 1, b: -0.01 }}, vat_percent: 6 }}
  battery: {{ inverter: roof, kwh: 10, max_charge_kw: 3 }}
  forecast: {{ weather: open-meteo, api: "{weather.url}", latitude: 50.9, longitude: 4.4 }}
""")
        log = open(tmp_path / "run.log", "w")
        proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(cfg)],
                                stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            yield peers, prices, proc, tmp_path / "run.log", weather
        finally:
            stop_process(proc, timeout=10)
            log.close()
            p1.close()
            weather.close()


def written(peers):
    return peers.get("roof")["written"]


def test_run_curtails_charges_and_survives_a_bad_price_source(rig):
    peers, prices, proc, log, weather = rig

    # A negative injection price: export limited to 0 W, then the limitation switched on.
    assert wait_for(lambda: written(peers).get("export limitation") == ENABLE, 30), (written(peers), log.read_text())
    assert written(peers)["export limit"] == 0

    # A positive price lifts the limit.
    write_prices(prices, [(k, 50.0) for k in range(-1, 24)])
    assert wait_for(lambda: written(peers).get("export limitation") == DISABLE, 15), written(peers)

    # A cheap hour now, dear ones after it: the battery charges from the grid in forced mode at
    # up to its 3 kW — within the 5 kW slider with the house's 1.035 kW.
    write_prices(prices, [(-1, 20.0), (0, 20.0)] + [(k, 300.0) for k in range(1, 24)])
    assert wait_for(lambda: written(peers).get("forced command") == CHARGE, 15), (written(peers), log.read_text())
    w = written(peers)
    assert w["ems mode"] == 2
    assert 0 < w["forced power"] <= 3000
    assert 1035 + w["forced power"] <= 5000
    assert w["export limitation"] == DISABLE     # 20 €/MWh injects at +0.01 €/kWh: no curtailment

    # The price file breaks: the last good prices stay in force, with an alert.
    count = peers.get("roof")["write_count"]
    prices.write_text("this is not a price file\n")
    assert wait_for(lambda: "alert: prices:" in log.read_text(), 15), log.read_text()
    assert "using the last good prices" in log.read_text()
    time.sleep(3)
    w = written(peers)
    assert w["forced command"] == CHARGE and w["export limitation"] == DISABLE
    assert peers.get("roof")["write_count"] == count     # nothing changed: nothing written

    # Negative prices that ended an hour ago: no price for now, so nothing is curtailed.
    write_prices(prices, [(-3, -80.0), (-2, -80.0)])
    assert wait_for(lambda: "cleared: prices:" in log.read_text(), 15), log.read_text()
    time.sleep(4)
    assert written(peers)["export limitation"] == DISABLE
    assert proc.poll() is None


def test_run_asks_open_meteo_for_the_cloud_cover(rig):
    """The run asks at start (then hourly) and keeps the answer as the last good forecast."""
    peers, prices, proc, log, weather = rig
    assert wait_for(lambda: weather.requests, 15), log.read_text()
    q = weather.requests[0]
    assert (q["latitude"], q["longitude"], q["hourly"], q["timeformat"], q["timezone"]) == ("50.9", "4.4", "cloud_cover", "unixtime", "GMT")
    cache = log.parent / "data/weather.json"
    assert wait_for(cache.exists, 5)
    assert set(json.loads(cache.read_text()).values()) == {0.5}
    assert "alert: weather" not in log.read_text()
