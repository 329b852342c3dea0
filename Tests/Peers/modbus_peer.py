#!/usr/bin/env python3
"""Simulated Modbus devices for Kwartier's tests and benchmark (pymodbus 3.16).

    modbus_peer.py --spec SPEC.json [--profiles PROFILES.json] [--fast-tcp]

The register maps come from Kwartier's own profiles (`kwartier device list --json`, run with
$KWARTIER_BIN unless --profiles is given), so the map is never written twice. SPEC:

    {"tcp": [{"name": "cp1", "driver": "alfen-eve", "unit": 1, "port": 0, "group": "a", "params": {...}},
             {"name": "pv", "counter": {"register": 16, "pulses_per_s": 10}, "unit": 2, "group": "a"}],
     "rtu": [{"port": "/tmp/x/peer", "hub": "/tmp/x/hub",
              "devices": [{"name": "m1", "driver": "socomec-countis-e3x", "unit": 5, "baud": 38400,
                           "parity": "N", "params": {...}}]}]}

A "counter" is an S0 pulse counter on a DI module (sim_device.SimCounter) instead of a profile
device. TCP devices with the same "group" share one port (a gateway, or the sockets of an Alfen Double);
port 0 = an ephemeral port. RTU devices on one pty answer only when the hub's end of the line
(`hub`, read with tcgetattr) is at their own baud rate, as on a real bus. (Parity cannot be
checked: Linux ptys clear PARENB and force CS8 on every tcsetattr.)

--fast-tcp serves TCP with a minimal asyncio Modbus/TCP framer (function codes 1-6, 15, 16)
instead of pymodbus' server, with the same devices behind it: the benchmark uses it so that the
peer, not the hub, is never what is measured.

Prints one JSON line {"ready": true, "ports": {name: port}} on stdout, then reads commands,
one JSON object per line on stdin, answering each with one JSON line:
    {"cmd": "get", "device": "cp1"}                  state, setpoint, currents, counters
    {"cmd": "set", "device": "cp1", "params": {...}} car / meter / inverter values
    {"cmd": "mute", "device": "cp1", "on": true}      stop answering (timeouts)
    {"cmd": "delay", "device": "cp1", "s": 0.5}       answer late
    {"cmd": "exception", "device": "cp1", "code": 2}  answer every request with this exception (0 = off)
    {"cmd": "down", "device": "cp1"} / {"cmd": "up", "device": "cp1"}   close / reopen its TCP port
    {"cmd": "quit"}
"""
import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import termios

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
logging.disable(logging.WARNING)      # pymodbus deprecation notices on every context

from pymodbus.constants import ExcCodes                          # noqa: E402
from pymodbus.datastore import ModbusServerContext               # noqa: E402
from pymodbus.exceptions import NoSuchIdException                # noqa: E402
from pymodbus.framer import FramerType                           # noqa: E402
from pymodbus.server import ModbusSerialServer, ModbusTcpServer  # noqa: E402

from sim_device import TABLE_OF_FC, SimCounter, SimDevice        # noqa: E402

BAUDS = {getattr(termios, f"B{b}"): b for b in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)}


class PeerContext(ModbusServerContext):
    """Routes requests by unit id to simulated devices; async so slow answers block nobody."""

    def __init__(self, devices, line_check=None):  # noqa: D107  (no super().__init__: its checks are for datastores)
        self.devices = devices            # unit id -> SimDevice
        self.simdevices = []
        self.old_simulator = True
        self.line_check = line_check

    def device_ids(self):
        return list(self.devices.keys())

    async def _device(self, device_id):
        dev = self.devices.get(device_id)
        if dev is None or dev.mute:
            raise NoSuchIdException(f"no device {device_id}")
        if self.line_check and not self.line_check(dev):
            dev.wrong_line += 1
            raise NoSuchIdException("wrong line settings")   # garbage on a real bus: no answer
        if dev.delay:
            await asyncio.sleep(dev.delay)
            if dev.mute:
                raise NoSuchIdException("muted while waiting")
        return dev

    async def async_getValues(self, device_id, func_code, address, count=1):
        dev = await self._device(device_id) if func_code not in (5, 6, 15, 16) else self.devices[device_id]
        if func_code in (5, 6, 15, 16):       # pymodbus echoes a write: give back what was written
            vals = getattr(dev, "_echo", [0] * count)
            return vals[:count]
        r = dev.read(TABLE_OF_FC[func_code], address, count)
        return ExcCodes(r) if isinstance(r, int) else r

    async def async_setValues(self, device_id, func_code, address, values):
        dev = await self._device(device_id)
        dev._echo = list(values)
        r = dev.write(TABLE_OF_FC[func_code], address, values)
        return ExcCodes(r) if isinstance(r, int) else None


