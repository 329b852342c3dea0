"""A P1 dongle on TCP for the `kwartier run` tests: streams e-MUCS telegrams (valid CRC16) once a
second to every client. The line currents are the house load plus what the simulated chargers
draw (`draw()` asks the Modbus peers), so the hub sees the effect of its own setpoints."""
import datetime
import socket
import threading
import time


def crc16(data: bytes) -> int:
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def telegram(t: datetime.datetime, import_kwh: float, line_a, volts=230.0) -> bytes:
    """An e-MUCS telegram for local time t (Brussels), line currents in A (+ import)."""
    dst = t.utcoffset() == datetime.timedelta(hours=2)
    stamp = t.strftime("%y%m%d%H%M%S") + ("S" if dst else "W")
    kw = [abs(a) * volts / 1000 for a in line_a]
    imp = sum(k for k, a in zip(kw, line_a) if a > 0)
    exp = sum(k for k, a in zip(kw, line_a) if a < 0)
    lines = ["/FLU5\\253769484_A", "", "0-0:96.1.4(50217)", f"0-0:1.0.0({stamp})",
             f"1-0:1.8.1({import_kwh:010.3f}*kWh)", "1-0:1.8.2(000000.000*kWh)",
             "1-0:2.8.1(000000.000*kWh)", "1-0:2.8.2(000000.000*kWh)", "0-0:96.14.0(0001)",
             f"1-0:1.7.0({imp:06.3f}*kW)", f"1-0:2.7.0({exp:06.3f}*kW)"]
    for code, k, a in zip(("21.7.0", "41.7.0", "61.7.0"), kw, line_a):
        lines.append(f"1-0:{code}({k if a > 0 else 0:06.3f}*kW)")
    for code, k, a in zip(("22.7.0", "42.7.0", "62.7.0"), kw, line_a):
        lines.append(f"1-0:{code}({k if a < 0 else 0:06.3f}*kW)")
    for code in ("32.7.0", "52.7.0", "72.7.0"):
        lines.append(f"1-0:{code}({volts:05.1f}*V)")
    for code, a in zip(("31.7.0", "51.7.0", "71.7.0"), line_a):
        lines.append(f"1-0:{code}({abs(a):06.2f}*A)")
    body = ("\r\n".join(lines) + "\r\n!").encode()
    return body + f"{crc16(body):04X}\r\n".encode()


class P1Server:
    """Serves telegrams on 127.0.0.1:port; `paused` stops them (a stale meter)."""

    def __init__(self, house_a, draw):
        self.house_a = list(house_a)
        self.draw = draw
        self.paused = False
        self.import_kwh = 1000.0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.clients = []
        self.running = True
        self.last_lines = None
        threading.Thread(target=self._accept, daemon=True).start()
        self.sender = threading.Thread(target=self._send, daemon=True)
        self.sender.start()

    def _accept(self):
        while self.running:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.clients.append(c)

    def _send(self):
        tz = datetime.timezone(datetime.timedelta(hours=1))
        while self.running:
            time.sleep(1)
            if self.paused:
                continue
            try:
                cars = self.draw()
            except (OSError, AssertionError):
                continue      # the peers are going away with the test
            if not self.running:
                return
            lines = [h + c for h, c in zip(self.house_a, cars)]
            self.last_lines = lines
            self.import_kwh += max(0, sum(lines)) * 230 / 1000 / 3600
            data = telegram(datetime.datetime.now(tz), self.import_kwh, lines)
            for c in list(self.clients):
                try:
                    c.sendall(data)
                except OSError:
                    self.clients.remove(c)

    def close(self):
        self.running = False
        self.sender.join(timeout=3)
        self.sock.close()
        for c in self.clients:
            c.close()
