import Foundation

/// "Ready by 07:00 with 30 kWh" for a charge point (`kwartier set point ID --ready-by 07:00
/// --energy-kwh 30`): the car's energy goes into the cheapest quarters before the deadline.
public struct ReadyBy: Sendable, Equatable, Codable {
    /// Local time of day, minutes after midnight.
    public var minuteOfDay: Int
    public var energyKWh: Double
    public init(minuteOfDay: Int, energyKWh: Double) { self.minuteOfDay = minuteOfDay; self.energyKWh = energyKWh }

    /// "07:00" → 420; nil when not HH:MM within a day.
    public static func minute(_ text: String) -> Int? {
        let p = text.split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 2, p[0].count == 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    public var timeText: String { String(format: "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60) }

    /// The next time of day after `now` in `timeZone`.
    public func deadline(after now: Date, timeZone: TimeZone) -> Date {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let day = cal.startOfDay(for: now)
        var t = cal.date(bySettingHour: minuteOfDay / 60, minute: minuteOfDay % 60, second: 0, of: day) ?? day
        if t <= now { t = cal.date(byAdding: .day, value: 1, to: t) ?? t.addingTimeInterval(86_400) }
        return t
    }
}

/// A car to be charged before a deadline, at most `maxKW`.
public struct CarDemand: Sendable, Equatable {
    public var pointId: String
    public var deadline: Date
    public var energyKWh: Double
    public var maxKW: Double
    public init(pointId: String, deadline: Date, energyKWh: Double, maxKW: Double) {
        self.pointId = pointId; self.deadline = deadline; self.energyKWh = energyKWh; self.maxKW = maxKW
    }
}

public enum CarScheduler {
    /// The car's power per quarter (kW), aligned with `quarters`: the cheapest take price first
    /// (the earlier quarter on a tie), each quarter up to the car's power and the slider's room
    /// above the rest of the load, only quarters that end by the deadline. Less than asked when
    /// the quarters before the deadline cannot hold it.
    public static func schedule(_ car: CarDemand, quarters: [QuarterForecast], sliderKW: Double) -> [Double] {
        // A quarter that ends after the deadline gets no hours, so nothing.
        let hours = quarters.map { $0.start.addingTimeInterval(900) <= car.deadline ? 0.25 : 0 }
        let cap = quarters.map { min(car.maxKW, max(0, sliderKW - max(0, $0.baseKW + $0.carKW))) }
        return CheapestFill.fill(energyKWh: car.energyKWh, price: quarters.map(\.takePrice), capKW: cap, hours: hours).kw
    }

    /// `quarters` with the cars' planned power added to `carKW`, one car after the other.
    public static func apply(_ cars: [CarDemand], to quarters: [QuarterForecast], sliderKW: Double) -> [QuarterForecast] {
        var out = quarters
        for car in cars {
            for (i, p) in schedule(car, quarters: out, sliderKW: sliderKW).enumerated() { out[i].carKW += p }
        }
        return out
    }
}
