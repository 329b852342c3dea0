"""One RS485 bus (a socat pty pair), four devices each at its own baud rate (and parity). The
simulated bus answers a device only while the hub's end of the line is at that device's baud
rate, as real hardware would — so these tests see the hub reconfigure the line. (A pty cannot
carry parity: Linux clears PARENB on ptys, so parity switching shows only on real hardware.)"""
import time

import pytest

from conftest import run
from modbus_peers import Peers, PtyPair, Watch, health, site_yaml

DEVICES = [  # name, driver, unit, baud, parity, stop bits
    ("m1", "socomec-countis-e3x", 5, 38400, "N", 1),
    ("m2", "siemens-pac2200", 126, 19200, "E", 1),
    ("cp1", "mennekes-amtron-compact", 50, 57600, "N", 2),
    ("cp2", "abb-terra-ac", 1, 115200, "N", 1),
]


@pytest.fixture
def bus(kwartier, tmp_path):
    with PtyPair(tmp_path) as pty:
        spec = {"rtu": [{"port": pty.peer, "hub": pty.hub, "devices": [
            {"name": n, "driver": d, "unit": u, "baud": b, "parity": p, "params": {"ramp_s": 0}} for n, d, u, b, p, _ in DEVICES]}]}
        with Peers(kwartier, spec, tmp_path) as peers:
            yield peers, pty


def config(pty, tmp_path, m1_baud=38400):
    def rtu(u, b, p, s):
        return {"bus": "rs485", "address": u, "baud": b, "parity": p, "stop_bits": s}
    meters, cps = [], []
    for n, d, u, b, p, s in DEVICES:
        dev = {"id": n, "driver": d, "rtu": rtu(u, m1_baud if n == "m1" else b, p, s)}
        (meters if n.startswith("m") else cps).append(dev)
    cfg = tmp_path / "site.yaml"
    cfg.write_text(site_yaml(chargepoints=cps, meters=meters, buses={"rs485": pty.hub}))
    return cfg


def test_four_devices_four_line_settings_one_bus(kwartier, bus, tmp_path):
    peers, pty = bus
    cfg = config(pty, tmp_path)
    with Watch(kwartier, cfg, "--interval", "0.3", "--timeout", "0.3", "--cycles", "5", "--set", "cp1=10", "--set", "cp2=12") as w:
        cycles = [w.next() for _ in range(5)]
    for c in cycles:
        for n, *_ in DEVICES:
            assert c["devices"][n].get("error") is None, (n, c["devices"][n])
    last = cycles[-1]
    assert last["devices"]["m1"]["values"]["power_w"] == pytest.approx(230.1 * 10.5 + 231.2 * 11.25 - 229.3 * 4.5, abs=31)
    assert last["devices"]["m2"]["currents"] == pytest.approx([10.5, 11.25, -4.5], abs=1e-3)   # sign from the phase power
    assert last["devices"]["cp1"]["currents"] == pytest.approx([10, 10, 10])
    assert last["devices"]["cp2"]["currents"] == pytest.approx([12, 12, 12])
    for n, *_ in DEVICES:
        sim = peers.get(n)
        assert sim["wrong_line"] == 0, n          # every request came at that device's own settings
        assert sim["requests"] >= 5
        h = health(last, n)
        assert h["status"] == "ok" and h["tx_bytes"] > 0 and h["rx_bytes"] > 0
    assert peers.get("cp1")["heartbeats"] >= 1    # AMTRON Compact heartbeat 0x55AA


def test_one_device_at_the_wrong_baud_fails_alone(kwartier, bus, tmp_path):
    peers, pty = bus
    cfg = config(pty, tmp_path, m1_baud=19200)
    with Watch(kwartier, cfg, "--interval", "0.4", "--timeout", "0.15", "--backoff-max", "1", "--cycles", "6") as w:
        cycles = [w.next() for _ in range(6)]
    assert "no answer" in cycles[0]["devices"]["m1"]["error"]
    assert health(cycles[-1], "m1")["status"] == "lost"
    assert peers.get("m1")["wrong_line"] >= 1
    for c in cycles:
        for n in ("m2", "cp1", "cp2"):
            assert c["devices"][n].get("error") is None, (n, c["devices"][n])


def test_probe_over_rtu_uses_the_profile_line_defaults(kwartier, bus):
    peers, pty = bus
    r = run(kwartier, "device", "probe", "--driver", "mennekes-amtron-compact", "--rtu", pty.hub)   # 57600 8N2 at 50
    assert r.returncode == 0, r.stdout + r.stderr
    assert "addr 50 @ 57600 8N2" in r.stdout
    r = run(kwartier, "device", "probe", "--driver", "siemens-pac2200", "--rtu", pty.hub, "--parity", "E", "--unit", "126")
    assert r.returncode == 0, r.stdout + r.stderr


def test_read_and_write_registers_over_rtu(kwartier, bus):
    peers, pty = bus
    r = run(kwartier, "modbus", "read", "--rtu", pty.hub, "--baud", "38400", "--unit", "5", "--holding", "0xC568",
            "--type", "s32", "--scale", "10")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("holding 50536 s32 = ")
    r = run(kwartier, "modbus", "write", "--rtu", pty.hub, "--baud", "57600", "--stop-bits", "2", "--unit", "50",
            "--holding", "0x0302", "--type", "float32", "--value", "8")
    assert r.returncode == 0, r.stderr
    assert peers.get("cp1")["setpoint"] == 8
    t0 = time.monotonic()
    r = run(kwartier, "modbus", "read", "--rtu", pty.hub, "--baud", "9600", "--unit", "5", "--holding", "0xC568",
            "--type", "s32", "--timeout", "0.3")
    assert r.returncode == 4
    assert "no answer to read holding 50536" in r.stderr
    assert time.monotonic() - t0 < 5


def test_scan_finds_each_device_at_its_rate(kwartier, bus):
    peers, pty = bus
    r = run(kwartier, "modbus", "scan", "--rtu", pty.hub, "--bauds", "9600,19200,38400,57600,115200", "--parities", "N",
            "--ids", "1-6,50,126", "--timeout", "0.05", timeout=60)
    assert r.returncode == 0, r.stderr
    found = sorted(l for l in r.stdout.splitlines() if l.startswith("found:"))
    assert [l.split(" (")[0] for l in found] == sorted([
        "found: id 1 at 115200 8N1", "found: id 5 at 38400 8N1", "found: id 50 at 57600 8N1", "found: id 126 at 19200 8N1"])
    assert "scan done: 4 devices found" in r.stderr
    assert "9600 8N1: 8 ids tried, 0 found" in r.stderr
