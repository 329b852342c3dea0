import Foundation
import KwartierCore

/// A relay output that only remembers what it was told (demo, tests).
public final class SimulatedRelayOutput: RelayOutputDevice {
    private let lock = NSLock()
    private var _on: Bool?
    private var _writes: [Bool] = []
    /// When set, `set` throws this (to show failure handling).
    public var failure: DeviceError?
    public init() {}
    /// nil until the first write.
    public var isOn: Bool? { lock.lock(); defer { lock.unlock() }; return _on }
    public var writes: [Bool] { lock.lock(); defer { lock.unlock() }; return _writes }
    public func set(_ on: Bool) throws {
        if let f = failure { throw f }
        lock.lock(); _on = on; _writes.append(on); lock.unlock()
    }
}

/// A pulse counter fed by a simulated power: counts the pulses the power would give over time.
public final class SimulatedPulseCounter: PulseCounterDevice {
    private let lock = NSLock()
    private let clock: () -> Date
    public let pulsesPerKWh: Double
    private var powerW: Double = 0
    private var since: Date
    private var energyWs: Double = 0
    public init(pulsesPerKWh: Double, clock: @escaping () -> Date = Date.init) {
        self.pulsesPerKWh = pulsesPerKWh; self.clock = clock; since = clock()
    }
    /// Sets the power the simulated meter sees from now on (W).
    public func setPower(_ w: Double) {
        lock.lock(); defer { lock.unlock() }
        accumulateLocked(); powerW = max(0, w)
    }
    public func readCount() throws -> UInt64 {
        lock.lock(); defer { lock.unlock() }
        accumulateLocked()
        return UInt64((energyWs / 3_600_000 * pulsesPerKWh).rounded(.down))
    }
    private func accumulateLocked() {
        let now = clock()
        energyWs += powerW * max(0, now.timeIntervalSince(since))
        since = now
    }
}
