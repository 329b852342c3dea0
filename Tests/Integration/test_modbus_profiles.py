"""Every shipped device profile round-trips against its simulated peer: `kwartier device probe`
reads every capability, a setpoint is written and read back, the pause works, and 1p/3p
switching where the profile has it. The peers' register maps come from the same profiles;
the values they serve are the oracle (encoded by Tests/Peers/modbus_codec.py, not by Swift)."""
import json
import subprocess

import pytest

from conftest import ROOT, run
from modbus_peers import Peers, PtyPair, profiles_json

KWARTIER = __import__("os").environ.get("KWARTIER_BIN", str(ROOT / ".build/debug/kwartier"))


def _all_profiles():
    out = subprocess.run([KWARTIER, "device", "list", "--json"], capture_output=True, text=True, timeout=30).stdout
    return {p["profile"]["driver"]: p for p in json.loads(out)}


PROFILES = _all_profiles()
# RTU-only profiles run on a pty bus at their default line settings; the others over TCP.
RTU_ONLY = sorted(d for d, p in PROFILES.items() if p["profile"]["transports"] == ["rtu"])
TCP = sorted(d for d, p in PROFILES.items() if "tcp" in p["profile"]["transports"])

SEED_DRIVERS = ["abb-terra-ac", "alfen-eve", "alfen-eve-scn", "mennekes-amtron-pro", "mennekes-amtron-compact",
                "mennekes-4you", "phoenix-occi", "peblar", "hager-witty", "enovates", "veton", "siemens-pac2200",
                "socomec-countis-e3x", "socomec-countis-p", "socomec-countis-ex", "huawei-sun2000", "sma-stp-se",
                "solax-x3-g4", "sungrow-shx"]


def test_every_seed_driver_has_a_profile():
    missing = [d for d in SEED_DRIVERS if d not in PROFILES]
    assert missing == []


@pytest.fixture(scope="module")
def fleet(kwartier, tmp_path_factory):
    d = tmp_path_factory.mktemp("fleet")
    profiles_json(kwartier, d / "profiles.json")
    pty = PtyPair(d)
    tcp = [{"name": drv, "driver": drv, "unit": PROFILES[drv]["profile"]["tcp"]["unit"],
            "params": {"ramp_s": 0, "car_max_a": 16, "safe_a": 6}} for drv in TCP]
    rtu_devices = []
    for drv in RTU_ONLY:
        r = PROFILES[drv]["profile"]["rtu"]
        rtu_devices.append({"name": drv, "driver": drv, "unit": r["address"], "baud": r["baud"], "parity": r["parity"],
                            "params": {"ramp_s": 0, "car_max_a": 16, "safe_a": 6}})
    spec = {"tcp": tcp, "rtu": [{"port": pty.peer, "hub": pty.hub, "devices": rtu_devices}]}
    peers = Peers(kwartier, spec, d, profiles=d / "profiles.json")
    yield peers, pty
    peers.close()
    pty.close()


def probe(kwartier, fleet, driver, *extra):
    peers, pty = fleet
    if driver in RTU_ONLY:
        where = ["--rtu", pty.hub]
    else:
        where = ["--tcp", f"127.0.0.1:{peers.ports[driver]}"]
    r = run(kwartier, "device", "probe", "--driver", driver, *where, "--json", *extra, timeout=30)
    lines = json.loads(r.stdout) if r.stdout.strip() else []
    return r, {l["name"]: l for l in lines}


def tolerance(driver, name):
    """Half a step of the coarsest register behind this value (at least 0.002)."""
    specs = [e["spec"] for e in PROFILES[driver]["registers"] if e["name"] == name or e["name"].startswith(name + "[")]
    steps = [1e-3 if s["type"].startswith("float") else abs(s["scale"]) for s in specs]
    return max([0.002] + [0.51 * s * max(1, len(specs)) for s in steps])


def number(line):
    assert line.get("error") is None, line.get("error")
    return float(line["value"])


