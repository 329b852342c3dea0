import KwartierCore

/// A device profile: what a brand's registers mean, as data (Sources/IO/Profiles/*.yaml).
/// Parsed by `ProfileParser`, listed by `ProfileLibrary`, driven by `ProfileChargePoint`,
/// `ProfileMeter` and `ProfileInverter`. Encodable so `kwartier device show --json` can hand the
/// very same map to the simulated peers.
public struct DeviceProfile: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case chargepoint, meter, inverter }
    public enum Link: String, Sendable, Codable, CaseIterable { case tcp, rtu }

    public var driver: String
    public var aliases: [String] = []
    public var kind: Kind
    public var name: String
    public var vendor: String
    public var models: [String] = []
    public var transports: [Link]
    public var tcp: TCPDefaults?
    public var rtu: RTUDefaults?
    /// Every register was checked against a public document or a working open-source driver.
    public var verified: Bool
    public var sources: [String] = []
    public var notes: String?
    /// What an installer must switch on before the hub can talk to it.
    public var setup: [String] = []
    /// Extra words for a Modbus exception: key "illegal-data-address" or "illegal-data-address@1210".
    public var hints: [String: String] = [:]
    public var timing: TimingSpec = TimingSpec()
    public var chargepoint: ChargePointSpec?
    public var meter: MeterSpec?
    public var inverter: InverterSpec?
    /// More values `kwartier device probe` shows (voltages, limits, counters …).
    public var extras: [NamedValue] = []
    /// The file it came from (for messages).
    public var file: String = ""

    /// Every register the profile names, with what it is, for listings, overlap checks and peers.
    public var allRegisters: [(name: String, spec: RegisterSpec)] {
        var out: [(String, RegisterSpec)] = []
        func add(_ n: String, _ v: ValueSpec?) {
            guard let v else { return }
            for (i, t) in v.terms.enumerated() { out.append((v.terms.count > 1 ? "\(n)[\(i)]" : n, t)) }
            if let c = v.negateIf { out.append(("\(n).negate_if", c)) }
        }
        if let c = chargepoint {
            out.append(("state", c.state.register))
            for (i, v) in c.currents.enumerated() { add("current L\(i + 1)", v) }
            add("power", c.power); add("energy", c.energy); add("session energy", c.sessionEnergy)
            add("applied current", c.appliedCurrent); add("active phases", c.activePhases)
            for (i, r) in c.setpoint.registers.enumerated() { out.append((c.setpoint.registers.count > 1 ? "setpoint[\(i)]" : "setpoint", r)) }
            if let e = c.enable { out.append(("enable", e.register)) }
            if let p = c.phases { out.append(("phases", p.register)) }
            if let s = c.safeCurrent { out.append(("safe current", s.register)) }
            if let r = c.safeCurrent?.readBack { out.append(("safe current read back", r)) }
            if let h = c.heartbeat { out.append(("heartbeat", h.register)) }
        }
        if let m = meter {
            for (i, v) in (m.voltages ?? []).enumerated() { add("voltage L\(i + 1)", v) }
            for (i, v) in m.currents.enumerated() { add("current L\(i + 1)", v) }
            for (i, v) in (m.powers ?? []).enumerated() { add("power L\(i + 1)", v) }
            add("power", m.power); add("import energy", m.importEnergy); add("export energy", m.exportEnergy)
        }
        if let inv = inverter {
            add("pv power", inv.pvPower); add("grid power", inv.gridPower)
            add("battery power", inv.batteryPower); add("battery soc", inv.batterySoc)
            let b = inv.batteryControl, l = inv.pvLimit
            var named = Set<String>()
            for w in (b?.charge ?? []) + (b?.discharge ?? []) + (b?.hold ?? []) + (b?.release ?? []) + (l?.limit ?? []) + (l?.release ?? [])
            where named.insert(w.name).inserted {
                out.append((w.name, w.register))
            }
        }
        for e in extras { add(e.name, e.value) }
        return out
    }

    /// Capability words for listings: "state currents power energy setpoint(A) watchdog enable 1p/3p safe-current".
    public var capabilityNames: [String] {
        var out: [String] = []
        if let c = chargepoint {
            out.append("state"); out.append("currents")
            if c.power != nil { out.append("power") }
            if c.energy != nil { out.append("energy") }
            out.append("setpoint(\(c.setpoint.unit.rawValue))")
            if c.setpoint.watchdogS != nil || c.heartbeat != nil { out.append("watchdog") }
            if c.enable != nil { out.append("enable") }
            if c.phases != nil { out.append("1p/3p") }
            if let s = c.safeCurrent { out.append(s.register.writable ? "safe-current(w)" : "safe-current") }
        }
        if let m = meter {
            if m.voltages != nil { out.append("V") }
            out.append("A")
            if m.powers != nil || m.power != nil { out.append("W") }
            if m.importEnergy != nil { out.append("import-kWh") }
            if m.exportEnergy != nil { out.append("export-kWh") }
        }
        if let i = inverter {
            out.append("pv")
            if i.gridPower != nil { out.append("grid") }
            if i.batteryPower != nil { out.append("battery") }
            if i.batterySoc != nil { out.append("soc") }
            if i.batteryControl != nil { out.append("battery-control") }
            if let l = i.pvLimit { out.append(l.limits == .export ? "export-limit" : "pv-limit") }
        }
        return out
    }

    /// "Alfen Eve Single / Double (socket mode)"-style label plus the endpoint, for errors.
    public var shortName: String { vendor.isEmpty ? name : vendor }
}

