"""The hub as a service: `kwartier run` against real protocol peers (two Alfen chargers served by
pymodbus, a P1 dongle on TCP, as test_run_site) with its control socket. Dashboards attach and
detach in tmux, `kwartier status/set/explain` script it, bad clients are dropped, a lost terminal
never stops control, and systemd's notifications arrive when systemd asks for them."""
import contextlib
import json
import os
import socket
import stat
import subprocess
import threading
import time

import pytest

from conftest import run, stop_process
from dashboard_tmux import Pane
from modbus_peers import Peers
from p1_server import P1Server
from p1_support import wait_for
from test_run_site import HOUSE_A, limits, site


class Hub:
    """A running `kwartier run` with its peers; `sock` is its control socket."""

    def __init__(self, kwartier, tmp_path, peers, p1, cfg):
        self.kwartier, self.tmp, self.peers, self.p1, self.cfg = kwartier, tmp_path, peers, p1, cfg
        self.data = tmp_path / "data"
        self.sock = self.data / "kwartier.sock"
        self.proc = None

    def start(self, env=None, headless=True):
        e = dict(os.environ)
        e.update(env or {})
        self.proc = subprocess.Popen([self.kwartier, "run", "--headless", "--config", str(self.cfg)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
        assert wait_for(lambda: self.answers() or self.proc.poll() is not None, 30, step=0.1), "no control socket"
        assert self.proc.poll() is None, self.proc.stderr.read()
        return self

    def answers(self):
        try:
            Client(self.sock).close()
            return True
        except (OSError, EOFError, ValueError):
            return False

    def stop(self):
        stop_process(self.proc, timeout=10)

    def cli(self, *args, **kw):
        return run(self.kwartier, *args, "--socket", str(self.sock), **kw)

    def settings(self):
        return json.loads((self.data / "settings.json").read_text())

    def status(self):
        r = self.cli("status", "--json")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def last_write(self, cp):
        w = self.peers.get(cp)["writes"]
        return w[-1] if w else None


@contextlib.contextmanager
def hub_rig(kwartier, tmp_path):
    spec = {"tcp": [{"name": "cp1", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5}},
                    {"name": "cp2", "driver": "alfen-eve", "unit": 1, "params": {"ramp_s": 0.5}}]}
    with Peers(kwartier, spec, tmp_path / "peers") as peers:

        def draw():
            a = peers.get("cp1")["currents"]
            b = peers.get("cp2")["currents"]
            return [a[0] + b[2], a[1] + b[0], a[2] + b[1]]
        p1 = P1Server(HOUSE_A, draw)
        hub = Hub(kwartier, tmp_path, peers, p1, site(tmp_path, peers, p1.port))
        try:
            yield hub
        finally:
            hub.stop()
            p1.close()


@pytest.fixture
def hub(kwartier, tmp_path):
    with hub_rig(kwartier, tmp_path) as h:
        yield h.start()


class Client:
    """A raw protocol client: one JSON object per line each way."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(str(path))
        self.s.settimeout(10)
        self.buf = b""
        self.hello = self.line()

    def send(self, raw):
        self.s.sendall(raw)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError(self.buf)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def answer(self, id_):
        while True:
            m = self.line()
            if m.get("id") == id_:
                return m

    def closed(self, timeout=15):
        """Reads until the hub closes the connection; returns the lines it sent last."""
        self.s.settimeout(timeout)
        out = []
        try:
            while True:
                out.append(self.line())
        except EOFError:
            return out

    def close(self):
        self.s.close()


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alive(pid):
    try:
        st = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return st != "Z"


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def tcp_listeners(pid):
    """Listening TCP sockets of the process (inodes in /proc/net/tcp{,6} in state LISTEN)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            t = os.readlink(f"/proc/{pid}/fd/{fd}")
            if t.startswith("socket:["):
                inodes.add(t[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in open(table).read().splitlines()[1:]:
                f = line.split()
                if f[3] == "0A" and f[9] in inodes:
                    found.append(f[1])
    return found


# --- the service and its socket -------------------------------------------------------------

def test_socket_is_private_replaces_a_stale_one_and_goes_at_exit(kwartier, tmp_path):
    with hub_rig(kwartier, tmp_path) as h:
        # A crash left a socket file nobody listens on: the hub replaces it.
        h.data.mkdir(parents=True)
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(str(h.sock))
        stale.close()
        assert stat.S_ISSOCK(os.lstat(h.sock).st_mode)
        h.start()
        st = os.lstat(h.sock)
        assert stat.S_ISSOCK(st.st_mode)
        assert stat.S_IMODE(st.st_mode) == 0o660
        assert (st.st_uid, st.st_gid) == (os.getuid(), os.getgid())
        assert tcp_listeners(h.proc.pid) == []
        c = Client(h.sock)
        assert c.hello["hello"]["protocol"] == 1 and c.hello["hello"]["site"] == "Run test"
        assert c.hello["hello"]["mode"] == "run"
        c.close()
        assert wait_for(lambda: limits(h.peers) == (10.5, 10.5), 30), limits(h.peers)
        s = h.status()
        assert s["site_name"] == "Run test" and s["slider_kw"] == 50
        assert [(p["id"], p["setpoint_a"]) for p in s["points"]] == [("cp1", 10.5), ("cp2", 10.5)]
        assert "sliderKW" not in json.dumps(s)
        text = h.cli("status")
        assert text.returncode == 0, text.stderr
        assert "slider 50.0 kW" in text.stdout and "cp1 " in text.stdout and "setpoint 10.5 A" in text.stdout, text.stdout
        # explain reads the live hub; with --json its keys are snake_case too.
        r = h.cli("explain", "--json")
        assert r.returncode == 0, r.stderr
        doc = json.loads(r.stdout)
        assert doc["slider_kw"] == 50 and doc["pid"] == h.proc.pid
        assert {p["id"]: p["setpoint_a"] for p in doc["decision"]["points"]} == {"cp1": 10.5, "cp2": 10.5}
        h.proc.send_signal(15)
        assert h.proc.wait(timeout=10) == 0
        assert not h.sock.exists()
        # status.json stays for the record, snake_case; explain falls back to it.
        assert json.loads((h.data / "status.json").read_text())["slider_kw"] == 50
        r = run(kwartier, "explain", "--data-dir", str(h.data))
        assert r.returncode == 0 and "cp1 10.5 A:" in r.stdout, (r.stdout, r.stderr)


def test_set_changes_the_next_decision_and_settings(hub):
    assert wait_for(lambda: limits(hub.peers) == (10.5, 10.5), 30), limits(hub.peers)
    r = hub.cli("set", "point", "cp1", "--mode", "manual", "--current", "8")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "cp1 set to manual (6.0 A); cp1 manual current 8.0 A"
    # Saved before the answer came: no wait.
    p = hub.settings()["points"]["cp1"]
    assert (p["mode"], p["manualA"]) == ("manual", 8.0)
    assert wait_for(lambda: hub.peers.get("cp1")["limit_a"] == 8.0, 15), limits(hub.peers)
    assert hub.status()["points"][0]["mode"] == "manual"

    r = hub.cli("set", "point", "cp2", "--priority", "7")
    assert r.returncode == 0 and r.stdout.strip() == "cp2 priority 7", (r.stdout, r.stderr)
    assert hub.settings()["points"]["cp2"]["priority"] == 7

    r = hub.cli("set", "point", "cp1", "--ready-by", "07:00", "--energy-kwh", "30")
    assert r.returncode == 0 and r.stdout.strip() == "cp1 ready by 07:00 with 30.0 kWh", (r.stdout, r.stderr)
    assert hub.settings()["points"]["cp1"]["readyBy"] == {"minuteOfDay": 420, "energyKWh": 30.0}
    r = hub.cli("set", "point", "cp1", "--ready-by", "none")
    assert r.returncode == 0 and r.stdout.strip() == "cp1 no ready-by time", (r.stdout, r.stderr)
    assert "readyBy" not in hub.settings()["points"]["cp1"]

    r = hub.cli("set", "slider", "12.5")
    assert r.returncode == 0 and r.stdout.strip() == "slider set to 12.5 kW", (r.stdout, r.stderr)
    assert hub.settings()["sliderKW"] == 12.5
    assert wait_for(lambda: hub.status()["slider_kw"] == 12.5, 10)
    assert wait_for(lambda: json.loads((hub.data / "status.json").read_text())["decision"]["quarter"]["target_kw"] <= 12.5, 10)

    r = hub.cli("set", "slider", "50")
    assert r.returncode == 0, r.stderr
    # Back to auto with cp2 first (priority 7): cp1 is held at its minimum.
    r = hub.cli("set", "point", "cp1", "--mode", "auto")
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: hub.peers.get("cp1")["limit_a"] == 6.0 and hub.peers.get("cp2")["limit_a"] > 10.5, 30), limits(hub.peers)



def test_set_refusals_say_why_and_change_nothing(hub, tmp_path):
    assert wait_for(lambda: limits(hub.peers) == (10.5, 10.5), 30), limits(hub.peers)
    cases = [
        (["set", "slider", "99999"], "slider 99999.0 kW is out of range (0.5–10000)"),
        (["set", "point", "nope", "--mode", "auto"], "no charge point 'nope'"),
        (["set", "point", "cp1", "--current", "40"], "cp1: 40.0 A is outside the point's range 6.0–16.0 A"),
        (["set", "point", "cp1", "--mode", "fast"], "\"mode\" must be one of auto, manual, off"),
        (["set", "point", "cp1", "--ready-by", "07:00", "--energy-kwh", "500"], "cp1: 500.0 kWh is out of range (more than 0, at most 200)"),
        (["set", "relay", "nope", "on"], "no relay 'nope'"),
        (["set", "relay", "nope", "sideways"], "\"override\" must be one of on, off, auto"),
    ]
    for args, why in cases:
        r = hub.cli(*args)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert why in r.stderr, (args, r.stderr)
    assert not (hub.data / "settings.json").exists()
    assert limits(hub.peers) == (10.5, 10.5)

    # No hub on that data dir (nothing there; a stale socket): exit 3.
    other = tmp_path / "other"
    other.mkdir()
    for args in (["status"], ["set", "slider", "10"], ["set", "point", "cp1", "--mode", "off"]):
        r = run(hub.kwartier, *args, "--data-dir", str(other))
        assert r.returncode == 3, (args, r.returncode, r.stderr)
        assert f"no hub runs on {other}/kwartier.sock (no socket there)" in r.stderr
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(other / "kwartier.sock"))
    s.close()
    r = run(hub.kwartier, "set", "slider", "10", "--data-dir", str(other))
    assert r.returncode == 3 and "nobody listens on it" in r.stderr, r.stderr


# --- bad clients ----------------------------------------------------------------------------

def test_bad_clients_get_an_error_or_are_dropped(hub):
    assert wait_for(lambda: limits(hub.peers) == (10.5, 10.5), 30), limits(hub.peers)
    pid = hub.proc.pid
    time.sleep(1)
    fds0 = fd_count(pid)

    g = Client(hub.sock)
    g.send(b"hello there\n")
    assert g.line() == {"error": "not a JSON object: each request is one JSON object on one line"}
    g.send(b'{"id": 5, "set_slider": {"kw": "x"}}\n')
    assert g.line() == {"id": 5, "error": "\"kw\" must be a number"}
    g.send(b'{"id": "a", "reboot": {}}\n')
    m = g.line()
    assert m["id"] == "a" and m["error"].startswith("unknown request \"reboot\"")
    g.send(b'[1, 2]\n\x00\xff\xfe garbage \x01\n')
    assert "error" in g.line() and "error" in g.line()
    g.send(b'{"id": 6, "status": {}}\n')
    assert g.answer(6)["status"]["site_name"] == "Run test"     # still served
    for _ in range(25):
        g.send(b"???\n")
    last = g.closed()
    assert last[-1] == {"error": "too many bad requests; closing"}

    # A line of 10 MB: an error, then the connection is closed.
    big = Client(hub.sock)

    def flood():
        with contextlib.suppress(OSError):
            big.send(b"x" * (10 << 20))
    t = threading.Thread(target=flood, daemon=True)
    t.start()
    assert big.closed()[-1] == {"error": "request line longer than 1048576 bytes; closing"}
    t.join(10)

    # A client that subscribes and never reads: its snapshots are dropped, nobody waits for it.
    lazy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lazy.connect(str(hub.sock))
    lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    lazy.sendall(b'{"id": 1, "subscribe": {}}\n' * 200)

    # Half a line, then silence: dropped after 10 s with a reason.
    half = Client(hub.sock)
    half.send(b'{"id": 1, "sta')
    t0 = time.monotonic()
    assert half.closed(timeout=20)[-1] == {"error": "half a request line and nothing more for 10 s; closing"}
    assert 9 <= time.monotonic() - t0 <= 13

    # Meanwhile the hub keeps deciding and answering.
    w0 = hub.last_write("cp1")
    assert wait_for(lambda: hub.last_write("cp1") != w0, 30), "no setpoint written while bad clients hang on"
    r = hub.cli("set", "point", "cp1", "--mode", "manual", "--current", "7")
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: hub.peers.get("cp1")["limit_a"] == 7.0, 15), limits(hub.peers)

    lazy.close()
    big.close()
    g.close()
    half.close()
    assert wait_for(lambda: fd_count(pid) == fds0, 5), (fd_count(pid), fds0)


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_clients_coming_and_going_leave_nothing_behind(hub):
    """50 clients connect, subscribe, ask, and leave, over and over: no file descriptor stays
    and memory settles."""
    assert wait_for(lambda: limits(hub.peers) == (10.5, 10.5), 30), limits(hub.peers)
    pid = hub.proc.pid
    seconds = float(os.environ.get("KWARTIER_SOCKET_SOAK_S", "20"))

    def churn(until):
        n = 0
        while time.monotonic() < until:
            cs = [Client(hub.sock) for _ in range(50)]
            for i, c in enumerate(cs):
                c.send(b'{"id": 1, "subscribe": {}}\n{"id": 2, "status": {}}\n' if i % 2 else b'{"id": 2, "status": {}}\n')
            for c in cs:
                assert "status" in c.answer(2)
                c.close()
            n += 50
        return n

    churn(time.monotonic() + 3)           # warm up the allocators
    time.sleep(1)
    fds0, rss0 = fd_count(pid), rss_kb(pid)
    n = churn(time.monotonic() + seconds)
    time.sleep(1)
    assert n >= 500
    assert wait_for(lambda: fd_count(pid) == fds0, 5), (fd_count(pid), fds0)
    grown = rss_kb(pid) - rss0
    print(f"{n} clients in {seconds:.0f} s; RSS {rss0} kB -> {rss_kb(pid)} kB")
    assert grown < 4096, f"RSS grew {grown} kB over {n} connections"
    assert hub.proc.poll() is None


