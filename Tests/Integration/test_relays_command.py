"""`command` relay outputs: a program run with on/off, its failure reported in words, and the
relay logic driving a boiler through it."""
import time

from conftest import run
from test_relays_modbus import CONFIG, PROFILE, Module, changes


def script(path, body):
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def test_command_gets_on_and_off_with_its_arguments(kwartier, tmp_path):
    out = tmp_path / "calls.txt"
    s = script(tmp_path / "relay.sh", f'echo "$@" >> {out}')
    for word in ["on", "off"]:
        r = run(kwartier, "relay", "set", "--command", f"{s} --id 4", word, timeout=20)
        assert r.returncode == 0, r.stderr
    assert out.read_text().splitlines() == ["--id 4 on", "--id 4 off"]


def test_failing_command_is_reported_with_its_output(kwartier, tmp_path):
    s = script(tmp_path / "fail.sh", 'echo "relay board not answering" >&2; exit 3')
    r = run(kwartier, "relay", "set", "--command", str(s), "on", timeout=20)
    assert r.returncode == 1
    assert r.stderr.strip() == f"error: command '{s} on' failed with exit status 3: relay board not answering"


def test_missing_program_is_reported(kwartier, tmp_path):
    r = run(kwartier, "relay", "set", "--command", str(tmp_path / "nope"), "off", timeout=20)
    assert r.returncode == 1
    assert r.stderr.strip() == f"error: command '{tmp_path / 'nope'} off': {tmp_path / 'nope'} not found or not executable"


def test_hanging_command_is_killed_after_the_timeout(kwartier, tmp_path):
    s = script(tmp_path / "hang.sh", "sleep 30")
    t0 = time.time()
    r = run(kwartier, "relay", "set", "--command", str(s), "--timeout", "1", "on", timeout=20)
    assert r.returncode == 1
    assert r.stderr.strip() == f"error: timeout: command '{s} on' did not finish within 1 s (killed)"
    assert time.time() - t0 < 10


def test_replay_switches_the_boiler_command_with_the_logic(kwartier, tmp_path):
    calls = tmp_path / "boiler.txt"
    s = script(tmp_path / "boiler.sh", f'echo "$1" >> {calls}')
    m = Module(tmp_path)
    try:
        cfg = tmp_path / "kwartier.yaml"
        cfg.write_text(CONFIG.format(tcp=m.tcp, boiler=f"{{ command: {s} }}"))
        prof = tmp_path / "day.txt"
        prof.write_text(PROFILE)
        r = run(kwartier, "relay", "replay", "--config", str(cfg), "--profile", str(prof), timeout=60)
        assert r.returncode == 0, r.stderr
        boiler = [c for c in changes(r.stdout) if c[1] == "boiler"]
        assert boiler == [(0, "boiler", "off", "0"), (3000, "boiler", "on", "1"), (6000, "boiler", "off", "0")]
        # start (defined state), on, off, shutdown (safe state off)
        assert calls.read_text().splitlines() == ["off", "on", "off", "off"]
    finally:
        m.stop()