def expected_values(kind, sim):
    if kind == "chargepoint":
        e = {f"current L{i + 1}": c for i, c in enumerate(sim["currents"])}
        e["power"] = sim["power_w"]
        e["applied current"] = sim["limit_a"] if sim["enabled"] else 0
        return e
    if kind == "meter":
        e = {}
        for i in range(3):
            e[f"voltage L{i + 1}"] = sim["voltages"][i]
            e[f"current L{i + 1}"] = abs(sim["currents"][i])
            e[f"power L{i + 1}"] = sim["voltages"][i] * sim["currents"][i]
        e["power"] = sum(v * c for v, c in zip(sim["voltages"], sim["currents"]))
        e["import energy"] = sim["import_kwh"]
        e["export energy"] = sim["export_kwh"]
        return e
    return {"pv power": sim["pv_w"], "grid power": sim["grid_w"], "battery power": sim["battery_w"], "battery soc": sim["soc"]}


def check_values(driver, lines, sim):
    kind = PROFILES[driver]["profile"]["kind"]
    checked = 0
    for name, want in expected_values(kind, sim).items():
        if name in lines:
            got = number(lines[name])
            assert got == pytest.approx(want, abs=tolerance(driver, name)), f"{driver} {name}: {got} != {want}"
            checked += 1
    assert checked >= (3 if kind == "chargepoint" else 4)


@pytest.mark.parametrize("driver", sorted(PROFILES))
def test_probe_reads_every_capability(kwartier, fleet, driver):
    peers, _ = fleet
    r, lines = probe(kwartier, fleet, driver)
    assert r.returncode == 0, r.stdout + r.stderr
    assert all(l.get("error") is None for l in lines.values())
    sim = peers.get(driver)
    check_values(driver, lines, sim)
    if PROFILES[driver]["profile"]["kind"] == "chargepoint":
        assert lines["state"]["value"].startswith("charging"), lines["state"]   # the car draws the safe current


CHARGERS = sorted(d for d, p in PROFILES.items() if p["profile"]["kind"] == "chargepoint")


@pytest.mark.parametrize("driver", CHARGERS)
def test_setpoint_round_trip_and_pause(kwartier, fleet, driver):
    peers, _ = fleet
    cp = PROFILES[driver]["profile"]["chargepoint"]
    r, lines = probe(kwartier, fleet, driver, "--write-current", "10")
    assert r.returncode == 0, r.stdout + r.stderr
    sim = peers.get(driver)
    assert sim["setpoint"] == pytest.approx(10, abs=0.01)
    assert sim["limit_a"] == pytest.approx(10, abs=0.01)
    assert sim["enabled"] is True
    assert sim["currents"] == pytest.approx([10, 10, 10], abs=0.01)
    if not cp["setpoint"]["registers"][0].get("write_only"):
        key = "setpoint" if "setpoint" in lines else "setpoint L1"
        assert number(lines[key]) == pytest.approx(10, abs=0.01)
    check_values(driver, lines, sim)
    assert lines["state"]["value"].startswith("charging")
    if cp.get("heartbeat"):
        assert sim["heartbeats"] >= 1

    # 0 A pauses: by writing 0 or by switching the release off, as the profile says.
    r, lines = probe(kwartier, fleet, driver, "--write-current", "0")
    assert r.returncode == 0, r.stdout + r.stderr
    sim = peers.get(driver)
    assert sim["currents"] == [0, 0, 0]
    assert sim["state"] == "connected"
    if cp["setpoint"]["pause"] == "disable":
        assert sim["enabled"] is False
    else:
        assert sim["setpoint"] == 0
    assert lines["state"]["value"].startswith("connected")

    # Below the charger's minimum (6 A) is a pause too, never an invalid write.
    r, _ = probe(kwartier, fleet, driver, "--write-current", "4")
    assert r.returncode == 0
    assert peers.get(driver)["currents"] == [0, 0, 0]
    probe(kwartier, fleet, driver, "--write-current", "16")
    assert peers.get(driver)["currents"] == pytest.approx([16, 16, 16], abs=0.01)


SWITCHERS = sorted(d for d in CHARGERS if PROFILES[d]["profile"]["chargepoint"].get("phases"))


def test_switchers_are_the_documented_ones():
    assert SWITCHERS == ["alfen-eve", "hager-witty", "mennekes-4you", "mennekes-amtron-compact", "peblar"]


@pytest.mark.parametrize("driver", SWITCHERS)
def test_phase_switching(kwartier, fleet, driver):
    peers, _ = fleet
    r, lines = probe(kwartier, fleet, driver, "--write-current", "10", "--phases", "1")
    assert r.returncode == 0, r.stdout + r.stderr
    sim = peers.get(driver)
    assert sim["phase_mode"] == 1
    assert sim["currents"] == pytest.approx([10, 0, 0], abs=0.01)
    assert number(lines["current L2"]) == 0
    if "active phases" in lines:
        assert number(lines["active phases"]) in (1.0, 5.0)   # raw: 1, or 5 = "one phase" relay state (Mennekes)
    r, _ = probe(kwartier, fleet, driver, "--phases", "3")
    assert r.returncode == 0
    assert peers.get(driver)["phase_mode"] == 3


