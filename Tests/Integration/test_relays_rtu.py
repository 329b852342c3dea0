"""A Modbus RTU relay module on a socat pty pair: the same coil writes and SG patterns as over
TCP, through libmodbus' RTU framing (socat honours the baud rate, not the parity)."""
import json
import os
import subprocess
import sys
import time

import pytest

from conftest import run, stop_process
from test_relays_modbus import PATTERN, PEER


@pytest.fixture
def rtu_module(tmp_path):
    a, b = tmp_path / "hub", tmp_path / "module"
    socat = subprocess.Popen(["socat", f"pty,raw,echo=0,link={a}", f"pty,raw,echo=0,link={b}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 5
    while not (a.exists() and b.exists()) and time.time() < deadline:
        time.sleep(0.02)
    log = tmp_path / "writes.jsonl"
    peer = subprocess.Popen([sys.executable, str(PEER), "--serial", str(b), "--baud", "19200", "--unit", "9",
                             "--log", str(log)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.8)   # no port to poll on a pty: give the server its start-up time
    yield a, log
    for p in (peer, socat):
        stop_process(p)


def writes(log):
    return [(w["coil"], w["on"]) for w in map(json.loads, log.read_text().splitlines())] if log.exists() else []


def test_rtu_coils_and_sg_patterns(kwartier, rtu_module):
    dev, log = rtu_module
    base = ["--rtu", str(dev), "--baud", "19200", "--unit", "9"]
    r = run(kwartier, "relay", "set", *base, "--coil", "2", "on", timeout=20)
    assert r.returncode == 0, r.stderr
    r = run(kwartier, "relay", "sg", *base, "--coils", "0,1", "boost", timeout=20)
    assert r.returncode == 0, r.stderr
    r = run(kwartier, "relay", "sg", *base, "--coils", "0,1", "off", timeout=20)
    assert r.returncode == 0, r.stderr
    # coil 2 on; normal -> boost via comfort (SG1 first); boost -> off: SG1 off only.
    assert writes(log) == [(2, True), (1, True), (0, True), (1, False)]


def test_rtu_wrong_unit_is_reported(kwartier, rtu_module):
    dev, log = rtu_module
    r = run(kwartier, "relay", "set", "--rtu", str(dev), "--baud", "19200", "--unit", "4", "--coil", "0", "on",
            "--timeout", "0.5", timeout=20)
    assert r.returncode == 1
    # pymodbus answers an exception for a unit it lacks (a real RS485 line would stay silent).
    assert r.stderr == f"error: {dev} addr 4 @ 19200 8N1: server failure (write coil 0)\n", r.stderr
    assert writes(log) == []
