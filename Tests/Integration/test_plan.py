"""`kwartier plan` against the ENTSO-E emulator (Tests/Peers/entsoe_emulator.py): the request
the client sends, the plan of a day with negative prices, a failing source that leaves the last
good prices with an alert, and a refused token; and against the Open-Meteo emulator
(Tests/Peers/openmeteo_emulator.py): the PV forecast follows the cloud cover; the house load
from the history's profile per weekday and quarter."""
import json
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

from conftest import ROOT, run

sys.path.insert(0, str(ROOT / "Tests/Peers"))
import pytest  # noqa: E402
from entsoe_emulator import Entsoe  # noqa: E402
from openmeteo_emulator import OpenMeteo  # noqa: E402

ZONE = "10YBE----------2"
# Sunday 30 July 2023, BE day-ahead (€/MWh), local hours 00-23 (CEST = UTC+2): the scenario home-energy.
DAY = [84.50, 74.90, 67.81, 57.79, 51.60, 51.70, 47.34, 37.00, 29.82, 8.48, -0.01, -14.62,
       -28.03, -84.07, -85.58, -67.59, -26.91, -7.86, 7.45, 74.99, 84.99, 86.36, 86.19, 70.05]
START = datetime(2023, 7, 29, 22, tzinfo=timezone.utc)


def site(tmp_path, api):
    (tmp_path / "token").write_text("secret-token\n")
    cfg = tmp_path / "kwartier.yaml"
    cfg.write_text(f"""
site: {{ slider_kw: 5, data_dir: {tmp_path} }}
grid: {{ fuse_a: 25, meter: virtual }}
inverters:
  roof: {{ driver: sma-stp-se, tcp: 127.0.0.1:1502, unit: 3 }}
energy:
  prices: {{ source: entsoe, zone: "{ZONE}", token_file: {tmp_path / 'token'}, api: "{api}" }}
  formula: {{ take: {{ a: 1, b: 0.12 }}, inject: {{ a: 1, b: -0.01 }}, vat_percent: 6 }}
  capacity_tariff: {{ eur_per_kw_month: 4 }}
  battery: {{ inverter: roof, kwh: 10, max_charge_kw: 5 }}
  pv: [ {{ kwp: 8, tilt: 35, azimuth: 180 }} ]
""")
    return cfg


def emulator():
    return Entsoe("secret-token", ZONE, {START + timedelta(hours=h): p for h, p in enumerate(DAY)})


def test_plan_from_entsoe(kwartier, tmp_path):
    emu = emulator()
    try:
        cfg = site(tmp_path, emu.url)
        r = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z", "--soc", "20", "--json")
        assert r.returncode == 0, r.stderr
        plan = json.loads(r.stdout)
        assert emu.requests == [{"securityToken": "secret-token", "documentType": "A44", "in_Domain": ZONE, "out_Domain": ZONE,
                                 "periodStart": "202307290000", "periodEnd": "202308010000"}]
        steps = plan["steps"]
        # From 08:00 local to the end of the day: 16 hours of quarters.
        assert steps[0]["start"] == "2023-07-30T06:00:00Z" and len(steps) == 64
        # The consumer's prices: (market/1000 + 0.12) * 1.06 and market/1000 - 0.01.
        noon = next(s for s in steps if s["start"] == "2023-07-30T12:00:00Z")   # 14:00 local, -85.58 €/MWh
        assert noon["take_eur_per_kwh"] == round((-0.08558 + 0.12) * 1.06, 5)
        assert noon["inject_eur_per_kwh"] == round(-0.08558 - 0.01, 5)
        assert noon["curtail"] is True and noon["grid_kw"] == 0
        evening = next(s for s in steps if s["start"] == "2023-07-30T19:00:00Z")  # 21:00 local
        assert evening["curtail"] is False and evening["battery_kw"] < 0
        assert plan["alerts"] == []
        assert plan["cost_eur"] == round(plan["energy_cost_eur"] + plan["capacity_cost_eur"], 3)
    finally:
        emu.close()


def test_failing_source_keeps_the_last_good_prices_with_an_alert(kwartier, tmp_path):
    emu = emulator()
    try:
        cfg = site(tmp_path, emu.url)
        assert run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z", "--json").returncode == 0
        emu.down = True
        r = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T07:00:00Z", "--json")
        assert r.returncode == 0, r.stderr
        plan = json.loads(r.stdout)
        assert len(plan["steps"]) == 60
        assert plan["alerts"] == ["prices: ENTSO-E answered HTTP 503; using the last good prices (fetched 2023-07-30T06:00:00Z)"]
        assert "using the last good prices" in r.stderr
    finally:
        emu.close()


