import Foundation
import KwartierCore

/// A charge point driven by its profile (`ChargePointDevice` for the control core).
///
/// The setpoint is rewritten only when the control core says so (it knows `refresh_s` from the
/// capabilities): one owner for the charger's watchdog. Where the profile has a separate
/// heartbeat register, `readStatus` and `writeCurrent` send it when due; they only do so when
/// called, so if the control loop stops, the charger falls back to its own safe current.
// unchecked: a libmodbus device, used only on its worker's thread.
public final class ProfileChargePoint: ProfileDevice, ChargePointDevice, @unchecked Sendable {
    public let spec: ChargePointSpec
    /// Volts per phase, to turn amperes into watts for a setpoint in W.
    public var voltage: Double = 230

    // Worker thread only.
    private var lastHeartbeatAt: Double?
    private var enabled: Bool?
    private var knownPhases: Int?

    /// The status read's requests (through registers the profile knows: fewer requests per
    /// round on a shared bus), made once.
    let statusPlan: StatusReadPlan
    /// The last status words: the counters between their reads (worker thread only).
    private var statusImage = RegisterImage()
    private var countersReadAt: Double?
    /// Energy counters that need requests of their own are read at most this often (s), and at
    /// once when the state changes (a session's first and last register exact), or after a
    /// failed read (a restarted charger). The values the control needs are read every time.
    static let countersEveryS = 5.0

    public override init(id: String, profile: DeviceProfile, channel: ModbusChannel) {
        self.spec = profile.chargepoint!
        self.statusPlan = Self.statusPlan(profile)
        super.init(id: id, profile: profile, channel: channel)
    }

    /// Every round: state, currents, power, applied current, active phases. Now and then:
    /// the energy counters (when they cost requests of their own).
    static func statusPlan(_ p: DeviceProfile) -> StatusReadPlan {
        let c = p.chargepoint!
        var round = [c.state.register]
        for v in c.currents { round += specs(v) }
        round += specs(c.power) + specs(c.appliedCurrent) + specs(c.activePhases)
        return StatusReadPlan(round: round, counters: specs(c.energy) + specs(c.sessionEnergy),
                              maxBlock: p.timing.maxBlock, bridge: knownReadable(p))
    }

    public var capabilities: ChargePointCapabilities {
        ChargePointCapabilities(setpointInWatts: spec.setpoint.unit == .W,
                                watchdogS: spec.setpoint.watchdogS, refreshS: spec.setpoint.refreshS,
                                phaseSwitching: spec.phases != nil,
                                enableDisable: spec.enable != nil, safeCurrent: spec.safeCurrent?.access)
    }

    public func readStatus() throws -> ChargePointStatus {
        try onWorker {
            try self.heartbeatIfDue()
            do {
                try self.readStatusImage(now: Monotonic.now)
            } catch {
                self.countersReadAt = nil
                throw error
            }
            return try self.status(from: self.statusImage)
        }
    }

    /// The round's requests, with the counters when due or when the state changed.
    private func readStatusImage(now: Double) throws {
        let plan = statusPlan
        guard plan.countersApart else { return try read(plan.every, into: &statusImage) }
        if countersReadAt.map({ now - $0 >= Self.countersEveryS }) ?? true {
            try read(plan.every, into: &statusImage)
            countersReadAt = now
            return
        }
        let state = statusImage.words(for: spec.state.register)
        try read(plan.round, into: &statusImage)
        if statusImage.words(for: spec.state.register) != state {
            try read(plan.counters, into: &statusImage)
            countersReadAt = now
        }
    }

    func status(from img: RegisterImage) throws -> ChargePointStatus {
        let raw = try value(spec.state.register, img)
        var cur = [0.0, 0.0, 0.0]
        for (i, c) in spec.currents.enumerated() { cur[i] = try number(c, img) ?? 0 }
        var phases: Int?
        if let a = spec.activePhases, let n = try number(a, img) {
            if let m = spec.activePhasesMap { phases = m[TextFormat.plain(n)] } else if n == 1 || n == 3 { phases = Int(n) }
        }
        knownPhases = phases ?? knownPhases
        var state = Self.mapState(raw, spec.state)
        if state == .connected, let t = spec.state.chargingAboveA, cur.max() ?? 0 >= t { state = .charging }
        return ChargePointStatus(state: state, currents: PhaseValues(cur[0], cur[1], cur[2]),
                                 powerW: try number(spec.power, img), energyKWh: try number(spec.energy, img),
                                 sessionKWh: try number(spec.sessionEnergy, img),
                                 appliedSetpointA: try number(spec.appliedCurrent, img), activePhases: phases,
                                 errorText: state == .error ? "the charger reports state \(raw)" : nil)
    }

    /// Raw state → state: exact value first, then the IEC 61851 letter, then `otherwise` (error).
    public static func mapState(_ raw: RegisterValue, _ s: StateSpec) -> ChargeState {
        guard let text = raw.text else { return s.otherwise ?? .error }
        if let st = s.values[text] { return st }
        if s.iecLetters, let first = text.uppercased().first {
            switch first {
            case "A": return .noCar
            case "B": return .connected
            case "C", "D": return .charging
            case "E", "F": return .error
            default: break
            }
        }
        return s.otherwise ?? .error
    }

    public func writeCurrent(_ amps: Double) throws {
        try onWorker { try self.applyCurrent(amps) }
    }

