"""Drives `kwartier-preview` (Pane) or `kwartier demo` (DemoPane) inside a private tmux
server for the dashboard tests.

Every wait polls `capture-pane` (or the preview's state file) until a condition holds, with a
deadline; nothing relies on a fixed sleep alone.
"""
import datetime
import json
import os
import shlex
import subprocess
import time
import uuid
import zoneinfo


class Pane:
    def __init__(self, kwartier, tmp_path, width=80, height=24, term="xterm-256color", lang="C.UTF-8",
                 args=(), env=None, program=None):
        """Runs `kwartier-preview` (or `program`, a list of words) with `args` in a
        fresh tmux server; the pane stays open after it exits, showing EXIT=<status>."""
        self.sock = f"kwdash-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.state_path = tmp_path / "state.json"
        envs = {"TERM": term, "LANG": lang, "LC_ALL": lang, "NO_COLOR": ""}
        envs.update(env or {})
        env_words = " ".join(f"{k}={shlex.quote(v)}" for k, v in envs.items())
        if program is None:
            preview = os.path.join(os.path.dirname(str(kwartier)), "kwartier-preview")
            program = [preview, "--refresh-hz", "10", "--state-file", str(self.state_path)]
        words = " ".join(shlex.quote(str(a)) for a in [*program, *args])
        cmd = f"env {env_words} {words}; echo EXIT=$?; sleep 120"
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "t", cmd)

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", *args], capture_output=True, text=True,
                              timeout=10, check=check)

    def capture(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "t"] + (["-e"] if escapes else [])
        return self.tmux(*args).stdout

    def lines(self):
        return self.capture().split("\n")

    def wait_for(self, pred, timeout=10, what="condition"):
        """Polls the screen until pred(text) is true; returns the text."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.capture()
            if pred(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{text}")

    def wait_text(self, s, timeout=10):
        return self.wait_for(lambda t: s in t, timeout, repr(s))

    def keys(self, *keys):
        for k in keys:
            self.tmux("send-keys", "-t", "t", k)

    def literal(self, s):
        self.tmux("send-keys", "-t", "t", "-l", s)

    def resize(self, w, h):
        self.tmux("resize-window", "-t", "t", "-x", str(w), "-y", str(h))

    def state(self):
        for _ in range(50):
            try:
                return json.loads(self.state_path.read_text())
            except (FileNotFoundError, json.JSONDecodeError):
                time.sleep(0.1)
        raise AssertionError("no state file from the preview")

    def wait_state(self, pred, timeout=10, what="state"):
        deadline = time.monotonic() + timeout
        st = None
        while time.monotonic() < deadline:
            st = self.state()
            if pred(st):
                return st
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; state: {json.dumps(st)[:2000]}")

    def screen_and_state(self, timeout=10):
        """A screen capture and the state it shows: polls until the header's clock equals the
        state file's clock (the dashboard draws each step within 1/refresh-hz)."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            st = self.state()
            text = self.capture()
            head = text.split("\n", 1)[0].split()
            if head and head[-1] == st["clock"] and self.state()["clock"] == st["clock"]:
                return text, st
            time.sleep(0.05)
        raise AssertionError(f"screen never showed the state's time; screen:\n{text}")

    def kwartier_pid(self):
        pane_pid = self.tmux("display-message", "-p", "-t", "t", "#{pane_pid}").stdout.strip()
        out = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", pane_pid], capture_output=True, text=True).stdout
        for line in out.splitlines():
            pid, comm = line.split(None, 1)
            if comm.startswith("kwartier"):
                return int(pid)
        raise AssertionError(f"kwartier not running under the pane: {out!r}")

    def close(self):
        self.tmux("kill-server", check=False)


SITE_TZ = "Europe/Brussels"   # the demo site's clock (SimSiteBuilder.timeZone's default)


class DemoPane(Pane):
    """`kwartier demo` in tmux: the real control core over the simulated car park. Its state is
    read from what the demo writes for other tools: DATA_DIR/status.json (the latest decision)
    and DATA_DIR/settings.json (the user's changes)."""

    def __init__(self, kwartier, tmp_path, start="09:00", speed=1, refresh_hz=10, args=(), **kw):
        self.data_dir = tmp_path / "demo-data"
        program = [kwartier, "demo", "--data-dir", str(self.data_dir), "--start", start, "--speed", str(speed),
                   "--refresh-hz", str(refresh_hz)]
        super().__init__(kwartier, tmp_path, program=program, args=args, **kw)

    def _json(self, name):
        path = self.data_dir / name
        for _ in range(50):
            try:
                return json.loads(path.read_text())
            except (FileNotFoundError, json.JSONDecodeError):   # not written yet / mid-rename
                time.sleep(0.1)
        raise AssertionError(f"no readable {path}")

    def status(self):
        return self._json("status.json")

    def settings(self):
        return self._json("settings.json")

    def wait_status(self, pred, timeout=10, what="status"):
        deadline = time.monotonic() + timeout
        st = None
        while time.monotonic() < deadline:
            st = self.status()
            if pred(st):
                return st
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; status: {json.dumps(st)[:3000]}")

    def wait_settings(self, pred, timeout=10, what="settings"):
        deadline = time.monotonic() + timeout
        st = None
        while time.monotonic() < deadline:
            try:
                st = json.loads((self.data_dir / "settings.json").read_text())
                if pred(st):
                    return st
            except (FileNotFoundError, json.JSONDecodeError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; settings: {json.dumps(st)[:3000]}")

    @staticmethod
    def seconds(iso):
        return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()

    @staticmethod
    def clock(iso):
        """The header's HH:MM:SS for a decision time in status.json (UTC, ISO 8601)."""
        t = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
        return t.astimezone(zoneinfo.ZoneInfo(SITE_TZ)).strftime("%H:%M:%S")

    def screen_and_status(self, pred=lambda text: True, timeout=10):
        """A capture and the decision it shows. The demo publishes a step to the dashboard, then
        writes status.json, so the screen may be one step ahead of the file read before it (or
        the file one step ahead of the screen): read the status before and after the capture and
        keep the one whose decision time is the header's clock; retry until one matches."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            before = self.status()
            text = self.capture()
            after = self.status()
            head = text.split("\n", 1)[0].split()
            if head and pred(text):
                for st in (before, after):
                    if self.clock(st["decision"]["time"]) == head[-1]:
                        return text, st
            time.sleep(0.05)
        raise AssertionError(f"screen never showed the time of a status.json decision; screen:\n{text}")
