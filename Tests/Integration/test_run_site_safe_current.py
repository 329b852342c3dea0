"""The charger's own safe current, against real protocol peers (Tests/Peers): `kwartier run`
writes each point's safe_a to chargers that can take it at start and after a reconnect and reads
it back; a charger set on its own (Alfen) is read and a mismatch shown; when the hub is gone the
peers fall back to their safe current and the fuse budget holds throughout. Also `device probe
--safe-current` and `check`'s warning for a charger with no safe current register."""
import json
import signal
import subprocess
import threading
import time

import pytest

from conftest import run, stop_process
from modbus_peers import Peers
from p1_server import P1Server
from p1_support import wait_for

HOUSE_A = [4.0, 2.0, 3.0]
FUSE_A = 25.0
WATCHDOG_S = 2.0          # the peers' communication timeout (any traffic resets it)
FACTORY_SAFE_A = 16.0     # what the chargers hold until the hub writes safe_a


def site_yaml(tmp_path, peers, p1_port, drivers):
    points = "\n".join(
        f"  {cp}: {{ board: grid, driver: {drv}, tcp: 127.0.0.1:{peers.ports[cp]}, unit: {unit}, phases: L1L2L3, max_a: 16, safe_a: 6 }}"
        for cp, (drv, unit) in drivers.items())
    cfg = tmp_path / "kwartier.yaml"
    cfg.write_text(f"""
site: {{ name: Safe current, network: TN, voltage: 230, slider_kw: 50, data_dir: {tmp_path}/data, start_buffer_a: 2 }}
grid: {{ fuse_a: {FUSE_A:g}, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1_port}, stale_after_s: 3 }}
chargepoints:
{points}
""")
    return cfg


