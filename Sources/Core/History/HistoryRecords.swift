import Foundation

/// A closed quarter-hour as the history keeps it: what the grid connection imported and
/// exported, the average the bill counts, the slider in force, the meter's own 1-0:1.4.0, and the
/// month's peak so far.
public struct ClosedQuarter: Sendable, Equatable, Codable {
    public var start: Date
    /// Average import over the quarter (kW): what the capacity tariff bills.
    public var averageKW: Double
    public var importKWh: Double
    /// Energy exported in the quarter (kWh); nil when the main meter gives no way to know.
    public var exportKWh: Double?
    public var sliderKW: Double?
    /// The meter's last 1-0:1.4.0 in the quarter (kW), when it sends one.
    public var meterAverageKW: Double?
    /// The month's highest quarter so far and its start, after this quarter.
    public var monthPeakKW: Double?
    public var monthPeakStart: Date?
    public init(start: Date, averageKW: Double, importKWh: Double, exportKWh: Double? = nil, sliderKW: Double? = nil,
                meterAverageKW: Double? = nil, monthPeakKW: Double? = nil, monthPeakStart: Date? = nil) {
        self.start = start; self.averageKW = averageKW; self.importKWh = importKWh; self.exportKWh = exportKWh
        self.sliderKW = sliderKW; self.meterAverageKW = meterAverageKW; self.monthPeakKW = monthPeakKW
        self.monthPeakStart = monthPeakStart
    }
}

/// Why a charging session ended.
public enum SessionEnd: String, Sendable, Codable, CaseIterable {
    /// The car was unplugged while it could still take energy.
    case carLeft = "car_left"
    /// The car had stopped drawing on its own, though offered current, before it left.
    case full
    /// The owner switched the point off before the car left.
    case stoppedByOwner = "stopped_by_owner"

    public var text: String {
        switch self {
        case .carLeft: return "car left"
        case .full: return "full"
        case .stoppedByOwner: return "stopped by the owner"
        }
    }
}

/// One car's visit at a charge point, from plug-in to unplug. Recorded when it starts, at every
/// quarter's end while it runs (so a power cut loses at most a quarter of it) and when it ends;
/// `end` is nil while the car is plugged in. (point, start) identifies it.
public struct ChargingSession: Sendable, Equatable, Codable {
    public var point: String
    public var start: Date
    public var end: Date?
    public var kwh: Double
    /// Phases the car drew on (0 when it never drew).
    public var phases: Int
    /// The highest current the car drew on any phase (A).
    public var peakA: Double
    /// The setpoint in force when the car first drew current (A), when seen.
    public var startA: Double?
    public var endReason: SessionEnd?
    /// The charger's energy register at the start (kWh), when it has one: kWh is counted from it.
    public var startRegisterKWh: Double?
    /// When the hub last saw the car plugged in (the end of a session found over at a restart).
    public var lastSeen: Date
    public init(point: String, start: Date, end: Date? = nil, kwh: Double = 0, phases: Int = 0, peakA: Double = 0,
                startA: Double? = nil, endReason: SessionEnd? = nil, startRegisterKWh: Double? = nil, lastSeen: Date? = nil) {
        self.point = point; self.start = start; self.end = end; self.kwh = kwh; self.phases = phases; self.peakA = peakA
        self.startA = startA; self.endReason = endReason; self.startRegisterKWh = startRegisterKWh
        self.lastSeen = lastSeen ?? start
    }
}

/// A gas or water meter reading from P1 (m3), the latest of a quarter.
public struct GasWaterReading: Sendable, Equatable, Codable {
    /// "gas" or "water".
    public var id: String
    public var day: String
    public var time: Date
    public var value: Double
    public init(id: String, day: String, time: Date, value: Double) {
        self.id = id; self.day = day; self.time = time; self.value = value
    }
}

/// The ids measuring points have in the history, besides charge points, meters, pulse inputs and
/// relays (which keep their configuration ids).
public enum HistoryPoint {
    public static let gridImport = "grid.import"
    public static let gridExport = "grid.export"
    public static let pv = "pv"
    public static let batteryCharge = "battery.charge"
    public static let batteryDischarge = "battery.discharge"
}
