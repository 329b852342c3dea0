#!/usr/bin/env python3
"""An RS485 line with several Modbus RTU devices that checks the line's discipline: the master
must wait for each answer before it starts the next request, as on a real half-duplex bus.

    rtu_line_peer.py --port PTY --spec SPEC.json --profiles PROFILES.json [--turnaround-ms 15] [--char-ms 1]

SPEC: {"devices": [{"name": "cp1", "driver": "mennekes-amtron-compact", "unit": 50, "params": {...}},
                   {"name": "pv", "counter": {"unit": 9, "register": 16, "pulses_per_s": 10}}]}

Profile devices answer from their Kwartier register map (sim_device.SimDevice); a counter is a
DI module whose 32-bit pulse count (two input registers, high word first) grows with time
(sim_device.SimCounter).

The framing is done here, not by pymodbus, so that the timing is seen: after a whole request
the device "thinks" for --turnaround-ms, then sends its answer at --char-ms a byte. Any byte
that arrives from the master in that time, a second request behind the first, a frame with a
bad CRC or a frame left incomplete is a violation: it is recorded (with the units involved)
and the rest of the line's input is dropped, as a real device would garble it.

Prints {"ready": true} on stdout, then answers one JSON command a line on stdin:
    {"cmd": "get", "device": "cp1"}    the device's state (SimDevice.snapshot, or the counter's)
    {"cmd": "stats"}                   {"requests": {name: n}, "violations": [text…]}
    {"cmd": "quit"}
"""
import argparse
import json
import os
import select
import sys
import termios
import threading
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sim_device import TABLE_OF_FC, SimCounter, SimDevice   # noqa: E402

ILLEGAL_FUNCTION = 1


def crc16(data: bytes) -> int:
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def with_crc(frame: bytes) -> bytes:
    c = crc16(frame)
    return frame + bytes([c & 0xFF, c >> 8])


def request_length(buf: bytes):
    """Length of the request at the start of buf, or None when more bytes are needed."""
    if len(buf) < 2:
        return None
    fc = buf[1]
    if fc in (1, 2, 3, 4, 5, 6):
        return 8
    if fc in (15, 16):
        return 9 + buf[6] if len(buf) >= 7 else None
    return len(buf)   # unknown function: the CRC check below reports it


