"""Relay outputs against a simulated Modbus TCP relay module (Tests/Peers/relay_module.py):
single coils, SG-Ready patterns (SG-Ready label: lock 1:0, normal 0:0, comfort 0:1, boost 1:1 as
relay 1 = SG0 : relay 2 = SG1), readable errors, a pulse counter register, and the relay logic
replayed on a simulated clock with the coils following the seed dwell times."""
import json
import os
import re
import socket
import subprocess
import sys
import time

import pytest
from pymodbus.client import ModbusTcpClient

from conftest import ROOT, run, stop_process

PEER = ROOT / "Tests/Peers/relay_module.py"
PATTERN = {"off": [True, False], "normal": [False, False], "comfort": [False, True], "boost": [True, True]}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Module:
    def __init__(self, tmp_path, unit=9, extra=()):
        self.port = free_port()
        self.unit = unit
        self.log = tmp_path / f"writes-{self.port}.jsonl"
        self.proc = subprocess.Popen([sys.executable, str(PEER), "--port", str(self.port), "--unit", str(unit),
                                      "--log", str(self.log), *extra],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("relay module peer did not start")

    @property
    def tcp(self):
        return f"127.0.0.1:{self.port}"

    def writes(self):
        if not self.log.exists():
            return []
        return [(w["coil"], w["on"]) for w in map(json.loads, self.log.read_text().splitlines())]

    def coils(self, count=4):
        c = ModbusTcpClient("127.0.0.1", port=self.port, timeout=2)
        assert c.connect()
        try:
            r = c.read_coils(0, count=count, device_id=self.unit)
            assert not r.isError(), r
            return list(r.bits[:count])
        finally:
            c.close()

    def stop(self):
        stop_process(self.proc)


@pytest.fixture
def module(tmp_path):
    m = Module(tmp_path)
    yield m
    m.stop()


def test_set_single_coil(kwartier, module):
    r = run(kwartier, "relay", "set", "--tcp", module.tcp, "--unit", "9", "--coil", "3", "on", timeout=20)
    assert r.returncode == 0, r.stderr
    assert module.coils(4) == [False, False, False, True]
    r = run(kwartier, "relay", "set", "--tcp", module.tcp, "--unit", "9", "--coil", "3", "off", timeout=20)
    assert r.returncode == 0, r.stderr
    assert module.writes() == [(3, True), (3, False)]


def test_sg_patterns_and_lock_free_write_order(kwartier, module):
    seq = ["boost", "normal", "comfort", "off", "comfort", "boost", "off", "normal"]
    for state in seq:
        r = run(kwartier, "relay", "sg", "--tcp", module.tcp, "--unit", "9", "--coils", "0,1", state, timeout=20)
        assert r.returncode == 0, r.stderr
        assert module.coils(2) == PATTERN[state], state
    # Replay the writes: between two states the pump never sees the lock pattern (1:0) unless
    # that is the target.
    contacts, targets = [False, False], iter(seq)
    target = next(targets)
    for coil, on in module.writes():
        contacts[coil] = on
        if contacts == PATTERN[target]:
            target = next(targets, None)
        else:
            assert contacts != PATTERN["off"], f"lock pattern on the way to {target}"
    assert target is None
    # normal -> boost goes through comfort: SG1 (coil 1) first.
    assert module.writes()[:2] == [(1, True), (0, True)]


def test_wrong_unit_is_reported(kwartier, module):
    r = run(kwartier, "relay", "set", "--tcp", module.tcp, "--unit", "5", "--coil", "0", "on", timeout=20)
    assert r.returncode == 1
    # The peer (like a gateway) answers an exception for a unit it does not have.
    assert r.stderr == f"error: {module.tcp} unit 5: server failure (write coil 0)\n", r.stderr
    assert module.writes() == []


def test_silent_module_is_a_readable_timeout(kwartier):
    with socket.socket() as srv:     # accepts the connection, never answers
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        port = srv.getsockname()[1]
        t0 = time.time()
        r = run(kwartier, "relay", "set", "--tcp", f"127.0.0.1:{port}", "--coil", "0", "on", "--timeout", "0.5", timeout=20)
        took = time.time() - t0
    assert r.returncode == 1
    assert r.stderr == f"error: 127.0.0.1:{port} unit 1: no answer to write coil 0: within 0.5 s\n", r.stderr
    assert took < 10


def test_modbus_exception_is_reported(kwartier, tmp_path):
    m = Module(tmp_path, extra=("--fail-coil", "7"))
    try:
        r = run(kwartier, "relay", "set", "--tcp", m.tcp, "--unit", "9", "--coil", "7", "on", timeout=20)
        assert r.returncode == 1
        assert r.stderr == f"error: {m.tcp} unit 9: illegal data address 7\n", r.stderr
    finally:
        m.stop()


def test_no_module_is_a_readable_error(kwartier):
    r = run(kwartier, "relay", "set", "--tcp", f"127.0.0.1:{free_port()}", "--coil", "0", "on", timeout=20)
    assert r.returncode == 1
    # The retry time carries the worker's backoff jitter (0.5 s ± 25 %).
    assert re.fullmatch(r"error: (127\.0\.0\.1:\d+) unit 1: cannot connect: \1: Connection refused; next try in 0\.[4-6] s\n", r.stderr), r.stderr


def test_pulse_counter_registers(kwartier, tmp_path):
    # 32-bit 100000 = 0x0001 0x86A0 (high word first) at input register 16; 16-bit 54321 at holding 3.
    m = Module(tmp_path, unit=2, extra=("--ir", "16=0x0001,0x86A0", "--hr", "3=54321"))
    try:
        r = run(kwartier, "relay", "counter", "--tcp", m.tcp, "--unit", "2", "--register", "16", "--pulses-per-kwh", "1000", timeout=20)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "100000 pulses = 100.000 kWh"
        r = run(kwartier, "relay", "counter", "--tcp", m.tcp, "--unit", "2", "--register", "3", "--words", "1",
                "--function", "holding", timeout=20)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "54321"
    finally:
        m.stop()


CONFIG = """
site: {{ name: relay test, time_zone: UTC }}
grid: {{ fuse_a: 25, meter: virtual }}
relays:
  heatpump: {{ type: sg-ready, outputs: [relay1, relay2], states: [off, normal, comfort, boost],
              comfort_above_kw: 1.5, boost_above_kw: 3.0, power_kw: {{ normal: 1.2, comfort: 2.0, boost: 3.5 }} }}
  boiler:   {{ type: switch, output: relay3, on_above_kw: 2.5, min_on_s: 300 }}
outputs:
  relay1: {{ modbus_coil: {{ tcp: "{tcp}", unit: 9, coil: 0 }} }}
  relay2: {{ modbus_coil: {{ tcp: "{tcp}", unit: 9, coil: 1 }} }}
  relay3: {boiler}
"""

# Export with the relays at rest (kW), per segment. Expected, from the charging-hub preset:
# start Normal (1 min) -> 600 s Comfort (held 15 min) -> 3000 s Boost (10 min) and the boiler on
# (6.0 - 2.3 kW taken by Boost = 3.7 > 2.7) -> 6000 s cloud: Boost -> Comfort, boiler off (its
# 5 min are over) -> 6060 s Normal (Comfort's 1 min down) -> 6200 s Comfort -> 7000 s stale
# meter: Normal at once -> 7200 s peak: Off -> 7500 s released: Normal.
PROFILE = """
600 0.5
2400 2.0
3000 6.0
200 0
800 2.0
100 0.5 stale=1
100 0.5
300 0 import=3 headroom=-1
100 0 headroom=5
"""
EXPECTED_CHANGES = [
    (0, "heatpump", "Normal", "00"), (0, "boiler", "off", "0"),
    (600, "heatpump", "Comfort", "01"),
    (3000, "heatpump", "Boost", "11"), (3000, "boiler", "on", "1"),
    (6000, "heatpump", "Comfort", "01"), (6000, "boiler", "off", "0"),
    (6060, "heatpump", "Normal", "00"),
    (6200, "heatpump", "Comfort", "01"),
    (7000, "heatpump", "Normal", "00"),
    (7200, "heatpump", "Off", "10"),
    (7500, "heatpump", "Normal", "00"),
]


def changes(stdout):
    out = []
    for line in stdout.splitlines():
        if not line.startswith("t=") or "relay=" not in line:
            continue
        f = dict(kv.split("=", 1) for kv in line.split(" | ")[0].split())
        out.append((int(f["t"]), f["relay"], f["state"], f["contacts"]))
    return out


def test_replay_drives_the_coils_through_the_sg_states_and_the_boiler(kwartier, module, tmp_path):
    cfg = tmp_path / "kwartier.yaml"
    cfg.write_text(CONFIG.format(tcp=module.tcp, boiler=f'{{ modbus_coil: {{ tcp: "{module.tcp}", unit: 9, coil: 2 }} }}'))
    prof = tmp_path / "day.txt"
    prof.write_text(PROFILE)
    r = run(kwartier, "relay", "replay", "--config", str(cfg), "--profile", str(prof), timeout=60)
    assert r.returncode == 0, r.stderr
    assert changes(r.stdout) == EXPECTED_CHANGES
    assert "t=7600 shutdown: safe state written" in r.stdout
    expected_writes = [
        (0, False), (1, False), (2, False),      # start: every output defined
        (1, True),                               # 600 Comfort
        (0, True), (2, True),                    # 3000 Boost, boiler on
        (0, False), (2, False),                  # 6000 Comfort, boiler off
        (1, False),                              # 6060 Normal
        (1, True),                               # 6200 Comfort
        (1, False),                              # 7000 stale: Normal
        (0, True),                               # 7200 Off
        (0, False),                              # 7500 Normal
        (0, False), (1, False), (2, False),      # shutdown: safe state
    ]
    assert module.writes() == expected_writes
    assert module.coils(3) == [False, False, False]


def test_replay_reports_an_unreachable_output_and_keeps_going(kwartier, module, tmp_path):
    cfg = tmp_path / "kwartier.yaml"
    dead = f"127.0.0.1:{free_port()}"
    cfg.write_text(CONFIG.format(tcp=module.tcp, boiler=f'{{ modbus_coil: {{ tcp: "{dead}", unit: 9, coil: 2 }} }}'))
    prof = tmp_path / "day.txt"
    prof.write_text("700 2.0\n")
    r = run(kwartier, "relay", "replay", "--config", str(cfg), "--profile", str(prof), timeout=60)
    assert r.returncode == 1
    # Tried again at every decision, reported once while the output keeps failing.
    assert r.stderr.count("error: relay output relay3: ") == 1, r.stderr
    assert f"error: relay output relay3: relay3 (Modbus {dead} unit 9): cannot connect: {dead}: Connection refused; next try in " in r.stderr, r.stderr
    assert (60, "heatpump", "Comfort", "01") in changes(r.stdout)
    assert module.writes()[:3] == [(0, False), (1, False), (1, True)]
