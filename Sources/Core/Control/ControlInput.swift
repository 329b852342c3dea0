import Foundation

/// The latest reading of a charge point, as the I/O worker last got it.
public struct PointReading: Sendable, Equatable {
    /// Last good status; kept when the point is lost (its last draw is budgeted).
    public var status: ChargePointStatus?
    /// Seconds since `status` was read.
    public var ageS: Double
    /// False when the worker has lost the point (timeouts, connection refused).
    public var reachable: Bool
    /// The charger falls back to its safe current when not written this often (s); nil = none known.
    public var watchdogS: Double?
    /// The driver's own rewrite period (s), when it has one; else half the watchdog.
    public var refreshS: Double?
    public init(status: ChargePointStatus?, ageS: Double = 0, reachable: Bool = true, watchdogS: Double? = nil, refreshS: Double? = nil) {
        self.status = status; self.ageS = ageS; self.reachable = reachable; self.watchdogS = watchdogS; self.refreshS = refreshS
    }
    public static let none = PointReading(status: nil, ageS: .infinity, reachable: false)
}

/// A board meter's latest reading.
public struct MeterReading: Sendable, Equatable {
    public var measurement: MeterMeasurement?
    public var ageS: Double
    public init(_ measurement: MeterMeasurement?, ageS: Double = 0) { self.measurement = measurement; self.ageS = ageS }
    public static let none = MeterReading(nil, ageS: .infinity)
}

/// A device served before the cars (a heat pump or boiler taking PV surplus first).
/// `claimW` is the power it is entitled to; `drawW` what it draws now (already in the meter).
/// The controller keeps `claimW` away from the cars, without counting `drawW` twice.
public struct ConsumerClaim: Sendable, Equatable {
    public var id: String
    public var claimW: Double
    public var drawW: Double
    public init(id: String, claimW: Double, drawW: Double = 0) { self.id = id; self.claimW = claimW; self.drawW = drawW }
}

/// What the cars leave for the other consumers, after this decision (W).
public struct ConsumerBudget: Sendable, Equatable, Codable {
    /// Power the managed points are given (setpoints × phases × voltage, lost points at their budget).
    public var carsPlannedW: Double
    /// What the running cars could give up without stopping (planned − their minimums).
    public var carsFlexibleW: Double
    /// Export expected once the cars follow their setpoints (≥ 0): for devices served after the cars.
    public var surplusAfterCarsW: Double
    /// Import still allowed under the slider after the cars (may be < 0 when over budget).
    public var headroomAfterCarsW: Double
    public init(carsPlannedW: Double, carsFlexibleW: Double, surplusAfterCarsW: Double, headroomAfterCarsW: Double) {
        self.carsPlannedW = carsPlannedW; self.carsFlexibleW = carsFlexibleW
        self.surplusAfterCarsW = surplusAfterCarsW; self.headroomAfterCarsW = headroomAfterCarsW
    }
}

/// Everything one decision looks at, in the compiled order of `CompiledSite` (index arrays, not
/// dictionaries: the runtime keeps one value and updates slots as readings arrive).
public struct ControlInput: Sendable, Equatable {
    /// Last good main-meter reading (nil = none yet) and its age on the host clock (s).
    public var grid: GridMeasurement?
    public var gridAgeS: Double
    /// Per level index (`CompiledSite.levelIds`); the grid's slot and virtual levels are ignored.
    public var meters: [MeterReading]
    /// Per point index (`CompiledSite.pointIds`).
    public var points: [PointReading]
    /// Devices served before the cars (relays part).
    public var beforeCars: [ConsumerClaim] = []
    /// A parent hub: each board fed by a child hub, by level index (`CompiledSite.remoteLevels`).
    public var remote: [Int: RemoteLoad] = [:]
    /// A child hub: the allowance in force per line; nil = none, its safe budget applies.
    public var allowanceA: PhaseValues?
    /// Per point index: its car's ready-by plan now (`CarPlanFollower`); empty = none.
    public var carPlan: [CarPlanGate] = []

    public init(grid: GridMeasurement?, gridAgeS: Double, meters: [MeterReading], points: [PointReading],
                beforeCars: [ConsumerClaim] = []) {
        self.grid = grid; self.gridAgeS = gridAgeS; self.meters = meters; self.points = points; self.beforeCars = beforeCars
    }

    /// An input with every slot empty for a site.
    public static func empty(for site: CompiledSite) -> ControlInput {
        ControlInput(grid: nil, gridAgeS: .infinity, meters: Array(repeating: .none, count: site.levelCount),
                     points: Array(repeating: .none, count: site.pointCount))
    }

    /// Builds the indexed input from readings keyed by id (meters by meter id, points by point id).
    public static func make(site: CompiledSite, grid: GridMeasurement?, gridAgeS: Double,
                            meters: [String: MeterReading] = [:], points: [String: PointReading] = [:],
                            beforeCars: [ConsumerClaim] = []) -> ControlInput {
        var input = ControlInput.empty(for: site)
        input.grid = grid; input.gridAgeS = gridAgeS; input.beforeCars = beforeCars
        for l in 0..<site.levelCount { if let m = site.levelMeterId[l], let r = meters[m] { input.meters[l] = r } }
        for (id, r) in points { if let i = site.pointIndex[id] { input.points[i] = r } }
        return input
    }
}
