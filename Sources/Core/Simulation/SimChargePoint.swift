import Foundation

/// A simulated charger with its car: answers the same protocol as a real driver.
/// It follows the setpoint after a ramp, falls back to its safe current when the hub stops
/// writing for longer than its watchdog, and charges the car's battery.
public final class SimChargePoint: ChargePointDevice {
    public let config: ChargePointConfig
    public let capabilities: ChargePointCapabilities
    public private(set) var car: SimCar?
    /// Setpoint written by the hub (A) and when.
    public private(set) var setpointA: Double
    private var lastWrite: Date?
    /// Actual per-phase current the car draws (A, same on each of its phases).
    public private(set) var drawA: Double = 0
    public private(set) var sessionKWh: Double = 0
    public private(set) var totalKWh: Double = 0
    public private(set) var activePhases: Int = 3
    /// Seconds to reach a higher setpoint; decreases take `rampDownS`.
    public var rampUpS: Double = 3
    public var rampDownS: Double = 1
    public var reachable = true
    public private(set) var now: Date
    public private(set) var finishedCars: [SimCar] = []
    public private(set) var starts = 0
    public private(set) var stops = 0
    private var wasCharging = false

    public init(config: ChargePointConfig, watchdogS: Double = 60, start: Date) {
        self.config = config
        self.capabilities = ChargePointCapabilities(watchdogS: watchdogS, phaseSwitching: config.phaseSwitching)
        self.setpointA = config.safeA
        self.now = start
        self.activePhases = config.phases.chargerPhases
    }

    public func plugIn(_ c: SimCar) { car = c; sessionKWh = 0; wasCharging = false }
    public func unplug() {
        if let c = car { finishedCars.append(c) }
        car = nil; drawA = 0
    }

    /// Phases the car actually draws on through this charger.
    public var carPhases: Int {
        guard let c = car else { return 0 }
        return min(c.phases, activePhases, config.phases.lineToLine ? 1 : config.phases.terminals.count)
    }

    public var effectiveSetpoint: Double {
        if let w = lastWrite, let wd = capabilities.watchdogS, now.timeIntervalSince(w) > wd { return config.safeA }
        if lastWrite == nil { return config.safeA }
        return setpointA
    }

    /// Advances the charger and its car by `dt` seconds.
    public func advance(to t: Date) {
        let dt = t.timeIntervalSince(now)
        now = t
        guard dt > 0 else { return }
        guard var c = car else { drawA = 0; return }
        var target = min(effectiveSetpoint, c.acceptA, config.maxA)
        if target < c.minA { target = 0 }
        if target > drawA { drawA = min(target, drawA + dt * max(c.maxA, 1) / rampUpS) }
        else { drawA = max(target, drawA - dt * max(c.maxA, 1) / rampDownS) }
        let charging = drawA > 0.1
        if charging && !wasCharging { starts += 1; c.starts += 1 }
        if !charging && wasCharging && !c.isFull { stops += 1; c.stops += 1 }
        wasCharging = charging
        let kw = drawA * Double(carPhases) * 230 / 1000
        let kwh = kw * dt / 3600
        c.deliveredKWh += kwh
        c.socPercent = min(100, c.socPercent + kwh / c.batteryKWh * 100)
        sessionKWh += kwh
        totalKWh += kwh
        car = c
    }

    /// Grid-line currents this point draws now.
    public var gridCurrents: PhaseValues { config.phases.gridCurrents(amps: drawA, carPhases: carPhases) }
    public var powerW: Double { drawA * Double(carPhases) * 230 }

    // MARK: ChargePointDevice

    public func readStatus() throws -> ChargePointStatus {
        guard reachable else { throw DeviceError.timeout("\(config.id) does not answer") }
        let state: ChargeState = car == nil ? .noCar : (drawA > 0.1 ? .charging : .connected)
        var terminals = PhaseValues.zero
        for i in 0..<carPhases { terminals[Phase(rawValue: i)!] = drawA }
        return ChargePointStatus(state: state, currents: terminals, powerW: powerW, energyKWh: totalKWh,
                                 sessionKWh: sessionKWh, appliedSetpointA: effectiveSetpoint, activePhases: activePhases)
    }

    public func writeCurrent(_ amps: Double) throws {
        guard reachable else { throw DeviceError.timeout("\(config.id) does not answer") }
        setpointA = amps
        lastWrite = now
    }

    public func switchPhases(_ phases: Int) throws {
        guard capabilities.phaseSwitching else { throw DeviceError.unsupported("1p/3p switching") }
        activePhases = phases == 1 ? 1 : 3
    }
}
