"""`kwartier p1 decode / listen / sample` as a technician meets them."""
import json
import time

from conftest import run
from p1_support import FIXTURES, sample_telegrams


def test_help_has_examples(kwartier):
    for args in (["p1", "--help"], ["p1", "decode", "--help"], ["p1", "listen", "--help"]):
        r = run(kwartier, *args)
        assert r.returncode == 0
        assert "Examples:" in r.stdout and "kwartier p1 " in r.stdout


def test_decode_table(kwartier):
    r = run(kwartier, "p1", "decode", str(FIXTURES / "emucs171_fluvius_alt.txt"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("telegram 1  /FLU5\\253769484_A  CRC ok\n")
    assert "  1-0:1.8.1    import tariff 1               301.548 kWh\n" in r.stdout
    assert "  1-0:1.6.0    month peak                    3.064 kW at 2023-11-02T11:45:00+01:00\n" in r.stdout
    assert "2023-08: 0.000 kW at none (632525252525W)" in r.stdout


def test_decode_counts_crc_failures_and_exits_1(kwartier):
    good = (FIXTURES / "emucs171_fluvius_alt.txt").read_bytes()
    bad = good.replace(b"1-0:1.8.1(000301.548", b"1-0:1.8.1(000391.548")
    r = run(kwartier, "p1", "decode", "-", "--json", input=(good + bad + b"noise" + bad + good).decode("latin-1"))
    assert r.returncode == 1
    lines = [json.loads(l) for l in r.stdout.splitlines()]
    assert [l["crc"] for l in lines] == ["ok", "bad", "bad", "ok"]
    assert lines[1]["values"]["1-0:1.8.1"]["value"] == 391.548           # shown, but marked bad
    assert "2 of 4 telegrams failed the CRC check" in r.stderr


def test_decode_missing_required_crc_fails(kwartier):
    t = (FIXTURES / "dsmr50_iskra_am550.txt").read_bytes().replace(b"!6EEE", b"!")
    r = run(kwartier, "p1", "decode", "-", input=t.decode())
    assert r.returncode == 1
    assert "1 of 1 telegram failed the CRC check (1 without the CRC their DSMR version requires)" in r.stderr


def test_decode_missing_file_and_empty_input(kwartier, tmp_path):
    r = run(kwartier, "p1", "decode", str(tmp_path / "none.txt"))
    assert r.returncode == 2 and "cannot open" in r.stderr
    r = run(kwartier, "p1", "decode", "-", input="no telegram here\n")
    assert r.returncode == 0 and "no telegram found" in r.stderr


def test_listen_file_paced_follows_meter_time(kwartier, tmp_path):
    """Three telegrams 1 s apart in meter time take at least 2 s paced (never faster)."""
    path = tmp_path / "three.txt"
    path.write_bytes(b"".join(sample_telegrams(kwartier, 3)))
    start = time.monotonic()
    r = run(kwartier, "p1", "listen", "--file", str(path), "--paced", timeout=30)
    elapsed = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 3
    assert elapsed >= 1.9
    assert r.stdout.splitlines()[0].startswith("2023-11-02T12:00:00+01:00  P +12.120 kW  L1 +17.72 A 231.4 V")


def test_listen_needs_one_source(kwartier):
    r = run(kwartier, "p1", "listen")
    assert r.returncode != 0
    assert "give exactly one of --serial DEV, --tcp HOST:PORT or --file FILE" in r.stderr