class Line:
    def __init__(self, port, devices, turnaround_s, char_s):
        self.fd = os.open(port, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd, termios.TCSANOW)
        self.devices = {d.unit: d for d in devices}
        self.turnaround_s, self.char_s = turnaround_s, char_s
        self.lock = threading.Lock()
        self.violations = []
        self.buf = b""
        self.running = True

    def violation(self, text):
        self.violations.append(f"{time.monotonic():.3f} {text}")
        self.drain()

    def drain(self):
        """Drops what is on the line (a real device loses garbled input)."""
        self.buf = b""
        while select.select([self.fd], [], [], 0.02)[0]:
            if not os.read(self.fd, 4096):
                break

    def quiet(self, seconds, answering):
        """Waits `seconds` while answering; any byte from the master meanwhile is a violation."""
        if select.select([self.fd], [], [], max(0.0, seconds))[0]:
            self.violation(f"the master sent a frame while unit {answering} was answering")
            return False
        return True

    def serve(self):
        last_byte = time.monotonic()
        while self.running:
            r = select.select([self.fd], [], [], 0.05)[0]
            if r:
                chunk = os.read(self.fd, 4096)
                if not chunk:
                    return
                self.buf += chunk
                last_byte = time.monotonic()
            elif self.buf and time.monotonic() - last_byte > 0.1:
                self.violation(f"an incomplete frame was left on the line: {self.buf.hex()}")
                continue
            while self.buf:
                n = request_length(self.buf)
                if n is None or len(self.buf) < n:
                    break
                frame, rest = self.buf[:n], self.buf[n:]
                if crc16(frame[:-2]) != frame[-2] | frame[-1] << 8:
                    self.violation(f"a garbled frame (bad CRC): {self.buf.hex()}")
                    break
                if rest:
                    self.violation(f"a second request behind the one to unit {frame[0]} before it was answered: {rest.hex()}")
                    break
                self.buf = b""
                self.answer(frame)

    def answer(self, frame):
        unit, fc = frame[0], frame[1]
        dev = self.devices.get(unit)
        if dev is None:
            return                           # no such slave on the line: silence
        with self.lock:
            pdu = self.handle(dev, fc, frame[2:-2])
        reply = with_crc(bytes([unit]) + pdu)
        if not self.quiet(self.turnaround_s, unit):
            return
        # Send at the line's speed; just before the last byte, the master must still be silent.
        for i in range(0, len(reply) - 1, 8):
            part = reply[i:min(i + 8, len(reply) - 1)]
            os.write(self.fd, part)
            if not self.quiet(len(part) * self.char_s, unit):
                return
        if select.select([self.fd], [], [], 0)[0]:
            self.violation(f"the master sent a frame while unit {unit} was answering")
            return
        os.write(self.fd, reply[-1:])

    @staticmethod
    def handle(dev, fc, body):
        if fc in (1, 2, 3, 4):
            addr, count = int.from_bytes(body[0:2], "big"), int.from_bytes(body[2:4], "big")
            v = dev.read(TABLE_OF_FC[fc], addr, count)
            if isinstance(v, int):
                return bytes([fc | 0x80, v])
            if fc in (1, 2):
                bits = bytearray((count + 7) // 8)
                for i, b in enumerate(v):
                    if b:
                        bits[i // 8] |= 1 << (i % 8)
                return bytes([fc, len(bits)]) + bytes(bits)
            return bytes([fc, 2 * count]) + b"".join(int(w).to_bytes(2, "big") for w in v)
        if fc in (5, 6):
            addr, value = int.from_bytes(body[0:2], "big"), int.from_bytes(body[2:4], "big")
            e = dev.write(TABLE_OF_FC[fc], addr, [value == 0xFF00] if fc == 5 else [value])
            return bytes([fc | 0x80, e]) if e else bytes([fc]) + body[0:4]
        if fc == 16:
            addr, count = int.from_bytes(body[0:2], "big"), int.from_bytes(body[2:4], "big")
            vals = [int.from_bytes(body[5 + 2 * i:7 + 2 * i], "big") for i in range(count)]
            e = dev.write("holding", addr, vals)
            return bytes([fc | 0x80, e]) if e else bytes([fc]) + body[0:4]
        return bytes([fc | 0x80, ILLEGAL_FUNCTION])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--profiles", required=True)
    ap.add_argument("--turnaround-ms", type=float, default=15)
    ap.add_argument("--char-ms", type=float, default=1)
    a = ap.parse_args()
    with open(a.spec) as f:
        spec = json.load(f)
    with open(a.profiles) as f:
        profiles = {p["profile"]["driver"]: p for p in json.load(f)}
    devices = []
    for d in spec["devices"]:
        if "counter" in d:
            c = d["counter"]
            devices.append(SimCounter(d["name"], c["unit"], c["register"], c.get("pulses_per_s", 10)))
        else:
            devices.append(SimDevice(profiles[d["driver"]], d["name"], d["unit"], d.get("params")))
    by_name = {d.name: d for d in devices}
    line = Line(a.port, devices, a.turnaround_ms / 1000, a.char_ms / 1000)
    threading.Thread(target=line.serve, daemon=True).start()
    print(json.dumps({"ready": True}), flush=True)
    for raw in sys.stdin:
        c = json.loads(raw)
        if c.get("cmd") == "quit":
            break
        with line.lock:
            if c.get("cmd") == "stats":
                reply = {"requests": {n: d.requests for n, d in by_name.items()}, "violations": list(line.violations)}
            elif c.get("cmd") == "get" and c.get("device") in by_name:
                reply = by_name[c["device"]].snapshot()
            else:
                reply = {"error": f"bad command {c}"}
        print(json.dumps(reply), flush=True)
    line.running = False


if __name__ == "__main__":
    main()
