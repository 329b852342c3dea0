import Foundation

/// Local days and months of the site's time zone as instants, for reading the history: a day is
/// from its local midnight to the next (23 or 25 hours on DST days), a month from its first
/// local midnight to the next month's.
// unchecked: its ISO8601DateFormatter is configured in init and only read after.
public struct HistoryCalendar: @unchecked Sendable {
    public let timeZone: TimeZone
    let calendar: Calendar
    // Made once: a formatter per call costs more than the query (never mutated after init).
    private let isoFormatter: ISO8601DateFormatter

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        calendar = c
        isoFormatter = ISO8601DateFormatter()
        isoFormatter.timeZone = timeZone
        isoFormatter.formatOptions = [.withInternetDateTime]
    }

    /// Groups items sorted by time into local days: the day key and the items of each day that
    /// has any, in order (one calendar computation per day, not per item).
    public func groupByDay<T>(_ items: [T], time: (T) -> Date) -> [(day: String, items: ArraySlice<T>)] {
        var out: [(String, ArraySlice<T>)] = []
        var i = 0
        while i < items.count {
            let dayStart = startOfDay(time(items[i]))
            let next = nextDay(dayStart)
            var j = i
            while j < items.count && time(items[j]) < next { j += 1 }
            out.append((dayKey(dayStart), items[i..<j]))
            i = j
        }
        return out
    }

    /// A day "yyyy-MM-dd" (nil when it is not one).
    public func day(_ s: String) -> Date? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        let dc = DateComponents(year: y, month: m, day: d)
        guard dc.isValidDate(in: calendar), let t = calendar.date(from: dc) else { return nil }
        return calendar.startOfDay(for: t)
    }

    /// A month "yyyy-MM": its first local midnight and the next month's.
    public func month(_ s: String) -> (start: Date, end: Date)? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
              (1...12).contains(m), let start = calendar.date(from: DateComponents(year: y, month: m, day: 1)),
              let end = calendar.date(byAdding: .month, value: 1, to: start) else { return nil }
        return (start, end)
    }

    /// The local midnight after the day starting at `t`.
    public func nextDay(_ t: Date) -> Date { calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: t))! }
    public func startOfDay(_ t: Date) -> Date { calendar.startOfDay(for: t) }

    public func dayKey(_ t: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: t)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    public func monthKey(_ t: Date) -> String {
        let c = calendar.dateComponents([.year, .month], from: t)
        return String(format: "%04d-%02d", c.year ?? 0, c.month ?? 0)
    }

    /// The month of `t` ("yyyy-MM") with its bounds.
    public func monthOf(_ t: Date) -> (key: String, start: Date, end: Date) {
        let k = monthKey(t)
        let m = month(k)!
        return (k, m.start, m.end)
    }

    /// The days from `from` through `to` (local midnights), in order.
    public func days(from: Date, through to: Date) -> [Date] {
        var out: [Date] = []
        var d = calendar.startOfDay(for: from)
        while d <= to { out.append(d); d = nextDay(d) }
        return out
    }

    /// ISO 8601 with the site's offset at that instant, e.g. 2026-10-25T02:45:00+01:00.
    public func iso(_ t: Date) -> String {
        isoFormatter.string(from: t)
    }

    /// Local wall time "HH:mm".
    public func clock(_ t: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: t)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }
}