# --- dashboards -----------------------------------------------------------------------------

def dashboard_pane(hub, width=100, height=30):
    return Pane(hub.kwartier, hub.tmp, width=width, height=height,
                program=[hub.kwartier, "dashboard", "--socket", str(hub.sock), "--refresh-hz", "10"])


def test_dashboards_attach_see_each_other_and_detach(hub):
    assert wait_for(lambda: limits(hub.peers) == (10.5, 10.5), 30), limits(hub.peers)
    a = dashboard_pane(hub)
    b = dashboard_pane(hub)
    try:
        for p in (a, b):
            p.wait_text("Kwartier – Run test", 15)
            p.wait_text("Slider  50.0 kW", 10)
        a.keys("+")
        assert wait_for(lambda: (hub.data / "settings.json").exists() and hub.settings()["sliderKW"] == 50.1, 10)
        b.wait_text("Slider  50.1 kW", 10)       # the other dashboard sees it
        # q detaches at once, no question asked: the hub goes on.
        t0 = time.monotonic()
        a.keys("q")
        a.wait_text("EXIT=0", 5)
        assert time.monotonic() - t0 < 2
        assert hub.proc.poll() is None
        w0 = hub.last_write("cp1")
        assert wait_for(lambda: hub.last_write("cp1") != w0, 30), "no setpoint written after the dashboard left"
        # Killing an attached dashboard's terminal changes nothing for the hub; it exits itself.
        pid = b.kwartier_pid()
        b.close()
        assert wait_for(lambda: not alive(pid), 2), "the attached dashboard outlived its terminal"
        assert hub.proc.poll() is None
        assert hub.status()["slider_kw"] == 50.1
        w0 = hub.last_write("cp1")
        assert wait_for(lambda: hub.last_write("cp1") != w0, 30)
    finally:
        a.close()
        b.close()


