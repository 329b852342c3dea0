"""One owner per line under `kwartier run --headless`: every Modbus transaction of a bus or TCP
endpoint goes through the one worker that owns it.

RS485: two chargers and an S0 pulse counter on one socat pty, served by Tests/Peers/
rtu_line_peer.py, which answers at a real line's pace and records a violation whenever the hub
starts a frame while a device is still answering (two writers on one line). TCP: pulse counters
behind a charger's host:port use the charger's connection; the endpoint counts the connections
it accepts."""
import json
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import ROOT, stop_process
from modbus_peers import PYTHON, Peers, PtyPair, health, profiles_json, watch
from p1_server import P1Server
from p1_support import wait_for

LINE_PEER = str(ROOT / "Tests/Peers/rtu_line_peer.py")


class LinePeer:
    """rtu_line_peer.py on the peer end of a pty pair; `cmd()` is safe from several threads."""

    def __init__(self, port, spec, profiles, workdir):
        spec_path = workdir / "line-spec.json"
        spec_path.write_text(json.dumps(spec))
        self.proc = subprocess.Popen([PYTHON, LINE_PEER, "--port", port, "--spec", str(spec_path), "--profiles", str(profiles)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lock = threading.Lock()
        ready = json.loads(self.proc.stdout.readline() or "{}")
        assert ready.get("ready"), f"line peer did not start: {self.proc.stderr.read() if self.proc.poll() is not None else ''}"

    def cmd(self, **c):
        with self.lock:
            self.proc.stdin.write(json.dumps(c) + "\n")
            self.proc.stdin.flush()
            r = json.loads(self.proc.stdout.readline())
        assert "error" not in r, r
        return r

    def close(self):
        stop_process(self.proc)


@pytest.fixture
def line(kwartier, tmp_path):
    profiles = tmp_path / "profiles.json"
    profiles_json(kwartier, profiles)
    with PtyPair(tmp_path) as pty:
        spec = {"devices": [
            {"name": "cp1", "driver": "mennekes-amtron-compact", "unit": 50, "params": {"ramp_s": 0}},
            {"name": "cp2", "driver": "abb-terra-ac", "unit": 1, "params": {"ramp_s": 0}},
            {"name": "pv", "counter": {"unit": 9, "register": 16, "pulses_per_s": 10}},
        ]}
        peer = LinePeer(pty.peer, spec, profiles, tmp_path)
        try:
            yield peer, pty
        finally:
            peer.close()


def run_hub(kwartier, cfg):
    return subprocess.Popen([kwartier, "run", "--headless", "--config", str(cfg)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop_hub(proc):
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    return err


def test_counter_and_two_chargers_on_one_rs485_bus_never_interleave(kwartier, line, tmp_path):
    peer, pty = line

    def draw():
        a, b = peer.cmd(cmd="get", device="cp1")["currents"], peer.cmd(cmd="get", device="cp2")["currents"]
        return [x + y for x, y in zip(a, b)]
    p1 = P1Server([4.0, 2.0, 3.0], draw)
    data = tmp_path / "data"
    cfg = tmp_path / "kwartier.yaml"
    cfg.write_text(f"""
site: {{ name: One line, network: TN, voltage: 230, slider_kw: 50, data_dir: {data}, start_buffer_a: 2 }}
grid: {{ fuse_a: 25, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1.port}, stale_after_s: 3 }}
buses:
  rs485: {{ device: {pty.hub} }}
chargepoints:
  cp1: {{ board: grid, driver: mennekes-amtron-compact, rtu: {{ bus: rs485, address: 50, baud: 57600, stop_bits: 2 }}, phases: L1L2L3, max_a: 16, safe_a: 6 }}
  cp2: {{ board: grid, driver: abb-terra-ac, rtu: {{ bus: rs485, address: 1, baud: 115200 }}, phases: L1L2L3, max_a: 16, safe_a: 6 }}
pulse_inputs:
  pv: {{ pulses_per_kwh: 1000, measures: production, modbus_counter: {{ bus: rs485, address: 9, baud: 19200, register: 16 }} }}
""")
    proc = run_hub(kwartier, cfg)
    try:
        # 25 A fuse, house 4/2/3 A: L1 leaves 21 A for both cars, 10.5 A each.
        limits = lambda: (peer.cmd(cmd="get", device="cp1")["limit_a"], peer.cmd(cmd="get", device="cp2")["limit_a"])  # noqa: E731
        shared = wait_for(lambda: limits() == (10.5, 10.5), 40)
        time.sleep(5)   # keep every device busy on the line a while longer
        stats = peer.cmd(cmd="stats")
        final = limits()
        err = stop_hub(proc)
    finally:
        stop_process(proc)
        p1.close()
    assert stats["violations"] == [], (len(stats["violations"]), stats["violations"][:3])
    assert shared and final == (10.5, 10.5), (final, err[-2000:])
    assert stats["requests"]["pv"] >= 5, stats
    assert stats["requests"]["cp1"] >= 10 and stats["requests"]["cp2"] >= 10, stats
    assert "pulse input" not in err, err
    # The counter's readings reached the hub: its totals were saved at stop.
    saved = json.loads((data / "pulses.json").read_text())
    assert 0 < saved["pv"]["lastCount"] <= peer.cmd(cmd="get", device="pv")["count"], saved


class ConnectionCounter:
    """A TCP front for a Modbus TCP peer: counts the connections the hub opens and relays bytes."""

    def __init__(self, target_port):
        self.target = target_port
        self.accepted = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            up = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((c, up), (up, c)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while True:
                d = a.recv(4096)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.sock.close()


def test_pulse_counters_behind_a_chargers_endpoint_share_its_one_connection(kwartier, tmp_path):
    # An Alfen (unit 1) and two S0 counters as units 2 and 3 of the same host:port (a gateway).
    spec = {"tcp": [{"name": "cp1", "driver": "alfen-eve", "unit": 1, "group": "gw", "params": {"ramp_s": 0}},
                    {"name": "pv", "counter": {"register": 16}, "unit": 2, "group": "gw"},
                    {"name": "wp", "counter": {"register": 0}, "unit": 3, "group": "gw"}]}
    with Peers(kwartier, spec, tmp_path / "peers") as peers:
        front = ConnectionCounter(peers.ports["cp1"])
        p1 = P1Server([4.0, 2.0, 3.0], lambda: peers.get("cp1")["currents"])
        data = tmp_path / "data"
        cfg = tmp_path / "kwartier.yaml"
        cfg.write_text(f"""
site: {{ name: One connection, network: TN, voltage: 230, slider_kw: 50, data_dir: {data} }}
grid: {{ fuse_a: 25, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1.port} }}
chargepoints:
  cp1: {{ board: grid, driver: alfen-eve, tcp: 127.0.0.1:{front.port}, unit: 1, phases: L1L2L3, max_a: 16, safe_a: 6 }}
pulse_inputs:
  pv: {{ pulses_per_kwh: 1000, modbus_counter: {{ tcp: "127.0.0.1:{front.port}", unit: 2, register: 16 }} }}
  wp: {{ pulses_per_kwh: 1000, modbus_counter: {{ tcp: "127.0.0.1:{front.port}", unit: 3, register: 0 }} }}
""")
        proc = run_hub(kwartier, cfg)
        try:
            assert wait_for(lambda: peers.get("cp1")["setpoint"] is not None, 30), proc.poll()
            time.sleep(4)   # several rounds of counter reads
            err = stop_hub(proc)
            pv, wp = peers.get("pv"), peers.get("wp")
        finally:
            stop_process(proc)
            p1.close()
            front.close()
    assert pv["requests"] >= 3 and wp["requests"] >= 3, (pv, wp)
    saved = json.loads((data / "pulses.json").read_text())
    assert 0 < saved["pv"]["lastCount"] <= pv["count"] and 0 < saved["wp"]["lastCount"] <= wp["count"], saved
    assert front.accepted == 1, (front.accepted, err)


def test_device_watch_reads_a_counter_on_its_chargers_connection(kwartier, tmp_path):
    spec = {"tcp": [{"name": "cp1", "driver": "alfen-eve", "unit": 1, "group": "gw"},
                    {"name": "pv", "counter": {"register": 16, "pulses_per_s": 100}, "unit": 2, "group": "gw"}]}
    with Peers(kwartier, spec, tmp_path / "peers") as peers:
        cfg = tmp_path / "kwartier.yaml"
        cfg.write_text(f"""
site: {{ name: Watch, voltage: 230 }}
grid: {{ fuse_a: 25, meter: virtual }}
chargepoints:
  cp1: {{ board: grid, driver: alfen-eve, tcp: 127.0.0.1:{peers.ports['cp1']}, unit: 1, phases: L1L2L3 }}
pulse_inputs:
  pv: {{ pulses_per_kwh: 1000, modbus_counter: {{ tcp: "127.0.0.1:{peers.ports['pv']}", unit: 2, register: 16 }} }}
""")
        cycles = watch(kwartier, cfg, "--cycles", "2", "--interval", "0.3")
        pv = peers.get("pv")
    counts = [c["devices"]["pv"]["values"]["count"] for c in cycles]
    assert 0 < counts[0] < counts[1] <= pv["count"], (counts, pv)
    assert pv["requests"] == 2
    assert [h["id"] for h in cycles[-1]["health"]] == ["cp1", "pv"]
    assert health(cycles[-1], "pv")["status"] == "ok"
