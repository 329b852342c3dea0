"""Several hubs on one connection: three `kwartier run --headless` processes and one mosquitto
on loopback. The parent (carpark-a) owns the main meter — a P1 dongle on TCP whose line currents
are the house plus every charger of the three hubs — and two chargers; each child (carpark-b,
carpark-c) drives two chargers of its own under the allowance the parent publishes. Six Alfen
chargers served by pymodbus (Tests/Peers). Asserts, on what the chargers draw, that the
connection's limit holds on every line while cars come and go, when a child is killed, and when
the broker is restarted (the children hold their safe budget, then resume)."""
import os
import re
import signal
import subprocess
import threading
import time

import pytest

from conftest import stop_process
from modbus_peers import Peers
from mqtt_broker import Broker, Listener
from p1_server import P1Server
from p1_support import wait_for

FUSE_A = 40
HOUSE_A = [4.0, 2.0, 3.0]
VALIDITY_S = 3
HUBS = {"carpark-a": ["cp1", "cp2"], "carpark-b": ["b1", "b2"], "carpark-c": ["c1", "c2"]}


def points_yaml(peers, names):
    return "".join(f"  {n}: {{ board: grid, driver: alfen-eve, tcp: 127.0.0.1:{peers.ports[n]}, unit: 1, phases: L1L2L3, "
                   f"max_a: 16, safe_a: 6 }}\n" for n in names)


def parent_yaml(tmp, peers, p1_port, broker_port):
    return f"""
site: {{ name: Carpark A, slider_kw: 100, data_dir: {tmp}/a, min_pause_s: 10 }}
grid: {{ fuse_a: {FUSE_A}, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1_port}, stale_after_s: 5 }}
boards:
  carpark-b: {{ parent: grid, limit_a: 20, remote: {{ hub: carpark-b, validity_s: {VALIDITY_S} }} }}
  carpark-c: {{ parent: grid, limit_a: 20, remote: {{ hub: carpark-c, validity_s: {VALIDITY_S} }} }}
chargepoints:
{points_yaml(peers, HUBS['carpark-a'])}mqtt: {{ url: mqtt://127.0.0.1:{broker_port}, topic: fleet }}
"""


def child_yaml(tmp, peers, name, broker_port):
    return f"""
site: {{ name: {name}, slider_kw: 100, data_dir: {tmp}/{name}, min_pause_s: 10 }}
grid: {{ fuse_a: 20, meter: remote, remote: {{ parent: carpark-a, validity_s: {VALIDITY_S} }} }}
chargepoints:
{points_yaml(peers, HUBS[name])}mqtt: {{ url: mqtt://127.0.0.1:{broker_port}, topic: fleet }}
"""


class Hub:
    """One `kwartier run --headless`; its log lines are kept with the time they came."""

    def __init__(self, kwartier, cfg):
        self.cfg = cfg
        self.lines = []
        self.proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(cfg)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        with open(str(self.cfg) + ".log", "w") as log:
            for line in self.proc.stderr:
                self.lines.append((time.monotonic(), line.rstrip()))
                log.write(line)
                log.flush()

    def first(self, pattern, since=0.0):
        for t, line in list(self.lines):
            if t >= since and re.search(pattern, line):
                return t
        return None


class Grid:
    """What the connection carries, line by line: the house plus every charger (3-phase cars on
    L1L2L3), sampled five times a second; the highest seen per line since `reset`."""

    def __init__(self, peers):
        self.peers = peers
        self.peak = [0.0, 0.0, 0.0]
        self.running = True
        self.lock = threading.Lock()
        threading.Thread(target=self._sample, daemon=True).start()

    def lines(self):
        total = list(HOUSE_A)
        for names in HUBS.values():
            for n in names:
                c = self.peers.get(n)["currents"]
                total = [t + a for t, a in zip(total, c)]
        return total

    def _sample(self):
        while self.running:
            try:
                ls = self.lines()
            except (OSError, AssertionError, ValueError):
                return
            with self.lock:
                self.peak = [max(p, v) for p, v in zip(self.peak, ls)]
            time.sleep(0.2)

    def reset(self):
        with self.lock:
            self.peak = [0.0, 0.0, 0.0]

    def assert_within_fuse(self, when):
        with self.lock:
            peak = list(self.peak)
        assert all(v <= FUSE_A + 0.01 for v in peak), f"{when}: the connection carried {peak} A (fuse {FUSE_A} A)"