def test_dashboard_waits_for_the_hub_and_reconnects(kwartier, tmp_path):
    with hub_rig(kwartier, tmp_path) as h:
        p = dashboard_pane(h)
        try:
            p.wait_text("no hub runs on", 10)
            h.start()
            p.wait_text("Kwartier – Run test", 15)
            p.wait_for(lambda t: "no hub runs on" not in t, 10, "the notice gone")
            h.stop()
            p.wait_for(lambda t: "the hub went away" in t or "no hub runs on" in t, 10, "the hub's absence")
            h.start()
            p.wait_for(lambda t: "no hub runs on" not in t and "the hub went away" not in t, 15, "reconnected")
            p.keys("-")
            assert wait_for(lambda: (h.data / "settings.json").exists() and h.settings()["sliderKW"] == 49.9, 10)
        finally:
            p.close()


# --- lost terminals -------------------------------------------------------------------------

def test_embedded_dashboard_run_survives_its_terminal(kwartier, tmp_path):
    with hub_rig(kwartier, tmp_path) as h:
        p = Pane(kwartier, tmp_path, width=100, height=30, program=[kwartier, "run", "--config", str(h.cfg)])
        try:
            p.wait_text("Kwartier – Run test", 20)
            pid = p.kwartier_pid()
            assert wait_for(lambda: limits(h.peers) == (10.5, 10.5), 30), limits(h.peers)
            p.close()                                   # tmux kill-server: the pty goes, SIGHUP
            time.sleep(2)
            assert alive(pid), "kwartier run died with its terminal"
            log = (h.data / "kwartier.log").read_text()
            assert "the terminal went away: the dashboard is closed, control goes on headless" in log
            # Still controlling: a command changes what the chargers get.
            r = h.cli("set", "point", "cp2", "--mode", "manual", "--current", "7")
            assert r.returncode == 0, r.stderr
            assert wait_for(lambda: h.peers.get("cp2")["limit_a"] == 7.0, 15), limits(h.peers)
            # At its idle CPU: under 1 % of a core.
            c0, t0 = cpu_seconds(pid), time.monotonic()
            time.sleep(5)
            share = (cpu_seconds(pid) - c0) / (time.monotonic() - t0)
            print(f"kwartier run after losing its terminal: {share * 100:.2f} % of a core")
            assert share < 0.01, share
            os.kill(pid, 15)
            assert wait_for(lambda: not alive(pid), 10)
            assert not h.sock.exists()
        finally:
            p.close()


