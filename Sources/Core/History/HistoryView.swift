import Foundation

/// What the dashboard's History screen shows, as one value the shell fills from the history
/// store (at start and at each quarter's end) and puts into every snapshot. It holds enough to
/// move through days and months without asking back: a dashboard attached over a socket gets
/// the same value.
public struct HistoryView: Sendable, Equatable, Codable {
    public struct Day: Sendable, Equatable, Codable {
        /// "yyyy-MM-dd", local.
        public var day: String
        /// The day's highest quarter (kW) and its start; nil when no quarter was recorded.
        public var peakKW: Double?
        public var peakStart: Date?
        public var sliderKW: Double?
        /// kWh per measuring point that day.
        public var energy: [String: Double]
        /// Every quarter's average (kW) from local midnight, when kept (the latest days only).
        public var quarters: [Double]?
        public init(day: String, peakKW: Double? = nil, peakStart: Date? = nil, sliderKW: Double? = nil,
                    energy: [String: Double] = [:], quarters: [Double]? = nil) {
            self.day = day; self.peakKW = peakKW; self.peakStart = peakStart; self.sliderKW = sliderKW
            self.energy = energy; self.quarters = quarters
        }
    }

    public var timeZone: String
    /// The latest day first recorded up to today, oldest first, consecutive (empty days included).
    public var days: [Day]
    /// The latest sessions, newest first.
    public var sessions: [ChargingSession]
    /// The latest quarter recorded, nil for none.
    public var latest: Date?

    public init(timeZone: String, days: [Day] = [], sessions: [ChargingSession] = [], latest: Date? = nil) {
        self.timeZone = timeZone; self.days = days; self.sessions = sessions; self.latest = latest
    }

    /// The days of month "yyyy-MM" held.
    public func days(ofMonth m: String) -> [Day] { days.filter { $0.day.hasPrefix(m + "-") } }

    /// The month's billed peak: its highest day peak.
    public func monthPeak(_ m: String) -> Day? {
        days(ofMonth: m).filter { $0.peakKW != nil }.max { ($0.peakKW!, $1.day) < ($1.peakKW!, $0.day) }
    }

    /// kWh per point summed over the month's days held.
    public func monthEnergy(_ m: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for d in days(ofMonth: m) { for (k, v) in d.energy { out[k, default: 0] += v } }
        return out
    }
}
