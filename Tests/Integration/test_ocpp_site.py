"""`kwartier run --headless` as an OCPP 1.6J central system, against charge points made with the
`ocpp` package from PyPI (Tests/Peers/ocpp_charger.py) and a P1 dongle on TCP whose line currents
include what those chargers draw. Asserts what the chargers receive: the boot configuration,
the safe default profile and the lease above it, the fuse shared between them, a lost point
budgeted at its safe current, the lease running out when the hub dies, refused handshakes and
CALLERRORs for bad frames."""
import base64
import json
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import websockets.exceptions

from conftest import ROOT, run, stop_process
from p1_server import P1Server
from p1_support import wait_for

sys.path.insert(0, str(ROOT / "Tests/Peers"))
from ocpp_charger import Chargers, parse_time  # noqa: E402

HOUSE_A = [4.0, 2.0, 3.0]
PASSWORDS = {"CP001": "s3cret-one", "CP002": "s3cret-two"}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_site(tmp_path, p1_port, ocpp_port, lease_s=12, fuse=25):
    for cp_id, pw in PASSWORDS.items():
        (tmp_path / f"{cp_id}.pw").write_text(pw + "\n")
    cfg = tmp_path / "kwartier.yaml"
    cfg.write_text(f"""
site: {{ name: OCPP test, network: TN, voltage: 230, slider_kw: 50, data_dir: {tmp_path}/data, start_buffer_a: 2 }}
grid: {{ fuse_a: {fuse}, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{p1_port}, stale_after_s: 3 }}
ocpp: {{ listen: 127.0.0.1:{ocpp_port}, meter_interval_s: 1, lease_s: {lease_s}, heartbeat_s: 30 }}
chargepoints:
  cp1: {{ board: grid, driver: ocpp, ocpp: {{ id: CP001, connector: 1, password_file: {tmp_path}/CP001.pw }}, max_a: 16, safe_a: 6 }}
  cp2: {{ board: grid, driver: ocpp, ocpp: {{ id: CP002, connector: 1, password_file: {tmp_path}/CP002.pw }}, max_a: 16, safe_a: 6 }}
""")
    return cfg


