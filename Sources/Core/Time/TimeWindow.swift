import Foundation

/// A daily window "HH:MM-HH:MM" in local wall-clock time; may cross midnight.
public struct TimeWindow: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Minutes after local midnight.
    public var startMinute: Int
    public var endMinute: Int

    public init?(parse text: String) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let s = TimeWindow.minutes(parts[0]), let e = TimeWindow.minutes(parts[1]), s != e else { return nil }
        startMinute = s; endMinute = e
    }

    public static func minutes(_ hhmm: String) -> Int? {
        let p = hhmm.split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0..<60).contains(m),
              h * 60 + m <= 24 * 60 else { return nil }
        return h * 60 + m
    }

    /// Whether a local wall-clock minute-of-day falls inside the window.
    public func contains(minuteOfDay m: Int) -> Bool {
        if startMinute < endMinute { return m >= startMinute && m < endMinute }
        return m >= startMinute || m < endMinute   // across midnight
    }

    /// Whether the instant falls in the window, read on the wall clock of `timeZone`
    /// (so DST days are handled by the zone's offset at that instant, not by adding hours).
    public func contains(_ date: Date, timeZone: TimeZone) -> Bool {
        contains(minuteOfDay: TimeWindow.minuteOfDay(date, timeZone: timeZone))
    }

    /// Local wall-clock minute of the day: UTC plus the zone's offset in force at that instant.
    public static func minuteOfDay(_ date: Date, timeZone: TimeZone) -> Int {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        let minutes = Int((local / 60).rounded(.down))
        return ((minutes % 1440) + 1440) % 1440
    }

    public var description: String {
        String(format: "%02d:%02d-%02d:%02d", startMinute / 60, startMinute % 60, endMinute / 60, endMinute % 60)
    }
}
