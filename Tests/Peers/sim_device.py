"""A simulated Modbus device built from a Kwartier profile (the JSON that `kwartier device list
--json` prints): its register map comes from the profile, its behaviour from here.

Charge point: a car draws min(limit, car max) on its phases after a ramp delay; the limit is the
hub's setpoint, or the charger's safe current when the hub has not refreshed it (write, traffic
or heartbeat, as the profile says) for longer than the watchdog. Meter and inverter: fixed
readings the test chooses. Faults: mute (no answer), delay (slow answers), exception (every
request answered with a Modbus exception code); `absent` registers (older firmware) answer
"illegal data address"."""
import re
import time

from modbus_codec import decode, encode, length

ILLEGAL_FUNCTION, ILLEGAL_ADDRESS, ILLEGAL_VALUE, DEVICE_FAILURE = 1, 2, 3, 4

TABLE_OF_FC = {1: "coil", 5: "coil", 15: "coil", 2: "discrete", 3: "holding", 6: "holding", 16: "holding",
               23: "holding", 4: "input"}

IEC_RAW = {"no-car": "A", "connected": "B", "charging": "C", "error": "F"}


class SimDevice:
    def __init__(self, exported, name, unit, params=None):
        self.profile = exported["profile"]
        self.kind = self.profile["kind"]
        self.name = name
        self.unit = unit
        self.entries = [(e["name"], e["spec"]) for e in exported["registers"]]
        p = dict(params or {})
        # Older firmware: registers (by profile name) this device does not have; they answer
        # "illegal data address" like any unmapped address.
        absent = set(p.get("absent", []))
        unknown = absent - {n for n, _ in self.entries}
        if unknown:
            raise ValueError(f"absent: no such register in {self.profile['driver']}: {sorted(unknown)}")
        self.cells = {}      # (table, address) -> (entry index, offset); a written entry wins
        for i, (n, spec) in enumerate(self.entries):
            if n in absent:
                continue
            for k in range(length(spec)):
                key = (spec["fn"], spec["address"] + k)
                if key not in self.cells or (spec.get("writable") and not self.entries[self.cells[key][0]][1].get("writable")):
                    self.cells[key] = (i, k)
        # terms of summed values: base name -> [specs]
        self.terms = {}
        for n, spec in self.entries:
            m = re.match(r"^(.*)\[(\d+)\]$", n)
            if m:
                self.terms.setdefault(m.group(1), []).append(spec)
        # faults
        self.mute = False
        self.delay = 0.0
        self.exception = None
        # counters
        self.requests = 0
        self.wrong_line = 0
        self.writes = []     # (time, register name, value)
        self.written = {}    # register name -> the last value written
        self.t0 = time.monotonic()
        if self.kind == "chargepoint":
            cp = self.profile["chargepoint"]
            sp = cp["setpoint"]
            self.watchdog_s = p.get("watchdog_s", sp.get("watchdog_s"))
            self.watchdog_reset = sp.get("watchdog_reset", "write")
            self.pause = sp.get("pause", "zero")
            self.setpoint_unit = sp.get("unit", "A")
            self.car = bool(p.get("car", True))
            self.car_max = float(p.get("car_max_a", 16))
            self.car_phases = int(p.get("car_phases", 3))
            self.ramp_s = float(p.get("ramp_s", 0.0))
            self.safe_a = float(p.get("safe_a", 6))
            self.error = bool(p.get("error", False))
            self.setpoint = None          # engineering value as written (A or W)
            self.setpoint_raw = 0.0
            self.last_refresh = None
            en = cp.get("enable")
            self.enable_spec = en
            self.enabled = True
            self.enable_value = en["on"] if en else 1
            ph = cp.get("phases")
            self.phase_spec = ph
            self.phase_mode = 3
            self.phase_value = ph["three"] if ph else 3
            self.heartbeat_value = 0
            self.heartbeats = 0
            self.drawn = 0.0
            self.pending = (0.0, self.t0)
            self.energy_kwh = float(p.get("energy_kwh", 1234.5))
            self.session_kwh = 0.0
            self.last_eval = self.t0
        elif self.kind == "meter":
            self.voltages = p.get("voltages", [230.1, 231.2, 229.3])
            self.currents = p.get("currents", [10.5, 11.25, -4.5])
            self.import_kwh = p.get("import_kwh", 12345.67)
            self.export_kwh = p.get("export_kwh", 890.12)
        else:
            self.pv = p.get("pv_w", 5400.0)
            self.grid = p.get("grid_w", -1200.0)
            self.battery = p.get("battery_w", 800.0)
            self.soc = p.get("soc", 56.7)

    # ---- charge point behaviour -------------------------------------------------------------

    def limit_a(self, now):
        """The current the charger allows now (A)."""
        if self.setpoint is None:
            return self.safe_a
        if self.watchdog_s and self.last_refresh is not None and now - self.last_refresh > self.watchdog_s:
            return self.safe_a
        a = self.setpoint
        if self.setpoint_unit == "W":
            a = a / (230.0 * (1 if self.phase_mode == 1 else 3))
        if a == 0 and self.pause == "disable":
            return self.car_max       # e.g. AMTRON Compact: 0 = no limitation, pause is the release
        return a

    def evaluate(self, now=None):
        now = time.monotonic() if now is None else now
        if self.kind != "chargepoint":
            return
        target = 0.0
        if self.car and self.enabled and not self.error:
            lim = self.limit_a(now)
            target = min(lim, self.car_max) if lim >= 6 else 0.0
        if target != self.pending[0]:
            self.pending = (target, now)
        if now - self.pending[1] >= self.ramp_s:
            self.drawn = self.pending[0]
        dt = now - self.last_eval
        self.last_eval = now
        kwh = self.power() * dt / 3600.0 / 1000.0
        self.energy_kwh += kwh
        self.session_kwh += kwh

    def phases_drawn(self):
        n = 1 if self.phase_mode == 1 else self.car_phases
        return [self.drawn if i < n else 0.0 for i in range(3)]

    def power(self):
        return sum(self.phases_drawn()) * 230.0

    def state(self):
        if self.error:
            return "error"
        if not self.car:
            return "no-car"
        return "charging" if self.drawn > 0 else "connected"

    def state_raw(self):
        st = self.profile["chargepoint"]["state"]
        want = self.state()
        values = st.get("values") or {}
        for raw, s in values.items():
            if s == want:
                return raw
        if st.get("iec_letters"):
            return IEC_RAW[want]
        if want == "charging":      # state register without a charging value (Alfen SCN)
            for raw, s in values.items():
                if s == "connected":
                    return raw
        return next(iter(values))

    # ---- values by register name -------------------------------------------------------------

    def base_value(self, base):
        """Engineering value of a named capability."""
        if self.kind == "chargepoint":
            cur = self.phases_drawn()
            if base == "state":
                return self.state_raw()
            if base.startswith("current L"):
                return cur[int(base[-1]) - 1]
            if base == "power":
                return self.power()
            if base == "energy":
                return self.energy_kwh
            if base == "session energy":
                return self.session_kwh
            if base == "applied current":
                return self.limit_a(time.monotonic()) if self.enabled else 0.0
            if base == "active phases":
                m = self.profile["chargepoint"].get("active_phases_map")
                if m:
                    for raw, n in m.items():
                        if n == self.phase_mode:
                            return float(raw)
                return float(self.phase_mode)
            if base == "setpoint":
                return self.setpoint_raw
            if base == "enable":
                return self.enable_value
            if base == "phases":
                return self.phase_value
            if base in ("safe current", "safe current read back"):
                return self.safe_a
            if base == "heartbeat":
                return self.heartbeat_value
        elif self.kind == "meter":
            if base.startswith("voltage L"):
                return self.voltages[int(base[-1]) - 1]
            if base.startswith("current L"):
                return abs(self.currents[int(base[-1]) - 1])
            if base.startswith("power L"):
                i = int(base[-1]) - 1
                return self.voltages[i] * self.currents[i]
            if base == "power":
                return sum(v * c for v, c in zip(self.voltages, self.currents))
            if base == "import energy":
                return self.import_kwh
            if base == "export energy":
                return self.export_kwh
        else:
            if base == "pv power":
                return self.pv
            if base == "grid power":
                return self.grid
            if base == "battery power":
                return self.battery
            if base == "battery soc":
                return self.soc
        if "voltage" in base:
            return 230.0
        return 0.0

    def register_value(self, name, spec):
        if name.endswith(".negate_if"):
            v = self.base_value(name[: -len(".negate_if")])
            return float(spec.get("mask") or 1) if v < 0 else 0.0
        m = re.match(r"^(.*)\[(\d+)\]$", name)
        if m and m.group(1) != "setpoint":
            base, i = m.group(1), int(m.group(2))
            v = self.base_value(base)
            terms = self.terms[base]
            # The whole value goes on the first term whose scale has its sign.
            pick = next((k for k, t in enumerate(terms) if (t["scale"] >= 0) == (v >= 0)), 0)
            return v if i == pick else 0.0
        if m:
            return self.base_value("setpoint")
        v = self.base_value(name)
        if self._has_flag(name) and isinstance(v, float):
            return abs(v)
        if spec["type"] == "string":
            return v if isinstance(v, str) else "SIM"
        if isinstance(v, str):
            return float(v)           # a numeric state value written as text in the profile
        return v

    def _has_flag(self, base):
        return any(n == base + ".negate_if" for n, _ in self.entries)

    # ---- Modbus access -------------------------------------------------------------------------

    def traffic(self):
        self.requests += 1
        if self.kind == "chargepoint" and self.watchdog_reset == "traffic":
            self.last_refresh = time.monotonic()

    def read(self, table, address, count):
        """Register words / bits, or an exception code."""
        if self.exception:
            return self.exception
        self.evaluate()
        words = []
        a = address
        end = address + count
        while a < end:
            cell = self.cells.get((table, a))
            if cell is None or cell[1] != 0:
                return ILLEGAL_ADDRESS
            name, spec = self.entries[cell[0]]
            n = length(spec)
            if a + n > end or spec.get("write_only"):
                return ILLEGAL_ADDRESS
            words += encode(self.register_value(name, spec), spec)
            a += n
        self.traffic()
        return [bool(w) for w in words] if table in ("coil", "discrete") else words

    def write(self, table, address, values):
        if self.exception:
            return self.exception
        self.evaluate()
        values = [int(v) for v in values]
        a, i = address, 0
        todo = []
        while i < len(values):
            cell = self.cells.get((table, a))
            if cell is None or cell[1] != 0:
                return ILLEGAL_ADDRESS
            name, spec = self.entries[cell[0]]
            n = length(spec)
            if i + n > len(values) or not spec.get("writable"):
                return ILLEGAL_ADDRESS     # read-only, or half a multi-register value
            todo.append((name, spec, values[i:i + n]))
            a += n
            i += n
        for name, spec, words in todo:
            self.apply_write(name, decode(words, spec))
        self.traffic()
        return None

    def apply_write(self, name, v):
        now = time.monotonic()
        self.writes.append((round(now - self.t0, 3), name, v))
        self.written[name] = v
        if self.kind != "chargepoint":
            return
        if name == "setpoint" or name.startswith("setpoint["):
            self.setpoint = v
            self.setpoint_raw = v
            if self.watchdog_reset == "write":
                self.last_refresh = now
        elif name == "enable":
            self.enable_value = v
            self.enabled = v == self.enable_spec["on"]
        elif name == "phases":
            self.phase_value = v
            if self.phase_spec["while_disabled"] and self.enabled:
                return                    # refused silently while charging is released
            self.phase_mode = 1 if v == self.phase_spec["one"] else 3
        elif name == "safe current":
            self.safe_a = v
        elif name == "heartbeat":
            self.heartbeat_value = v
            self.heartbeats += 1
            if self.watchdog_reset == "heartbeat":
                self.last_refresh = now
        self.evaluate(now)

    def snapshot(self):
        self.evaluate()
        d = {"name": self.name, "unit": self.unit, "requests": self.requests, "wrong_line": self.wrong_line,
             "mute": self.mute, "delay": self.delay, "writes": self.writes[-20:]}
        if self.kind == "chargepoint":
            d.update(state=self.state(), currents=self.phases_drawn(), setpoint=self.setpoint,
                     limit_a=self.limit_a(time.monotonic()), enabled=self.enabled, phase_mode=self.phase_mode,
                     heartbeats=self.heartbeats, safe_a=self.safe_a, energy_kwh=self.energy_kwh,
                     power_w=self.power())
        elif self.kind == "meter":
            d.update(voltages=self.voltages, currents=self.currents, import_kwh=self.import_kwh,
                     export_kwh=self.export_kwh)
        else:
            d.update(pv_w=self.pv, grid_w=self.grid, battery_w=self.battery, soc=self.soc, written=dict(self.written),
                     write_count=len(self.writes))
        return d

    def set(self, params):
        """Changes behaviour parameters from a control command."""
        for k, v in params.items():
            if k == "car_max_a":
                self.car_max = float(v)
            elif k in ("voltages", "currents", "import_kwh", "export_kwh", "soc", "car", "car_phases", "ramp_s",
                       "safe_a", "watchdog_s", "error"):
                setattr(self, k, v)
            elif k in ("pv_w", "grid_w", "battery_w"):
                setattr(self, {"pv_w": "pv", "grid_w": "grid", "battery_w": "battery"}[k], v)
            else:
                raise ValueError(f"unknown parameter {k}")


class SimCounter:
    """An S0 pulse counter on a DI module: the count grows with time (`pulses_per_s`) and is read
    as two input registers from `register`, high word first."""

    def __init__(self, name, unit, register, pulses_per_s=10):
        self.name, self.unit, self.register, self.rate = name, unit, register, pulses_per_s
        self.t0 = time.monotonic()
        self.requests = 0
        self.mute, self.delay, self.exception, self.wrong_line = False, 0.0, None, 0

    def count(self):
        return int((time.monotonic() - self.t0) * self.rate) & 0xFFFFFFFF

    def read(self, table, address, count):
        if self.exception:
            return self.exception
        if table != "input" or address != self.register or count != 2:
            return ILLEGAL_ADDRESS
        self.requests += 1
        c = self.count()
        return [c >> 16, c & 0xFFFF]

    def write(self, table, address, values):
        return ILLEGAL_FUNCTION

    def snapshot(self):
        return {"name": self.name, "unit": self.unit, "requests": self.requests, "count": self.count()}
