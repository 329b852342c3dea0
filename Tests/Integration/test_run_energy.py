"""`kwartier run --headless` steering a home battery and the inverter's export limit: a Sungrow
SH-RT hybrid served by pymodbus (Tests/Peers, the register map of its profile), a P1 dongle on
TCP, and a price file the test rewrites while the hub runs. Asserts the registers the inverter
receives: a negative price limits export and a positive one lifts the limit; a cheap hour before
dear ones charges the battery within the slider; a broken price file leaves the last good prices
in force with an alert; a price that no longer covers the present never curtails. The weather
comes from the Open-Meteo emulator (Tests/Peers/openmeteo_emulator.py); when it fails the run
keeps controlling on the last forecast with the `weather` alert. The plan is in the snapshot
(`kwartier status`) and on the dashboard's Plan screen (`kwartier dashboard` in tmux)."""
import json
import os
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta, timezone

import sys

import pytest

from conftest import ROOT, stop_process
from dashboard_tmux import Pane
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
    yield from make_rig(kwartier, tmp_path)


@pytest.fixture
def fast_weather_rig(kwartier, tmp_path):
    """The rig with the weather asked every 2 s (`energy.forecast.refresh_s`)."""
    yield from make_rig(kwartier, tmp_path, forecast_extra=", refresh_s: 2")


