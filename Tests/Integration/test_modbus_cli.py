"""`kwartier modbus read|write` and `kwartier device list|show` against simulated peers:
decoded values, typed errors with exit codes, and never a hang."""
import json
import time

import pytest

from conftest import run
from modbus_peers import Peers


@pytest.fixture(scope="module")
def peers(kwartier, tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    spec = {"tcp": [{"name": "alfen", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0}},
                    {"name": "phoenix", "driver": "phoenix-occi", "unit": 255, "params": {"ramp_s": 0}},
                    {"name": "mute", "driver": "peblar", "unit": 255}]}
    with Peers(kwartier, spec, d) as p:
        p.cmd(cmd="mute", device="mute", on=True)
        yield p


def tcp(peers, name):
    return f"127.0.0.1:{peers.ports[name]}"


def test_read_float32_string_and_count(kwartier, peers):
    r = run(kwartier, "modbus", "read", "--tcp", tcp(peers, "alfen"), "--unit", "1", "--holding", "320", "--type", "float32",
            "--count", "3")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"holding {a} float32 = 6 (raw 0x40C0 0x0000)" for a in (320, 322, 324)]
    r = run(kwartier, "modbus", "read", "--tcp", tcp(peers, "alfen"), "--unit", "1", "--holding", "1201", "--type", "string",
            "--count", "5")
    assert r.stdout.startswith('holding 1201 string[5] = "C2" (raw 0x4332 0x0000')


def test_write_then_read_back(kwartier, peers):
    r = run(kwartier, "modbus", "write", "--tcp", tcp(peers, "alfen"), "--unit", "1", "--holding", "1210", "--type", "float32",
            "--value", "13.5")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "wrote holding 1210 float32 = 13.5"
    assert peers.get("alfen")["limit_a"] == 13.5
    r = run(kwartier, "modbus", "read", "--tcp", tcp(peers, "alfen"), "--unit", "1", "--holding", "0x4BA", "--type", "float32")
    assert r.stdout.startswith("holding 1210 float32 = 13.5 (raw 0x4158 0x0000)")


def test_coil(kwartier, peers):
    r = run(kwartier, "modbus", "write", "--tcp", tcp(peers, "phoenix"), "--unit", "255", "--coil", "400", "--value", "off")
    assert r.returncode == 0, r.stderr
    assert peers.get("phoenix")["enabled"] is False
    r = run(kwartier, "modbus", "read", "--tcp", tcp(peers, "phoenix"), "--unit", "255", "--coil", "400")
    assert r.stdout.strip() == "coil 400 = 0"
    run(kwartier, "modbus", "write", "--tcp", tcp(peers, "phoenix"), "--unit", "255", "--coil", "400", "--value", "on")
    assert peers.get("phoenix")["enabled"] is True


def test_exception_answers_exit_3_with_the_reason(kwartier, peers):
    r = run(kwartier, "modbus", "write", "--tcp", tcp(peers, "alfen"), "--unit", "1", "--holding", "320", "--type", "float32",
            "--value", "1")
    assert r.returncode == 3
    assert r.stderr.strip() == f"{tcp(peers, 'alfen')} unit 1: illegal data address 320"
    # half of a float32: refused like the real station does
    r = run(kwartier, "modbus", "write", "--tcp", tcp(peers, "alfen"), "--unit", "1", "--holding", "1210", "--value", "1")
    assert r.returncode == 3
    r = run(kwartier, "modbus", "read", "--tcp", tcp(peers, "alfen"), "--unit", "1", "--input", "320")
    assert r.returncode == 3 and "illegal data address 320" in r.stderr


def test_silence_and_refusal_exit_4_never_hang(kwartier, peers):
    t0 = time.monotonic()
    r = run(kwartier, "modbus", "read", "--tcp", tcp(peers, "mute"), "--unit", "255", "--input", "30110", "--timeout", "0.5")
    assert r.returncode == 4
    assert r.stderr.strip() == f"{tcp(peers, 'mute')} unit 255: no answer to read input 30110: within 0.5 s"
    assert time.monotonic() - t0 < 5
    r = run(kwartier, "modbus", "read", "--tcp", "127.0.0.1:1", "--holding", "0", "--timeout", "0.5")
    assert r.returncode == 4
    assert "cannot connect: 127.0.0.1:1: Connection refused" in r.stderr


def test_usage_errors(kwartier):
    r = run(kwartier, "modbus", "read", "--tcp", "x", "--rtu", "/dev/null", "--holding", "0")
    assert r.returncode == 64 and "exactly one of --tcp" in r.stderr
    r = run(kwartier, "modbus", "read", "--tcp", "x", "--holding", "0x1FFFF")
    assert r.returncode == 64 and "is not a register address" in r.stderr
    r = run(kwartier, "modbus", "read", "--tcp", "x", "--holding", "1", "--type", "f32")
    assert r.returncode == 64
    r = run(kwartier, "device", "show", "alfen-evee")
    assert r.returncode == 2 and "no device profile named 'alfen-evee'" in r.stderr


@pytest.mark.parametrize("cmd", [["modbus"], ["modbus", "read"], ["modbus", "write"], ["modbus", "scan"], ["device"],
                                 ["device", "list"], ["device", "show"], ["device", "probe"], ["device", "watch"]])
def test_help_has_examples(kwartier, cmd):
    r = run(kwartier, *cmd, "--help")
    assert r.returncode == 0
    assert "Example" in r.stdout and f"kwartier {' '.join(cmd)}" in r.stdout


def test_device_list(kwartier):
    r = run(kwartier, "device", "list")
    assert r.returncode == 0 and r.stderr == ""
    rows = {l.split()[0]: l.split() for l in r.stdout.splitlines()[1:-1] if l and not l.startswith(" ")}
    assert rows["alfen-eve"][1:4] == ["chargepoint", "tcp", "yes"]
    assert rows["abb-terra-ac"][1:4] == ["chargepoint", "tcp,rtu", "yes"]
    assert rows["phoenix-occi"][3] == "no"
    assert rows["socomec-countis-e3x"][1:4] == ["meter", "rtu", "yes"]
    assert rows["simulated"][1] == "any"
    profiles = json.loads(run(kwartier, "device", "list", "--json").stdout)
    assert len(profiles) == len(rows) - 1
    show = json.loads(run(kwartier, "device", "show", "mennekes-amtron-compact", "--json").stdout)
    assert show["profile"]["rtu"] == {"address": 50, "baud": 57600, "data_bits": 8, "parity": "N", "stop_bits": 2}
    assert {"name": "heartbeat", "spec": show["profile"]["chargepoint"]["heartbeat"]["register"]} in show["registers"]
