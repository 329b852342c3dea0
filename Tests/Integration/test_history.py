"""`kwartier history` over what the hub recorded: a simulated week (`simulate --history`) read
back and compared with the simulation's own report (per-point kWh, the month peak of the virtual
meter, one session per car visit), CSV read back with Python's csv module, a DST day, and a
demo killed with SIGKILL while it writes (the database stays whole, at most the quarter in
progress is lost)."""
import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from datetime import datetime

import pytest

from conftest import run

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def history(kwartier, d, *args):
    r = run(kwartier, "history", *args, "--data-dir", str(d))
    assert r.returncode == 0, r.stderr
    return r.stdout


def history_bytes(kwartier, d, *args):
    """Standard output as bytes: text mode would turn CSV's CRLF into LF."""
    r = subprocess.run([kwartier, "history", *args, "--data-dir", str(d)], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def jhistory(kwartier, d, *args):
    return json.loads(history(kwartier, d, *args, "--json"))


@pytest.fixture(scope="module")
def week(kwartier, tmp_path_factory):
    """A home with a car, PV, heat pump and boiler simulated for 7 days, recorded."""
    d = tmp_path_factory.mktemp("week")
    r = run(kwartier, "simulate", "--scenario", "home-car-heatpump", "--days", "7", "--history", str(d), "--json",
            timeout=900)
    assert r.returncode == 0, r.stderr
    return d, json.loads(r.stdout.strip().splitlines()[-1])


def test_week_energy_per_point_matches_the_simulate_report(kwartier, week):
    d, rep = week
    rows = jhistory(kwartier, d, "energy", "--from", "2026-06-15", "--to", "2026-06-22", "--by", "month")["rows"]
    kwh = {r["id"]: r["value"] for r in rows if r["period"] == "2026-06"}
    delivered = {}
    for c in rep["per_car"]:
        p = c["name"].split("@")[-1]
        delivered[p] = delivered.get(p, 0) + c["delivered_kwh"]
    assert delivered and delivered["car"] > 10
    for p, v in delivered.items():
        assert kwh[p] == pytest.approx(v, abs=0.002), p
    # The grid and PV over the week: the meter's 1 Wh registers and the first second aside.
    assert kwh["grid.import"] == pytest.approx(rep["import_kwh"], abs=0.01)
    assert kwh["grid.export"] == pytest.approx(rep["export_kwh"], abs=0.01)
    assert kwh["pv"] == pytest.approx(rep["pv_kwh"], abs=0.01)
    # Per day sums to the month.
    days = jhistory(kwartier, d, "energy", "--from", "2026-06-15", "--to", "2026-06-22", "--point", "car")["rows"]
    assert len(days) >= 2
    assert sum(r["value"] for r in days) == pytest.approx(kwh["car"], abs=0.003 * len(days))


def test_week_month_peak_is_the_virtual_meters(kwartier, week):
    d, rep = week
    p = jhistory(kwartier, d, "peaks", "--month", "2026-06")
    # month_peak_kw is the virtual meter's 1-0:1.6.0 (or a higher quarter it had not closed).
    assert p["billed_peak"]["kw"] == pytest.approx(rep["month_peak_kw"], abs=0.005)
    assert p["billed_peak"]["kw"] == pytest.approx(rep["max_quarter_kw"], abs=0.005)
    assert [x["day"] for x in p["days"]] == [f"2026-06-{n}" for n in range(15, 22)]
    assert all(x["quarters"] == 96 for x in p["days"])
    assert sum(x["quarters"] for x in p["days"]) == len(rep["quarter_kw"])
    assert max(x["kw"] for x in p["days"]) == p["billed_peak"]["kw"]


def test_week_one_session_per_car_visit(kwartier, week):
    d, rep = week
    s = jhistory(kwartier, d, "sessions", "--from", "2026-06-15", "--to", "2026-06-22")["sessions"]
    cars = sorted(rep["per_car"], key=lambda c: c["arrival"])
    assert len(s) == len(cars) == 2
    for sess, car in zip(s, cars):
        assert sess["point"] == "car"
        assert abs((datetime.fromisoformat(sess["start"]) - datetime.fromisoformat(car["arrival"].replace("Z", "+00:00"))).total_seconds()) <= 2
        assert abs((datetime.fromisoformat(sess["end"]) - datetime.fromisoformat(car["departure"].replace("Z", "+00:00"))).total_seconds()) <= 2
        assert sess["kwh"] == pytest.approx(car["delivered_kwh"], abs=0.002)
        assert sess["phases"] == 3
        assert sess["end_reason"] in ("car_left", "full")


def test_csv_reads_back_with_pythons_csv_module(kwartier, week):
    d, _ = week
    for args, key in ((["sessions", "--from", "2026-06-15", "--to", "2026-06-22"], "sessions"),
                      (["energy", "--from", "2026-06-15", "--to", "2026-06-22"], "rows"),
                      (["peaks", "--month", "2026-06"], "days")):
        raw = history_bytes(kwartier, d, *args, "--csv")
        assert raw.count(b"\r\n") == raw.count(b"\n"), "RFC 4180: every record ends with CRLF"
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
        ref = jhistory(kwartier, d, *args)[key]
        assert len(rows) == len(ref) > 0, args
        for row, j in zip(rows, ref):
            if key == "sessions":
                assert row["point"] == j["point"] and row["start"] == j["start"] and row["end"] == j["end"]
                assert float(row["kwh"]) == pytest.approx(j["kwh"], abs=0.0005)
                assert ISO.match(row["start"]) and datetime.fromisoformat(row["start"]).utcoffset() is not None
            elif key == "rows":
                assert (row["day"], row["id"], row["unit"]) == (j["period"], j["id"], j["unit"])
                assert float(row["value"]) == pytest.approx(j["value"], abs=0.0005)
            else:
                assert (row["day"], row["quarter_start"]) == (j["day"], j["start"])
                assert float(row["kw"]) == pytest.approx(j["kw"], abs=0.0005)
                assert ISO.match(row["quarter_start"])


def test_a_dst_day_has_100_quarters_on_its_local_day(kwartier, tmp_path):
    # The autumn change in Brussels: the local day 2026-10-25 lasts 25 hours.
    r = run(kwartier, "simulate", "--scenario", "home-car-heatpump", "--start", "2026-10-25", "--hours", "25",
            "--history", str(tmp_path), "--json", timeout=600)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout.strip().splitlines()[-1])
    p = jhistory(kwartier, tmp_path, "peaks", "--month", "2026-10")
    assert [(x["day"], x["quarters"]) for x in p["days"]] == [("2026-10-25", 100)]
    e = jhistory(kwartier, tmp_path, "energy", "--from", "2026-10-25", "--to", "2026-10-26")["rows"]
    assert {x["period"] for x in e if x["value"] >= 0.0005} == {"2026-10-25"}
    day_import = sum(x["value"] for x in e if x["id"] == "grid.import")
    assert day_import == pytest.approx(rep["import_kwh"], abs=0.01)
    # The table shows the day's peak with its offset (summer time before 03:00, winter after).
    offs = {datetime.fromisoformat(x["start"]).utcoffset().total_seconds() / 3600 for x in p["highest"]}
    assert offs <= {1.0, 2.0}


