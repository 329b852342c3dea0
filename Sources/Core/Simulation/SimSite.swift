import Foundation

/// The simulated site's physics: every device below the fuse tree, advanced second by second.
/// Each level's per-phase current is the sum of what hangs below it, through each point's
/// phase rotation; the main connection adds the house, PV, battery, heat pump and boiler.
public final class SimSite {
    public let config: SiteConfig
    public let points: [SimChargePoint]
    // Touched many times a simulated second by the one thread that steps the simulation:
    // `@exclusivity(unchecked)` drops the run-time exclusivity check of each access.
    @exclusivity(unchecked) public var pv: SimPV?
    @exclusivity(unchecked) public var house: SimHouse
    @exclusivity(unchecked) public var battery: SimBattery?
    @exclusivity(unchecked) public var heatPump: SimHeatPump?
    @exclusivity(unchecked) public var boiler: SimBoiler?
    @exclusivity(unchecked) public private(set) var now: Date
    @exclusivity(unchecked) private var schedule: [(point: Int, car: SimCar)]
    @exclusivity(unchecked) private var nextArrival = 0
    @exclusivity(unchecked) public private(set) var turnedAway: [SimCar] = []
    @exclusivity(unchecked) public private(set) var flows = SimFlows()
    private let voltage: Double
    /// No neutral: a point's power is not its line currents times the voltage (see `PowerModel`).
    private let isIT: Bool
    private let timeZone: TimeZone
    @exclusivity(unchecked) private var clock: LocalClock
    // The fuse tree as indices, built once: each point's level, each level's parent.
    private let levelIds: [String]
    private let pointLevel: [Int]
    private let levelParent: [Int]
    /// Levels ordered children before parents, so one pass sums every subtree.
    private let bottomUp: [Int]
    @exclusivity(unchecked) private var hourNow: Double = 0

    public init(config: SiteConfig, start: Date, cars: [(point: Int, car: SimCar)], house: SimHouse,
                pv: SimPV? = nil, battery: SimBattery? = nil, heatPump: SimHeatPump? = nil, boiler: SimBoiler? = nil,
                watchdogS: Double = 60) {
        self.config = config
        let power = PowerModel(config.site)
        self.points = config.chargepoints.map { SimChargePoint(config: $0, watchdogS: watchdogS, start: start, power: power) }
        isIT = config.site.network == .IT
        self.now = start
        self.schedule = cars.sorted { $0.car.arrival < $1.car.arrival }
        self.house = house; self.pv = pv; self.battery = battery; self.heatPump = heatPump; self.boiler = boiler
        self.voltage = config.site.voltage
        self.timeZone = TimeZone(identifier: config.site.timeZone) ?? TimeZone(identifier: "Europe/Brussels")!
        self.clock = LocalClock(timeZone: timeZone)
        let ids = config.levels.map(\.id)
        levelIds = ids
        pointLevel = config.chargepoints.map { ids.firstIndex(of: $0.board) ?? -1 }
        levelParent = config.levels.map { l in l.parent.flatMap { ids.firstIndex(of: $0) } ?? -1 }
        let depth = config.levels.map { config.depth(ofLevel: $0.id) }
        bottomUp = ids.indices.sorted { (depth[$0], $1) > (depth[$1], $0) }
        hourNow = clock.hour(start)
        flows = computeFlows(dt: 0)
    }

    public func point(_ id: String) -> SimChargePoint? { points.first { $0.config.id == id } }

    /// The point at `index` when its id is `id` (decisions list points in configuration order), else by id.
    func point(_ id: String, at index: Int) -> SimChargePoint? {
        index < points.count && points[index].config.id == id ? points[index] : point(id)
    }

    /// Local wall-clock hour (fractional, whole seconds) at `now`.
    public var localHour: Double { hourNow }

    /// Moves the whole site to `t`.
    public func advance(to t: Date) {
        let dt = t.timeIntervalSince(now)
        guard dt > 0 else { return }
        let oldHour = hourNow
        now = t
        hourNow = clock.hour(t)
        // Departures, then arrivals (a car waits for a free point only until its departure).
        for p in points { if let d = p.carDeparture, d <= t { p.unplug() } }
        while nextArrival < schedule.count && schedule[nextArrival].car.arrival <= t {
            let (i, car) = schedule[nextArrival]
            nextArrival += 1
            if i < points.count, points[i].carDeparture == nil, car.departure > t { points[i].plugIn(car) } else { turnedAway.append(car) }
        }
        for p in points { p.advance(to: t) }
        if hourNow < oldHour { boiler?.useWater() }  // a new day: the tank was used
        flows = computeFlows(dt: dt)
    }

