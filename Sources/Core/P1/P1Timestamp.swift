import Foundation

/// A meter timestamp `YYMMDDhhmmssX`: local wall-clock time in the Brussels/Amsterdam zone with
/// X = S (summer, UTC+2) or W (winter, UTC+1). DSMR 2.2/3 omit X. See `utcOffsetSeconds` for how
/// the flag and the EU summer-time rule combine.
public struct P1Timestamp: Hashable, Sendable, CustomStringConvertible {
    public enum Season: UInt8, Sendable { case summer, winter, unspecified }
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    public var season: Season

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, season: Season) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second; self.season = season
    }

    /// True when the fields name a real calendar instant (placeholders such as `632525252525W`,
    /// which e-MUCS sends for an empty month, are not).
    public var isValid: Bool {
        month >= 1 && month <= 12 && day >= 1 && day <= P1Calendar.daysInMonth(year, month)
            && hour <= 23 && minute <= 59 && second <= 59
    }

    /// Offset from UTC in seconds (7200 summer, 3600 winter), from the Brussels/Amsterdam rules
    /// for this wall-clock time. The S/W flag decides where the rules leave a choice: the repeated
    /// October hour (W = its second, winter pass) and the skipped March hour. A flag that
    /// contradicts the calendar is not trusted: real e-MUCS meters send e.g. `200305122139S` (a
    /// March peak, stamped with the flag of the day the history entry was written).
    public var utcOffsetSeconds: Int {
        // Only March and October hold a change; a real date in any other month has one offset
        // (what the rules below give for it, without their calendar arithmetic).
        if month != 3 && month != 10 && isValid { return month >= 4 && month <= 9 ? 7200 : 3600 }
        return ruleOffsetSeconds
    }

    /// `utcOffsetSeconds` from the rules alone, for every month (the reference of its shortcut).
    var ruleOffsetSeconds: Int {
        let local = P1Calendar.epochSeconds(year, month, day, hour, minute, second)
        let summerFits = P1Calendar.isEUSummerTime(utc: local - 7200)
        let winterFits = !P1Calendar.isEUSummerTime(utc: local - 3600)
        switch (summerFits, winterFits) {
        case (true, false): return 7200
        case (false, true): return 3600
        case (true, true): return season == .winter ? 3600 : 7200     // October: first pass unless W
        case (false, false): return season == .summer ? 7200 : 3600   // March gap: no real clock shows it
        }
    }

    /// Seconds since 1970 UTC, nil when invalid.
    public var epochSeconds: Int? {
        guard isValid else { return nil }
        return P1Calendar.epochSeconds(year, month, day, hour, minute, second) - utcOffsetSeconds
    }

    /// The absolute instant, nil when the fields are not a real time.
    public var date: Date? { epochSeconds.map { Date(timeIntervalSince1970: TimeInterval($0)) } }

    /// The meter's own notation, e.g. "231102121548W".
    public var meterText: String {
        let yy = year % 100
        var s = ""
        for v in [yy, month, day, hour, minute, second] { s += v < 10 ? "0\(v)" : "\(v)" }
        switch season {
        case .summer: s += "S"
        case .winter: s += "W"
        case .unspecified: break
        }
        return s
    }

    /// ISO-8601 with the meter's offset, e.g. "2023-11-02T12:15:48+01:00"; nil when invalid.
    public var iso8601: String? {
        guard isValid else { return nil }
        var out: [UInt8] = []
        appendISO(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the ISO-8601 text (without quotes); the caller checks `isValid`.
    func appendISO(to out: inout [UInt8]) {
        @inline(__always) func two(_ v: Int) { out.append(UInt8(48 + v / 10)); out.append(UInt8(48 + v % 10)) }
        let y = year
        out.append(UInt8(48 + (y / 1000) % 10)); out.append(UInt8(48 + (y / 100) % 10)); two(y % 100)
        out.append(0x2D); two(month); out.append(0x2D); two(day)
        out.append(0x54); two(hour); out.append(0x3A); two(minute); out.append(0x3A); two(second)
        out.append(0x2B); two(utcOffsetSeconds / 3600); out.append(0x3A); out.append(48); out.append(48)
    }

    /// Parses 12 digits and an optional S/W flag in p[from..<to]. Digits are required; the
    /// calendar check is left to `isValid` so placeholders still parse.
    static func parse(_ p: UnsafeRawBufferPointer, from: Int, to: Int) -> P1Timestamp? {
        let n = to - from
        guard n == 12 || n == 13 else { return nil }
        var v = (0, 0, 0, 0, 0, 0)
        for k in 0..<6 {
            let h = p[from + 2 * k], l = p[from + 2 * k + 1]
            guard h >= 48, h <= 57, l >= 48, l <= 57 else { return nil }
            let x = Int(h - 48) * 10 + Int(l - 48)
            switch k {
            case 0: v.0 = x
            case 1: v.1 = x
            case 2: v.2 = x
            case 3: v.3 = x
            case 4: v.4 = x
            default: v.5 = x
            }
        }
        var season = Season.unspecified
        if n == 13 {
            switch p[from + 12] {
            case UInt8(ascii: "S"): season = .summer
            case UInt8(ascii: "W"): season = .winter
            default: return nil
            }
        }
        // POSIX %y pivot, as strptime (and so the dsmr_parser oracle) reads two-digit years.
        let year = v.0 >= 69 ? 1900 + v.0 : 2000 + v.0
        return P1Timestamp(year: year, month: v.1, day: v.2, hour: v.3, minute: v.4, second: v.5, season: season)
    }

    /// The meter's view of an instant: local Brussels/Amsterdam time with the S/W flag.
    public init(date: Date) {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        let summer = P1Calendar.isEUSummerTime(utc: t)
        let local = t + (summer ? 7200 : 3600)
        let c = P1Calendar.civil(fromEpochSeconds: local)
        self.init(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: c.second,
                  season: summer ? .summer : .winter)
    }

    public var description: String { iso8601 ?? "invalid(\(meterText))" }
}

/// Calendar arithmetic without Foundation's Calendar (cheap enough for the parse hot path).
public enum P1Calendar {
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func epochSeconds(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Int {
        daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s
    }

    public static func civil(fromEpochSeconds t: Int) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var days = t / 86400
        var rem = t % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60)
    }

    /// Day of month of the last Sunday of a month.
    static func lastSunday(_ y: Int, _ m: Int) -> Int {
        let last = daysInMonth(y, m)
        let days = daysFromCivil(y, m, last)
        let weekday = ((days % 7) + 11) % 7          // 0 = Sunday (1970-01-01 was a Thursday)
        return last - weekday
    }

    /// EU rule: summer time from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
    public static func isEUSummerTime(utc t: Int) -> Bool {
        let y = civil(fromEpochSeconds: t).year
        let start = epochSeconds(y, 3, lastSunday(y, 3), 1, 0, 0)
        let end = epochSeconds(y, 10, lastSunday(y, 10), 1, 0, 0)
        return t >= start && t < end
    }
}