def test_refused_token_and_no_prices_for_the_day(kwartier, tmp_path):
    emu = emulator()
    try:
        cfg = site(tmp_path, emu.url)
        (tmp_path / "token").write_text("wrong\n")
        r = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z")
        assert r.returncode == 1
        assert r.stderr.strip() == "kwartier plan: ENTSO-E refused the security token (HTTP 401)"
        (tmp_path / "token").write_text("secret-token\n")
        r = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-09-01T06:00:00Z")
        assert r.returncode == 1
        assert r.stderr.strip() == "kwartier plan: ENTSO-E answered with no prices: No matching data found for Data item Day-ahead Prices"
    finally:
        emu.close()


def test_plan_follows_open_meteo_cloud_cover(kwartier, tmp_path):
    """PV forecast = clear sky × (1 − 0.75·cover^3.4): an overcast sky (100 %) leaves exactly a
    quarter of the clear-sky PV. A failing weather source keeps the last good forecast, with an alert."""
    emu = emulator()
    hours = [datetime(2023, 7, 30, tzinfo=timezone.utc) + timedelta(hours=h) for h in range(72)]
    om = OpenMeteo({t: 0 for t in hours})
    try:
        cfg = site(tmp_path, emu.url)
        cfg.write_text(cfg.read_text() + f'  forecast: {{ weather: open-meteo, api: "{om.url}", latitude: 50.9, longitude: 4.4 }}\n')

        def plan():
            r = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T10:00:00Z", "--load-kw", "0.5", "--json")
            assert r.returncode == 0, r.stderr
            return json.loads(r.stdout)
        clear = plan()
        assert om.requests == [{"latitude": "50.9", "longitude": "4.4", "hourly": "cloud_cover", "timeformat": "unixtime",
                                "timezone": "GMT", "start_date": "2023-07-30", "end_date": "2023-08-01"}]
        assert clear["alerts"] == []
        om.cover = {t: 100 for t in hours}
        overcast = plan()
        pv_clear = [0.5 - s["base_kw"] for s in clear["steps"][:8]]       # 12:00-14:00 local
        pv_overcast = [0.5 - s["base_kw"] for s in overcast["steps"][:8]]
        assert min(pv_clear) > 4.0                                        # 8 kWp at noon in July
        for c, o in zip(pv_clear, pv_overcast):
            assert o == pytest.approx(0.25 * c, abs=0.002)
        om.down = True
        stale = plan()
        assert stale["alerts"] == ["weather: Open-Meteo answered HTTP 503: Service unavailable; using the last good forecast"]
        assert [s["base_kw"] for s in stale["steps"]] == [s["base_kw"] for s in overcast["steps"]]
    finally:
        emu.close()
        om.close()


def test_plan_heat_pump_and_boiler(kwartier, tmp_path):
    """The heat pump's SG-Ready state and the boiler's quarters per step: 3 kWh a day at 2 kW is 6
    quarters, 4 of them for the 16 hours left of the day (08:00 local); the cheapest are the four
    of 14:00 local, where the PV surplus is injected at -0.096 €/kWh."""
    emu = emulator()
    try:
        cfg = site(tmp_path, emu.url)
        cfg.write_text(cfg.read_text().replace("energy:\n", """outputs:
  r1: { simulated: true }
  r2: { simulated: true }
  r3: { simulated: true }
relays:
  heatpump: { type: sg-ready, outputs: [r1, r2], comfort_above_kw: 1.5, boost_above_kw: 3, power_kw: { normal: 1.2, comfort: 2, boost: 3.5 } }
  boiler: { type: switch, output: r3, on_above_kw: 2 }
energy:
  heat_pump: { relay: heatpump }
  boiler: { relay: boiler, kwh_per_day: 3 }
"""))
        r = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z", "--json")
        assert r.returncode == 0, r.stderr
        steps = json.loads(r.stdout)["steps"]
        assert [s["start"] for s in steps if s["boiler_on"]] == [
            "2023-07-30T12:00:00Z", "2023-07-30T12:15:00Z", "2023-07-30T12:30:00Z", "2023-07-30T12:45:00Z"]
        assert all(s["boiler_on"] is False for s in steps if not s["boiler_on"])
        assert {s["heat_pump_sg"] for s in steps} <= {"normal", "comfort", "boost"}
        evening = next(s for s in steps if s["start"] == "2023-07-30T19:00:00Z")   # 21:00, no sun, dear
        assert evening["heat_pump_sg"] == "normal"
        text = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z")
        assert text.returncode == 0, text.stderr
        lines = text.stdout.splitlines()
        assert lines[0].endswith("  heat pump  boiler")
        # 14:00: 5.72 kW of surplus, 3.72 left after the boiler covers Boost's 2.3 kW over Normal.
        assert next(line for line in lines if line.startswith("Sun 14:00")).split()[-3:] == ["boost", "on", "curtail"]
        assert next(line for line in lines if line.startswith("Sun 21:00")).split()[-2:] == ["normal", "-"]
        # Without heat_pump and boiler the keys are there, null.
        plain = json.loads(run(kwartier, "plan", "--config", str(site(tmp_path, emu.url)), "--at", "2023-07-30T06:00:00Z", "--json").stdout)
        assert plain["steps"][0]["heat_pump_sg"] is None and plain["steps"][0]["boiler_on"] is None
    finally:
        emu.close()