def test_kill_9_during_writes_loses_at_most_the_quarter_in_progress(kwartier, tmp_path):
    d = tmp_path / "demo"
    proc = subprocess.Popen([kwartier, "demo", "--headless", "--speed", "1000", "--start", "00:00", "--data-dir", str(d)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        db = d / "history.sqlite"
        deadline = time.time() + 120
        while time.time() < deadline:
            time.sleep(0.5)
            if db.exists():
                with sqlite3.connect(db) as c:
                    try:
                        if c.execute("SELECT count(*) FROM quarter").fetchone()[0] >= 12:
                            break
                    except sqlite3.OperationalError:
                        pass
        time.sleep(0.37)          # somewhere inside a quarter's writes
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    status = json.loads((d / "status.json").read_text())
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        starts = [r[0] for r in c.execute("SELECT start FROM quarter ORDER BY start")]
        incomplete = c.execute("SELECT count(*) FROM quarter WHERE slider_kw IS NULL OR month_peak_kw IS NULL").fetchone()[0]
    assert incomplete == 0
    assert len(starts) >= 12
    assert all(b - a == 900 for a, b in zip(starts, starts[1:])), "no quarter lost in between"
    # The last quarter recorded ends at most one quarter before the last decision the demo
    # published (status.json is at most 1 s of wall time = 1000 simulated seconds old).
    last_decision = datetime.fromisoformat(status["decision"]["time"].replace("Z", "+00:00")).timestamp()
    assert last_decision - (starts[-1] + 900) <= 900 + 1000
    # The history reads back whole.
    p = jhistory(kwartier, d, "peaks", "--month", "2026-06")
    assert sum(x["quarters"] for x in p["days"]) == len(starts)
