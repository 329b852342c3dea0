import Foundation

/// Why a point got its setpoint: the binding constraint, in words and numbers.
public struct Explanation: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case levelLimit = "level-limit"     // a fuse-tree level is full on a phase
        case slider                         // the quarter-hour budget
        case pointMax = "point-max"         // the point's (or car's) own maximum
        case waiting                        // its minimum does not fit (yet)
        case rotation                       // fair rotation: another car's turn
        case manual
        case off
        case noCar = "no-car"
        case stale                          // main meter stale: safe state
        case lost                           // point unreachable
        case pause                          // minimum pause after a stop
        case rateLimit = "rate-limit"       // increases are rate-limited
        case plan                           // a car's ready-by plan: held, or its planned power
        case other
    }
    public var kind: Kind
    /// Human text, e.g. "board garage L2 31.6/32 A".
    public var text: String
    public init(_ kind: Kind, _ text: String) { self.kind = kind; self.text = text }
    public var description: String { text }
}

/// The decision for one charge point.
public struct PointDecision: Sendable, Equatable, Codable {
    public var id: String
    /// Current limit per phase to write (A); 0 = paused.
    public var setpointA: Double
    /// Phases to use (1 or 3) when the charger switches phases; nil = leave as is.
    public var phases: Int?
    public var explanation: Explanation
    /// Whether the setpoint must be sent now (changed enough, or the watchdog needs a refresh).
    public var send: Bool
    public init(id: String, setpointA: Double, phases: Int? = nil, explanation: Explanation, send: Bool = true) {
        self.id = id; self.setpointA = setpointA; self.phases = phases; self.explanation = explanation; self.send = send
    }
}

/// The running quarter-hour as the core sees it (SPEC §3.2).
public struct QuarterStatus: Sendable, Equatable, Codable {
    public var start: Date
    public var end: Date
    /// Energy imported so far in this quarter (kWh).
    public var importedKWh: Double
    /// Average power so far (kW) and the forecast average at the quarter's end.
    public var averageKW: Double
    public var forecastKW: Double
    /// Power the site may still draw for the rest of the quarter (kW).
    public var allowedKW: Double
    /// The target in force (slider, or the month peak with `follow_month_peak`).
    public var targetKW: Double
    public var monthPeakKW: Double
    public var monthPeakTime: Date?
    /// The meter's own running quarter average (1-0:1.4.0), when it sends one (cross-check).
    public var meterAverageKW: Double? = nil
    /// Seconds of this quarter the core did not see (start-up, data gap); assumed at the target.
    public var unknownS: Double = 0
    public init(start: Date, end: Date, importedKWh: Double, averageKW: Double, forecastKW: Double,
                allowedKW: Double, targetKW: Double, monthPeakKW: Double, monthPeakTime: Date? = nil,
                meterAverageKW: Double? = nil, unknownS: Double = 0) {
        self.start = start; self.end = end; self.importedKWh = importedKWh; self.averageKW = averageKW
        self.forecastKW = forecastKW; self.allowedKW = allowedKW; self.targetKW = targetKW
        self.monthPeakKW = monthPeakKW; self.monthPeakTime = monthPeakTime
        self.meterAverageKW = meterAverageKW; self.unknownS = unknownS
    }
    public func secondsLeft(at now: Date) -> Double { max(0, end.timeIntervalSince(now)) }
}

/// A level's load against its limit after the decision (for the dashboard's bars).
public struct LevelLoad: Sendable, Equatable, Codable {
    public var id: String
    public var currents: PhaseValues
    public var limitA: Double
    public init(id: String, currents: PhaseValues, limitA: Double) { self.id = id; self.currents = currents; self.limitA = limitA }
}

/// One whole decision: every point's setpoint and reason, made from one main-meter reading.
public struct Decision: Sendable, Equatable, Codable {
    public var time: Date
    public var points: [PointDecision]
    public var quarter: QuarterStatus?
    public var levels: [LevelLoad]
    /// The main meter is stale: safe state in force.
    public var safeState: Bool
    /// Power left for the other consumers (relays) after the cars (see docs/CONTROL.md).
    public var consumers: ConsumerBudget? = nil
    /// Site-level remarks for the log and dashboard ("slider 2.0 kW is below the 2.5 kW billed at least").
    public var warnings: [String] = []
    /// Set when the uncontrollable load alone will take the running quarter above the slider.
    public var uncontrollable: UncontrollableForecast? = nil
    /// A parent hub: the allowance of each board fed by a child hub (board id → A per line).
    public var allowances: [String: PhaseValues] = [:]
    /// A child hub: what its points draw per line (measured, or set when more) for its parent.
    public var hubDrawA: PhaseValues? = nil
    /// Lines the uncontrollable load alone holds over (or near) their limit.
    public var limitOverloads: [LimitOverload] = []
    public init(time: Date, points: [PointDecision], quarter: QuarterStatus? = nil, levels: [LevelLoad] = [], safeState: Bool = false,
                consumers: ConsumerBudget? = nil, warnings: [String] = [], uncontrollable: UncontrollableForecast? = nil) {
        self.time = time; self.points = points; self.quarter = quarter; self.levels = levels; self.safeState = safeState
        self.consumers = consumers; self.warnings = warnings; self.uncontrollable = uncontrollable
    }
    public func point(_ id: String) -> PointDecision? { points.first { $0.id == id } }
}
