"""`kwartier commission phases`: on the simulated site (a deliberately wrong rotation, house
noise), and on a real site of pymodbus peers and a P1 dongle where the charger's terminal 1 is
really on L2 while the configuration says L1L2L3 and the house wanders on every line."""
import json
import random
import subprocess
import time

from conftest import run, stop_process
from modbus_peers import Peers
from p1_server import P1Server

SIM_SITE = """
site: {{ name: Wiring test, network: TN, voltage: 230, slider_kw: 30, data_dir: {data}, start_buffer_a: 2 }}
grid: {{ fuse_a: 25, margin_a: 0, meter: p1 }}
meters:
  p1: {{ type: p1, simulated: true, stale_after_s: 10 }}
chargepoints:
  cp1: {{ board: grid, driver: simulated, simulated: true, phases: L1L2L3, max_a: 16 }}
  cp2: {{ board: grid, driver: simulated, simulated: true, phases: L3L1L2, max_a: 16 }}
"""


def sim_config(tmp_path):
    cfg = tmp_path / "wiring.yaml"
    cfg.write_text(SIM_SITE.format(data=tmp_path / "data"))
    return cfg


def test_simulated_wrong_rotation_is_found(kwartier, tmp_path):
    cfg = sim_config(tmp_path)
    r = run(kwartier, "commission", "phases", "--config", str(cfg), "--point", "cp1", "--simulate", "--wired-as", "L2L3L1")
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.startswith("cp1: terminal 1 on L2 (0.9") or r.stdout.startswith("cp1: terminal 1 on L2 (1.00)"), r.stdout
    assert ("configured L1: mismatch — does NOT match the configured phases: L1L2L3 (found: phases: L2L3L1) "
            "(stepped 6–16 A, 12 samples)") in r.stdout, r.stdout
    assert "simulated: 0 fuse overloads while stepping" in r.stderr

    r = run(kwartier, "commission", "phases", "--config", str(cfg), "--point", "cp2", "--simulate", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    d = json.loads(r.stdout)
    assert d["point"] == "cp2" and d["matches"] is True and d["lines"] == ["L3", None, None] and d["configured"] == "L3L1L2"
    assert d["confidence"][0] >= 0.9

    # A 3-phase car moves all lines at once: the set, not the order (it cannot tell a rotation).
    r = run(kwartier, "commission", "phases", "--config", str(cfg), "--point", "cp1", "--simulate", "--car-phases", "3",
            "--wired-as", "L2L3L1")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "terminals 1,2,3 move together on L1, L2, L3" in r.stdout and "order not found" in r.stdout


def test_bad_options_are_refused(kwartier, tmp_path):
    cfg = sim_config(tmp_path)
    r = run(kwartier, "commission", "phases", "--config", str(cfg), "--point", "cp9", "--simulate")
    assert r.returncode == 2 and "no charge point 'cp9'" in r.stderr, r.stderr
    r = run(kwartier, "commission", "phases", "--config", str(cfg), "--wired-as", "L2L3L1")
    assert r.returncode != 0 and "--wired-as is for --simulate" in r.stderr, r.stderr
    r = run(kwartier, "commission", "phases", "--config", str(cfg), "--simulate", "--wired-as", "L4")
    assert r.returncode != 0 and "--wired-as 'L4' is not a phase map" in r.stderr, r.stderr


FUSE_A = 25.0


def test_real_site_wrong_rotation_found_within_the_fuse(kwartier, tmp_path):
    """An Alfen peer with a 1-phase car, configured L1L2L3 but wired L2L3L1 (terminal 1 on L2);
    a second Alfen (no car) shares the fuse; the house wanders by up to ±1 A per line each second.
    The check steps cp1 and finds terminal 1 on L2; every telegram's lines stay within the fuse.
    (With a second car charging, the miswiring itself overloads L2 before any check: the
    controller budgets cp1 on L1 — which is why the check exists.)"""
    spec = {"tcp": [{"name": "cp1", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5, "car_phases": 1}},
                    {"name": "cp2", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5, "car": False}}]}
    with Peers(kwartier, spec, tmp_path / "peers") as peers:
        rng = random.Random(5)
        house = [5.0, 4.0, 6.0]
        seen = []

        def draw():
            a = peers.get("cp1")["currents"]      # wired L2L3L1: terminal 1 → L2, 2 → L3, 3 → L1
            b = peers.get("cp2")["currents"]      # wired L1L2L3
            for k in range(3):
                house[k] = min(8.0, max(2.0, house[k] + rng.uniform(-1, 1)))
            p1.house_a = list(house)
            lines = [a[2] + b[0], a[0] + b[1], a[1] + b[2]]
            seen.append([h + c for h, c in zip(house, lines)])
            return lines
        p1 = P1Server(house, draw)
        cfg = tmp_path / "site.yaml"
        cfg.write_text(f"""
site: {{ name: Wiring, network: TN, voltage: 230, slider_kw: 50, data_dir: {tmp_path}/data, start_buffer_a: 2 }}
grid: {{ fuse_a: {FUSE_A:g}, margin_a: 2, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1.port}, stale_after_s: 5 }}
chargepoints:
  cp1: {{ board: grid, driver: alfen-eve, tcp: 127.0.0.1:{peers.ports['cp1']}, unit: 1, phases: L1L2L3, max_a: 16, safe_a: 6 }}
  cp2: {{ board: grid, driver: alfen-eve, tcp: 127.0.0.1:{peers.ports['cp2']}, unit: 1, phases: L1L2L3, max_a: 16, safe_a: 6 }}
""")
        try:
            r = run(kwartier, "commission", "phases", "--config", str(cfg), "--point", "cp1", "--steps", "10", "--dwell", "4",
                    "--wait", "40", "--json", timeout=150)
        finally:
            p1.close()
        assert r.returncode == 1, r.stdout + r.stderr
        d = json.loads(r.stdout)
        assert d["lines"] == ["L2", None, None], d
        assert d["matches"] is False and d["suggested"] == "L2L3L1", d
        assert d["confidence"][0] >= 0.8, d
        assert d["samples"] == 10 and d["low_a"] == 6 and d["high_a"] - d["low_a"] >= 3, d
        assert len(seen) > 30
        worst = max(max(l) for l in seen)
        assert worst <= FUSE_A + 0.01, f"a line reached {worst} A on a {FUSE_A} A fuse"
        # The point got the controller's setpoint back after the check, and the log says what was found.
        assert "cp1: terminal 1 on L2" in r.stderr and "does NOT match the configured phases: L1L2L3" in r.stderr, r.stderr
