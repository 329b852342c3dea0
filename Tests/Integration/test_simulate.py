"""`kwartier simulate`: the JSON contract, the human report, traces, scenario lookup and errors.
Runs are short windows (a debug build simulates a few thousand steps a second)."""
import json
import shutil
import subprocess

from conftest import run, ROOT

KEYS = ["violations", "max_quarter_kw", "slider_kw", "energy_delivered_kwh", "energy_requested_kwh"]
MORNING = ["--start", "2026-06-15 10:00", "--hours", "0.5"]


def last_json(stdout):
    lines = stdout.rstrip("\n").split("\n")
    return json.loads(lines[-1]), lines[:-1]


def test_json_contract_last_line(kwartier):
    r = run(kwartier, "simulate", *MORNING, "--json")
    assert r.returncode == 0, r.stderr
    rep, before = last_json(r.stdout)
    assert before == []
    for k in KEYS:
        assert isinstance(rep[k], (int, float)), k
    assert isinstance(rep["violations"], int)
    assert set(rep["baselines"]) == {"uncontrolled", "static"}
    for b in rep["baselines"].values():
        for k in KEYS:
            assert isinstance(b[k], (int, float)), k
        assert b["slider_kw"] == rep["slider_kw"] == 15
    # Figures that must agree with each other (an oracle inside the report).
    assert rep["steps"] == 1800 and rep["hours"] == 0.5
    assert rep["telegrams"] == rep["steps"] and rep["crc_failures"] == 0
    assert rep["violations"] == sum(rep["violations_by_level"].values()) == 0
    assert len(rep["per_car"]) >= 3 and rep["energy_delivered_kwh"] > 5
    assert abs(rep["energy_delivered_kwh"] - sum(c["delivered_kwh"] for c in rep["per_car"])) < 0.01
    assert abs(rep["energy_requested_kwh"] - sum(c["requested_kwh"] for c in rep["per_car"])) < 0.01
    assert rep["max_quarter_kw"] == max(rep["quarter_kw"]) and len(rep["quarter_kw"]) == 2
    assert rep["max_quarter_kw"] <= rep["slider_kw"]
    # The baselines run the very same cars.
    names = [c["name"] for c in rep["per_car"]]
    for b in rep["baselines"].values():
        assert [c["name"] for c in b["per_car"]] == names
        assert b["energy_requested_kwh"] == rep["energy_requested_kwh"]
        assert b["pv_kwh"] == rep["pv_kwh"]


def test_runs_are_deterministic(kwartier):
    a = run(kwartier, "simulate", *MORNING, "--json")
    b = run(kwartier, "simulate", *MORNING, "--json")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_human_report_has_baselines_side_by_side(kwartier):
    r = run(kwartier, "simulate", *MORNING)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Scenario demo: 0.5 h from 2026-06-15 10:00" in out
    header = next(l for l in out.split("\n") if "kwartier" in l and "uncontrolled" in l)
    assert header.split() == ["kwartier", "uncontrolled", "static"]
    row = next(l for l in out.split("\n") if l.startswith("limit violations (must be 0)"))
    assert len(row.split()) == 5 + 3 and row.split()[5] == "0"
    for label in ["max quarter-hour peak (kW)", "energy delivered (kWh)", "charging starts", "PV self-consumption",
                  "heat pump off/normal/comfort/boost", "Per car"]:
        assert label in out, label
    assert "decisions, 1800 telegrams decoded (0 CRC failures)" in out
    assert r.stderr == ""  # no progress bar when stderr is not a terminal


def test_trace_lines_then_report(kwartier):
    r = run(kwartier, "simulate", "--start", "2026-06-15 08:00", "--hours", "0.05", "--trace", "--json")
    assert r.returncode == 0, r.stderr
    rep, lines = last_json(r.stdout)
    assert len(lines) == rep["steps"] == 180
    first, last = json.loads(lines[0]), json.loads(lines[-1])
    assert first["time"] == "2026-06-15T08:00:01+02:00" and last["time"] == "2026-06-15T08:03:00+02:00"
    for p in last["points"]:
        assert set(p) >= {"id", "setpoint_a", "phases", "kind", "text", "send"}
    assert set(last) >= {"time", "safe_state", "points", "quarter", "relays"}
    assert [x["id"] for x in last["relays"]] == ["heatpump", "boiler"]


