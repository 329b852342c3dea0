"""Fault behaviour of the Modbus transport, as the control loop would meet it (`kwartier device
watch` runs the same workers and devices): a device that vanishes (silent, or its port closed),
answers exceptions, answers slower than the timeout, then comes back — while the other devices
keep their cycle. Also the charger's own watchdog: fed while the hub runs, safe current after."""
import time

import pytest

from conftest import run
from modbus_peers import Peers, Watch, health, profiles_json, site_yaml

TIMEOUT = "0.25"      # response timeout (s) of the watch: faults show within a cycle or two
INTERVAL = "0.3"


@pytest.fixture
def four(kwartier, tmp_path):
    """cp1+cp2: an Alfen Double (one connection, units 1 and 2); cp3 Peblar; cp4 ABB."""
    spec = {"tcp": [
        {"name": "cp1", "driver": "alfen-eve", "unit": 1, "group": "double"},
        {"name": "cp2", "driver": "alfen-eve", "unit": 2, "group": "double"},
        {"name": "cp3", "driver": "peblar", "unit": 255},
        {"name": "cp4", "driver": "abb-terra-ac", "unit": 1},
    ]}
    with Peers(kwartier, spec, tmp_path) as peers:
        cfg = tmp_path / "site.yaml"
        cfg.write_text(site_yaml(chargepoints=[
            {"id": n, "driver": d, "tcp": f"127.0.0.1:{peers.ports[n]}", "unit": u}
            for n, d, u in [("cp1", "alfen-eve", 1), ("cp2", "alfen-eve", 2), ("cp3", "peblar", 255), ("cp4", "abb-terra-ac", 1)]]))
        yield peers, cfg


def ok(cycle, *ids):
    return all(cycle["devices"][i].get("error") is None for i in ids)


def test_all_devices_read_and_the_double_shares_one_connection(kwartier, four):
    peers, cfg = four
    r = run(kwartier, "device", "watch", "--config", str(cfg), "--cycles", "3", "--interval", INTERVAL,
            "--timeout", TIMEOUT, "--set", "cp2=12")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "cp1" in out and "charging" in out
    assert "health:" in out
    assert peers.get("cp2")["limit_a"] == 12
    assert peers.get("cp1")["limit_a"] == 6            # never written: its safe current
    for line in out.splitlines():
        if line.strip().startswith(("cp1 ", "cp2 ", "cp3 ", "cp4 ")) and "req" in line:
            assert " ok " in line and "fail 0" in line, line


def test_vanishing_device_goes_lost_others_keep_their_cycle_then_it_returns(kwartier, four):
    peers, cfg = four
    with Watch(kwartier, cfg, "--interval", INTERVAL, "--timeout", TIMEOUT, "--backoff-max", "0.6",
               "--duration", "30") as w:
        w.until(lambda c: ok(c, "cp1", "cp2", "cp3", "cp4"))
        peers.cmd(cmd="mute", device="cp4", on=True)            # silent: accepts TCP, never answers
        seen = w.until(lambda c: health(c, "cp4")["status"] == "lost", timeout=8)
        assert "no answer" in seen[-1]["devices"]["cp4"]["error"] or "lost" in seen[-1]["devices"]["cp4"]["error"]
        # Meanwhile the others answered every cycle, quickly.
        for c in seen[1:]:
            assert ok(c, "cp1", "cp2", "cp3"), c["devices"]
            assert max(c["devices"][i]["ms"] for i in ("cp1", "cp2", "cp3")) < 150
        # While lost it is only probed now and then: most cycles skip it at once.
        more = [w.next() for _ in range(4)]
        assert any("next try" in c["devices"]["cp4"].get("error", "") for c in more)
        assert all(ok(c, "cp1", "cp2", "cp3") for c in more)

        peers.cmd(cmd="mute", device="cp4", on=False)
        back = w.until(lambda c: ok(c, "cp4") and health(c, "cp4")["status"] == "ok", timeout=8)
        assert back[-1]["devices"]["cp4"]["state"] == "charging"

        peers.cmd(cmd="down", device="cp3")                    # port closed: connection refused
        seen = w.until(lambda c: health(c, "cp3")["status"] in ("failing", "lost")
                       and "cannot connect" in (c["devices"]["cp3"].get("error") or ""), timeout=8)
        assert all(ok(c, "cp1", "cp2", "cp4") for c in seen[1:])
        peers.cmd(cmd="up", device="cp3")
        w.until(lambda c: ok(c, "cp3"), timeout=8)


def test_exception_answers_are_typed_with_the_profile_hint(kwartier, four):
    peers, cfg = four
    peers.cmd(cmd="exception", device="cp3", code=2)
    with Watch(kwartier, cfg, "--interval", INTERVAL, "--timeout", TIMEOUT, "--cycles", "4") as w:
        cycles = [w.next() for _ in range(4)]
    err = cycles[-1]["devices"]["cp3"]["error"]
    assert err.startswith("cp3 (Peblar 127.0.0.1:")
    assert "illegal data address " in err
    assert err.endswith("— is the firmware 1.6 or later and the Modbus server enabled in the web UI?")
    h = health(cycles[-1], "cp3")
    assert h["status"] == "failing"                         # it answers: refused, not lost
    assert h["failures"] >= 4 and h["rx_bytes"] > 0
    assert all(ok(c, "cp1", "cp2", "cp4") for c in cycles)


