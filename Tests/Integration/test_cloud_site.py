"""`kwartier run --headless` driving a Zaptec installation through a local emulator of the Zaptec
cloud API (Tests/Peers/cloud_emulator.py) and a P1 dongle on TCP: login with the password from
its file, the installation's per-phase available current written, decreases at once and
increases at the fair-use pace, a token renewed before it expires, a 401 answered by one new
login, a 429 respected, a cloud that stops answering budgeted as lost, a slow charger's overload
cleared, and the password in no log."""
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run, stop_process
from p1_server import P1Server
from p1_support import wait_for

sys.path.insert(0, str(ROOT / "Tests/Peers"))
from cloud_emulator import Cloud  # noqa: E402

PASSWORD = "zap-s3cret"


class Site:
    def __init__(self, kwartier, tmp_path, vendor="zaptec", lag_s=0.0, token_life_s=3600, min_interval_s=8):
        self.cloud = Cloud(vendor, "me@example.com", PASSWORD, charger="ZAP001" if vendor == "zaptec" else "EH123456",
                           installation="INST-1" if vendor == "zaptec" else None, token_life_s=token_life_s, lag_s=lag_s)
        self.p1 = P1Server([4.0, 2.0, 3.0], self.cloud.currents)
        (tmp_path / "cloud.pw").write_text(PASSWORD + "\n")
        where = "installation: INST-1, charger: ZAP001" if vendor == "zaptec" else "charger: EH123456"
        self.cfg = tmp_path / "kwartier.yaml"
        self.cfg.write_text(f"""
site: {{ name: Cloud test, data_dir: {tmp_path}/data, slider_kw: 50, start_buffer_a: 2 }}
grid: {{ fuse_a: 25, meter: p1 }}
meters:
  p1: {{ type: p1, tcp: 127.0.0.1:{self.p1.port}, stale_after_s: 3 }}
chargepoints:
  cp10: {{ board: grid, driver: {vendor}, max_a: 16, safe_a: 6,
          cloud: {{ username: me@example.com, password_file: {tmp_path}/cloud.pw, {where}, api: "{self.cloud.url}", min_interval_s: {min_interval_s} }} }}
""")
        self.data = tmp_path / "data"
        self.log = tmp_path / "kwartier.log"
        self.log_file = open(self.log, "w")
        self.proc = subprocess.Popen([kwartier, "run", "--headless", "--config", str(self.cfg)],
                                     stdout=self.log_file, stderr=subprocess.STDOUT, text=True)

    def text(self):
        return self.log.read_text()

    def close(self):
        stop_process(self.proc, timeout=10)
        self.p1.close()
        self.cloud.close()
        self.log_file.close()


@pytest.fixture
def zaptec(kwartier, tmp_path):
    s = Site(kwartier, tmp_path, lag_s=1.0, token_life_s=75)
    try:
        yield s
    finally:
        s.close()


def per_phase(body):
    return [body["availableCurrentPhase1"], body["availableCurrentPhase2"], body["availableCurrentPhase3"]]


def test_zaptec_installation_is_driven_within_the_fuse(kwartier, zaptec):
    cloud = zaptec.cloud
    cloud.charging = True
    # Alone on a 25 A fuse with 4/2/3 A of house load: the car may take its 16 A maximum.
    assert wait_for(lambda: cloud.writes() and per_phase(cloud.writes()[-1][2]) == [16.0, 16.0, 16.0], 40), zaptec.text()[-2000:]
    assert cloud.logins == 1
    assert all(p == "/api/installation/INST-1/update" for _, p, _ in cloud.writes())
    assert wait_for(lambda: cloud.currents() == [16.0, 16.0, 16.0], 10)
    time.sleep(3)     # the hub reads the cloud's state every 2 s: let it see the car at 16 A

    # The house takes 12 A more on L1: 25 − 16 − 4 − 12 < 0. The decrease goes out at once
    # (no fair-use wait); the slow charger follows after its 1 s lag and the overload clears.
    t0 = time.monotonic()
    zaptec.p1.house_a = [16.0, 2.0, 3.0]
    assert wait_for(lambda: cloud.currents()[0] <= 9.0 + 0.01, 20), (cloud.writes()[-3:], zaptec.text()[-2000:])
    cleared = time.monotonic() - t0
    down = [(t, per_phase(b)) for t, _, b in cloud.writes() if t > t0]
    (zaptec.data.parent / "requests.txt").write_text("\n".join(f"{t - t0:.2f} {m} {p} {b}" for t, m, p, b in cloud.requests))
    assert down and down[0][1] == [9.0, 9.0, 9.0], zaptec.text()
    print(f"overload on a Zaptec point cleared in {cleared:.1f} s (decision→update {down[0][0] - t0:.1f} s, charger lag 1 s)")

    # The house load goes away again: the increase waits for the fair-use interval (8 s) after
    # the last update, so the installation stays at the safe lower value meanwhile.
    zaptec.p1.house_a = [4.0, 2.0, 3.0]
    assert wait_for(lambda: per_phase(cloud.writes()[-1][2])[0] > 9.0, 40), zaptec.text()[-2000:]
    times = [t for t, _, _ in cloud.writes()]
    ups = [(a, b) for (a, b) in zip(times, times[1:])]
    assert all(b - a >= 8.0 - 0.05 for a, b in ups[-1:]), ups

    # The token (75 s) is renewed a minute before it runs out, without a 401 on the way.
    assert wait_for(lambda: cloud.logins >= 2, 30), cloud.logins
    # A 401 (the cloud forgot the token): one new login, and the point stays in the loop.
    before = cloud.logins
    cloud.tokens.clear()
    assert wait_for(lambda: cloud.logins == before + 1, 15)
    time.sleep(3)
    assert cloud.logins == before + 1
    # A 429 with Retry-After 3: nothing is asked for 3 s.
    cloud.fail = [(429, 3)]
    assert wait_for(lambda: not cloud.fail, 10)
    t429 = [t for t, _, _, _ in cloud.requests][-1]
    time.sleep(5)
    after = [t for t, _, _, _ in cloud.requests if t > t429]
    assert after and after[0] - t429 >= 3.0 - 0.05, (after[:1], t429)
    assert "HTTP 429, backing off 3 s" in zaptec.text()

    # The cloud stops answering: the point is lost, budgeted at its safe current.
    cloud.down = True
    time.sleep(8)
    r = run(kwartier, "explain", "--data-dir", str(zaptec.data))
    assert "cp10" in r.stdout and "lost" in r.stdout.lower(), r.stdout

    # The password is in no log line, status file or explanation.
    assert PASSWORD not in zaptec.text()
    assert PASSWORD not in r.stdout
    for f in zaptec.data.glob("*.json"):
        assert PASSWORD not in f.read_text()
    check = run(kwartier, "check", "--config", str(zaptec.cfg))
    assert PASSWORD not in check.stdout + check.stderr


def test_easee_dynamic_charger_current(kwartier, tmp_path):
    s = Site(kwartier, tmp_path, vendor="easee")
    try:
        s.cloud.charging = True
        assert wait_for(lambda: s.cloud.writes() and s.cloud.writes()[-1][2] == {"dynamicChargerCurrent": 16.0}, 40), s.text()[-2000:]
        assert all(p == "/api/chargers/EH123456/settings" for _, p, _ in s.cloud.writes())
        assert s.cloud.logins == 1 and PASSWORD not in s.text()
    finally:
        s.close()
