import Foundation

extension TextFormat {
    /// "2026-12-07T14:48:46.123Z": UTC, milliseconds. Written out by hand: a log line
    /// is stamped on the control loop, and an ISO8601DateFormatter built per line (ICU) cost
    /// more than the rest of the line at 250 setpoints a second.
    public static func utcStamp(_ d: Date) -> String {
        // To the nearest millisecond: .123 is stored as .12299…
        let total = Int64((d.timeIntervalSince1970 * 1000).rounded())
        let whole = total >= 0 ? total / 1000 : (total - 999) / 1000
        let ms = total - whole * 1000
        var secs = time_t(whole)
        var tm = tm()
        gmtime_r(&secs, &tm)
        func pad(_ v: Int32, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        return pad(tm.tm_year + 1900, 4) + "-" + pad(tm.tm_mon + 1, 2) + "-" + pad(tm.tm_mday, 2) + "T"
            + pad(tm.tm_hour, 2) + ":" + pad(tm.tm_min, 2) + ":" + pad(tm.tm_sec, 2) + "." + pad(Int32(ms), 3) + "Z"
    }
}
