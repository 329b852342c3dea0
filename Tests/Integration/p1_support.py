"""Helpers for the P1 integration tests: socat pty pairs, telegram splitting, a kwartier process
whose output is collected in the background."""
import os
import re
import shutil
import signal
import subprocess
import threading
import time

from conftest import ROOT, stop_process

FIXTURES = ROOT / "Tests/CoreTests/Fixtures/p1"


def split_telegrams(data: bytes):
    """Whole telegrams "/" ... "!CRC\\r\\n" in a byte stream (what a consumer would frame)."""
    return re.findall(rb"/[^/!]*![0-9A-F]{0,4}\r?\n", data)


def with_even_parity(data: bytes) -> bytes:
    """7E1 on the wire, as an 8-bit byte: the even-parity bit in bit 7 of each 7-bit character."""
    out = bytearray()
    for b in data:
        b &= 0x7F
        out.append(b | (0x80 if bin(b).count("1") % 2 else 0))
    return bytes(out)


def wait_for(cond, timeout, step=0.02):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if cond():
            return True
        time.sleep(step)
    return cond()


class PtyPair:
    """`socat pty,link=A pty,link=B`: what is written to B comes out of A and back."""

    def __init__(self, tmp_path, name="p1"):
        assert shutil.which("socat"), "socat is not installed"
        self.a = str(tmp_path / f"{name}-a")
        self.b = str(tmp_path / f"{name}-b")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["socat", f"pty,link={self.a},raw,echo=0", f"pty,link={self.b},raw,echo=0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: os.path.exists(self.a) and os.path.exists(self.b), 5), "socat pty links"
        return self

    def stop(self):
        stop_process(self.proc)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Kwartier:
    """A running kwartier command; stdout lines and stderr collected by threads."""

    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines = []
        self.err = []
        self._t1 = threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines), daemon=True)
        self._t2 = threading.Thread(target=self._pump, args=(self.proc.stderr, self.err), daemon=True)
        self._t1.start()
        self._t2.start()

    @staticmethod
    def _pump(stream, sink):
        for line in iter(stream.readline, b""):
            sink.append(line.decode("utf-8", "replace").rstrip("\n"))

    def stderr_text(self):
        return "\n".join(self.err)

    def wait(self, timeout):
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self._t1.join(2)
        self._t2.join(2)
        return rc

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait(10)


def decode_json(binary, data: bytes):
    """`kwartier p1 decode - --json` of some bytes: the reference to compare live readings with."""
    r = subprocess.run([binary, "p1", "decode", "-", "--json"], input=data, capture_output=True, timeout=30)
    return r.stdout.decode().splitlines()


def sample_telegrams(binary, count, style="emucs"):
    r = subprocess.run([binary, "p1", "sample", "--style", style, "--count", str(count)], capture_output=True,
                       timeout=30, check=True)
    telegrams = split_telegrams(r.stdout)
    assert len(telegrams) == count
    return telegrams