def test_trace_file(kwartier, tmp_path):
    path = tmp_path / "trace.jsonl"
    r = run(kwartier, "simulate", "--start", "2026-06-15 08:00", "--hours", "0.05", "--trace-file", str(path), "--json")
    assert r.returncode == 0, r.stderr
    rep, before = last_json(r.stdout)
    assert before == []
    lines = path.read_text().splitlines()
    assert len(lines) == 180
    assert all(json.loads(l)["points"] for l in lines)
    bad = run(kwartier, "simulate", "--hours", "0.01", "--trace-file", str(tmp_path / "no/such/dir/t.jsonl"))
    assert bad.returncode == 2 and "cannot be written" in bad.stderr


def test_scenario_by_name_from_anywhere(kwartier, tmp_path):
    # Not in the repository: the name is found above the executable's real path.
    r = subprocess.run([kwartier, "simulate", "--scenario", "seed-two-cars-share", "--start", "2026-11-02 08:25", "--hours", "0.1",
                        "--json"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rep, _ = last_json(r.stdout)
    assert [c["name"] for c in rep["per_car"]] == ["car1@cp1", "car2@cp2"]


def test_scenario_file_with_config_relative_to_it(kwartier, tmp_path):
    shutil.copy(ROOT / "examples/home.yaml", tmp_path / "site.yaml")
    (tmp_path / "evening.yaml").write_text(
        "name: evening\nconfig: site.yaml\nstart: \"2026-06-15 18:00\"\nhours: 0.5\n"
        "cars:\n  - { point: car, arrive: \"18:00\", leave: \"23:00\", soc: 20 }\n")
    r = run(kwartier, "simulate", "--scenario", str(tmp_path / "evening.yaml"), "--json")
    assert r.returncode == 0, r.stderr
    rep, _ = last_json(r.stdout)
    assert rep["slider_kw"] == 5 and rep["cars"] == 1 and rep["violations"] == 0
    assert rep["max_quarter_kw"] <= 5


def test_config_without_scenario_runs_the_demo_day_on_that_site(kwartier):
    r = run(kwartier, "simulate", "--config", str(ROOT / "examples/carpark20.yaml"), *MORNING)
    assert r.returncode == 0, r.stderr
    assert "Site: Office car park" in r.stdout
    assert "slider (kW)                              20.00" in r.stdout


def test_list_scenarios(kwartier):
    r = run(kwartier, "simulate", "--list")
    assert r.returncode == 0, r.stderr
    for name in ["home-car-heatpump", "carpark-20-tight", "sunny-week", "dark-week", "seed-third-waits"]:
        assert name in r.stdout


def test_unknown_scenario_lists_the_available_ones(kwartier):
    r = run(kwartier, "simulate", "--scenario", "sunny-weak")
    assert r.returncode == 2
    assert "unknown scenario 'sunny-weak'" in r.stderr
    assert "sunny-week" in r.stderr and "carpark-20-tight" in r.stderr


def test_bad_scenario_file_names_the_key(kwartier, tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: bad\nsed: 3\n")
    r = run(kwartier, "simulate", "--scenario", str(f))
    assert r.returncode == 2
    assert f"{f}: sed: unknown key (line 2) — did you mean 'seed'?" in r.stderr
    f.write_text("name: bad\ncars:\n  - { point: cp99, arrive: \"08:00\", leave: \"09:00\" }\n")
    r = run(kwartier, "simulate", "--scenario", str(f))
    assert r.returncode == 2
    assert "unknown point 'cp99'" in r.stderr
    r = run(kwartier, "simulate", "--scenario", str(tmp_path / "missing.yaml"))
    assert r.returncode == 2 and "no such scenario file" in r.stderr


def test_bad_days_and_hours(kwartier):
    for args, text in [(["--days", "0"], "--days 0 is out of range"), (["--days", "400"], "--days 400 is out of range"),
                       (["--hours=-1"], "--hours -1.0 is out of range"), (["--days", "2", "--hours", "3"], "not both")]:
        r = run(kwartier, "simulate", *args)
        assert r.returncode != 0, args
        assert text in r.stderr, (args, r.stderr)
    r = run(kwartier, "simulate", "--start", "2026-13-01")
    assert r.returncode == 2 and "is not YYYY-MM-DD" in r.stderr


def test_bad_config(kwartier, tmp_path):
    f = tmp_path / "k.yaml"
    f.write_text("site: { name: x }\n")
    r = run(kwartier, "simulate", "--config", str(f), "--hours", "0.01")
    assert r.returncode == 2
    assert "in " + str(f) in r.stderr


def test_help_has_examples(kwartier):
    r = run(kwartier, "simulate", "--help")
    assert r.returncode == 0
    assert "Examples:" in r.stdout and "--scenario sunny-week" in r.stdout
    for opt in ["--config", "--scenario", "--days", "--json", "--trace", "--trace-file", "--hours", "--start", "--list"]:
        assert opt in r.stdout, opt


def test_quarters_over_by_the_uncontrollable_load_are_counted_apart(kwartier, tmp_path):
    """A 3 kW slider under a 4.5 kW house (1.5 kW per phase, no car, no PV): every quarter closes
    over, none because of Kwartier: they count on their own line, with the house's energy."""
    sc = tmp_path / "heavy-house.yaml"
    sc.write_text('name: heavy-house\nstart: "2026-11-02 02:00"\nhours: 1\nseed: 4\nslider_kw: 3\n'
                  "house: { base_w: [1500, 1500, 1500] }\ncars: []\n")
    cfg = tmp_path / "site.yaml"
    cfg.write_text("site: { name: Heavy house, network: TN, voltage: 230, slider_kw: 3 }\n"
                   "grid: { fuse_a: 25, meter: p1 }\n"
                   "meters:\n  p1: { type: p1, simulated: true, stale_after_s: 10 }\n"
                   "chargepoints:\n  cp1: { board: grid, driver: simulated, simulated: true, phases: L1L2L3, max_a: 16 }\n")
    r = run(kwartier, "simulate", "--config", str(cfg), "--scenario", str(sc), "--json")
    assert r.returncode == 0, r.stderr
    rep, before = last_json(r.stdout)
    # 02:00-03:00 at night: no appliances, the house at its 4.5 kW base every second.
    assert rep["quarter_kw"] == [4.5, 4.5, 4.5, 4.5]
    assert rep["quarters_over_slider"] == 0
    assert rep["quarters_over_slider_uncontrollable"] == 4
    assert rep["uncontrollable_over_kwh"] == 4.5
    for b in rep["baselines"].values():
        assert b["quarters_over_slider"] == 0 and b["quarters_over_slider_uncontrollable"] == 4
    text = run(kwartier, "simulate", "--config", str(cfg), "--scenario", str(sc)).stdout
    assert "  over by uncontrollable load        4 (4.5 kWh)   4 (4.5 kWh)   4 (4.5 kWh)" in text


def test_fuse_overloads_by_the_uncontrollable_load_are_counted_apart(kwartier, tmp_path):
    """A house drawing 6 kW on L2 alone (26.1 A) under a 25 A connection, no car: the line is over
    its limit all hour in every column, and none of it is the controller's doing."""
    sc = tmp_path / "heavy-l2.yaml"
    sc.write_text('name: heavy-l2\nstart: "2026-11-02 02:00"\nhours: 1\nseed: 4\nslider_kw: 20\n'
                  "house: { base_w: [500, 6000, 500] }\ncars: []\n")
    cfg = tmp_path / "site.yaml"
    cfg.write_text("site: { name: Heavy L2, network: TN, voltage: 230, slider_kw: 20 }\n"
                   "grid: { fuse_a: 25, meter: p1 }\n"
                   "meters:\n  p1: { type: p1, simulated: true, stale_after_s: 10 }\n"
                   "chargepoints:\n  cp1: { board: grid, driver: simulated, simulated: true, phases: L1L2L3, max_a: 16 }\n")
    r = run(kwartier, "simulate", "--config", str(cfg), "--scenario", str(sc), "--json")
    assert r.returncode == 0, r.stderr
    rep, _ = last_json(r.stdout)
    for col in [rep] + list(rep["baselines"].values()):
        assert col["violations"] == 0 and col["violations_by_level"] == {}
        assert col["violations_uncontrollable"] == 1
        assert col["violations_uncontrollable_by_level"] == {"grid L2": 1}
        assert col["overload_seconds_uncontrollable"] == col["overload_seconds"] == 3600
    text = run(kwartier, "simulate", "--config", str(cfg), "--scenario", str(sc)).stdout
    assert "  by uncontrollable load              1 (3600 s)    1 (3600 s)    1 (3600 s)" in text
    assert "violations by uncontrollable load (kwartier): grid L2 1" in text


def test_json_keys_for_quarters_over_are_always_present(kwartier):
    r = run(kwartier, "simulate", *MORNING, "--json")
    rep, _ = last_json(r.stdout)
    for k in ["quarters_over_slider", "quarters_over_slider_uncontrollable", "violations_uncontrollable"]:
        assert isinstance(rep[k], int), k
        for b in rep["baselines"].values():
            assert isinstance(b[k], int), k
    assert rep["quarters_over_slider"] == 0 and rep["quarters_over_slider_uncontrollable"] == 0


ENERGY_KEYS = ["energy_cost_eur", "capacity_cost_eur", "cost_eur", "curtailed_kwh",
               "battery_charged_kwh", "battery_discharged_kwh", "battery_to_cars_kwh"]


def test_energy_scenario_reports_cost_against_the_energy_baselines(kwartier):
    # Sunday 30 July 2023, 12:00-14:00: the real day-ahead price is negative (injection costs);
    # the battery (30 % at 12:00) is full before 14:00.
    r = run(kwartier, "simulate", "--scenario", "home-energy", "--start", "2023-07-30 12:00", "--hours", "2", "--json")
    assert r.returncode == 0, r.stderr
    rep, _ = last_json(r.stdout)
    assert set(rep["baselines"]) == {"uncontrolled", "static", "no_battery_control", "no_planning"}
    for b in [rep] + list(rep["baselines"].values()):
        for k in ENERGY_KEYS:
            assert isinstance(b[k], (int, float)), k
        assert abs(b["cost_eur"] - b["energy_cost_eur"] - b["capacity_cost_eur"]) < 0.002
    # Kwartier and the plan-free rules curtail; the battery left alone exports at a loss.
    assert rep["curtailed_kwh"] > 0 and rep["baselines"]["no_planning"]["curtailed_kwh"] > 0
    assert rep["baselines"]["no_battery_control"]["curtailed_kwh"] == 0
    assert rep["baselines"]["no_battery_control"]["export_kwh"] > rep["export_kwh"]
    # A scenario without prices has none of these keys (the contract of other runs is unchanged).
    plain = run(kwartier, "simulate", *MORNING, "--json")
    prep, _ = last_json(plain.stdout)
    assert not any(k in prep for k in ENERGY_KEYS)


def test_energy_cost_table_in_the_human_report(kwartier):
    r = run(kwartier, "simulate", "--scenario", "home-energy", "--start", "2023-07-30 12:00", "--hours", "0.5")
    assert r.returncode == 0, r.stderr
    assert "Cost (the scenario's prices and capacity tariff):" in r.stdout
    header = next(l for l in r.stdout.split("\n") if "no_battery_control" in l)
    assert header.split() == ["kwartier", "no_battery_control", "no_planning"]
    assert any(l.startswith("total (€)") for l in r.stdout.split("\n"))