def test_no_switch_where_unsupported(kwartier, fleet):
    r, lines = probe(kwartier, fleet, "abb-terra-ac", "--phases", "1")
    assert r.returncode == 1
    assert "not supported" in lines["switch phases"].get("error", "")


def test_meter_signs_and_inverter_signs(kwartier, fleet):
    """The hub's conventions: grid + = import, battery + = charging, whatever the device says."""
    peers, _ = fleet
    for drv in ["huawei-sun2000", "sma-stp-se", "solax-x3-g4", "sungrow-shx"]:
        peers.cmd(cmd="set", device=drv, params={"grid_w": 2500.0, "battery_w": -1500.0})
        r, lines = probe(kwartier, fleet, drv)
        assert r.returncode == 0, r.stdout
        assert number(lines["grid power"]) == pytest.approx(2500, abs=1)
        assert number(lines["battery power"]) == pytest.approx(-1500, abs=1)
        peers.cmd(cmd="set", device=drv, params={"grid_w": -1200.0, "battery_w": 800.0})


FALLBACK = "fallback limit (newer firmware)"     # ABB Terra AC extra marked `optional: true`
# Older firmware has neither the fallback limit (the extra, and the safe current's read-back at the
# same address) nor its write register: the safe current is `optional: true` too.
OLD_FW = [FALLBACK, "safe current", "safe current read back"]


@pytest.fixture(scope="module")
def old_abb(kwartier, tmp_path_factory):
    """Two ABB Terra AC peers on older firmware: one without the optional fallback limit, one
    also without the (required) power register."""
    d = tmp_path_factory.mktemp("old-abb")
    profiles_json(kwartier, d / "profiles.json")
    params = {"ramp_s": 0, "car_max_a": 16, "safe_a": 6}
    spec = {"tcp": [{"name": "no-fallback", "driver": "abb-terra-ac", "unit": 1, "params": dict(params, absent=OLD_FW)},
                    {"name": "no-power", "driver": "abb-terra-ac", "unit": 1, "params": dict(params, absent=OLD_FW + ["power"])}]}
    peers = Peers(kwartier, spec, d, profiles=d / "profiles.json")
    yield peers
    peers.close()


def test_probe_optional_register_not_on_this_firmware(kwartier, old_abb):
    """An optional register answering "illegal data address" is shown, not failed: exit 0."""
    where = ["--tcp", f"127.0.0.1:{old_abb.ports['no-fallback']}"]
    r = run(kwartier, "device", "probe", "--driver", "abb-terra-ac", *where, "--json", timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = {l["name"]: l for l in json.loads(r.stdout)}
    assert lines[FALLBACK] == {"name": FALLBACK, "value": "not on this firmware", "absent": True,
                               "register": "holding 16420 u16"}
    assert all(l.get("error") is None for l in lines.values())
    check_values("abb-terra-ac", lines, old_abb.get("no-fallback"))

    r = run(kwartier, "device", "probe", "--driver", "abb-terra-ac", *where, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert any(l.split()[:4] == ["fallback", "limit", "(newer", "firmware)"] and "not on this firmware" in l
               for l in r.stdout.splitlines()), r.stdout
    assert lines["safe current"] == {"name": "safe current", "value": "not on this firmware", "absent": True,
                                     "register": "holding 16420 u16"}
    n = len(lines)
    assert f"{n - 2} of {n} values read, 2 not on this firmware (optional)" in r.stdout


def test_probe_required_register_missing_still_fails(kwartier, old_abb):
    """The same answer on a required capability is a failure: exit 1, the error named."""
    where = ["--tcp", f"127.0.0.1:{old_abb.ports['no-power']}"]
    r = run(kwartier, "device", "probe", "--driver", "abb-terra-ac", *where, "--json", timeout=30)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = {l["name"]: l for l in json.loads(r.stdout)}
    assert "illegal data address" in lines["power"]["error"]
    assert lines[FALLBACK]["value"] == "not on this firmware"
    assert [n for n, l in lines.items() if l.get("error")] == ["power"]
