import Foundation

/// Day-ahead market prices (€/MWh, as the exchange publishes them) at a fixed resolution:
/// a quarter hour (900 s) or an hour (3600 s). Values are in order from `start`.
public struct PriceSeries: Sendable, Equatable, Codable {
    public var start: Date
    public var stepS: Int
    public var eurPerMWh: [Double]
    /// When the series was obtained; a plan built on an old series must not curtail.
    public var fetchedAt: Date?

    public init(start: Date, stepS: Int, eurPerMWh: [Double], fetchedAt: Date? = nil) {
        self.start = start; self.stepS = stepS; self.eurPerMWh = eurPerMWh; self.fetchedAt = fetchedAt
    }

    public var end: Date { start.addingTimeInterval(Double(stepS * eurPerMWh.count)) }

    /// The market price in force at `t`, nil outside the series.
    public func price(at t: Date) -> Double? {
        let k = t.timeIntervalSince(start) / Double(stepS)
        guard k >= 0 else { return nil }
        let i = Int(k.rounded(.down))
        return i < eurPerMWh.count ? eurPerMWh[i] : nil
    }

    /// `count` quarter-hour prices from `from` (aligned down to its quarter); nil where unknown.
    /// An hourly series gives each of its quarters the hour's price.
    public func quarters(from: Date, count: Int) -> [Double?] {
        let q0 = Self.quarterStart(from)
        return (0..<count).map { price(at: q0.addingTimeInterval(Double($0) * 900)) }
    }

    /// Appends `other`, replacing the overlap (a new day-ahead publication). Both must share a step.
    public func merged(with other: PriceSeries) -> PriceSeries {
        guard other.stepS == stepS, !eurPerMWh.isEmpty else { return other }
        let keep = max(0, min(eurPerMWh.count, Int(other.start.timeIntervalSince(start)) / stepS))
        guard other.start >= start, Int(other.start.timeIntervalSince(start)) % stepS == 0, keep <= eurPerMWh.count else { return other }
        return PriceSeries(start: start, stepS: stepS, eurPerMWh: Array(eurPerMWh.prefix(keep)) + other.eurPerMWh,
                           fetchedAt: other.fetchedAt ?? fetchedAt)
    }

    public static func quarterStart(_ t: Date) -> Date {
        Date(timeIntervalSince1970: (t.timeIntervalSince1970 / 900).rounded(.down) * 900)
    }
}