    func computeFlows(dt: Double) -> SimFlows {
        var f = SimFlows()
        f.time = now
        // Each level: the points directly under it plus its child boards (children first).
        var sums = [PhaseValues](repeating: .zero, count: levelIds.count)
        // IT: the points' true power, split over the lines in proportion to their currents.
        var pointsLineW = PhaseValues.zero
        for (i, p) in points.enumerated() {
            let load = p.load
            if pointLevel[i] >= 0 { sums[pointLevel[i]] += load.grid }
            f.chargeParkW += load.powerW
            if isIT { let a = load.grid.sum; if a > 0 { pointsLineW += load.grid * (load.powerW / a) } }
        }
        for l in bottomUp where levelParent[l] >= 0 { sums[levelParent[l]] += sums[l] }
        let houseW = dt > 0 ? house.power(at: now, dt: dt, hour: hourNow) : house.baseW
        f.houseW = houseW.sum
        let pvAvailableW = dt > 0 ? (pv?.power(at: now, dt: dt) ?? 0) : 0
        f.pvW = min(pvAvailableW, max(0, pv?.limitW ?? .infinity))
        f.curtailedW = pvAvailableW - f.pvW
        f.heatPumpW = dt > 0 ? (heatPump?.power(dt: dt) ?? 0) : 0
        f.boilerW = dt > 0 ? (boiler?.power(dt: dt) ?? 0) : 0
        var otherW = houseW + PhaseValues.all(f.heatPumpW / 3) - PhaseValues.all(f.pvW / 3)
        f.uncontrollableLineW = houseW - PhaseValues.all(f.pvW / 3)
        otherW.l1 += f.boilerW
        let netBefore = otherW.sum + f.chargeParkW
        if var b = battery {
            f.batteryW = b.step(netW: netBefore, coverW: f.houseW + f.heatPumpW + f.boilerW, dt: max(dt, 0))
            battery = b
            otherW += PhaseValues.all(f.batteryW / 3)
            f.uncontrollableLineW += PhaseValues.all(f.batteryW / 3)
        }
        let gridCurrents = sums[0] + otherW * (1 / voltage)
        sums[0] = gridCurrents
        f.levelIds = levelIds
        f.levels = sums
        f.gridW = otherW.sum + f.chargeParkW
        // The meter's per-line powers add up to the power the site takes: on IT the points'
        // share is their true power, not their line currents times the voltage.
        f.gridPhaseW = isIT ? otherW + pointsLineW : gridCurrents * voltage
        return f
    }

    /// The main meter's view (signed currents: negative = exporting on that line).
    public var mainMeter: MeterMeasurement {
        let i = flows.levels.first ?? .zero
        return MeterMeasurement(currents: i, voltages: .all(voltage), powers: flows.gridPhaseW, powerW: flows.gridW)
    }

    /// What a real meter on board `id` would read.
    public func boardMeter(_ id: String) -> MeterMeasurement {
        boardMeter(level: levelIds.firstIndex(of: id) ?? Int.max)
    }

    /// The same by index in `config.levels` (grid = 0).
    func boardMeter(level: Int) -> MeterMeasurement {
        let i = level < flows.levels.count ? flows.levels[level] : .zero
        return MeterMeasurement(currents: i, voltages: .all(voltage), powers: i * voltage, powerW: (i * voltage).sum)
    }

    /// Every car of the run, in arrival order, whether it came yet or not.
    public var allCarsScheduled: [SimCar] { schedule.map(\.car) }

    /// Cars present, gone, or turned away (not those still to come).
    public var allCars: [SimCar] {
        points.flatMap { p in p.finishedCars + (p.car.map { [$0] } ?? []) } + turnedAway
    }
}

/// The power flows of one instant (W; gridW + import / - export, batteryW + charging).
public struct SimFlows: Sendable, Equatable {
    public var time = Date(timeIntervalSince1970: 0)
    public var gridW: Double = 0
    /// Signed power per line (W); they add up to `gridW`.
    public var gridPhaseW: PhaseValues = .zero
    public var pvW: Double = 0
    /// PV the inverter's limit held back (W).
    public var curtailedW: Double = 0
    public var batteryW: Double = 0
    public var houseW: Double = 0
    public var heatPumpW: Double = 0
    public var boilerW: Double = 0
    public var chargeParkW: Double = 0
    /// Per line at the grid (W): the house less PV plus the battery, the part of the load that is
    /// not Kwartier's whatever it does (the heat pump's share is added by who knows its state).
    public var uncontrollableLineW: PhaseValues = .zero
    /// Per-level signed per-phase current (A), in `config.levels` order (grid first), and the
    /// level ids: arrays, not a dictionary built every simulated second.
    public var levels: [PhaseValues] = []
    public var levelIds: [String] = []
    /// Per-level signed per-phase current (A), grid included, by level id.
    public var levelCurrents: [String: PhaseValues] {
        get { Dictionary(zip(levelIds, levels), uniquingKeysWith: { a, _ in a }) }
        set {
            levelIds = Array(newValue.keys)
            levels = levelIds.map { newValue[$0]! }
        }
    }
    public init() {}
}