public struct TCPDefaults: Sendable, Equatable, Codable {
    public var port: Int = 502
    public var unit: Int = 1
    public init(port: Int = 502, unit: Int = 1) { self.port = port; self.unit = unit }
}

public struct RTUDefaults: Sendable, Equatable, Codable {
    public var baud: Int = 9600
    public var parity: Parity = .none
    public var dataBits: Int = 8
    public var stopBits: Int = 1
    public var address: Int = 1
    public init() {}
    public var serial: SerialSettings { SerialSettings(baud: baud, parity: parity, dataBits: dataBits, stopBits: stopBits) }
}

/// Per-device timing the transport honours.
public struct TimingSpec: Sendable, Equatable, Codable {
    /// Response timeout for one transaction (s).
    public var responseTimeoutS: Double?
    public var connectTimeoutS: Double?
    /// Pause after a TCP connect before the first request (Huawei SDongle).
    public var connectDelayS: Double?
    /// The device drops a TCP connection idle this long: the worker reads something before (s).
    public var keepAliveS: Double?
    /// Largest contiguous block read in one request (registers); 1 = one value per request.
    public var maxBlock: Int = 60
    /// Write single registers with FC16 too (controllers that only accept FC16).
    public var fc16Only: Bool = false
    /// The device must not be polled more often than this (s); faster calls get the last reading.
    public var minPollS: Double?
    public init() {}
}

/// A value: one register, or the sum of several (SMA grid = import − export), optionally negated
/// while a flag register reads non-zero (Sungrow battery direction).
public struct ValueSpec: Sendable, Equatable, Encodable {
    public var terms: [RegisterSpec]
    public var negateIf: RegisterSpec?
    public var unit: String?
    public init(_ r: RegisterSpec) { terms = [r]; unit = r.unit }
    public init(sum: [RegisterSpec], negateIf: RegisterSpec? = nil, unit: String? = nil) {
        terms = sum; self.negateIf = negateIf; self.unit = unit ?? sum.first?.unit
    }
}

public struct NamedValue: Sendable, Equatable, Encodable {
    public var name: String
    public var value: ValueSpec
    /// Only some firmware has it (`optional: true`): a device that answers "illegal data
    /// address" lacks it, which the probe shows as "not on this firmware", not as a failure.
    public var optional: Bool = false
}

public struct StateSpec: Sendable, Equatable, Encodable {
    public var register: RegisterSpec
    /// Raw value (number or text as written in the profile) → state.
    public var values: [String: ChargeState]
    /// Unlisted text values fall back on their first letter as IEC 61851 (A no car, B connected,
    /// C/D charging, E/F error).
    public var iecLetters: Bool
    /// A value not listed and not an IEC letter: this state (default error).
    public var otherwise: ChargeState?
    /// `connected` reads as `charging` while a current reaches this (A), for registers that only
    /// say whether the hub may drive the point (Alfen SCN).
    public var chargingAboveA: Double?
}

public struct SetpointSpec: Sendable, Equatable, Encodable {
    public enum Unit: String, Sendable, Codable { case A, W }
    public enum Pause: String, Sendable, Codable {
        /// 0 A is written to the setpoint register.
        case zero
        /// The enable register is switched off (the setpoint keeps its last value).
        case disable
    }
    public enum WatchdogReset: String, Sendable, Codable { case write, traffic, heartbeat }
    /// One register, or one per phase (Alfen SCN), all written with the same value.
    public var registers: [RegisterSpec]
    public var unit: Unit
    /// Below this (but above 0) the charger refuses or pauses: the hub writes 0 instead.
    public var minA: Double?
    public var maxA: Double?
    public var pause: Pause
    /// The charger falls back to its safe current after this long without a refresh (s).
    public var watchdogS: Double?
    /// How often the hub rewrites the setpoint even when unchanged (s).
    public var refreshS: Double?
    /// What resets the charger's watchdog.
    public var watchdogReset: WatchdogReset
}

public struct SwitchSpec: Sendable, Equatable, Encodable {
    public var register: RegisterSpec
    public var on: Double
    public var off: Double
}