@pytest.fixture
def fleet(kwartier, tmp_path):
    broker = Broker(tmp_path / "broker").start()
    spec = {"tcp": [{"name": n, "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5, "car": n in ("cp1", "b1", "c1")}}
                    for names in HUBS.values() for n in names]}
    with Peers(kwartier, spec, tmp_path / "peers") as peers:
        grid = Grid(peers)
        p1 = P1Server(HOUSE_A, lambda: [v - h for v, h in zip(grid.lines(), HOUSE_A)])
        cfgs = {"carpark-a": tmp_path / "a.yaml", "carpark-b": tmp_path / "b.yaml", "carpark-c": tmp_path / "c.yaml"}
        cfgs["carpark-a"].write_text(parent_yaml(tmp_path, peers, p1.port, broker.port))
        for name in ("carpark-b", "carpark-c"):
            cfgs[name].write_text(child_yaml(tmp_path, peers, name, broker.port))
        listener = Listener(broker.port, ["fleet/hubs/+/allowance", "fleet/hubs/+/draw"])
        hubs = {name: Hub(kwartier, cfg) for name, cfg in cfgs.items()}
        try:
            yield hubs, peers, grid, broker, listener, cfgs
        finally:
            grid.running = False
            for h in hubs.values():
                stop_process(h.proc, timeout=10)
            listener.close()
            p1.close()
            broker.stop()


def setpoints(peers, names):
    return [peers.get(n)["limit_a"] for n in names]


def drawn(peers, names):
    """What the hub's chargers draw on L1 together."""
    return sum(peers.get(n)["currents"][0] for n in names)


def test_three_hubs_share_the_connection(kwartier, fleet):
    hubs, peers, grid, broker, mq, cfgs = fleet
    # Every child gets allowances and reports its draw; the parent fills the connection.
    for child in ("carpark-b", "carpark-c"):
        assert mq.wait(f"fleet/hubs/{child}/allowance", timeout=30), (child, hubs["carpark-a"].lines[-5:])
        assert mq.wait(f"fleet/hubs/{child}/draw", lambda v: v is not None and '"allowance"' in v, timeout=30), \
            (child, mq.get(f"fleet/hubs/{child}/draw"), hubs[child].lines[-5:])
    # One car per hub, 16 A each at most: 48 A wanted, L1 has 40 - 4 = 36 A.
    assert wait_for(lambda: grid.lines()[0] >= FUSE_A - 6, 40), (grid.lines(), [setpoints(peers, n) for n in HUBS.values()],
                                                                  dict(mq.latest))
    grid.reset()

    # Cars come: every charger has one.
    for n in ("cp2", "b2", "c2"):
        peers.cmd(cmd="set", device=n, params={"car": True})
    # No room for six: the parent's own points come first, each child keeps its safe budget (12 A:
    # one car; the second needs 6 + 2 A to start and waits its turn).
    time.sleep(8)
    grid.assert_within_fuse("six cars")
    for name, names in HUBS.items():
        assert drawn(peers, names) >= 6, (name, [setpoints(peers, n) for n in HUBS.values()])
    assert sum(setpoints(peers, HUBS["carpark-a"])) >= 12, [setpoints(peers, n) for n in HUBS.values()]
    # Cars go: the parent's two leave; the children take the room.
    for n in ("cp1", "cp2"):
        peers.cmd(cmd="set", device=n, params={"car": False})
    assert wait_for(lambda: drawn(peers, HUBS["carpark-b"]) + drawn(peers, HUBS["carpark-c"]) >= 30, 40), \
        [setpoints(peers, n) for n in HUBS.values()]
    grid.assert_within_fuse("the parent's cars leave")
    for n in ("cp1", "cp2"):
        peers.cmd(cmd="set", device=n, params={"car": True})
    time.sleep(4)
    grid.assert_within_fuse("the parent's cars come back")

    # A child dies: its chargers keep their last setpoint (their own watchdog is 60 s); the parent
    # counts it at that (its last draw, at least its safe budget) once its last allowance ran out.
    grid.reset()
    killed = time.monotonic()
    hubs["carpark-c"].proc.send_signal(signal.SIGKILL)
    hubs["carpark-c"].proc.wait(5)
    assert wait_for(lambda: hubs["carpark-a"].first("hub carpark-c silent", since=killed) is not None, 3 * VALIDITY_S + 5), \
        hubs["carpark-a"].lines[-10:]
    noticed = hubs["carpark-a"].first("hub carpark-c silent", since=killed) - killed
    print(f"\nparent noticed the killed child after {noticed:.1f} s (validity {VALIDITY_S} s)")
    assert VALIDITY_S - 1.5 <= noticed <= VALIDITY_S + 2.5, noticed
    time.sleep(4)
    grid.assert_within_fuse("child killed")

    # The parent's cars leave again: the remaining child grows above its safe budget (12 A).
    for n in ("cp1", "cp2"):
        peers.cmd(cmd="set", device=n, params={"car": False})
    assert wait_for(lambda: sum(setpoints(peers, HUBS["carpark-b"])) > 13, 30), setpoints(peers, HUBS["carpark-b"])
    # The broker goes away: the child falls to its safe budget (2 x 6 A) when its allowance runs
    # out; the parent counts it at its last draw meanwhile.
    grid.reset()
    broker.stop()
    gone = time.monotonic()
    assert wait_for(lambda: sum(setpoints(peers, HUBS["carpark-b"])) <= 12, VALIDITY_S + 5), setpoints(peers, HUBS["carpark-b"])
    fell = time.monotonic() - gone
    print(f"child at its safe budget {fell:.1f} s after the broker stopped")
    assert hubs["carpark-b"].first("no valid allowance", since=gone) is not None, hubs["carpark-b"].lines[-5:]
    time.sleep(2)
    grid.assert_within_fuse("broker gone")
    broker.start()
    back = time.monotonic()
    # Reconnected (libmosquitto's backoff), the child takes allowances again and grows.
    assert wait_for(lambda: hubs["carpark-b"].first("allowance from the parent hub", since=back) is not None, 60), \
        hubs["carpark-b"].lines[-5:]
    print(f"child under an allowance again {time.monotonic() - back:.1f} s after the broker restarted")
    assert wait_for(lambda: sum(setpoints(peers, HUBS["carpark-b"])) > 13, 20), setpoints(peers, HUBS["carpark-b"])
    time.sleep(2)
    grid.assert_within_fuse("broker back")
    for name in ("carpark-a", "carpark-b"):
        assert hubs[name].proc.poll() is None, hubs[name].lines[-5:]
