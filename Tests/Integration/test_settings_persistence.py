"""Runtime settings survive kill -9 at any moment: the file is the old or the new content, never partial."""
import json
import os
import random
import signal
import subprocess
import time

from conftest import run


def test_kill9_during_burst_never_leaves_partial_file(kwartier, tmp_path):
    rng = random.Random(1234)
    path = tmp_path / "settings.json"
    for round_ in range(12):
        p = subprocess.Popen([kwartier, "debug", "settings-burst", "--data-dir", str(tmp_path)],
                             stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.0, 0.15))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)
        data = json.loads(path.read_text())        # never partial: always parses
        assert data["sliderKW"] >= 1
        assert len(data["points"]) == 40
        i = int(data["sliderKW"])
        assert data["points"]["cp1"]["manualA"] == float(i % 32)
        r = run(kwartier, "debug", "settings-show", "--data-dir", str(tmp_path))
        assert r.returncode == 0 and r.stdout.startswith(f"slider {i} points 40"), (r.stdout, r.stderr)
    leftovers = [f for f in os.listdir(tmp_path) if ".tmp." in f]
    # A kill between create and rename may leave a temp file; it never replaces the real one.
    assert all(f.startswith("settings.json.tmp.") for f in leftovers)


def test_corrupt_settings_moved_aside_with_message(kwartier, tmp_path):
    (tmp_path / "settings.json").write_text('{"sliderKW": 7, "points": {')
    r = run(kwartier, "debug", "settings-show", "--data-dir", str(tmp_path))
    assert r.returncode == 0
    assert r.stdout.startswith("slider -1 points 0")       # the defaults
    assert "is corrupt" in r.stderr and "moved aside to" in r.stderr
    aside = [f for f in os.listdir(tmp_path) if f.startswith("settings.json.corrupt-")]
    assert len(aside) == 1
    assert (tmp_path / aside[0]).read_text() == '{"sliderKW": 7, "points": {'
