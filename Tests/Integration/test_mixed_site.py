"""A mixed site under one board: an Alfen on Modbus (pymodbus peer), an OCPP charger (the `ocpp`
package) and a Zaptec installation (cloud emulator), with a P1 dongle on TCP at the grid. Cars
start and stop one after another; the board's limit (32 A per phase, measured by summing the
three chargers) must hold once every change has settled, and the settled shares are the fair ones."""
import socket
import subprocess
import sys
import time

from conftest import ROOT, stop_process
from modbus_peers import Peers
from p1_server import P1Server
from p1_support import wait_for

sys.path.insert(0, str(ROOT / "Tests/Peers"))
from cloud_emulator import Cloud  # noqa: E402
from ocpp_charger import Chargers  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def test_mixed_site_keeps_the_board_limit(kwartier, tmp_path):
    spec = {"tcp": [{"name": "cp1", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5, "car": False}}]}
    with Peers(kwartier, spec, tmp_path / "peers") as peers:
        port = free_port()
        chargers = Chargers(f"ws://127.0.0.1:{port}")
        cloud = Cloud("zaptec", "me@example.com", "pw", charger="ZAP001", installation="INST-1", lag_s=1.0)
        (tmp_path / "zaptec.pw").write_text("pw\n")

        def board():
            a = peers.get("cp1")["currents"]
            o = chargers.points["CP002"].drawing if "CP002" in chargers.points else [0.0] * 3
            z = cloud.currents()
            return [a[i] + o[i] + z[i] for i in range(3)]
        p1 = P1Server([3.0, 3.0, 3.0], board)
        cfg = tmp_path / "k.yaml"
        cfg.write_text(f"""
site: {{ name: Mixed, data_dir: {tmp_path}/data, slider_kw: 50, start_buffer_a: 2 }}
grid: {{ fuse_a: 63, meter: p1 }}
boards:
  garage: {{ parent: grid, limit_a: 32, meter: virtual }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1.port}, stale_after_s: 3 }}
ocpp: {{ listen: 127.0.0.1:{port}, allow_unauthenticated: true, meter_interval_s: 1, lease_s: 30 }}
chargepoints:
  cp1: {{ board: garage, driver: alfen-eve, tcp: 127.0.0.1:{peers.ports['cp1']}, unit: 1, max_a: 16, safe_a: 6 }}
  cp2: {{ board: garage, driver: ocpp, ocpp: {{ id: CP002 }}, max_a: 16, safe_a: 6 }}
  cp3: {{ board: garage, driver: zaptec, max_a: 16, safe_a: 6,
         cloud: {{ username: me@example.com, password_file: {tmp_path}/zaptec.pw, installation: INST-1, charger: ZAP001, api: "{cloud.url}", min_interval_s: 2 }} }}
""")
        log = open(tmp_path / "kwartier.log", "w")
        proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(cfg)], stdout=log, stderr=subprocess.STDOUT)
        text = lambda: (tmp_path / "kwartier.log").read_text()  # noqa: E731
        try:
            assert wait_for(lambda: _listening(port), 20), text()
            cp2 = chargers.connect("CP002")
            worst = [0.0]

            def settled_within(limit, seconds):
                """Waits up to `seconds` for the board to stay ≤ limit for 5 s; records the worst moment."""
                until = time.monotonic() + seconds
                ok_since = None
                while time.monotonic() < until:
                    b = max(board())
                    worst[0] = max(worst[0], b)
                    ok_since = (ok_since or time.monotonic()) if b <= limit + 0.01 else None
                    if ok_since and time.monotonic() - ok_since >= 5:
                        return True
                    time.sleep(0.1)
                return False

            # One car at a time: Modbus, then OCPP, then Zaptec — each start shares the board.
            peers.cmd(cmd="set", device="cp1", params={"car": True})
            assert wait_for(lambda: peers.get("cp1")["currents"][0] >= 15.5, 30), text()[-2000:]
            chargers.run(cp2.plug_in_and_start())
            assert settled_within(32, 40), (board(), text()[-2000:])
            cloud.charging = True
            assert settled_within(32, 60), (board(), text()[-3000:])
            # Three cars on 32 A: at most 32 A per phase once settled, none above the others by more
            # than the 1 A step the controller leaves.
            assert wait_for(lambda: min(peers.get("cp1")["currents"][0], cp2.drawing[0], cloud.currents()[0]) >= 9.0, 40), \
                (peers.get("cp1")["currents"], cp2.drawing, cloud.currents(), text()[-3000:])
            # The OCPP car stops, then the Modbus car: the others take the room, still within the board.
            chargers.run(cp2.stop())
            assert settled_within(32, 40), text()[-2000:]
            peers.cmd(cmd="set", device="cp1", params={"car": False})
            assert settled_within(32, 40), text()[-2000:]
            assert wait_for(lambda: cloud.currents()[0] >= 15.0, 60), (cloud.currents(), text()[-2000:])
            print(f"mixed site: worst board current seen during changes {worst[0]:.1f} A (limit 32 A)")
        finally:
            stop_process(proc, timeout=10)
            chargers.close()
            cloud.close()
            p1.close()
            log.close()


def _listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False
