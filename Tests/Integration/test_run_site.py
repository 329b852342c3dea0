"""`kwartier run --headless` against real protocol peers: two Alfen chargers served by pymodbus
(Tests/Peers) and a P1 dongle on TCP whose line currents include what the chargers draw.
Asserts what the simulated chargers receive: the fuse is shared per phase, a stale meter drops
them to their minimum, a lost charger is budgeted at its safe current, one process owns the site."""
import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import run, stop_process
from modbus_peers import Peers
from p1_server import P1Server
from p1_support import wait_for

HOUSE_A = [4.0, 2.0, 3.0]   # non-managed load per line


def site(tmp_path, peers, p1_port, fuse=25):
    cfg = tmp_path / "kwartier.yaml"
    cfg.write_text(f"""
site: {{ name: Run test, network: TN, voltage: 230, slider_kw: 50, data_dir: {tmp_path}/data, start_buffer_a: 2 }}
grid: {{ fuse_a: {fuse}, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1_port}, stale_after_s: 3 }}
chargepoints:
  cp1: {{ board: grid, driver: alfen-eve, tcp: 127.0.0.1:{peers.ports['cp1']}, unit: 1, phases: L1L2L3, max_a: 16, safe_a: 6 }}
  cp2: {{ board: grid, driver: alfen-eve, tcp: 127.0.0.1:{peers.ports['cp2']}, unit: 1, phases: L2L3L1, max_a: 16, safe_a: 6 }}
""")
    return cfg


@pytest.fixture
def rig(kwartier, tmp_path):
    spec = {"tcp": [{"name": "cp1", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5}},
                    {"name": "cp2", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5}}]}
    with Peers(kwartier, spec, tmp_path / "peers") as peers:

        def draw():
            # Grid-line currents of both chargers through their wiring (cp2: terminal 1 on L2).
            a = peers.get("cp1")["currents"]
            b = peers.get("cp2")["currents"]
            return [a[0] + b[2], a[1] + b[0], a[2] + b[1]]
        p1 = P1Server(HOUSE_A, draw)
        cfg = site(tmp_path, peers, p1.port)
        proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(cfg)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            yield peers, p1, cfg, proc, tmp_path
        finally:
            stop_process(proc, timeout=10)
            p1.close()


def limits(peers):
    return peers.get("cp1")["limit_a"], peers.get("cp2")["limit_a"]


def test_run_shares_the_fuse_and_reacts_to_stale_and_lost(kwartier, rig):
    peers, p1, cfg, proc, tmp = rig
    # 25 A fuse, house 4/2/3 A: L1 has 21 A for both cars (3-phase, rotated): equal shares of 10.5 A.
    assert wait_for(lambda: limits(peers) == (10.5, 10.5), 30), (limits(peers), proc.poll())
    assert max(p1.last_lines) <= 25.0 + 0.01
    # The hub reports why: the grid's L1 binds.
    r = run(kwartier, "explain", "--data-dir", str(tmp / "data"))
    assert r.returncode == 0, r.stderr
    assert "cp1 10.5 A:" in r.stdout and "grid L1" in r.stdout, r.stdout

    # A stale meter: no telegram for 3 s → every car to its minimum (6 A fits the last known load).
    p1.paused = True
    assert wait_for(lambda: limits(peers) == (6.0, 6.0), 15), limits(peers)
    r = run(kwartier, "explain", "--data-dir", str(tmp / "data"))
    assert "meter stale" in r.stdout, r.stdout
    p1.paused = False
    # Back up at 1 A/s; the last step smaller than 1 A is not worth a change (no hunting).
    assert wait_for(lambda: limits(peers)[0] == limits(peers)[1] and 9.5 <= limits(peers)[0] <= 10.5, 30), limits(peers)

    # cp2 stops answering: budgeted at max(safe 6 A, its last draw) on every line, so cp1 gets
    # no more than 21 A minus that draw — never more while cp2 may still draw.
    drawn = peers.get("cp2")["currents"][0]
    peers.cmd(cmd="mute", device="cp2", on=True)
    time.sleep(6)
    assert peers.get("cp1")["limit_a"] <= 21 - max(6.0, drawn) + 0.01
    r = run(kwartier, "explain", "--data-dir", str(tmp / "data"))
    assert "cp2" in r.stdout and "lost" in r.stdout.lower(), r.stdout
    peers.cmd(cmd="mute", device="cp2", on=False)

    # One process owns the hardware.
    second = run(kwartier, "run", "--headless", "--config", str(cfg), "--seconds", "2")
    assert second.returncode == 3
    assert "already drives this site" in second.stderr

    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    # One line a decision names what it changed (here every point: two of them).
    assert re.search(r"setpoints: \d+ changed \(.*cp1 (\d+\.\d)?→10\.5 A", err), err[-3000:]
    assert "stopped; chargers fall back to their safe current" in err
    state = json.loads((tmp / "data/state.json").read_text())
    assert "cp1" in state["points"]


def test_run_refuses_a_site_it_cannot_build(kwartier, tmp_path):
    cfg = tmp_path / "k.yaml"
    cfg.write_text(f"""
site: {{ data_dir: {tmp_path}/d }}
grid: {{ fuse_a: 25, meter: p1 }}
meters:
  p1: {{ type: p1, simulated: true }}
chargepoints:
  cp1: {{ board: grid, driver: alfen-eve, simulated: true }}
""")
    r = run(kwartier, "run", "--headless", "--config", str(cfg), "--seconds", "1")
    assert r.returncode == 3
    assert "kwartier demo --config" in r.stderr


def test_run_drives_relays_to_a_defined_state_and_safe_at_stop(kwartier, tmp_path):
    """An SG-Ready pump (coils 0, 1) and a boiler (coil 2) on a Modbus relay module: at start the
    pump is driven to Normal (0:0) and the boiler, overridden on by the owner, closes; at stop
    both go to their safe state (pump Normal, boiler off)."""
    from test_relays_modbus import Module
    module = Module(tmp_path)
    p1 = P1Server([-2.0, -2.0, -2.0], lambda: [0.0, 0.0, 0.0])     # exporting 1.4 kW
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"version": 1, "sliderKW": 9, "points": {},
                                                   "relays": {"boiler": "on", "heatpump": "auto"}}))
    cfg = tmp_path / "k.yaml"
    cfg.write_text(f"""
site: {{ data_dir: {data} }}
grid: {{ fuse_a: 25, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1.port} }}
relays:
  heatpump: {{ type: sg-ready, outputs: [r1, r2], comfort_above_kw: 1.5, boost_above_kw: 3.0, power_kw: {{ normal: 1, comfort: 2, boost: 3 }} }}
  boiler: {{ type: switch, output: r3, on_above_kw: 2.5, power_kw: 2 }}
outputs:
  r1: {{ modbus_coil: {{ tcp: {module.tcp}, unit: 9, coil: 0 }} }}
  r2: {{ modbus_coil: {{ tcp: {module.tcp}, unit: 9, coil: 1 }} }}
  r3: {{ modbus_coil: {{ tcp: {module.tcp}, unit: 9, coil: 2 }} }}
""")
    proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(cfg)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: module.coils(3) == [False, False, True], 15), module.coils(3)
        assert (0, False) in module.writes() and (1, False) in module.writes()   # the pump was driven, not left as found
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert module.coils(3) == [False, False, False]
        assert module.writes()[-1] == (2, False)
    finally:
        if proc.poll() is None:
            proc.kill()
        p1.close()
        module.stop()