def test_demo_and_attached_dashboard_exit_with_their_terminal(kwartier, tmp_path):
    demo = Pane(kwartier, tmp_path, width=100, height=30,
                program=[kwartier, "demo", "--data-dir", str(tmp_path / "d1"), "--start", "00:00"])
    try:
        demo.wait_text("Kwartier – Demo car park", 20)
        pid = demo.kwartier_pid()
        demo.close()
        assert wait_for(lambda: not alive(pid), 2), "kwartier demo outlived its terminal"
    finally:
        demo.close()

    data = tmp_path / "d2"
    hub = subprocess.Popen([kwartier, "demo", "--headless", "--data-dir", str(data), "--start", "00:00"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: (data / "kwartier.sock").exists(), 30)
        p = Pane(kwartier, tmp_path, width=100, height=30, program=[kwartier, "dashboard", "--data-dir", str(data)])
        p.wait_text("Kwartier – Demo car park", 15)
        pid = p.kwartier_pid()
        p.close()
        assert wait_for(lambda: not alive(pid), 2), "kwartier dashboard outlived its terminal"
        assert hub.poll() is None
        r = run(kwartier, "status", "--data-dir", str(data))
        assert r.returncode == 0 and "Demo car park" in r.stdout, r.stderr
    finally:
        stop_process(hub)


# --- systemd --------------------------------------------------------------------------------

def test_ready_and_watchdog_go_to_systemd_when_asked(kwartier, tmp_path):
    with hub_rig(kwartier, tmp_path) as h:
        path = str(tmp_path / "notify")
        n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        n.bind(path)
        n.settimeout(20)
        h.start(env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1000000"})
        msgs = []
        t0 = time.monotonic()
        while sum(m == "WATCHDOG=1" for m in msgs) < 4 and time.monotonic() - t0 < 20:
            msgs.append(n.recv(4096).decode())
        assert msgs[0] == "READY=1\nSTATUS=driving Run test", msgs
        assert sum(m == "WATCHDOG=1" for m in msgs) >= 4, msgs
        # Half the watchdog period apart (0.5 s), from the loop: 4 within about 2 s.
        assert time.monotonic() - t0 < 5
        h.proc.send_signal(15)
        h.proc.wait(timeout=10)
        n.settimeout(0.5)
        rest = []
        with contextlib.suppress(socket.timeout):
            while True:
                rest.append(n.recv(4096).decode())
        assert rest[-1] == "STOPPING=1", rest
        n.close()
