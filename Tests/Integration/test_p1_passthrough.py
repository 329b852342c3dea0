"""P1 pass-through: telegrams read from a TCP meter are forwarded byte for byte to two TCP clients
and a pty; a client that connects and never reads does not delay anyone and only loses whole
telegrams."""
import os
import socket
import threading
import time

from p1_support import Kwartier, PtyPair, sample_telegrams, split_telegrams, wait_for


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Meter:
    """A P1 dongle on TCP: accepts the hub and sends telegrams when told to."""

    def __init__(self):
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1)
        self.port = self.srv.getsockname()[1]
        self.conn = None

    def accept(self, timeout=10):
        self.srv.settimeout(timeout)
        self.conn, _ = self.srv.accept()

    def close(self):
        for s in (self.conn, self.srv):
            if s:
                s.close()


class Reader:
    """Collects everything that arrives on a socket or fd, with the time of the last byte."""

    def __init__(self, read):
        self.read = read
        self.data = bytearray()
        self.last = None
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while True:
            try:
                b = self.read()
            except OSError:
                return
            if not b:
                return
            self.data += b
            self.last = time.monotonic()


def connect(port, rcvbuf=None):
    def attempt():
        s = socket.socket()
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        try:
            s.connect(("127.0.0.1", port))
            return s
        except OSError:
            s.close()
            return None
    box = []
    assert wait_for(lambda: box.append(attempt()) or box[-1] is not None, 10), f"cannot connect to {port}"
    return box[-1]


def test_two_clients_and_a_pty_get_identical_telegrams_despite_a_stalled_client(kwartier, tmp_path):
    n = 300
    telegrams = sample_telegrams(kwartier, n)
    stream = b"".join(telegrams)
    meter = Meter()
    out_port = free_port()
    with PtyPair(tmp_path, "out") as pty:
        kw = Kwartier(kwartier, "p1", "listen", "--tcp", f"127.0.0.1:{meter.port}",
                      "--passthrough", f"tcp://127.0.0.1:{out_port}", "--passthrough", f"serial:{pty.a}",
                      "--json", "--duration", "60")
        try:
            meter.accept()
            c1, c2 = connect(out_port), connect(out_port)
            stalled = connect(out_port, rcvbuf=4096)               # connected, never reads
            pty_fd = os.open(pty.b, os.O_RDONLY | os.O_NOCTTY)
            readers = [Reader(lambda: c1.recv(65536)), Reader(lambda: c2.recv(65536)),
                       Reader(lambda: os.read(pty_fd, 65536))]
            time.sleep(0.5)                                         # the hub has accepted all three

            for t in telegrams:                                     # 100x a DSMR 5 meter's pace
                meter.conn.sendall(t)
                time.sleep(0.01)
            sent_done = time.monotonic()

            assert wait_for(lambda: all(len(r.data) >= len(stream) for r in readers), 20), \
                [len(r.data) for r in readers]
            for r in readers:
                assert bytes(r.data) == stream                      # byte-identical, nothing lost or cut
            # The stalled client held no one up: everyone had the last telegram promptly.
            assert max(r.last for r in readers) - sent_done < 3.0

            # Now the stalled client reads: it got a prefix of whole telegrams, then the queue
            # dropped whole telegrams; never a cut one.
            stalled.settimeout(1.0)
            got = bytearray()
            try:
                while True:
                    b = stalled.recv(65536)
                    if not b:
                        break
                    got += b
            except socket.timeout:
                pass
            pieces = split_telegrams(bytes(got))
            assert b"".join(pieces) == bytes(got), "the stalled client received a partial telegram"
            assert 0 < len(pieces) < n
            assert all(p in telegrams for p in pieces)
            os.close(pty_fd)
        finally:
            rc = kw.stop()
            meter.close()
    assert rc == 0, kw.stderr_text()
    assert len(kw.lines) == n
    err = kw.stderr_text()
    tcp_line = next(l for l in err.splitlines() if f"pass-through tcp://127.0.0.1:{out_port}" in l)
    assert "3 clients served" in tcp_line and " 0 dropped" not in tcp_line, tcp_line
    serial_line = next(l for l in err.splitlines() if f"pass-through serial:{pty.a}" in l)
    assert f"opened 1 time, {n} telegrams sent, 0 dropped" in serial_line, serial_line


def test_reconnects_to_the_meter_with_backoff(kwartier):
    telegrams = sample_telegrams(kwartier, 4)
    meter = Meter()
    kw = Kwartier(kwartier, "p1", "listen", "--tcp", f"127.0.0.1:{meter.port}", "--json", "--count", "4",
                  "--duration", "30")
    try:
        meter.accept()
        for t in telegrams[:2]:
            meter.conn.sendall(t)
        assert wait_for(lambda: len(kw.lines) == 2, 10)
        meter.conn.close()                                         # the dongle reboots
        meter.accept()
        for t in telegrams[2:]:
            meter.conn.sendall(t)
        assert kw.wait(30) == 0, kw.stderr_text()
    finally:
        meter.close()
        if kw.proc.poll() is None:
            kw.stop()
    err = kw.stderr_text()
    assert "connection closed by the peer" in err
    assert "1 reconnect" in err
    assert len(kw.lines) == 4


def test_bad_passthrough_is_refused(kwartier):
    from conftest import run
    r = run(kwartier, "p1", "listen", "--tcp", "127.0.0.1:1", "--passthrough", "udp://x:1")
    assert r.returncode == 2
    assert "expected tcp://HOST:PORT or serial:/dev/ttyX" in r.stderr