def test_plan_takes_the_house_load_from_the_history(kwartier, tmp_path):
    """Four Sundays recorded before Sunday 30 July 2023: in local quarter k (08:00 on) of week w
    the grid imported (k % 4 + 1 + w) kW, and on 9 July at 08:30 the PV added 2 kW more. The plan
    of 08:00 on takes the median per quarter: k % 4 + 2.5 kW, and 5.5 kW at 08:30 (3, 5, 6, 6)."""
    emu = emulator()
    try:
        cfg = site(tmp_path, emu.url)
        db = tmp_path / "history.sqlite"
        db.write_bytes(b"")  # an empty SQLite file: plan migrates it and finds no quarter
        r = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z", "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["load_source"] == "flat 0.5 kW"
        assert f"kwartier plan: the history at {db} holds no quarter of the last 4 weeks; planned with a flat 0.5 kW house load" in r.stderr
        sundays = [datetime(2023, 7, d, 6, tzinfo=timezone.utc) for d in (2, 9, 16, 23)]  # 08:00 CEST
        with sqlite3.connect(db) as c:
            for w, day in enumerate(sundays):
                for k in range(32, 96):
                    start = int((day + timedelta(minutes=15 * (k - 32))).timestamp())
                    kw = k % 4 + 1 + w
                    c.execute("INSERT INTO quarter(start, avg_kw, import_kwh, export_kwh) VALUES (?, ?, ?, 0)", (start, kw, kw / 4))
            c.execute("INSERT INTO energy_quarter(start, id, kwh) VALUES (?, 'pv', 0.5)",
                      (int((sundays[1] + timedelta(minutes=30)).timestamp()),))
        r = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z", "--json")
        assert r.returncode == 0, r.stderr
        plan = json.loads(r.stdout)
        assert plan["load_source"] == "history (4 weeks)" and plan["alerts"] == []
        loads = [s["load_kw"] for s in plan["steps"]]
        assert len(loads) == 64
        assert loads[:8] == [2.5, 3.5, 5.5, 5.5, 2.5, 3.5, 4.5, 5.5]
        assert loads[8:] == [k % 4 + 2.5 for k in range(40, 96)]
        text = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z")
        assert text.returncode == 0 and text.stdout.splitlines()[-1] == "house load: history (4 weeks)"
        # --load-kw stays an explicit flat load.
        flat = json.loads(run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z", "--load-kw", "1.5", "--json").stdout)
        assert flat["load_source"] == "flat 1.5 kW" and {s["load_kw"] for s in flat["steps"]} == {1.5}
        # A file that is no database: moved aside (as `kwartier history` does), a flat load, no crash.
        db.write_bytes(b"not a database" * 100)
        for f in tmp_path.glob("history.sqlite-*"):
            f.unlink()
        r = run(kwartier, "plan", "--config", str(cfg), "--at", "2023-07-30T06:00:00Z", "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["load_source"] == "flat 0.5 kW"
        assert "is unreadable" in r.stderr and "moved aside" in r.stderr
    finally:
        emu.close()


def test_check_reports_the_energy_mode(kwartier, tmp_path):
    cfg = site(tmp_path, "http://127.0.0.1:9/api")
    r = run(kwartier, "check", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    # No `mode` key: the default, the plan (issue 19).
    assert "Energy: mode plan (the battery follows the plan), battery 10 kWh behind roof, " in r.stdout
    cfg.write_text(cfg.read_text().replace("energy:\n", "energy:\n  mode: reactiv\n"))
    r = run(kwartier, "check", "--config", str(cfg))
    assert r.returncode == 2
    assert f"{cfg}:7: energy.mode: 'reactiv' is not one of plan | reactive | off — did you mean 'reactive'? use one of plan, reactive, off" in r.stderr
