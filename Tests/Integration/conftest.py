"""Shared fixtures for the integration tests: the built kwartier binary and helpers to run it."""
import os
import subprocess
import pathlib
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def kwartier():
    """Path of the kwartier binary under test (KWARTIER_BIN, default the debug build)."""
    path = os.environ.get("KWARTIER_BIN", str(ROOT / ".build/debug/kwartier"))
    assert os.access(path, os.X_OK), f"{path} is not built; run `swift build` first"
    return path


@pytest.fixture(scope="session")
def preview(kwartier):
    """Path of the development tool `kwartier-preview` (the dashboard over a fake site), built
    beside kwartier."""
    path = os.path.join(os.path.dirname(kwartier), "kwartier-preview")
    assert os.access(path, os.X_OK), f"{path} is not built; run `swift build` first"
    return path


def stop_process(proc, timeout=5):
    """SIGTERM a helper process (peer, socat, kwartier) and wait; kill it if it does not stop."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run(kwartier, *args, input=None, timeout=60, env=None):
    """Runs kwartier with args; returns the CompletedProcess (text mode)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run([kwartier, *args], input=input, capture_output=True, text=True,
                          timeout=timeout, env=e)


@pytest.fixture
def pane_factory(kwartier, tmp_path):
    """Dashboard panes in a private tmux server (dashboard_tmux.Pane), closed after the test."""
    from dashboard_tmux import Pane
    panes = []

    def make(**kw):
        p = Pane(kwartier, tmp_path, **kw)
        panes.append(p)
        return p

    yield make
    for p in panes:
        p.close()