@pytest.fixture
def history_rig(kwartier, tmp_path):
    """The rig over a history of 14 days with the house at 2.25 kW in every quarter."""
    def record(cfg):
        db = tmp_path / "data/history.sqlite"
        db.parent.mkdir(parents=True, exist_ok=True)
        db.write_bytes(b"")
        # `kwartier plan` opens (migrates) the empty database, as the hub would.
        r = subprocess.run([kwartier, "plan", "--config", str(cfg), "--json"], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        now = datetime.now(timezone.utc)
        q0 = int(now.timestamp()) // 900 * 900
        with sqlite3.connect(db) as c:
            c.executemany("INSERT INTO quarter(start, avg_kw, import_kwh, export_kwh) VALUES (?, 2.25, 0.5625, 0)",
                          [(q0 - k * 900,) for k in range(1, 14 * 96 + 1)])
    yield from make_rig(kwartier, tmp_path, before_start=record)


def make_rig(kwartier, tmp_path, forecast_extra="", before_start=None):
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
  forecast: {{ weather: open-meteo, api: "{weather.url}", latitude: 50.9, longitude: 4.4{forecast_extra} }}
""")
        if before_start:
            before_start(cfg)
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
    # A new site: the history has nothing to seed the house load forecast with, and says so.
    assert "energy: the history holds no quarter of the last 4 weeks: the house load forecast starts flat" in log.read_text()


def status_json(kwartier, cfg):
    out = subprocess.run([kwartier, "status", "--json", "--config", str(cfg)], capture_output=True, text=True, timeout=20)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_weather_failure_keeps_control_and_the_last_forecast_with_an_alert(fast_weather_rig, kwartier):
    """Open-Meteo answers 503, then a page that is not JSON, then again: the run keeps deciding
    and writing the inverter on the last good forecast, raises `weather` once and clears it."""
    peers, prices, proc, log, weather = fast_weather_rig
    cfg = log.parent / "kwartier.yaml"
    cache = log.parent / "data/weather.json"
    assert wait_for(cache.exists, 15), log.read_text()
    good = cache.read_text()
    assert set(json.loads(good).values()) == {0.5}
    assert wait_for(lambda: written(peers).get("export limitation") == ENABLE, 30), (written(peers), log.read_text())

    weather.down = True
    assert wait_for(lambda: "alert: weather: Open-Meteo answered HTTP 503: Service unavailable; using the last good forecast"
                    in log.read_text(), 15), log.read_text()
    # The snapshot after the next decision shows it as the only active alert.
    def active():
        return [(a["key"], a["text"]) for a in status_json(kwartier, cfg)["alerts"] if a["active"]]
    assert wait_for(lambda: active() == [
        ("weather", "weather: Open-Meteo answered HTTP 503: Service unavailable; using the last good forecast")], 5), active()
    st = status_json(kwartier, cfg)

    # Garbage instead of JSON: still failing, the alert is not raised twice, the cache is kept.
    weather.garbage, weather.down = True, False
    asked = len(weather.requests)
    assert wait_for(lambda: len(weather.requests) >= asked + 2, 15)
    assert log.read_text().count("alert: weather:") == 1, log.read_text()
    assert "cleared: weather" not in log.read_text()
    assert cache.read_text() == good

    # Still controlling: a positive price lifts the export limit while the weather fails.
    write_prices(prices, [(k, 50.0) for k in range(-1, 24)])
    assert wait_for(lambda: written(peers).get("export limitation") == DISABLE, 15), written(peers)
    assert status_json(kwartier, cfg)["time"] != st["time"]

    weather.garbage = False
    # The clearing names the last problem seen: the page that was not JSON.
    assert wait_for(lambda: "cleared: weather: the source answers again (was: weather: Open-Meteo: the answer is not a JSON "
                    "object; using the last good forecast)" in log.read_text(), 15), log.read_text()
    assert wait_for(lambda: active() == [], 5), active()
    assert proc.poll() is None


def test_status_and_the_dashboard_show_the_plan(rig, kwartier, tmp_path):
    """A cheap hour before dear ones: the snapshot's `plan` (status --json), its summary line
    (status) and the dashboard's Plan screen (key 7) attached to the run's socket."""
    peers, prices, proc, log, weather = rig
    cfg = log.parent / "kwartier.yaml"
    write_prices(prices, [(-1, 20.0), (0, 20.0)] + [(k, 300.0) for k in range(1, 24)])
    assert wait_for(lambda: written(peers).get("forced command") == CHARGE, 30), (written(peers), log.read_text())
    plan = status_json(kwartier, cfg)["plan"]
    assert plan["mode"] == "plan" and plan["generated_at"]
    steps = plan["steps"]
    # From the running quarter to the prices' end (23 hours on), one step a quarter.
    h0 = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    assert steps[-1]["start"] == (h0 + timedelta(hours=23, minutes=45)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert steps[0]["start"] <= datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(steps[0]) == {"start", "take_eur_per_kwh", "battery_kw", "car_kw", "pv_forecast_kw", "load_forecast_kw", "soc_percent"}
    # 20 €/MWh + 0.12 €/kWh, 6 % VAT; 300 €/MWh likewise.
    assert steps[0]["take_eur_per_kwh"] == 0.1484
    assert steps[-1]["take_eur_per_kwh"] == 0.4452
    assert 0 < steps[0]["battery_kw"] <= 3
    assert min(s["battery_kw"] for s in steps) < 0          # the dear hours are covered from the battery

    text = subprocess.run([kwartier, "status", "--config", str(cfg)], capture_output=True, text=True, timeout=20).stdout
    line = next(l for l in text.splitlines() if l.startswith("plan: "))
    assert line.startswith("plan: battery charging "), line
    assert line.endswith(", price now 0.15 €/kWh"), line
    assert ", next discharge " in line, line

    p = Pane(kwartier, tmp_path, width=80, height=24, term="screen", lang="C",
             program=[kwartier, "dashboard", "--config", str(cfg), "--refresh-hz", "10"])
    try:
        p.wait_text("Slider")
        p.keys("7")
        screen = p.wait_text("+- Plan ")
        for lane in ("Price", "Battery", "Car", "PV", "Load", "SoC"):
            assert f"|{lane}" in screen, screen
        assert "|battery charging " in screen, screen
        assert " 0.148 EUR/kWh; battery +" in screen, screen
        p.keys("End")
        screen = p.wait_text(" 0.445 EUR/kWh; battery ")
        assert "^" in screen
    finally:
        p.close()


def test_run_seeds_the_house_load_from_the_history(history_rig, kwartier):
    """After a restart the plan forecasts the house from the history's profile (2.25 kW per
    quarter), not from the meter's 1.035 kW nor flat."""
    peers, prices, proc, log, weather = history_rig
    cfg = log.parent / "kwartier.yaml"
    assert wait_for(lambda: "energy: house load forecast from the history's last 4 weeks (1344 quarters)" in log.read_text(), 15), \
        log.read_text()
    assert wait_for(lambda: written(peers).get("export limitation") == ENABLE, 30), (written(peers), log.read_text())
    assert wait_for(lambda: status_json(kwartier, cfg)["plan"]["steps"], 30), log.read_text()
    steps = status_json(kwartier, cfg)["plan"]["steps"]
    # The next 12 hours (a quarter closed meanwhile is learnt for tomorrow's, not these).
    assert {s["load_forecast_kw"] for s in steps[:48]} == {2.25}, steps[:48]