def test_slower_than_the_timeout_then_fast_again(kwartier, four):
    peers, cfg = four
    with Watch(kwartier, cfg, "--interval", INTERVAL, "--timeout", TIMEOUT, "--backoff-max", "0.6",
               "--duration", "30") as w:
        w.until(lambda c: ok(c, "cp3"))
        peers.cmd(cmd="delay", device="cp3", s=0.6)            # answers after 0.6 s > 0.25 s timeout
        seen = w.until(lambda c: health(c, "cp3")["status"] == "lost", timeout=8)
        assert "no answer to read" in "".join(c["devices"]["cp3"].get("error", "") for c in seen)
        assert all(ok(c, "cp1", "cp2", "cp4") for c in seen)
        peers.cmd(cmd="delay", device="cp3", s=0.02)           # slow but in time (6 requests a cycle)
        w.until(lambda c: ok(c, "cp3"), timeout=8)
        peers.cmd(cmd="delay", device="cp3", s=0)
        w.until(lambda c: health(c, "cp3")["status"] == "ok", timeout=8)


def test_gateway_unit_failure_stays_on_its_connection(kwartier, four):
    """Units 1 and 2 of the Double share a connection: unit 2 silent costs unit 1 nothing but
    its own timeouts on that connection; the other endpoints never notice."""
    peers, cfg = four
    peers.cmd(cmd="mute", device="cp2", on=True)
    with Watch(kwartier, cfg, "--interval", "0.4", "--timeout", TIMEOUT, "--backoff-max", "0.6", "--cycles", "10") as w:
        cycles = [w.next() for _ in range(10)]
    assert health(cycles[-1], "cp2")["status"] == "lost"
    assert all(ok(c, "cp1", "cp3", "cp4") for c in cycles)
    assert health(cycles[-1], "cp1")["status"] in ("ok", "slow")


def test_watchdog_fed_while_the_hub_runs_safe_current_after(kwartier, tmp_path):
    """A user profile (same file format) with a short heartbeat: the hub keeps the charger's
    watchdog fed; once the hub stops, the charger falls back to its safe current."""
    prof = tmp_path / "profiles"
    prof.mkdir()
    src = (__import__("conftest").ROOT / "Sources/IO/Profiles/veton.yaml").read_text()
    fast = src.replace("driver: veton", "driver: veton-fast").replace("aliases: [blitzpower, phoenix-charx]", "") \
              .replace("watchdog_s: 60", "watchdog_s: 1.2").replace("interval_s: 20", "interval_s: 0.3")
    (prof / "veton-fast.yaml").write_text(fast)
    profiles_json(kwartier, tmp_path / "profiles.json", extra_dirs=[prof])
    spec = {"tcp": [{"name": "cp1", "driver": "veton-fast", "unit": 1, "params": {"safe_a": 6}}]}
    with Peers(kwartier, spec, tmp_path, profiles=tmp_path / "profiles.json") as peers:
        cfg = tmp_path / "site.yaml"
        cfg.write_text(site_yaml(chargepoints=[{"id": "cp1", "driver": "veton-fast", "tcp": f"127.0.0.1:{peers.ports['cp1']}"}]))
        # One write of 10 A, then only reads: the heartbeat (not the setpoint) keeps it at 10 A.
        r = run(kwartier, "device", "probe", "--profiles", str(prof), "--driver", "veton-fast",
                "--tcp", f"127.0.0.1:{peers.ports['cp1']}", "--write-current", "10")
        assert r.returncode == 0, r.stdout + r.stderr
        r = run(kwartier, "device", "watch", "--profiles", str(prof), "--config", str(cfg), "--interval", "0.2",
                "--duration", "2.5")
        assert r.returncode == 0, r.stderr
        sim = peers.get("cp1")
        assert sim["limit_a"] == 10
        assert sim["heartbeats"] >= 5
        time.sleep(1.6)                                        # the hub is gone
        sim = peers.get("cp1")
        assert sim["limit_a"] == 6
        assert sim["currents"] == [6, 6, 6]


def test_keepalive_reads_an_idle_connection(kwartier, tmp_path):
    """Alfen drops a connection idle for 60 s: the worker reads something after keepalive_s of
    silence. With a user copy of the profile at 0.3 s and cycles 1.5 s apart, the station sees
    more requests than the cycles alone make."""
    prof = tmp_path / "profiles"
    prof.mkdir()
    src = (__import__("conftest").ROOT / "Sources/IO/Profiles/alfen-eve.yaml").read_text()
    (prof / "alfen-ka.yaml").write_text(src.replace("driver: alfen-eve", "driver: alfen-ka")
                                        .replace("keepalive_s: 50", "keepalive_s: 0.3"))
    profiles_json(kwartier, tmp_path / "profiles.json", extra_dirs=[prof])
    with Peers(kwartier, {"tcp": [{"name": "cp1", "driver": "alfen-ka", "unit": 1}]}, tmp_path,
               profiles=tmp_path / "profiles.json") as peers:
        cfg = tmp_path / "site.yaml"
        cfg.write_text(site_yaml(chargepoints=[{"id": "cp1", "driver": "alfen-ka", "tcp": f"127.0.0.1:{peers.ports['cp1']}"}]))
        r = run(kwartier, "device", "watch", "--profiles", str(prof), "--config", str(cfg), "--interval", "1.5", "--cycles", "2")
        assert r.returncode == 0, r.stderr
        # alfen-eve status: 3 block reads, and its energy counter (a request of its own) with the
        # first; then at least 2 keep-alive reads.
        assert peers.get("cp1")["requests"] >= (3 + 1) + 3 + 2
