import Foundation

/// A simulated charger with its car: answers the same protocol as a real driver.
/// It applies a new setpoint after a delay (a charger processes a write for a few seconds), the
/// car then follows it with a ramp; it falls back to its safe current when the hub stops writing
/// for longer than its watchdog, and charges the car's battery.
public final class SimChargePoint: ChargePointDevice {
    public let config: ChargePointConfig
    public let capabilities: ChargePointCapabilities

    /// Everything that changes, in one value behind a pointer: a backtest touches every point
    /// every second, and each access to a class's stored property costs a runtime exclusivity
    /// check (more than the physics itself). A point is driven by one thread, as before.
    struct Live {
        var car: SimCar?
        var setpointA: Double
        /// Written setpoints not applied yet, oldest first, each with when it will be (a few at
        /// most: room for them is reserved once).
        var pending: [(amps: Double, at: Date)] = []
        var lastWrite: Date?
        var drawA: Double = 0
        var sessionKWh: Double = 0
        var totalKWh: Double = 0
        var activePhases: Int
        var rampUpS: Double = 3
        var rampDownS: Double = 1
        var applyDelayS: Double = SimChargePoint.defaultApplyDelayS
        var reachable = true
        var now: Date
        var starts = 0
        var stops = 0
        var wasCharging = false
        /// What the point draws from the grid now (kept with the state it follows from).
        var gridCurrents: PhaseValues = .zero
        var powerW: Double = 0
    }
    private let live: UnsafeMutablePointer<Live>
    public private(set) var finishedCars: [SimCar] = []
    private let phases: PhaseMap
    private let maxWiredPhases: Int
    private let safeA: Double
    private let maxA: Double
    private let watchdogS: Double?
    /// Watts per ampere for 1, 2, 3 phases (index 0 = none), from the site's `PowerModel`.
    private let wattsPerAmp: [Double]

    public init(config: ChargePointConfig, watchdogS: Double = 60, start: Date,
                power: PowerModel = PowerModel(network: .TN, voltage: 230)) {
        self.config = config
        let l2l = config.phases.lineToLine
        wattsPerAmp = (0...3).map { power.wattsPerAmp(phases: $0, lineToLine: l2l) }
        self.capabilities = ChargePointCapabilities(watchdogS: watchdogS, phaseSwitching: config.phaseSwitching)
        phases = config.phases
        maxWiredPhases = config.phases.lineToLine ? 1 : config.phases.terminals.count
        safeA = config.safeA
        maxA = config.maxA
        self.watchdogS = watchdogS
        live = .allocate(capacity: 1)
        live.initialize(to: Live(setpointA: config.safeA, activePhases: config.phases.chargerPhases, now: start))
        live.pointee.pending.reserveCapacity(8)
    }

    deinit {
        live.deinitialize(count: 1)
        live.deallocate()
    }

    public var car: SimCar? { live.pointee.car }
    /// When the plugged-in car leaves (nil = no car).
    public var carDeparture: Date? { live.pointee.car?.departure }
    /// Setpoint in force (A): the hub's last write once the charger has applied it.
    public var setpointA: Double { live.pointee.setpointA }
    /// Actual per-phase current the car draws (A, same on each of its phases).
    public var drawA: Double { live.pointee.drawA }
    public var sessionKWh: Double { live.pointee.sessionKWh }
    public var totalKWh: Double { live.pointee.totalKWh }
    public var activePhases: Int { live.pointee.activePhases }
    /// Seconds to reach a higher setpoint; decreases take `rampDownS`.
    public var rampUpS: Double { get { live.pointee.rampUpS } set { live.pointee.rampUpS = newValue } }
    public var rampDownS: Double { get { live.pointee.rampDownS } set { live.pointee.rampDownS = newValue } }
    /// A charger processes a write for a few seconds before it applies it.
    public static let defaultApplyDelayS: Double = 2
    /// Seconds from a write to the charger applying it.
    public var applyDelayS: Double { get { live.pointee.applyDelayS } set { live.pointee.applyDelayS = newValue } }
    public var reachable: Bool { get { live.pointee.reachable } set { live.pointee.reachable = newValue } }
    public var now: Date { live.pointee.now }
    public var starts: Int { live.pointee.starts }
    public var stops: Int { live.pointee.stops }

    public func plugIn(_ c: SimCar) {
        let x = live
        x.pointee.car = c; x.pointee.sessionKWh = 0; x.pointee.wasCharging = false
        refreshLoad(&x.pointee)
    }

    public func unplug() {
        let x = live
        if let c = x.pointee.car { finishedCars.append(c) }
        x.pointee.car = nil; x.pointee.drawA = 0
        refreshLoad(&x.pointee)
    }

    /// Phases the car actually draws on through this charger.
    public var carPhases: Int { carPhases(live.pointee) }

    private func carPhases(_ x: borrowing Live) -> Int {
        guard let c = x.car else { return 0 }
        return min(c.phases, x.activePhases, maxWiredPhases)
    }