class Rig:
    """Peers, a P1 dongle whose lines carry the peers' draws, a running hub, and a sampler that
    records the grid lines every 0.1 s from the peers' side (not the hub's)."""

    def __init__(self, kwartier, tmp_path, spec, drivers):
        self.peers = Peers(kwartier, spec, tmp_path / "peers")
        self.names = list(drivers)
        self.p1 = P1Server(HOUSE_A, self.draw)
        self.cfg = site_yaml(tmp_path, self.peers, self.p1.port, drivers)
        self.tmp = tmp_path
        self.samples = []
        self.sampling = False
        self.proc = None

    def draw(self):
        lines = [0.0, 0.0, 0.0]
        for n in self.names:
            for k, a in enumerate(self.peers.get(n)["currents"]):
                lines[k] += a
        return lines

    def _sample(self):
        while self.sampling:
            d = self.draw()
            self.samples.append((time.monotonic(), [h + a for h, a in zip(HOUSE_A, d)]))
            time.sleep(0.1)

    def start_sampling(self):
        self.sampling = True
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def stop_sampling(self):
        self.sampling = False
        self.sampler.join(timeout=5)

    def start_hub(self):
        self.proc = subprocess.Popen([self.kwartier_bin, "run", "--headless", "--config", str(self.cfg)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def close(self):
        self.sampling = False
        stop_process(self.proc, timeout=10)
        self.p1.close()
        self.peers.close()


@pytest.fixture
def writable(kwartier, tmp_path):
    """Two chargers whose safe current the hub can write (Peblar, Mennekes AMTRON 4You), no car yet."""
    params = {"ramp_s": 0.5, "safe_a": FACTORY_SAFE_A, "watchdog_s": WATCHDOG_S, "car": False}
    spec = {"tcp": [{"name": "cp1", "driver": "peblar", "unit": 255, "params": dict(params)},
                    {"name": "cp2", "driver": "mennekes-4you", "unit": 1, "params": dict(params)}]}
    rig = Rig(kwartier, tmp_path, spec, {"cp1": ("peblar", 255), "cp2": ("mennekes-4you", 1)})
    rig.kwartier_bin = kwartier
    try:
        yield rig
    finally:
        rig.close()


def safe_writes(peers, name):
    return [w for w in peers.get(name)["writes"] if w[1] == "safe current"]


def test_safe_current_written_read_back_rewritten_after_reconnect_and_applied_when_the_hub_is_gone(writable):
    rig = writable
    peers = rig.peers
    rig.start_hub()
    # The hub writes safe_a (6 A) to both chargers once they answer, and confirms it by reading back.
    assert wait_for(lambda: all(peers.get(n)["safe_a"] == 6 for n in ("cp1", "cp2")), 20), \
        ([peers.get(n)["safe_a"] for n in ("cp1", "cp2")], rig.proc.poll())
    assert [w[2] for w in safe_writes(peers, "cp1")] == [6]
    assert [w[2] for w in safe_writes(peers, "cp2")] == [6]

    # Cars arrive: from here on, the grid lines never pass the fuse, whatever happens to the hub.
    rig.start_sampling()
    peers.cmd(cmd="set", device="cp1", params={"car": True})
    peers.cmd(cmd="set", device="cp2", params={"car": True})
    # 25 A fuse, house 4/2/3 A: L1 leaves 21 A for the two 3-phase cars, 10.5 A each; the AMTRON
    # takes whole amperes: 10 A (a limit is never rounded up).
    assert wait_for(lambda: (peers.get("cp1")["limit_a"], peers.get("cp2")["limit_a"]) == (10.5, 10), 30), \
        (peers.get("cp1")["limit_a"], peers.get("cp2")["limit_a"])

    # cp1 stops answering (its watchdog expires: it falls to its safe current, 6 A), then comes
    # back: the hub writes its safe current again.
    peers.cmd(cmd="mute", device="cp1", on=True)
    time.sleep(WATCHDOG_S + 2)
    assert peers.get("cp1")["limit_a"] == 6
    peers.cmd(cmd="mute", device="cp1", on=False)
    assert wait_for(lambda: len(safe_writes(peers, "cp1")) == 2, 20), safe_writes(peers, "cp1")
    assert len(safe_writes(peers, "cp2")) == 1

    # The hub dies without a word (no shutdown): no traffic, so both chargers' watchdogs expire
    # and they fall to the safe current the hub wrote, not to their factory 16 A.
    rig.proc.send_signal(signal.SIGKILL)
    rig.proc.wait(timeout=10)
    killed = time.monotonic()
    assert wait_for(lambda: all(peers.get(n)["limit_a"] == 6 for n in ("cp1", "cp2")), WATCHDOG_S + 5)
    time.sleep(2)
    assert peers.get("cp1")["currents"] == [6, 6, 6]
    assert peers.get("cp2")["currents"] == [6, 6, 6]
    rig.stop_sampling()

    lines = [s[1] for s in rig.samples]
    after = [s[1] for s in rig.samples if s[0] > killed]
    assert len(lines) > 50 and len(after) > 20, (len(lines), len(after))
    worst = max(max(l) for l in lines)
    assert worst <= FUSE_A + 0.01, f"a grid line reached {worst} A on a {FUSE_A} A fuse"
    # Without the hub: house + 2 x 6 A on every line.
    assert after[-1] == [h + 12 for h in HOUSE_A]


def test_a_safe_current_set_on_the_charger_is_read_and_a_mismatch_shown(kwartier, tmp_path):
    """Alfen: the safe current is set with the installer tool (read-only over Modbus). A station
    holding 10 A against safe_a 6 A is a mismatch: logged, and on the Devices screen's line of
    that charger (`status --json` is the dashboard's snapshot)."""
    spec = {"tcp": [{"name": "cp1", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5, "safe_a": 10}}]}
    rig = Rig(kwartier, tmp_path, spec, {"cp1": ("alfen-eve", 1)})
    rig.kwartier_bin = kwartier
    try:
        rig.start_hub()
        sock = tmp_path / "data/kwartier.sock"

        def device():
            r = run(kwartier, "status", "--json", "--socket", str(sock))
            if r.returncode != 0:
                return None
            return next((d for d in json.loads(r.stdout)["devices"] if d["id"] == "cp1"), None)
        assert wait_for(lambda: (device() or {}).get("safe_current_problem") is True, 30), device()
        d = device()
        assert d["safe_current"] == "safe current MISMATCH: charger 10 A, configured 6 A (set it on the charger itself)"
        assert safe_writes(rig.peers, "cp1") == []          # read-only: never written
        # Set right on the station: confirmed at the next check (after a reconnect).
        rig.peers.cmd(cmd="set", device="cp1", params={"safe_a": 6})
        rig.peers.cmd(cmd="mute", device="cp1", on=True)
        time.sleep(3)
        rig.peers.cmd(cmd="mute", device="cp1", on=False)
        assert wait_for(lambda: (device() or {}).get("safe_current") == "safe current 6 A (charger confirms)", 30), device()
        assert device()["safe_current_problem"] is False
        rig.proc.send_signal(signal.SIGTERM)
        _, err = rig.proc.communicate(timeout=15)
        assert "cp1: safe current MISMATCH: charger 10 A, configured 6 A (set it on the charger itself)" in err, err
        assert "cp1: safe current 6 A (charger confirms)" in err, err
    finally:
        rig.close()


def test_device_probe_writes_and_compares_the_safe_current(kwartier, tmp_path):
    spec = {"tcp": [{"name": "peblar", "driver": "peblar", "unit": 255, "params": {"safe_a": 16}},
                    {"name": "alfen", "driver": "alfen-eve", "unit": 1, "params": {"safe_a": 10}}]}
    with Peers(kwartier, spec, tmp_path / "peers") as peers:
        r = run(kwartier, "device", "probe", "--driver", "peblar", "--tcp", f"127.0.0.1:{peers.ports['peblar']}",
                "--safe-current", "6", "--json", timeout=30)
        assert r.returncode == 0, r.stdout + r.stderr
        lines = {l["name"]: l for l in json.loads(r.stdout)}
        assert lines["safe current check"]["value"] == "safe current 6 A (charger confirms)"
        assert lines["safe current"]["value"] == "6"
        assert peers.get("peblar")["safe_a"] == 6

        r = run(kwartier, "device", "probe", "--driver", "alfen-eve", "--tcp", f"127.0.0.1:{peers.ports['alfen']}",
                "--safe-current", "6", timeout=30)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "FAILED: safe current MISMATCH: charger 10 A, configured 6 A (set it on the charger itself)" in r.stdout, r.stdout
        assert peers.get("alfen")["safe_a"] == 10


def test_check_warns_when_a_charger_has_no_safe_current(kwartier, tmp_path):
    cfg = tmp_path / "k.yaml"
    cfg.write_text(f"""
site: {{ data_dir: {tmp_path}/d }}
grid: {{ fuse_a: 25, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:9 }}
chargepoints:
  cp1: {{ board: grid, driver: enovates, tcp: 127.0.0.1:1502, unit: 1, max_a: 16, safe_a: 6 }}
  cp2: {{ board: grid, driver: peblar, tcp: 127.0.0.1:1503, max_a: 16, safe_a: 6 }}
  cp3: {{ board: grid, driver: alfen-eve, tcp: 127.0.0.1:1504, unit: 1, max_a: 16, safe_a: 8 }}
""")
    r = run(kwartier, "check", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert ("warning: chargepoints.cp1: Enovates" in r.stderr
            and "has no safe current register; when it loses the hub it falls to its own default, not safe_a 6 A" in r.stderr), r.stderr
    assert "chargepoints.cp2" not in r.stderr, r.stderr
    assert "note: chargepoints.cp3: " in r.stderr and "safe current is set on the charger itself; set it to 8 A" in r.stderr, r.stderr