    /// The value actually written for a request of `amps` (clamped; below the minimum = pause).
    public func effectiveSetpoint(_ amps: Double) -> Double {
        var a = max(0, amps.isFinite ? amps : 0)
        if let mx = spec.setpoint.maxA { a = min(a, mx) }
        // A limit never rounds up: 10.5 A to a register in whole amperes is 10 A, not 11 A
        // (rounding up would take the charger past the share the fuse left it).
        let r = spec.setpoint.registers[0]
        if spec.setpoint.unit == .A, r.type.isInteger, r.scale > 0 { a = (a / r.scale + 1e-9).rounded(.down) * r.scale }
        if a > 0, let mn = spec.setpoint.minA, a < mn { a = 0 }
        return a
    }

    private func applyCurrent(_ amps: Double) throws {
        let a = effectiveSetpoint(amps)
        if a == 0 && spec.setpoint.pause == .disable, let e = spec.enable {
            try channel.write(e.off, to: e.register)
            enabled = false
        } else {
            if a > 0, let e = spec.enable, enabled != true {
                try channel.write(e.on, to: e.register)
                enabled = true
            }
            let v = spec.setpoint.unit == .A ? a : a * voltage * Double(knownPhases ?? 3)
            try writeSetpointRegisters(v)
        }
        try heartbeatIfDue()
    }

    /// All setpoint registers; per-phase registers side by side go in one request.
    private func writeSetpointRegisters(_ v: Double) throws {
        let regs = spec.setpoint.registers
        let contiguous = regs.count > 1 && zip(regs, regs.dropFirst()).allSatisfy { $0.end == $1.address && $0.type == $1.type }
        if contiguous && regs[0].fn == .holding {
            var words: [UInt16] = []
            do { for r in regs { words += try RegisterCodec.encode(v, as: r) } } catch {
                throw channel.failure(.invalid, "write setpoint", regs[0].address, detail: "\(error)")
            }
            try channel.writeRegisters(address: regs[0].address, values: words, multiple: true)
        } else {
            for r in regs { try channel.write(v, to: r) }
        }
    }

    private func heartbeatIfDue() throws {
        guard let h = spec.heartbeat else { return }
        let now = Monotonic.now
        if let at = lastHeartbeatAt, now - at < h.intervalS { return }
        try channel.write(h.value, to: h.register)
        lastHeartbeatAt = now
    }

    public func switchPhases(_ phases: Int) throws {
        guard let p = spec.phases else { throw DeviceError.unsupported("1p/3p switching (\(profile.name))") }
        guard phases == 1 || phases == 3 else { throw DeviceError.unsupported("\(phases) phases (1 or 3)") }
        try onWorker {
            let value = phases == 1 ? p.one : p.three
            if p.whileDisabled, let e = self.spec.enable {
                let wasEnabled = self.enabled != false
                try self.channel.write(e.off, to: e.register)
                try self.channel.write(value, to: p.register)
                if wasEnabled { try self.channel.write(e.on, to: e.register) }
                self.enabled = wasEnabled
            } else {
                try self.channel.write(value, to: p.register)
            }
            self.knownPhases = phases
        }
    }

    public func writeSafeCurrent(_ amps: Double) throws {
        guard let s = spec.safeCurrent else { throw DeviceError.unsupported("safe current (\(profile.name) has no such register)") }
        guard s.register.writable else {
            throw DeviceError.unsupported("writing the safe current (\(profile.name): set it on the charger itself)")
        }
        try onWorker { try self.channel.write(amps, to: s.register) }
    }

    public func readSafeCurrent() throws -> Double? {
        guard let s = spec.safeCurrent else { throw DeviceError.unsupported("safe current (\(profile.name) has no such register)") }
        guard let r = s.readRegister else { return nil }
        return try onWorker { try self.channel.read(r).number }
    }

    /// A cheap read that keeps an idle TCP connection open.
    public func keepAlive() throws {
        _ = try onWorker { try self.channel.read(self.spec.state.register) }
    }

    /// Every capability, each read on its own so one failing register does not hide the others.
    public func probe() -> [ProbeLine] {
        var out: [ProbeLine] = []
        let st = spec.state.register
        do {
            let raw = try onWorker { try self.channel.read(st) }
            // The state as the control core sees it (it may also depend on the currents).
            let state = (try? readStatus().state) ?? Self.mapState(raw, spec.state)
            out.append(ProbeLine(name: "state", value: "\(state.rawValue) (raw \(raw))", unit: nil,
                                 error: nil, register: st.description))
        } catch {
            out.append(ProbeLine(name: "state", value: nil, unit: nil, error: "\(error)", register: st.description))
        }
        for (i, c) in spec.currents.enumerated() { out += [probeLine("current L\(i + 1)", c)].compactMap { $0 } }
        out += [probeLine("power", spec.power), probeLine("energy", spec.energy), probeLine("session energy", spec.sessionEnergy),
                probeLine("applied current", spec.appliedCurrent), probeLine("active phases", spec.activePhases)].compactMap { $0 }
        for (i, r) in spec.setpoint.registers.enumerated() {
            out += [probeLine(spec.setpoint.registers.count > 1 ? "setpoint L\(i + 1)" : "setpoint", ValueSpec(r))].compactMap { $0 }
        }
        if let e = spec.enable { out += [probeLine("enabled", ValueSpec(e.register))].compactMap { $0 } }
        if let p = spec.phases { out += [probeLine("phase mode", ValueSpec(p.register))].compactMap { $0 } }
        if let s = spec.safeCurrent, let r = s.readRegister {
            out += [probeLine("safe current", ValueSpec(r), optional: s.optional)].compactMap { $0 }
        }
        return out + extrasProbe()
    }
}
