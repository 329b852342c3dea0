"""The CLI as a new user meets it: --version, --help with examples, check on the SPEC example."""
from conftest import run, ROOT


def test_version(kwartier):
    r = run(kwartier, "--version")
    assert r.returncode == 0
    assert r.stdout.strip() == "0.1.0"


def test_help_lists_commands_with_example(kwartier):
    r = run(kwartier, "--help")
    assert r.returncode == 0
    for cmd in ["demo", "run", "check", "p1", "modbus", "device", "simulate", "explain"]:
        assert cmd in r.stdout
    assert "Example" in r.stdout


def test_check_spec_example_prints_tree(kwartier):
    r = run(kwartier, "check", "--ascii", "--config", str(ROOT / "examples/kwartier.yaml"))
    assert r.returncode == 0, r.stderr
    assert "grid [level 1] limit 35 A/phase (fuse 40 A), margin 0.5 A, meter p1 (P1)" in r.stdout
    assert "garage-b [level 3] limit 25 A/phase, meter virtual" in r.stdout
    assert "cp2 [level 4] abb-terra-ac, phases L2L3L1 (3p)" in r.stdout
    assert "rtu rs485 addr 1 @ 115200 8N1" in r.stdout


def test_check_missing_file_exit_2(kwartier, tmp_path):
    r = run(kwartier, "check", "--config", str(tmp_path / "nope.yaml"))
    assert r.returncode == 2
    assert "no such file" in r.stderr


FIXTURES = ROOT / "Tests/CoreTests/Fixtures/config"


def test_every_bad_config_exit_2_with_located_error(kwartier):
    files = sorted(FIXTURES.glob("*.yaml"))
    assert len(files) >= 18
    for f in files:
        r = run(kwartier, "check", "--config", str(f))
        assert r.returncode == 2, f
        first = r.stderr.splitlines()[0]
        assert first.startswith(str(f) + ":"), first          # file (and line) first
        assert " — " in first, first                          # then the fix
        assert "nothing will be driven" in r.stderr
        assert r.stdout == ""


def test_run_refuses_invalid_config(kwartier):
    r = run(kwartier, "run", "--headless", "--config", str(FIXTURES / "cycle.yaml"))
    assert r.returncode == 2
    assert "cycle in the board tree" in r.stderr