public struct PhaseSwitchSpec: Sendable, Equatable, Encodable {
    public var register: RegisterSpec
    public var one: Double
    public var three: Double
    /// The charger only accepts a switch while charging is disabled (AMTRON Compact).
    public var whileDisabled: Bool
}

/// The charger's own fallback current (what it applies when it loses the hub). `readBack` is a
/// separate register to read it from, where the written one cannot be read (ABB Terra AC).
public struct SafeCurrentSpec: Sendable, Equatable, Encodable {
    public var register: RegisterSpec
    public var readBack: RegisterSpec?
    /// Only some firmware has it (`optional: true`): the probe shows "not on this firmware".
    public var optional: Bool = false

    /// What the hub can do with it: write and read back, write blind, or only read.
    public var access: SafeCurrentAccess {
        if !register.writable { return .readOnly }
        return readBack != nil || !register.writeOnly ? .writable : .writeOnly
    }

    /// The register the value is read from, nil when it cannot be read.
    public var readRegister: RegisterSpec? { readBack ?? (register.writeOnly ? nil : register) }
}

public struct HeartbeatSpec: Sendable, Equatable, Encodable {
    public var register: RegisterSpec
    public var value: Double
    public var intervalS: Double
}

public struct ChargePointSpec: Sendable, Equatable, Encodable {
    public var state: StateSpec
    /// Terminal 1..3 currents (A). A 1-phase charger lists one.
    public var currents: [ValueSpec]
    public var power: ValueSpec?
    public var energy: ValueSpec?
    public var sessionEnergy: ValueSpec?
    public var appliedCurrent: ValueSpec?
    /// Phases the charger is switched to, read back (1 or 3).
    public var activePhases: ValueSpec?
    public var activePhasesMap: [String: Int]?
    public var setpoint: SetpointSpec
    public var enable: SwitchSpec?
    public var phases: PhaseSwitchSpec?
    public var safeCurrent: SafeCurrentSpec?
    public var heartbeat: HeartbeatSpec?
}

public struct MeterSpec: Sendable, Equatable, Encodable {
    public var voltages: [ValueSpec]?
    public var currents: [ValueSpec]
    public var powers: [ValueSpec]?
    /// Total active power, + import. When absent, the sum of `powers`.
    public var power: ValueSpec?
    public var importEnergy: ValueSpec?
    public var exportEnergy: ValueSpec?
}

public struct InverterSpec: Sendable, Equatable, Encodable {
    public var pvPower: ValueSpec
    /// + import from the grid.
    public var gridPower: ValueSpec?
    /// + charging.
    public var batteryPower: ValueSpec?
    public var batterySoc: ValueSpec?
    /// How the hub sets the battery's power, where the inverter lets it.
    public var batteryControl: BatteryControlSpec?
    /// How the hub limits the PV (curtailment), where the inverter lets it.
    public var pvLimit: PVLimitSpec?
}

/// One register write of a control sequence: a fixed value (a mode, a command word) or a value
/// the hub works out.
public struct ControlWrite: Sendable, Equatable, Encodable {
    public enum Value: Sendable, Equatable, Encodable {
        case fixed(Double)
        /// The battery's power as a magnitude (W).
        case power
        /// The battery's power, + charging (W).
        case setpoint
        /// The battery's power, + discharging (W).
        case negatedSetpoint
        /// The PV limit (W): what the site can use, or 0 for an export limit.
        case limit
        /// The battery's rated charge / discharge power (`energy.battery`), to give an
        /// inverter's own mode its full range back.
        case maxCharge, maxDischarge

        static let words: [String: Value] = ["power": .power, "setpoint": .setpoint, "-setpoint": .negatedSetpoint, "limit": .limit,
                                             "max_charge": .maxCharge, "max_discharge": .maxDischarge]
        public func encode(to e: Encoder) throws {
            var c = e.singleValueContainer()
            if case .fixed(let v) = self { try c.encode(v) } else { try c.encode(Self.words.first { $0.value == self }!.key) }
        }
    }
    public var name: String
    public var register: RegisterSpec
    public var value: Value
}

/// The writes that put the battery in each state, in order (a mode register, then the power).
public struct BatteryControlSpec: Sendable, Equatable, Encodable {
    public var charge: [ControlWrite]
    public var discharge: [ControlWrite]
    /// Neither charge nor discharge; absent = `charge` at 0 W.
    public var hold: [ControlWrite]?
    /// Back to the inverter's own mode (self-consumption).
    public var release: [ControlWrite]
}

/// The writes that limit the PV and lift the limit again.
public struct PVLimitSpec: Sendable, Equatable, Encodable {
    public enum Limits: String, Sendable, Codable {
        /// The register limits what goes to the grid: written 0 while curtailing (the inverter
        /// follows the site's own use itself).
        case export
        /// The register limits what the inverter produces: written with what the site can use.
        case production
    }
    public var limits: Limits
    public var limit: [ControlWrite]
    public var release: [ControlWrite]
}
