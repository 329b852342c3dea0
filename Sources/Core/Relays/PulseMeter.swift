import Foundation

/// What an S0 pulse meter knows between restarts (persisted by the runtime).
public struct PulseMeterState: Sendable, Equatable, Codable {
    /// Pulses counted over the meter's life in Kwartier; energy = pulses / pulses-per-kWh.
    public var totalPulses: UInt64 = 0
    /// Last raw counter value read from the device.
    public var lastCount: UInt64?
    public init(totalPulses: UInt64 = 0, lastCount: UInt64? = nil) { self.totalPulses = totalPulses; self.lastCount = lastCount }
}

/// One pulse meter reading.
public struct PulseReading: Sendable, Equatable {
    public var powerW: Double
    public var energyKWh: Double
    public var totalPulses: UInt64
    /// A remark for the log (counter reset…), nil when all is normal.
    public var note: String?
}

/// An S0 pulse meter (SPEC §1.3): energy from the pulse count, power from the pulse interval.
///
/// The counter is read (polled or edge-counted); when it moves by n pulses at time t, the power
/// is n pulses' energy over the time since the previous move. Between moves the power cannot be
/// more than one pulse over the time since the last move, so it decays by itself as 1/t when the
/// pulses stop, and is 0 after `zeroAfterS`. After a start or a restore, the first move only sets
/// the time reference (the moment of the earlier pulse is unknown).
public struct PulseMeter: Sendable, Equatable {
    public let pulsesPerKWh: Double
    public let zeroAfterS: Double
    /// A 16-bit counter wraps at 65536; nil = a decrease is a reset.
    public let counterModulus: UInt64?
    public private(set) var state: PulseMeterState
    /// When the counter last moved (or the reference was set), and the power measured then.
    public private(set) var lastMoveAt: Date?
    public private(set) var measuredW: Double = 0

    public init(pulsesPerKWh: Double, zeroAfterS: Double = 300, counterModulus: UInt64? = nil,
                state: PulseMeterState = PulseMeterState()) {
        self.pulsesPerKWh = max(pulsesPerKWh, 1e-9); self.zeroAfterS = zeroAfterS
        self.counterModulus = counterModulus; self.state = state
    }

    public init(config: PulseInputConfig, state: PulseMeterState = PulseMeterState()) {
        self.init(pulsesPerKWh: config.pulsesPerKWh, zeroAfterS: config.zeroAfterS,
                  counterModulus: config.counterWords == 1 ? 65536 : nil, state: state)
    }

    /// Energy of one pulse times 3600 s/h: power (W) = this / seconds between pulses.
    var wattSecondsPerPulse: Double { 3_600_000 / pulsesPerKWh }
    public var energyKWh: Double { Double(state.totalPulses) / pulsesPerKWh }

    /// Takes a counter value read at `now`.
    public mutating func update(count: UInt64, at now: Date) -> PulseReading {
        var note: String?
        guard let last = state.lastCount else {
            state.lastCount = count; lastMoveAt = now; measuredW = 0
            return reading(at: now)
        }
        var delta: UInt64 = 0
        if count >= last {
            delta = count - last
        } else if let m = counterModulus, last < m, count < m, (count + m - last) < m / 2 {
            delta = count + m - last   // the 16-bit counter wrapped
        } else {
            note = "pulse counter went back from \(last) to \(count) (device reset?): counting on from \(count)"
            state.lastCount = count; lastMoveAt = now; measuredW = 0
            return withNote(reading(at: now), note)
        }
        state.lastCount = count
        guard delta > 0 else { return reading(at: now) }
        state.totalPulses &+= delta
        if let t0 = lastMoveAt, now > t0 {
            measuredW = Double(delta) * wattSecondsPerPulse / now.timeIntervalSince(t0)
        } else {
            measuredW = 0
        }
        lastMoveAt = now
        return reading(at: now)
    }

    /// The reading at `now` without a new count: the power decays while no pulse comes.
    public func reading(at now: Date) -> PulseReading {
        PulseReading(powerW: powerW(at: now), energyKWh: energyKWh, totalPulses: state.totalPulses, note: nil)
    }

    public func powerW(at now: Date) -> Double {
        guard let t0 = lastMoveAt else { return 0 }
        let since = now.timeIntervalSince(t0)
        if since >= zeroAfterS { return 0 }
        if since <= 0 { return measuredW }
        return min(measuredW, wattSecondsPerPulse / since)
    }

    func withNote(_ r: PulseReading, _ note: String?) -> PulseReading { var r = r; r.note = note; return r }
}
