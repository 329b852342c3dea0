"""Helpers for the Modbus integration tests: start/stop the simulated peers (Tests/Peers), socat
pty pairs for RS485 buses, and a small site configuration writer for `kwartier device watch`."""
import json
import os
import pathlib
import queue
import shutil
import subprocess
import threading
import time

from conftest import ROOT, stop_process

PYTHON = str(ROOT / ".venv/bin/python")
PEER = str(ROOT / "Tests/Peers/modbus_peer.py")


def profiles_json(kwartier, path, extra_dirs=()):
    """Writes `kwartier device list --json` (the peers' register maps) to path."""
    args = [kwartier, "device", "list", "--json"]
    for d in extra_dirs:
        args += ["--profiles", str(d)]
    out = subprocess.run(args, check=True, capture_output=True, text=True, timeout=30).stdout
    pathlib.Path(path).write_text(out)
    return json.loads(out)


class Peers:
    """One modbus_peer.py process. Use as a context manager; `cmd()` talks to it."""

    def __init__(self, kwartier, spec, workdir, profiles=None, fast_tcp=False):
        self.dir = pathlib.Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        spec_path = self.dir / "peer-spec.json"
        spec_path.write_text(json.dumps(spec))
        if profiles is None:
            profiles = self.dir / "profiles.json"
            if not profiles.exists():
                profiles_json(kwartier, profiles)
        env = dict(os.environ, KWARTIER_BIN=kwartier, PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen([PYTHON, PEER, "--spec", str(spec_path), "--profiles", str(profiles)]
                                     + (["--fast-tcp"] if fast_tcp else []),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env, bufsize=1)
        self.lines = queue.Queue()
        # The peer speaks one request/answer at a time; the P1 thread of a run test and the test
        # itself both ask it, so they take turns here.
        self._turn = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()
        ready = self._next(15)
        assert ready.get("ready"), f"peer did not start: {ready} {self.proc.stderr.read() if self.proc.poll() else ''}"
        self.ports = ready["ports"]

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _next(self, timeout):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("the Modbus peer did not answer in time")
        if line is None:
            raise AssertionError(f"the Modbus peer exited: {self.proc.stderr.read()}")
        return json.loads(line)

    def cmd(self, **c):
        with self._turn:
            self.proc.stdin.write(json.dumps(c) + "\n")
            self.proc.stdin.flush()
            r = self._next(10)
        assert "error" not in r, r
        return r

    def get(self, name):
        return self.cmd(cmd="get", device=name)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write('{"cmd": "quit"}\n')
                self.proc.stdin.flush()
                self.proc.wait(timeout=5)
            except Exception:  # noqa: BLE001
                self.proc.kill()
                self.proc.wait(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class PtyPair:
    """A socat pty pair: `hub` for kwartier, `peer` for the simulated devices."""

    def __init__(self, workdir, name="bus"):
        assert shutil.which("socat"), "socat is not installed"
        d = pathlib.Path(workdir)
        d.mkdir(parents=True, exist_ok=True)
        self.hub = str(d / f"{name}-hub")
        self.peer = str(d / f"{name}-peer")
        self.proc = subprocess.Popen(["socat", f"pty,raw,echo=0,link={self.hub}", f"pty,raw,echo=0,link={self.peer}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while not (os.path.exists(self.hub) and os.path.exists(self.peer)):
            assert time.monotonic() < deadline, "socat did not create the pty pair"
            time.sleep(0.02)

    def close(self):
        stop_process(self.proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def site_yaml(chargepoints=(), meters=(), inverters=(), buses=None):
    """A minimal valid site configuration with the given Modbus devices.
    Each device: dict(id, driver, tcp="127.0.0.1:PORT", unit=N) or rtu=dict(bus, address, baud, parity, stop_bits)."""
    lines = ["site: { name: modbus test, voltage: 230 }", "grid: { fuse_a: 400, limit_a: 400, meter: virtual }"]

    def transport(d):
        if "tcp" in d:
            return [f"    tcp: {d['tcp']}", f"    unit: {d.get('unit', 1)}"]
        r = d["rtu"]
        return [f"    rtu: {{ bus: {r['bus']}, address: {r['address']}, baud: {r['baud']}, parity: {r.get('parity', 'N')}, "
                f"stop_bits: {r.get('stop_bits', 1)} }}"]
    if buses:
        lines.append("buses:")
        for b, dev in buses.items():
            lines.append(f"  {b}: {{ device: {dev} }}")
    if meters:
        lines.append("meters:")
        for m in meters:
            lines += [f"  {m['id']}:", "    type: modbus", f"    driver: {m['driver']}"] + transport(m)
    if inverters:
        lines.append("inverters:")
        for m in inverters:
            lines += [f"  {m['id']}:", f"    driver: {m['driver']}"] + transport(m)
    if chargepoints:
        lines.append("chargepoints:")
        for c in chargepoints:
            lines += [f"  {c['id']}:", "    board: grid", f"    driver: {c['driver']}", "    phases: L1L2L3"] + transport(c)
    return "\n".join(lines) + "\n"


def watch(kwartier, config, *args, timeout=60):
    """Runs `kwartier device watch --json` to the end; returns the list of cycles."""
    r = subprocess.run([kwartier, "device", "watch", "--config", str(config), "--json", *args],
                       capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]


class Watch:
    """`kwartier device watch --json` running in the background; cycles arrive as they happen."""

    def __init__(self, kwartier, config, *args):
        self.proc = subprocess.Popen([kwartier, "device", "watch", "--config", str(config), "--json", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.cycles = queue.Queue()
        self.all = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.cycles.put(json.loads(line))
        self.cycles.put(None)

    def next(self, timeout=10):
        c = self.cycles.get(timeout=timeout)
        assert c is not None, f"watch ended: {self.proc.stderr.read()}"
        self.all.append(c)
        return c

    def until(self, pred, timeout=10):
        """Cycles until pred(cycle) holds; returns them all (the last satisfies pred)."""
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            c = self.next(timeout=max(0.1, deadline - time.monotonic()))
            seen.append(c)
            if pred(c):
                return seen
        raise AssertionError(f"condition not reached in {timeout} s; last cycle: {seen[-1] if seen else None}")

    def stop(self):
        stop_process(self.proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def health(cycle, device):
    return next(h for h in cycle["health"] if h["id"] == device)
