import Foundation
import KwartierCore

/// A kWh meter driven by its profile (`MeterDevice`). Currents come unsigned from most meters:
/// they take the sign of their phase's active power (negative = export on that line).
// unchecked: a libmodbus device, used only on its worker's thread.
public final class ProfileMeter: ProfileDevice, MeterDevice, @unchecked Sendable {
    public let spec: MeterSpec

    public override init(id: String, profile: DeviceProfile, channel: ModbusChannel) {
        self.spec = profile.meter!
        super.init(id: id, profile: profile, channel: channel)
    }

    var allSpecs: [RegisterSpec] {
        var s: [RegisterSpec] = []
        for v in (spec.voltages ?? []) + spec.currents + (spec.powers ?? []) { s += Self.specs(v) }
        return s + Self.specs(spec.power) + Self.specs(spec.importEnergy) + Self.specs(spec.exportEnergy)
    }

    public func readMeter() throws -> MeterMeasurement {
        try onWorker {
            let img = try self.readImage(self.allSpecs)
            return try self.measurement(from: img)
        }
    }

    func measurement(from img: RegisterImage) throws -> MeterMeasurement {
        func three(_ list: [ValueSpec]?) throws -> PhaseValues? {
            guard let list else { return nil }
            var v = [0.0, 0.0, 0.0]
            for (i, s) in list.enumerated() { v[i] = try number(s, img) ?? 0 }
            return PhaseValues(v[0], v[1], v[2])
        }
        var currents = try three(spec.currents) ?? .zero
        let powers = try three(spec.powers)
        if let p = powers {
            currents = PhaseValues(Self.signed(currents.l1, p.l1), Self.signed(currents.l2, p.l2), Self.signed(currents.l3, p.l3))
        }
        let total = try number(spec.power, img) ?? powers?.sum ?? 0
        return MeterMeasurement(currents: currents, voltages: try three(spec.voltages), powers: powers, powerW: total,
                                importKWh: try number(spec.importEnergy, img), exportKWh: try number(spec.exportEnergy, img))
    }

    static func signed(_ current: Double, _ power: Double) -> Double {
        power < 0 ? -abs(current) : abs(current)
    }

    public func probe() -> [ProbeLine] {
        var out: [ProbeLine?] = []
        for (i, v) in (spec.voltages ?? []).enumerated() { out.append(probeLine("voltage L\(i + 1)", v)) }
        for (i, v) in spec.currents.enumerated() { out.append(probeLine("current L\(i + 1)", v)) }
        for (i, v) in (spec.powers ?? []).enumerated() { out.append(probeLine("power L\(i + 1)", v)) }
        out += [probeLine("power", spec.power), probeLine("import energy", spec.importEnergy),
                probeLine("export energy", spec.exportEnergy)]
        return out.compactMap { $0 } + extrasProbe()
    }
}

/// A PV inverter / home battery driven by its profile (`InverterDevice`).
// unchecked: a libmodbus device, used only on its worker's thread.
public final class ProfileInverter: ProfileDevice, InverterDevice, @unchecked Sendable {
    public let spec: InverterSpec

    public override init(id: String, profile: DeviceProfile, channel: ModbusChannel) {
        self.spec = profile.inverter!
        super.init(id: id, profile: profile, channel: channel)
    }

    private var last: (at: Double, value: InverterMeasurement)?
    /// The battery's rated charge and discharge power (W), from `energy.battery`, for sequences
    /// that hand the inverter its full range back; nil: the hub manages no battery here.
    public var batteryRatedW: (charge: Double, discharge: Double)?

    /// Faster than the profile's `min_poll_s` (Huawei: 5 s) returns the last reading.
    public func readInverter() throws -> InverterMeasurement {
        try onWorker {
            if let l = self.last, let m = self.profile.timing.minPollS, Monotonic.now - l.at < m { return l.value }
            let s = Self.specs(self.spec.pvPower) + Self.specs(self.spec.gridPower) + Self.specs(self.spec.batteryPower)
                + Self.specs(self.spec.batterySoc)
            let img = try self.readImage(s)
            let m = InverterMeasurement(pvPowerW: try self.number(self.spec.pvPower, img) ?? 0,
                                        batteryPowerW: try self.number(self.spec.batteryPower, img),
                                        batterySoCPercent: try self.number(self.spec.batterySoc, img),
                                        gridPowerW: try self.number(self.spec.gridPower, img))
            self.last = (Monotonic.now, m)
            return m
        }
    }

    /// Writes the battery's state and the PV limit with the profile's sequences; a part the
    /// profile has no registers for is refused after the other part is written.
    public func control(_ s: InverterSetting) throws {
        try onWorker {
            var missing: [String] = []
            if s.batteryW == nil && self.batteryRatedW == nil {
                // The hub manages no battery behind this inverter: its mode is not touched.
            } else if let b = self.spec.batteryControl {
                let w = s.batteryW ?? 0
                let seq = s.batteryW == nil ? b.release : w > 0.5 ? b.charge : w < -0.5 ? b.discharge : (b.hold ?? b.charge)
                try self.write(seq, batteryW: w, limitW: 0)
            } else if s.batteryW != nil {
                missing.append("battery control")
            }
            if let l = self.spec.pvLimit {
                let seq = s.pvLimitW == nil ? l.release : l.limit
                try self.write(seq, batteryW: 0, limitW: l.limits == .export ? 0 : max(0, s.pvLimitW ?? 0))
            } else if s.pvLimitW != nil {
                missing.append("PV limit")
            }
            if !missing.isEmpty { throw DeviceError.unsupported("\(missing.joined(separator: " and ")) (no write registers in the \(self.profile.driver) profile)") }
        }
    }

    func write(_ seq: [ControlWrite], batteryW: Double, limitW: Double) throws {
        for w in seq {
            let v: Double
            switch w.value {
            case .fixed(let x): v = x
            case .power: v = abs(batteryW)
            case .setpoint: v = batteryW
            case .negatedSetpoint: v = -batteryW
            case .limit: v = limitW
            case .maxCharge, .maxDischarge:
                guard let r = batteryRatedW else {
                    throw DeviceError.unsupported("'\(w.name)' needs the battery's power: give `energy.battery` with this inverter")
                }
                v = w.value == .maxCharge ? r.charge : r.discharge
            }
            try channel.write(v.rounded(), to: w.register)
        }
    }

    public func probe() -> [ProbeLine] {
        [probeLine("pv power", spec.pvPower), probeLine("grid power", spec.gridPower),
         probeLine("battery power", spec.batteryPower), probeLine("battery soc", spec.batterySoc)].compactMap { $0 } + extrasProbe()
    }
}