def line_baud(path):
    """The baud rate the other end of the line is set to."""
    fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        attrs = termios.tcgetattr(fd)
    finally:
        os.close(fd)
    return BAUDS.get(attrs[5], 0)   # output speed


class FastTcp(asyncio.Protocol):
    """Modbus/TCP without pymodbus: MBAP header + PDU, straight onto the SimDevices."""

    def __init__(self, devices):
        self.devices = devices
        self.buf = b""

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            import socket
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.buf += data
        while len(self.buf) >= 7:
            length = int.from_bytes(self.buf[4:6], "big")
            if len(self.buf) < 6 + length:
                return
            frame, self.buf = self.buf[:6 + length], self.buf[6 + length:]
            tid, unit, pdu = frame[0:2], frame[6], frame[7:]
            dev = self.devices.get(unit)
            if dev is None or dev.mute or dev.delay:
                if dev is not None and dev.delay and not dev.mute:
                    asyncio.get_running_loop().call_later(dev.delay, self.answer, tid, unit, dev, pdu)
                continue
            self.answer(tid, unit, dev, pdu)

    def answer(self, tid, unit, dev, pdu):
        fc = pdu[0]
        r = self.handle(dev, fc, pdu)
        if isinstance(r, int):
            r = bytes([fc | 0x80, r])
        self.transport.write(tid + b"\0\0" + (len(r) + 1).to_bytes(2, "big") + bytes([unit]) + r)

    @staticmethod
    def handle(dev, fc, pdu):
        import struct
        if fc in (1, 2, 3, 4):
            addr, count = struct.unpack(">HH", pdu[1:5])
            v = dev.read(TABLE_OF_FC[fc], addr, count)
            if isinstance(v, int):
                return v
            if fc in (1, 2):
                bits = bytearray((count + 7) // 8)
                for i, b in enumerate(v):
                    if b:
                        bits[i // 8] |= 1 << (i % 8)
                return bytes([fc, len(bits)]) + bytes(bits)
            return bytes([fc, 2 * count]) + b"".join(struct.pack(">H", w) for w in v)
        if fc in (5, 6):
            addr, value = struct.unpack(">HH", pdu[1:5])
            vals = [value == 0xFF00] if fc == 5 else [value]
            e = dev.write(TABLE_OF_FC[fc], addr, vals)
            return e if e else pdu[:5]
        if fc == 16:
            addr, count = struct.unpack(">HH", pdu[1:5])
            vals = list(struct.unpack(f">{count}H", pdu[6:6 + 2 * count]))
            e = dev.write("holding", addr, vals)
            return e if e else pdu[:5]
        return 1


class Peer:
    def __init__(self, spec, profiles, fast=False):
        self.spec = spec
        self.profiles = {p["profile"]["driver"]: p for p in profiles}
        for p in profiles:
            for a in p["profile"].get("aliases", []):
                self.profiles[a] = p
        self.by_name = {}
        self.tcp_groups = {}       # group -> {"devices": {unit: dev}, "port": int, "server": srv}
        self.group_of = {}
        self.serial_servers = []
        self.fast = fast

    def make(self, d):
        if "counter" in d:
            c = d["counter"]
            dev = SimCounter(d["name"], d["unit"], c["register"], c.get("pulses_per_s", 10))
            self.by_name[d["name"]] = dev
            return dev
        if d["driver"] not in self.profiles:
            raise SystemExit(f"unknown driver {d['driver']}")
        dev = SimDevice(self.profiles[d["driver"]], d["name"], d["unit"], d.get("params"))
        self.by_name[d["name"]] = dev
        return dev

    async def start(self):
        for d in self.spec.get("tcp", []):
            g = d.get("group") or d["name"]
            grp = self.tcp_groups.setdefault(g, {"devices": {}, "port": d.get("port", 0), "server": None})
            grp["devices"][d["unit"]] = self.make(d)
            self.group_of[d["name"]] = g
        for g in self.tcp_groups.values():
            await self.open_tcp(g)
        for bus in self.spec.get("rtu", []):
            devices = {}
            lines = {}
            for d in bus["devices"]:
                dev = self.make(d)
                devices[d["unit"]] = dev
                lines[d["name"]] = d["baud"]
            hub = bus["hub"]

            def check(dev, hub=hub, lines=lines):
                try:
                    return line_baud(hub) == lines[dev.name]
                except OSError:
                    return False
            server = ModbusSerialServer(PeerContext(devices, check), framer=FramerType.RTU, port=bus["port"],
                                        baudrate=115200, ignore_missing_devices=True)
            await server.serve_forever(background=True)
            self.serial_servers.append(server)

    async def open_tcp(self, g):
        if self.fast:
            loop = asyncio.get_running_loop()
            server = await loop.create_server(lambda: FastTcp(g["devices"]), "127.0.0.1", g["port"], reuse_address=True)
            g["port"] = server.sockets[0].getsockname()[1]
            g["server"] = server
            return
        server = ModbusTcpServer(PeerContext(g["devices"]), address=("127.0.0.1", g["port"]), ignore_missing_devices=True)
        await server.serve_forever(background=True)
        g["port"] = server.transport.sockets[0].getsockname()[1]
        g["server"] = server

    async def close_tcp(self, server):
        if isinstance(server, asyncio.AbstractServer):
            server.close()
        else:
            await server.shutdown()

    def ports(self):
        return {name: self.tcp_groups[g]["port"] for name, g in self.group_of.items()}

    async def command(self, c):
        cmd = c.get("cmd")
        if cmd == "quit":
            return None
        dev = self.by_name.get(c.get("device", ""))
        if dev is None and cmd != "ports":
            return {"error": f"no device {c.get('device')}"}
        if cmd == "ports":
            return {"ports": self.ports()}
        if cmd == "get":
            return dev.snapshot()
        if cmd == "set":
            dev.set(c.get("params", {}))
            return dev.snapshot()
        if cmd == "mute":
            dev.mute = bool(c.get("on", True))
        elif cmd == "delay":
            dev.delay = float(c.get("s", 0))
        elif cmd == "exception":
            dev.exception = int(c.get("code", 0)) or None
        elif cmd in ("down", "up"):
            g = self.tcp_groups[self.group_of[dev.name]]
            if cmd == "down" and g["server"] is not None:
                await self.close_tcp(g["server"])
                g["server"] = None
            elif cmd == "up" and g["server"] is None:
                await self.open_tcp(g)
        else:
            return {"error": f"unknown command {cmd}"}
        return {"ok": True}


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--profiles")
    ap.add_argument("--fast-tcp", action="store_true")
    a = ap.parse_args()
    with open(a.spec) as f:
        spec = json.load(f)
    if a.profiles:
        with open(a.profiles) as f:
            profiles = json.load(f)
    else:
        kb = os.environ.get("KWARTIER_BIN", "kwartier")
        profiles = json.loads(subprocess.run([kb, "device", "list", "--json"], check=True, capture_output=True,
                                             text=True).stdout)
    peer = Peer(spec, profiles, fast=a.fast_tcp)
    await peer.start()
    print(json.dumps({"ready": True, "ports": peer.ports()}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        try:
            reply = await peer.command(json.loads(line))
        except Exception as e:  # noqa: BLE001 — report, keep serving
            reply = {"error": str(e)}
        if reply is None:
            break
        print(json.dumps(reply), flush=True)
    for g in peer.tcp_groups.values():
        if g["server"] is not None:
            await peer.close_tcp(g["server"])
    for s in peer.serial_servers:
        await s.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
