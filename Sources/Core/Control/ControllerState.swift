import Foundation

/// What the controller remembers about one charge point between decisions.
public struct PointMemory: Sendable, Equatable, Codable {
    /// Terminals the connected car draws on (bit t = terminal t+1); 0 = not learned yet.
    public var carMask: UInt8 = 0
    /// Last setpoint sent to the charger (A) and when it last changed / was written.
    public var lastSentA: Double?
    public var lastChangeAt: Date?
    public var lastWriteAt: Date?
    /// The car is running (given at least its minimum) since; nil = not running.
    public var runningSince: Date?
    /// The car waits for current since (fair rotation order: longest waiting first).
    public var waitingSince: Date?
    /// When the car was last stopped by the hub (minimum pause before a restart).
    public var stoppedAt: Date?
    /// Phases the charger is switched to (1 or 3), for 1p/3p chargers; nil = as found.
    public var activePhases: Int?
    public var lastSwitchAt: Date?
    /// Since when the car has been offered its minimum without drawing (not-drawing detection).
    public var notDrawingSince: Date?
    /// Since when the point could get more (start of the present increase, for the ramp).
    public var increaseSince: Date?
    /// The car's own maximum (A) when it keeps drawing clearly less than offered; nil = unknown.
    public var carMaxA: Double?
    /// Since when the car has drawn clearly less than its setpoint.
    public var belowSince: Date?
    /// Since when the slider alone has been unable to hold this running car's minimum.
    public var sliderShortSince: Date?
    /// The car's own start current (A) when it did not draw at the point's minimum and did at
    /// the next step up; kept for the session. nil = the point's minimum.
    public var carStartA: Double?
    /// The step up was tried in this session (once); when it was tried and not yet confirmed.
    public var startProbed: Bool?
    public var startProbeAt: Date?
    public init() {}
}

/// The running quarter-hour and the month's peak (SPEC §3.2), kept across restarts.
public struct QuarterState: Sendable, Equatable, Codable {
    public var start: Date?
    public var end: Date?
    /// Energy imported in this quarter so far, as integrated by the core (kWh).
    public var energyKWh: Double = 0
    /// Seconds of this quarter not covered by data (start-up or a gap without energy registers).
    public var unknownS: Double = 0
    public var lastTime: Date?
    public var lastImportKWh: Double?
    public var lastPowerW: Double?
    /// The meter's last 1-0:1.4.0 in this quarter (kW).
    public var meterAverageKW: Double?
    /// When the quarter's last `quarterHorizonFloorS` began: seconds left then, and the energy
    /// and unseen seconds counted then (the pace the rest of the quarter may keep).
    public var floorEntryLeftS: Double?
    public var floorEntryKWh: Double?
    public var floorEntryUnknownS: Double?
    /// Month of the peak, as year * 12 + (month - 1) on the site's wall clock.
    public var monthKey: Int?
    public var monthPeakKW: Double = 0
    public var monthPeakTime: Date?
    /// Recent finished quarters (start, average kW), oldest first.
    public var history: [QuarterRecord] = []
    public init() {}
}

public struct QuarterRecord: Sendable, Equatable, Codable {
    public var start: Date
    public var averageKW: Double
    public init(start: Date, averageKW: Double) { self.start = start; self.averageKW = averageKW }
}

/// Everything the controller keeps between decisions; the runtime persists it (JSON) and restores
/// it at start so a restart mid-quarter keeps the quarter's energy, the month peak, learned
/// phases, run/pause times and last setpoints.
public struct ControllerState: Sendable, Equatable, Codable {
    public var version: Int = 1
    public var savedAt: Date?
    public var quarter = QuarterState()
    public var points: [String: PointMemory] = [:]
    public var lastDecisionAt: Date?
    public init() {}
}
