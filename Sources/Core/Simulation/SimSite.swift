import Foundation

/// The simulated site's physics: every device below the fuse tree, advanced second by second.
/// Each level's per-phase current is the sum of what hangs below it, through each point's
/// phase rotation; the main connection adds the house, PV, battery, heat pump and boiler.
public final class SimSite {
    public let config: SiteConfig
    public let points: [SimChargePoint]
    public var pv: SimPV?
    public var house: SimHouse
    public var battery: SimBattery?
    public var heatPump: SimHeatPump?
    public var boiler: SimBoiler?
    public private(set) var now: Date
    private var schedule: [(point: Int, car: SimCar)]
    private var nextArrival = 0
    public private(set) var turnedAway: [SimCar] = []
    public private(set) var flows = SimFlows()
    private let voltage: Double
    private let timeZone: TimeZone

    public init(config: SiteConfig, start: Date, cars: [(point: Int, car: SimCar)], house: SimHouse,
                pv: SimPV? = nil, battery: SimBattery? = nil, heatPump: SimHeatPump? = nil, boiler: SimBoiler? = nil,
                watchdogS: Double = 60) {
        self.config = config
        self.points = config.chargepoints.map { SimChargePoint(config: $0, watchdogS: watchdogS, start: start) }
        self.now = start
        self.schedule = cars.sorted { $0.car.arrival < $1.car.arrival }
        self.house = house; self.pv = pv; self.battery = battery; self.heatPump = heatPump; self.boiler = boiler
        self.voltage = config.site.voltage
        self.timeZone = TimeZone(identifier: config.site.timeZone) ?? TimeZone(identifier: "Europe/Brussels")!
        flows = computeFlows(dt: 0)
    }

    public func point(_ id: String) -> SimChargePoint? { points.first { $0.config.id == id } }

    /// Local wall-clock hour (fractional) at `now`.
    public var localHour: Double {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.hour, .minute, .second], from: now)
        return Double(c.hour ?? 0) + Double(c.minute ?? 0) / 60 + Double(c.second ?? 0) / 3600
    }

    /// Moves the whole site to `t`.
    public func advance(to t: Date) {
        let dt = t.timeIntervalSince(now)
        guard dt > 0 else { return }
        let oldHour = localHour
        now = t
        // Departures, then arrivals (a car waits for a free point only until its departure).
        for p in points { if let c = p.car, c.departure <= t { p.unplug() } }
        while nextArrival < schedule.count && schedule[nextArrival].car.arrival <= t {
            let (i, car) = schedule[nextArrival]
            nextArrival += 1
            if i < points.count, points[i].car == nil, car.departure > t { points[i].plugIn(car) } else { turnedAway.append(car) }
        }
        for p in points { p.advance(to: t) }
        if localHour < oldHour { boiler?.useWater() }  // a new day: the tank was used
        flows = computeFlows(dt: dt)
    }

    func computeFlows(dt: Double) -> SimFlows {
        var f = SimFlows()
        f.time = now
        var pointsAt: [String: PhaseValues] = [:]
        for p in points {
            let g = p.gridCurrents
            pointsAt[p.config.board, default: .zero] += g
            f.chargeParkW += p.powerW
        }
        // Each level: the points directly under it plus its child boards.
        var levels: [String: PhaseValues] = [:]
        func total(_ id: String, depth: Int) -> PhaseValues {
            if let v = levels[id] { return v }
            var sum = pointsAt[id] ?? .zero
            if depth < 8 { for b in config.boards where b.parent == id { sum += total(b.id, depth: depth + 1) } }
            levels[id] = sum
            return sum
        }
        for l in config.levels { _ = total(l.id, depth: 0) }
        let hourNow = localHour
        let houseW = dt > 0 ? house.power(at: now, dt: dt, hour: hourNow) : house.baseW
        f.houseW = houseW.sum
        f.pvW = dt > 0 ? (pv?.power(at: now, dt: dt) ?? 0) : 0
        f.heatPumpW = dt > 0 ? (heatPump?.power(dt: dt) ?? 0) : 0
        f.boilerW = dt > 0 ? (boiler?.power(dt: dt) ?? 0) : 0
        var otherW = houseW + PhaseValues.all(f.heatPumpW / 3) - PhaseValues.all(f.pvW / 3)
        otherW.l1 += f.boilerW
        let netBefore = otherW.sum + f.chargeParkW
        if var b = battery {
            f.batteryW = b.step(netW: netBefore, coverW: f.houseW + f.heatPumpW + f.boilerW, dt: max(dt, 0))
            battery = b
            otherW += PhaseValues.all(f.batteryW / 3)
        }
        let gridCurrents = (levels["grid"] ?? .zero) + otherW * (1 / voltage)
        levels["grid"] = gridCurrents
        f.levelCurrents = levels
        f.gridW = otherW.sum + f.chargeParkW
        f.gridPhaseW = gridCurrents * voltage
        return f
    }

    /// The main meter's view (signed currents: negative = exporting on that line).
    public var mainMeter: MeterMeasurement {
        let i = flows.levelCurrents["grid"] ?? .zero
        return MeterMeasurement(currents: i, voltages: .all(voltage), powers: i * voltage, powerW: flows.gridW)
    }

    /// What a real meter on board `id` would read.
    public func boardMeter(_ id: String) -> MeterMeasurement {
        let i = flows.levelCurrents[id] ?? .zero
        return MeterMeasurement(currents: i, voltages: .all(voltage), powers: i * voltage, powerW: (i * voltage).sum)
    }

    /// Cars still to arrive or present, and those gone.
    public var allCars: [SimCar] {
        points.flatMap { p in p.finishedCars + (p.car.map { [$0] } ?? []) } + turnedAway
    }
}

/// The power flows of one instant (W; gridW + import / - export, batteryW + charging).
public struct SimFlows: Sendable, Equatable {
    public var time = Date(timeIntervalSince1970: 0)
    public var gridW: Double = 0
    public var gridPhaseW: PhaseValues = .zero
    public var pvW: Double = 0
    public var batteryW: Double = 0
    public var houseW: Double = 0
    public var heatPumpW: Double = 0
    public var boilerW: Double = 0
    public var chargeParkW: Double = 0
    /// Per-level signed per-phase current (A), grid included.
    public var levelCurrents: [String: PhaseValues] = [:]
}