    public var effectiveSetpoint: Double { effectiveSetpoint(live.pointee) }

    private func effectiveSetpoint(_ x: borrowing Live) -> Double {
        guard let w = x.lastWrite else { return safeA }
        if let wd = watchdogS, x.now.timeIntervalSince(w) > wd { return safeA }
        return x.setpointA
    }

    private func refreshLoad(_ x: inout Live) {
        let n = carPhases(x)
        x.gridCurrents = phases.gridCurrents(amps: x.drawA, carPhases: n)
        x.powerW = x.drawA * wattsPerAmp[n]
    }

    /// Advances the charger and its car by `dt` seconds.
    public func advance(to t: Date) { advance(&live.pointee, to: t) }

    private func advance(_ x: inout Live, to t: Date) {
        let dt = t.timeIntervalSince(x.now)
        x.now = t
        guard dt > 0 else { return }
        while let first = x.pending.first, t >= first.at { x.setpointA = first.amps; x.pending.removeFirst() }
        // Move the car out and back (no copy of its name each second).
        guard var c = x.car.take() else {
            x.drawA = 0
            refreshLoad(&x)
            return
        }
        var target = min(effectiveSetpoint(x), c.acceptA, maxA)
        if target < c.minA { target = 0 }
        if target > x.drawA { x.drawA = min(target, x.drawA + dt * max(c.maxA, 1) / x.rampUpS) }
        else { x.drawA = max(target, x.drawA - dt * max(c.maxA, 1) / x.rampDownS) }
        let charging = x.drawA > 0.1
        if charging && !x.wasCharging { x.starts += 1; c.starts += 1 }
        if !charging && x.wasCharging && !c.isFull { x.stops += 1; c.stops += 1 }
        x.wasCharging = charging
        let n = min(c.phases, x.activePhases, maxWiredPhases)
        let kwh = x.drawA * wattsPerAmp[n] / 1000 * dt / 3600
        c.deliveredKWh += kwh
        c.socPercent = min(100, c.socPercent + kwh / c.batteryKWh * 100)
        x.sessionKWh += kwh
        x.totalKWh += kwh
        x.car = consume c
        x.gridCurrents = phases.gridCurrents(amps: x.drawA, carPhases: n)
        x.powerW = x.drawA * wattsPerAmp[n]
    }

    /// Grid-line currents this point draws now.
    public var gridCurrents: PhaseValues { live.pointee.gridCurrents }
    public var powerW: Double { live.pointee.powerW }
    /// Both at once (one access for the site's per-step sum).
    var load: (grid: PhaseValues, powerW: Double) { (live.pointee.gridCurrents, live.pointee.powerW) }

    // MARK: ChargePointDevice

    public func readStatus() throws -> ChargePointStatus {
        guard live.pointee.reachable else { throw DeviceError.timeout("\(config.id) does not answer") }
        let x = live
        // Through `?.phases`, not `car != nil`: that compares two whole optional cars (Equatable).
        let carPhases = x.pointee.car?.phases
        let hasCar = carPhases != nil
        let drawA = x.pointee.drawA
        let n = carPhases.map { min($0, x.pointee.activePhases, maxWiredPhases) } ?? 0
        let state: ChargeState = !hasCar ? .noCar : (drawA > 0.1 ? .charging : .connected)
        let terminals = PhaseValues(n > 0 ? drawA : 0, n > 1 ? drawA : 0, n > 2 ? drawA : 0)
        var applied = x.pointee.setpointA
        if let w = x.pointee.lastWrite {
            if x.pointee.now.timeIntervalSince(w) > (watchdogS ?? .infinity) { applied = safeA }
        } else {
            applied = safeA
        }
        return ChargePointStatus(state: state, currents: terminals, powerW: x.pointee.powerW, energyKWh: x.pointee.totalKWh,
                                 sessionKWh: x.pointee.sessionKWh, appliedSetpointA: applied, activePhases: x.pointee.activePhases)
    }

    public func writeCurrent(_ amps: Double) throws {
        guard live.pointee.reachable else { throw DeviceError.timeout("\(config.id) does not answer") }
        let x = live
        if x.pointee.applyDelayS <= 0 {
            x.pointee.setpointA = amps; x.pointee.pending.removeAll(keepingCapacity: true)
        } else if amps != (x.pointee.pending.last?.amps ?? x.pointee.setpointA) {
            // The charger works through its writes in order, each after its delay (a stop and a
            // start a second apart still stop the car for a second); a rewrite of the value
            // last written is no new write.
            x.pointee.pending.append((amps, x.pointee.now.addingTimeInterval(x.pointee.applyDelayS)))
        }
        x.pointee.lastWrite = x.pointee.now
    }

    public func switchPhases(_ phases: Int) throws {
        guard capabilities.phaseSwitching else { throw DeviceError.unsupported("1p/3p switching") }
        live.pointee.activePhases = phases == 1 ? 1 : 3
        refreshLoad(&live.pointee)
    }
}