class Site:
    def __init__(self, kwartier, tmp_path, **kw):
        self.port = free_port()
        self.chargers = Chargers(f"ws://127.0.0.1:{self.port}")
        self.p1 = P1Server(HOUSE_A, self.draw)
        self.cfg = write_site(tmp_path, self.p1.port, self.port, **kw)
        self.log = tmp_path / "kwartier.log"
        self.log_file = open(self.log, "w")
        self.proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(self.cfg)],
                                     stdout=self.log_file, stderr=subprocess.STDOUT, text=True)
        assert wait_for(self.listening, 20), self.text()

    def listening(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def draw(self):
        total = [0.0, 0.0, 0.0]
        for cp in list(self.chargers.points.values()):
            for i, a in enumerate(cp.drawing):
                total[i] += a
        return total

    def text(self):
        return self.log.read_text()

    def close(self):
        stop_process(self.proc, timeout=10)
        self.chargers.close()
        self.p1.close()
        self.log_file.close()


@pytest.fixture
def site(kwartier, tmp_path):
    s = Site(kwartier, tmp_path)
    try:
        yield s
    finally:
        s.close()


def lease(cp):
    return cp.profiles.get(12)


def test_boot_configures_profiles_and_shares_the_fuse(site):
    cp1 = site.chargers.connect("CP001", PASSWORDS["CP001"])
    cp2 = site.chargers.connect("CP002", PASSWORDS["CP002"])
    # At boot: the meter values the loop needs, then the safe default profile (stack 0, safe_a).
    assert wait_for(lambda: 11 in cp1.profiles and 11 in cp2.profiles, 15), cp1.received
    keys = {p["key"]: p["value"] for _, a, p in cp1.received if a == "ChangeConfiguration"}
    assert keys == {"MeterValuesSampledData": "Current.Import,Power.Active.Import,Energy.Active.Import.Register",
                    "MeterValueSampleInterval": "1"}
    d = cp1.profiles[11]
    assert (d["stack_level"], d["charging_profile_purpose"], d["charging_profile_kind"]) == (0, "TxDefaultProfile", "Relative")
    assert d["charging_schedule"]["charging_rate_unit"] == "A"
    assert d["charging_schedule"]["charging_schedule_period"] == [{"start_period": 0, "limit": 6.0}]
    assert "valid_to" not in d

    r1 = site.chargers.run(cp1.plug_in_and_start())
    r2 = site.chargers.run(cp2.plug_in_and_start())
    assert r1.id_tag_info["status"] == "Accepted" and r2.transaction_id != r1.transaction_id
    # 25 A fuse, house 4/2/3 A: L1 has 21 A for both 3-phase cars: 10.5 A each, as a lease.
    assert wait_for(lambda: (cp1.limit_now(), cp2.limit_now()) == (10.5, 10.5), 40), (cp1.limit_now(), cp2.limit_now(), site.text()[-3000:])
    assert max(site.p1.last_lines) <= 25.0 + 0.01
    l1 = lease(cp1)
    assert (l1["stack_level"], l1["charging_profile_purpose"], l1["charging_profile_kind"]) == (1, "TxDefaultProfile", "Absolute")
    left = parse_time(l1["valid_to"]) - time.time()
    assert 0 < left <= 12 + 1, left
    assert "number_phases" not in l1["charging_schedule"]["charging_schedule_period"][0]
    # The hub renews the lease while it lives: a new validTo before the old one runs out.
    first = l1["valid_to"]
    assert wait_for(lambda: lease(cp1)["valid_to"] != first, 12), lease(cp1)
    assert parse_time(lease(cp1)["valid_to"]) > parse_time(first)
    # Passwords never appear in the log.
    assert PASSWORDS["CP001"] not in site.text() and PASSWORDS["CP002"] not in site.text()

    # A car stops: the other one ramps up into the room (1 A a step; a last step under 1 A towards
    # its 16 A maximum is not worth a change).
    site.chargers.run(cp2.stop())
    assert wait_for(lambda: 15.0 <= cp1.limit_now() <= 16.0, 40), (cp1.limit_now(), site.text()[-2000:])
    assert wait_for(lambda: re.search(r"setpoints: .*cp2 (\d+\.\d)?→0\.0 A: no car", site.text()), 5), site.text()[-2000:]


def test_a_lost_point_is_budgeted_at_its_safe_current_and_comes_back(site, kwartier, tmp_path):
    cp1 = site.chargers.connect("CP001", PASSWORDS["CP001"])
    cp2 = site.chargers.connect("CP002", PASSWORDS["CP002"])
    site.chargers.run(cp1.plug_in_and_start())
    site.chargers.run(cp2.plug_in_and_start())
    assert wait_for(lambda: cp1.drawing[0] == 10.5 and cp2.drawing[0] == 10.5, 40), site.text()[-3000:]
    # cp2's connection drops. Its car may still draw what its lease allows (10.5 A until the lease
    # runs out), so cp1 never gets more than 21 A minus that while cp2 is away.
    site.chargers.disconnect("CP002")
    worst = 0.0
    until = time.monotonic() + 6
    while time.monotonic() < until:
        worst = max(worst, cp1.limit_now())
        time.sleep(0.05)
    assert worst <= 21 - 10.5 + 0.01, worst
    assert "OCPP CP002 disconnected" in site.text()
    r = run(kwartier, "explain", "--data-dir", str(tmp_path / "data"))
    assert "cp2" in r.stdout and "lost" in r.stdout.lower(), r.stdout
    # It reconnects (and boots): configured again, back in the loop with a new lease.
    cp2 = site.chargers.connect("CP002", PASSWORDS["CP002"])
    site.chargers.run(cp2.plug_in_and_start())
    assert wait_for(lambda: "cleared: device cp2 back" in site.text(), 10), site.text()[-2000:]
    new_lease = lambda: any(a == "SetChargingProfile" and p["stack_level"] == 1 for _, a, p in cp2.received)  # noqa: E731
    assert wait_for(lambda: new_lease() and cp2.drawing[0] >= 6.0, 20), site.text()[-2000:]
    assert max(site.p1.last_lines) <= 25.0 + 0.01


def test_the_lease_runs_out_when_the_hub_dies(site):
    cp1 = site.chargers.connect("CP001", PASSWORDS["CP001"])
    site.chargers.run(cp1.plug_in_and_start())
    assert wait_for(lambda: 15.0 <= cp1.limit_now() <= 16.0, 40), site.text()[-3000:]
    site.proc.send_signal(signal.SIGKILL)
    site.proc.wait()
    valid_to = parse_time(lease(cp1)["valid_to"])
    held = cp1.limit_now()
    assert held >= 15.0                                  # still inside the lease
    assert cp1.limit_now(at=valid_to + 0.1) == 6.0       # then the safe default holds
    time.sleep(max(0, valid_to - time.time()) + 0.5)
    assert cp1.limit_now() == 6.0 and cp1.currents() == [6.0, 6.0, 6.0]
    assert wait_for(lambda: cp1.drawing == [6.0, 6.0, 6.0], 3)


def test_handshakes_are_refused_without_the_right_password(site):
    with pytest.raises(websockets.exceptions.InvalidStatus) as e:
        site.chargers.connect("CP001", "wrong-password")
    assert e.value.response.status_code == 401
    with pytest.raises(websockets.exceptions.InvalidStatus) as e:
        site.chargers.connect("CP001", None)
    assert e.value.response.status_code == 401
    with pytest.raises(websockets.exceptions.InvalidStatus) as e:
        site.chargers.connect("CP999", "x")
    assert e.value.response.status_code == 404
    # CP002's password does not open CP001.
    with pytest.raises(websockets.exceptions.InvalidStatus):
        site.chargers.connect("CP001", PASSWORDS["CP002"])
    time.sleep(0.5)
    text = site.text()
    assert text.count("refused 127.0.0.1") >= 2 and "CP001 sent a wrong user or password" in text, text
    assert text.count("CP001 sent a wrong user or password") == 1, text     # logged once per peer
    assert "unknown charge point id 'CP999'" in text
    assert "wrong-password" not in text and PASSWORDS["CP002"] not in text
    # The right one gets in.
    cp1 = site.chargers.connect("CP001", PASSWORDS["CP001"])
    assert cp1.config  # booted


def test_bad_frames_get_callerrors_and_a_flood_is_cut_off(site):
    async def exchange(ws, text):
        await ws.send(text)
        return json.loads(await ws.recv())

    ws = site.chargers.raw("CP001", PASSWORDS["CP001"])
    run = site.chargers.run
    assert run(exchange(ws, "this is not json")) == [4, "-1", "FormationViolation", "not JSON", {}]
    assert run(exchange(ws, '{"a": 1}'))[:3] == [4, "-1", "FormationViolation"]
    assert run(exchange(ws, '[2, "m1", "FlyToTheMoon", {}]'))[:3] == [4, "m1", "NotImplemented"]
    assert run(exchange(ws, '[2, "m2", "BootNotification", {"chargePointVendor": "X"}]')) == \
        [4, "m2", "OccurenceConstraintViolation", "chargePointModel is required", {}]
    assert run(exchange(ws, '[2, "m3", "StatusNotification", {"connectorId": "one", "status": "Available", "errorCode": "NoError"}]'))[:3] == \
        [4, "m3", "TypeConstraintViolation"]
    # Still served after all that.
    hb = run(exchange(ws, '[2, "m4", "Heartbeat", {}]'))
    assert hb[:2] == [3, "m4"] and "currentTime" in hb[2]

    # A flood: more than 100 CALLs in 10 s and the connection is closed (policy violation).
    async def flood():
        try:
            for i in range(300):
                await ws.send(f'[2, "f{i}", "Heartbeat", {{}}]')
            while True:
                await ws.recv()
        except websockets.exceptions.ConnectionClosed as e:
            return e.rcvd.code if e.rcvd else None
    assert run(flood()) == 1008
    assert wait_for(lambda: "cut off" in site.text(), 5), site.text()
    assert site.proc.poll() is None      # the hub lives on
