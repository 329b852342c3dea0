"""P1 over a serial port, through the real termios code of `kwartier p1 listen`, on socat pty pairs.

A pty pair carries bytes but ignores character size and parity, so 7E1 is shown the way the
notes describe: the writer sends 7-bit characters with their even-parity bit in bit 7, and the
reader must strip it."""
import os
import threading
import time

import pytest

from p1_support import (FIXTURES, Kwartier, PtyPair, decode_json, sample_telegrams, split_telegrams, wait_for,
                        with_even_parity)


class Writer:
    """Writes telegrams to the pty's far end every `interval` s until stopped (the meter)."""

    def __init__(self, path, telegrams, interval=0.2, transform=lambda b: b, chunk=97):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        self.telegrams, self.interval, self.transform, self.chunk = telegrams, interval, transform, chunk
        self.sent = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set() and self.sent < len(self.telegrams):
            data = self.transform(self.telegrams[self.sent])
            for k in range(0, len(data), self.chunk):            # reads split mid-telegram
                os.write(self.fd, data[k:k + self.chunk])
            self.sent += 1
            self._stop.wait(self.interval)

    def start(self):
        self._t.start()
        return self

    def stop(self):
        self._stop.set()
        self._t.join(5)
        try:
            os.close(self.fd)
        except OSError:
            pass


def received_are_consecutive(kw_lines, telegrams, binary):
    """Every JSON line printed equals the decode of one sent telegram, in order, none skipped."""
    expected = decode_json(binary, b"".join(telegrams))
    assert kw_lines, "no telegram received"
    start = expected.index(kw_lines[0])
    assert kw_lines == expected[start:start + len(kw_lines)]


def listen(kwartier, dev, baud, count, *extra):
    return Kwartier(kwartier, "p1", "listen", "--serial", dev, "--baud", baud, "--json", "--count", str(count),
                    "--duration", "30", *extra)


def test_115200_8n1(kwartier, tmp_path):
    telegrams = sample_telegrams(kwartier, 40)
    with PtyPair(tmp_path) as pty:
        kw = listen(kwartier, pty.a, "115200", 5)
        w = Writer(pty.b, telegrams).start()
        try:
            assert kw.wait(40) == 0, kw.stderr_text()
        finally:
            w.stop()
    received_are_consecutive(kw.lines, telegrams, kwartier)
    assert "receiving at 115200 8N1" in kw.stderr_text()
    assert "0 CRC failures" in kw.stderr_text()


def test_9600_7e1_strips_parity(kwartier, tmp_path):
    """DSMR 2.2 and 3.0 telegrams, each byte carrying its even-parity bit: values as without it."""
    telegrams = [(FIXTURES / n).read_bytes() for n in ("dsmr22_iskra_mt382.txt", "dsmr30_iskra_mt382.txt")] * 10
    assert with_even_parity(telegrams[0]) != telegrams[0]                 # the bit really is set on some bytes
    with PtyPair(tmp_path) as pty:
        kw = listen(kwartier, pty.a, "9600", 4)
        w = Writer(pty.b, telegrams, transform=with_even_parity).start()
        try:
            assert kw.wait(40) == 0, kw.stderr_text()
        finally:
            w.stop()
    received_are_consecutive(kw.lines, telegrams, kwartier)
    assert "receiving at 9600 7E1" in kw.stderr_text()


def test_auto_baud_finds_8n1(kwartier, tmp_path):
    telegrams = sample_telegrams(kwartier, 40, style="dsmr5")
    with PtyPair(tmp_path) as pty:
        kw = listen(kwartier, pty.a, "auto", 3, "--auto-window", "1.5")
        w = Writer(pty.b, telegrams).start()
        try:
            assert kw.wait(40) == 0, kw.stderr_text()
        finally:
            w.stop()
    received_are_consecutive(kw.lines, telegrams, kwartier)
    assert "receiving at 115200 8N1" in kw.stderr_text()


def test_auto_baud_moves_on_to_7e1(kwartier, tmp_path):
    """Parity-carrying bytes give no telegram at 8N1; auto moves on and locks on a 7E1 setting."""
    telegrams = [(FIXTURES / "dsmr22_iskra_mt382.txt").read_bytes()] * 60
    with PtyPair(tmp_path) as pty:
        kw = listen(kwartier, pty.a, "auto", 3, "--auto-window", "1.5")
        w = Writer(pty.b, telegrams, interval=0.15, transform=with_even_parity).start()
        try:
            assert kw.wait(40) == 0, kw.stderr_text()
        finally:
            w.stop()
    err = kw.stderr_text()
    assert "no valid telegram yet; trying 115200 7E1" in err
    # A pty has no real line speed, so 115200 7E1 already decodes; on a real port it is 9600 7E1.
    assert "receiving at 115200 7E1" in err
    assert len(kw.lines) == 3
    assert set(kw.lines) == set(decode_json(kwartier, telegrams[0]))


def test_unplug_and_replug_recovers(kwartier, tmp_path):
    telegrams = sample_telegrams(kwartier, 60)
    pty = PtyPair(tmp_path).start()
    kw = listen(kwartier, pty.a, "115200", 6)
    w = Writer(pty.b, telegrams[:30], interval=0.15).start()
    try:
        assert wait_for(lambda: len(kw.lines) >= 2, 15), kw.stderr_text()
        w.stop()
        pty.stop()                                            # unplugged: the device node disappears
        assert wait_for(lambda: "lost serial" in kw.stderr_text(), 10), kw.stderr_text()
        time.sleep(0.5)
        pty.start()                                           # plugged in again, same name
        before = len(kw.lines)
        w = Writer(pty.b, telegrams[30:], interval=0.15).start()
        assert kw.wait(40) == 0, kw.stderr_text()
    finally:
        w.stop()
        pty.stop()
    assert len(kw.lines) == 6 and before < 6
    err = kw.stderr_text()
    assert "1 reconnect" in err, err
    expected = decode_json(kwartier, b"".join(telegrams))
    assert all(line in expected for line in kw.lines)
    assert kw.lines[-1] in expected[30:]                      # the last ones came after the replug
