import Foundation
import KwartierCore
import Yams

/// Reads one profile file (YAML) into a `DeviceProfile` and checks it: unknown keys, impossible
/// registers, overlapping register ranges and missing capabilities are errors with file:line.
public enum ProfileParser {
    static let registerKeys = ["fn", "address", "type", "word_order", "count", "scale", "unit", "shift", "mask", "nan", "writable", "write_only"]

    /// `^[a-z0-9][a-z0-9-]*$`, checked by hand: a regular expression would load ICU's regex
    /// engine into every run only for this.
    static func isDriverName(_ s: String) -> Bool {
        func ok(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        guard let first = s.utf8.first, ok(first) else { return false }
        return s.utf8.allSatisfy { ok($0) || $0 == 45 }
    }

    public static func parse(yaml text: String, file: String) throws -> DeviceProfile {
        let root: Node
        do {
            // Every value is read as its text (YAMLMap/PNode type it themselves): the basic resolver
            // spares Yams' tag regexes, which would load ICU's regex engine into every run.
            guard let n = try Yams.compose(yaml: text, .basic) else {
                throw ProfileError(file: file, line: 1, key: "", message: "the file is empty")
            }
            root = n
        } catch let e as ProfileError { throw e } catch {
            throw ProfileError(file: file, line: 0, key: "", message: "not valid YAML: \(error)")
        }
        let top = try PNode(root, file: file, path: "")
        try top.allow(["driver", "aliases", "kind", "name", "vendor", "models", "transports", "tcp", "rtu", "verified",
                       "sources", "notes", "setup", "hints", "timing", "chargepoint", "meter", "inverter", "extras"])
        let driver = try top.required("driver")
        guard Self.isDriverName(driver) else {
            throw top.fail("driver", "'\(driver)' is not a driver name (lower-case letters, digits and '-')")
        }
        guard let kind = try top.oneOf("kind", Dictionary(uniqueKeysWithValues: DeviceProfile.Kind.allCases.map { ($0.rawValue, $0) })) else {
            throw top.fail(nil, "required key 'kind' is missing (chargepoint, meter or inverter)")
        }
        let transportNames = try top.strings("transports") ?? []
        var transports: [DeviceProfile.Link] = []
        for t in transportNames {
            guard let l = DeviceProfile.Link(rawValue: t) else { throw top.fail("transports", "'\(t)' is not tcp or rtu") }
            transports.append(l)
        }
        guard !transports.isEmpty else { throw top.fail(nil, "required key 'transports' is missing ([tcp], [rtu] or [tcp, rtu])") }
        guard let verified = try top.bool("verified") else {
            throw top.fail(nil, "required key 'verified' is missing (true only when every register was checked against a public document)")
        }
        var p = DeviceProfile(driver: driver, kind: kind, name: try top.required("name"), vendor: try top.string("vendor") ?? "",
                              transports: transports, verified: verified)
        p.file = file
        p.aliases = try top.strings("aliases") ?? []
        p.models = try top.strings("models") ?? []
        p.sources = try top.strings("sources") ?? []
        p.notes = try top.string("notes")
        p.setup = try top.strings("setup") ?? []
        if let h = try top.pairs("hints") {
            for (k, v) in h {
                let base = k.split(separator: "@").first.map(String.init) ?? k
                guard ModbusFailure.hintKeys.contains(base) else {
                    throw top.fail("hints", "'\(k)' is not an error name (use \(ModbusFailure.hintKeys.joined(separator: ", ")), optionally @ADDRESS)")
                }
                p.hints[k] = v
            }
        }
        if let t = try top.map("tcp") {
            try t.allow(["port", "unit"])
            p.tcp = TCPDefaults(port: try t.int("port") ?? 502, unit: try t.int("unit") ?? 1)
        } else if transports.contains(.tcp) { p.tcp = TCPDefaults() }
        if let r = try top.map("rtu") {
            try r.allow(["baud", "parity", "data_bits", "stop_bits", "address"])
            var d = RTUDefaults()
            d.baud = try r.int("baud") ?? 9600
            d.parity = try r.oneOf("parity", ["N": Parity.none, "E": .even, "O": .odd]) ?? .none
            d.dataBits = try r.int("data_bits") ?? 8
            d.stopBits = try r.int("stop_bits") ?? 1
            d.address = try r.int("address") ?? 1
            p.rtu = d
        } else if transports.contains(.rtu) {
            throw top.fail(nil, "an RTU profile needs `rtu: { baud, parity, stop_bits, address }` (the factory defaults)")
        }
        if let t = try top.map("timing") {
            try t.allow(["response_timeout_s", "connect_timeout_s", "connect_delay_s", "keepalive_s", "max_block", "fc16_only", "min_poll_s"])
            p.timing.fc16Only = try t.bool("fc16_only") ?? false
            p.timing.minPollS = try t.double("min_poll_s")
            p.timing.responseTimeoutS = try t.double("response_timeout_s")
            p.timing.connectTimeoutS = try t.double("connect_timeout_s")
            p.timing.connectDelayS = try t.double("connect_delay_s")
            p.timing.keepAliveS = try t.double("keepalive_s")
            p.timing.maxBlock = max(1, min(123, try t.int("max_block") ?? 60))
        }
        switch kind {
        case .chargepoint:
            guard let c = try top.map("chargepoint") else { throw top.fail(nil, "a chargepoint profile needs a `chargepoint:` section") }
            p.chargepoint = try chargePoint(c)
        case .meter:
            guard let m = try top.map("meter") else { throw top.fail(nil, "a meter profile needs a `meter:` section") }
            p.meter = try meter(m)
        case .inverter:
            guard let i = try top.map("inverter") else { throw top.fail(nil, "an inverter profile needs an `inverter:` section") }
            p.inverter = try inverter(i)
        }
        for (section, k) in [("chargepoint", DeviceProfile.Kind.chargepoint), ("meter", .meter), ("inverter", .inverter)]
        where k != kind && top.has(section) {
            throw top.fail(section, "a \(kind.rawValue) profile cannot have a `\(section):` section")
        }
        if let ex = try top.list("extras") {
            for (i, n) in ex.enumerated() {
                let m = try PNode(n, file: file, path: "extras[\(i)]")
                let name = try m.required("name")
                p.extras.append(NamedValue(name: name, value: try value(m, extraKeys: ["name", "optional"]),
                                           optional: try m.bool("optional") ?? false))
            }
        }
        try checkOverlaps(p, top)
        return p
    }

    // MARK: registers and values

    static func register(_ m: PNode, writable: Bool = false, extraKeys: [String] = []) throws -> RegisterSpec {
        try m.allow(registerKeys + extraKeys)
        let fn = try m.oneOf("fn", Dictionary(uniqueKeysWithValues: RegisterFunction.allCases.map { ($0.rawValue, $0) })) ?? .holding
        guard let address = try m.int("address") else { throw m.fail(nil, "required key 'address' is missing") }
        guard (0...65535).contains(address) else { throw m.fail("address", "\(address) is not a Modbus address (0…65535)") }
        var type = try m.oneOf("type", Dictionary(uniqueKeysWithValues: RegisterType.allCases.map { ($0.rawValue, $0) })) ?? (fn.isBit ? .bit : .u16)
        if fn.isBit { type = .bit } else if type == .bit { throw m.fail("type", "bit is only for fn: coil or discrete") }
        let count = try m.int("count")
        if type == .string {
            guard let c = count, (1...64).contains(c) else { throw m.fail("count", "a string needs `count:` registers (1…64)") }
        }
        let scale = try m.double("scale") ?? 1
        guard scale != 0 else { throw m.fail("scale", "a scale of 0 would lose the value") }
        var nan: [UInt64] = []
        if let list = try m.strings("nan") { nan = try list.map { try m.uint64($0, "nan") } }
        let mask = try m.scalar("mask").map { try m.uint64($0, "mask") }
        let markedWritable = try m.bool("writable") ?? false
        let writeOnly = try m.bool("write_only") ?? false
        let spec = RegisterSpec(fn: fn, address: address, type: type,
                                wordOrder: try m.oneOf("word_order", ["big": WordOrder.big, "little": .little]) ?? .big,
                                count: type == .string ? count : nil, scale: scale, unit: try m.string("unit"),
                                shift: try m.int("shift") ?? 0, mask: mask, nan: nan,
                                writable: writable || markedWritable, writeOnly: writeOnly)
        guard spec.end <= 65536 else { throw m.fail("address", "the value runs past register 65535") }
        if spec.writable && !fn.writable { throw m.fail("fn", "\(fn) registers cannot be written; use holding or coil") }
        return spec
    }

    static func value(_ m: PNode, extraKeys: [String] = []) throws -> ValueSpec {
        if m.has("sum") {
            try m.allow(["sum", "negate_if", "unit"] + extraKeys)
            guard let items = try m.list("sum"), !items.isEmpty else { throw m.fail("sum", "a sum needs at least one register") }
            let terms = try items.enumerated().map { try register(PNode($0.element, file: m.file, path: m.keyPath("sum[\($0.offset)]"))) }
            let neg = try m.map("negate_if").map { try register($0) }
            return ValueSpec(sum: terms, negateIf: neg, unit: try m.string("unit"))
        }
        var v = ValueSpec(try register(m, extraKeys: extraKeys + ["negate_if"]))
        v.negateIf = try m.map("negate_if").map { try register($0) }
        return v
    }

    static func optionalValue(_ m: PNode, _ k: String) throws -> ValueSpec? {
        try m.map(k).map { try value($0) }
    }

    static func valueList(_ m: PNode, _ k: String, counts: [Int]) throws -> [ValueSpec]? {
        guard let items = try m.list(k) else { return nil }
        let out = try items.enumerated().map { try value(PNode($0.element, file: m.file, path: m.keyPath("\(k)[\($0.offset)]"))) }
        guard counts.contains(out.count) else {
            throw m.fail(k, "expected \(counts.map(String.init).joined(separator: " or ")) entries (one per phase), found \(out.count)")
        }
        return out
    }

    // MARK: sections

    static let stateNames: [String: ChargeState] = Dictionary(uniqueKeysWithValues: ChargeState.allCases.map { ($0.rawValue, $0) })

    static func chargePoint(_ c: PNode) throws -> ChargePointSpec {
        try c.allow(["state", "currents", "power", "energy", "session_energy", "applied_current", "active_phases",
                     "setpoint", "enable", "phases", "safe_current", "heartbeat"])
        guard let s = try c.map("state") else { throw c.fail(nil, "required key 'state' is missing") }
        try s.allow(["register", "values", "iec_letters", "otherwise", "charging_above_a"])
        guard let sr = try s.map("register") else { throw s.fail(nil, "required key 'register' is missing") }
        var values: [String: ChargeState] = [:]
        for (k, v) in try s.pairs("values") ?? [] {
            guard let st = stateNames[v] else { throw s.fail("values", "'\(v)' is not a state (no-car, connected, charging, error)") }
            values[k] = st
        }
        let iec = try s.bool("iec_letters") ?? false
        guard !values.isEmpty || iec else { throw s.fail(nil, "give `values:` (raw → state) or `iec_letters: true`") }
        let state = StateSpec(register: try register(sr), values: values, iecLetters: iec,
                              otherwise: try s.oneOf("otherwise", stateNames), chargingAboveA: try s.double("charging_above_a"))
        guard let currents = try valueList(c, "currents", counts: [1, 3]) else { throw c.fail(nil, "required key 'currents' is missing") }

        guard let sp = try c.map("setpoint") else { throw c.fail(nil, "required key 'setpoint' is missing") }
        try sp.allow(["register", "registers", "unit", "min_a", "max_a", "pause", "watchdog_s", "refresh_s", "watchdog_reset"])
        var regs: [RegisterSpec] = []
        if let r = try sp.map("register") { regs = [try register(r, writable: true)] }
        if let list = try sp.list("registers") {
            regs = try list.enumerated().map { try register(PNode($0.element, file: sp.file, path: sp.keyPath("registers[\($0.offset)]")), writable: true) }
        }
        guard !regs.isEmpty else { throw sp.fail(nil, "give `register:` (or `registers:` one per phase)") }
        let setpoint = SetpointSpec(registers: regs, unit: try sp.oneOf("unit", ["A": SetpointSpec.Unit.A, "W": .W]) ?? .A,
                                    minA: try sp.double("min_a"), maxA: try sp.double("max_a"),
                                    pause: try sp.oneOf("pause", ["zero": SetpointSpec.Pause.zero, "disable": .disable]) ?? .zero,
                                    watchdogS: try sp.double("watchdog_s"), refreshS: try sp.double("refresh_s"),
                                    watchdogReset: try sp.oneOf("watchdog_reset", ["write": SetpointSpec.WatchdogReset.write,
                                                                                     "traffic": .traffic, "heartbeat": .heartbeat]) ?? .write)
        var enable: SwitchSpec?
        if let e = try c.map("enable") {
            try e.allow(["register", "on", "off"])
            guard let r = try e.map("register") else { throw e.fail(nil, "required key 'register' is missing") }
            enable = SwitchSpec(register: try register(r, writable: true), on: try e.double("on") ?? 1, off: try e.double("off") ?? 0)
        }
        if setpoint.pause == .disable && enable == nil { throw sp.fail("pause", "`pause: disable` needs an `enable:` register") }
        var phases: PhaseSwitchSpec?
        if let ph = try c.map("phases") {
            try ph.allow(["register", "one", "three", "while_disabled"])
            guard let r = try ph.map("register") else { throw ph.fail(nil, "required key 'register' is missing") }
            guard let one = try ph.double("one"), let three = try ph.double("three") else {
                throw ph.fail(nil, "give the values for `one:` and `three:` phases")
            }
            phases = PhaseSwitchSpec(register: try register(r, writable: true), one: one, three: three,
                                     whileDisabled: try ph.bool("while_disabled") ?? false)
            if phases!.whileDisabled && enable == nil { throw ph.fail("while_disabled", "needs an `enable:` register") }
        }
        var safe: SafeCurrentSpec?
        if let sc = try c.map("safe_current") {
            try sc.allow(["register", "read_back", "optional"])
            guard let r = try sc.map("register") else { throw sc.fail(nil, "required key 'register' is missing") }
            safe = SafeCurrentSpec(register: try register(r), readBack: try sc.map("read_back").map { try register($0) },
                                   optional: try sc.bool("optional") ?? false)
            if safe?.readBack != nil && safe?.register.writable != true {
                throw sc.fail("read_back", "a read-back register is for a writable safe current (`writable: true`)")
            }
        }
        var hb: HeartbeatSpec?
        if let h = try c.map("heartbeat") {
            try h.allow(["register", "value", "interval_s"])
            guard let r = try h.map("register") else { throw h.fail(nil, "required key 'register' is missing") }
            guard let v = try h.double("value"), let iv = try h.double("interval_s"), iv > 0 else {
                throw h.fail(nil, "give `value:` and `interval_s:`")
            }
            hb = HeartbeatSpec(register: try register(r, writable: true), value: v, intervalS: iv)
        }
        if setpoint.watchdogReset == .heartbeat && hb == nil { throw sp.fail("watchdog_reset", "`heartbeat` needs a `heartbeat:` section") }
        var activeMap: [String: Int]?
        var active: ValueSpec?
        if let a = try c.map("active_phases") {
            active = try value(a, extraKeys: ["map"])
            if let pairs = try a.pairs("map") {
                activeMap = [:]
                for (k, v) in pairs {
                    guard let n = Int(v), n == 1 || n == 3 else { throw a.fail("map", "'\(v)' is not 1 or 3") }
                    activeMap?[k] = n
                }
            }
        }
        return ChargePointSpec(state: state, currents: currents, power: try optionalValue(c, "power"),
                               energy: try optionalValue(c, "energy"), sessionEnergy: try optionalValue(c, "session_energy"),
                               appliedCurrent: try optionalValue(c, "applied_current"), activePhases: active,
                               activePhasesMap: activeMap, setpoint: setpoint, enable: enable, phases: phases,
                               safeCurrent: safe, heartbeat: hb)
    }

    static func meter(_ m: PNode) throws -> MeterSpec {
        try m.allow(["voltages", "currents", "powers", "power", "import_energy", "export_energy"])
        guard let currents = try valueList(m, "currents", counts: [1, 3]) else { throw m.fail(nil, "required key 'currents' is missing") }
        let powers = try valueList(m, "powers", counts: [1, 3])
        let power = try optionalValue(m, "power")
        guard power != nil || powers != nil else { throw m.fail(nil, "give `power:` (total) or `powers:` (per phase)") }
        return MeterSpec(voltages: try valueList(m, "voltages", counts: [1, 3]), currents: currents, powers: powers, power: power,
                         importEnergy: try optionalValue(m, "import_energy"), exportEnergy: try optionalValue(m, "export_energy"))
    }

    static func inverter(_ i: PNode) throws -> InverterSpec {
        try i.allow(["pv_power", "grid_power", "battery_power", "battery_soc", "battery_control", "pv_limit"])
        guard let pv = try optionalValue(i, "pv_power") else { throw i.fail(nil, "required key 'pv_power' is missing") }
        var spec = InverterSpec(pvPower: pv, gridPower: try optionalValue(i, "grid_power"),
                                batteryPower: try optionalValue(i, "battery_power"), batterySoc: try optionalValue(i, "battery_soc"))
        if let b = try i.map("battery_control") {
            try b.allow(["charge", "discharge", "hold", "release"])
            spec.batteryControl = BatteryControlSpec(charge: try writes(b, "charge"), discharge: try writes(b, "discharge"),
                                                     hold: b.has("hold") ? try writes(b, "hold") : nil, release: try writes(b, "release"))
        }
        if let l = try i.map("pv_limit") {
            try l.allow(["limits", "limit", "release"])
            guard let kind = try l.oneOf("limits", ["export": PVLimitSpec.Limits.export, "production": .production]) else {
                throw l.fail(nil, "required key 'limits' is missing (export or production)")
            }
            spec.pvLimit = PVLimitSpec(limits: kind, limit: try writes(l, "limit"), release: try writes(l, "release"))
        }
        return spec
    }

    /// A control sequence: `[{ name, register: {…}, value: N | power | setpoint | -setpoint | limit | max_charge | max_discharge }]`.
    static func writes(_ m: PNode, _ k: String) throws -> [ControlWrite] {
        guard let items = try m.list(k), !items.isEmpty else { throw m.fail(k, "give the writes in order: `[{ name, register, value }]`") }
        return try items.enumerated().map { (n, item) in
            let w = try PNode(item, file: m.file, path: m.keyPath("\(k)[\(n)]"))
            try w.allow(["name", "register", "value"])
            guard let r = try w.map("register") else { throw w.fail(nil, "required key 'register' is missing") }
            guard let raw = try w.scalar("value") else { throw w.fail(nil, "required key 'value' is missing") }
            let value: ControlWrite.Value
            if let word = ControlWrite.Value.words[raw] { value = word } else if let d = Double(raw) { value = .fixed(d) } else if let u = PNode.parseUInt64(raw) {
                value = .fixed(Double(u))
            } else {
                throw w.fail("value", "'\(raw)' is not a number, power, setpoint, -setpoint, limit, max_charge or max_discharge")
            }
            return ControlWrite(name: try w.required("name"), register: try register(r, writable: true), value: value)
        }
    }

    /// Two different values may not share registers (a typo in an address is the usual cause).
    static func checkOverlaps(_ p: DeviceProfile, _ top: PNode) throws {
        let regs = p.allRegisters
        for i in regs.indices {
            for j in regs.indices where j > i {
                let a = regs[i], b = regs[j]
                guard a.spec.fn == b.spec.fn, a.spec.address < b.spec.end, b.spec.address < a.spec.end else { continue }
                let same = a.spec.address == b.spec.address && a.spec.length == b.spec.length && a.spec.type == b.spec.type
                    && a.spec.wordOrder == b.spec.wordOrder
                if !same {
                    throw ProfileError(file: p.file, line: top.line, key: "",
                                       message: "'\(a.name)' (\(a.spec)) and '\(b.name)' (\(b.spec)) overlap")
                }
            }
        }
    }
}
