import Foundation

/// `kwartier simulate --trace`: every decision as one JSON line — each point's setpoint, phases,
/// the explanation (kind and text) and whether it was sent, the quarter-hour status, the safe
/// state and the relays. Written by hand (not JSONEncoder): a day is 86 400 lines.
public struct SimTrace {
    let timeZone: TimeZone
    private var offsetHour = Int.min
    private var offsetS = 0

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// One line (without the newline) for the step decided at `now`.
    public mutating func line(_ s: SiteStep, now: Date) -> String {
        var o = "{\"time\":\""
        o += isoTime(now)
        o += "\",\"safe_state\":"
        o += s.decision.safeState ? "true" : "false"
        o += ",\"points\":["
        for (i, p) in s.decision.points.enumerated() {
            if i > 0 { o += "," }
            o += "{\"id\":" + Self.quoted(p.id)
            o += ",\"setpoint_a\":" + Self.num(p.setpointA)
            o += ",\"phases\":" + (p.phases.map(String.init) ?? "null")
            o += ",\"kind\":\"" + p.explanation.kind.rawValue + "\""
            o += ",\"text\":" + Self.quoted(p.explanation.text)
            o += ",\"send\":" + (p.send ? "true" : "false") + "}"
        }
        o += "],\"quarter\":"
        if let q = s.decision.quarter {
            o += "{\"average_kw\":" + Self.num(q.averageKW) + ",\"forecast_kw\":" + Self.num(q.forecastKW)
            o += ",\"allowed_kw\":" + Self.num(q.allowedKW) + ",\"target_kw\":" + Self.num(q.targetKW)
            o += ",\"month_peak_kw\":" + Self.num(q.monthPeakKW)
            if let m = q.meterAverageKW { o += ",\"meter_average_kw\":" + Self.num(m) }
            o += "}"
        } else {
            o += "null"
        }
        o += ",\"relays\":["
        for (i, r) in s.relays.enumerated() {
            if i > 0 { o += "," }
            o += "{\"id\":" + Self.quoted(r.id) + ",\"state\":" + Self.quoted(r.state.text)
            o += ",\"contacts\":[" + r.contacts.map { $0 ? "true" : "false" }.joined(separator: ",") + "]"
            o += ",\"changed\":" + (r.changed ? "true" : "false") + ",\"reason\":" + Self.quoted(r.reason) + "}"
        }
        o += "]"
        if !s.decision.warnings.isEmpty {
            o += ",\"warnings\":[" + s.decision.warnings.map(Self.quoted).joined(separator: ",") + "]"
        }
        o += "}"
        return o
    }

    /// Local ISO 8601 time with its offset, e.g. 2026-06-15T08:00:01+02:00 (the offset is looked
    /// up once an hour: time zones change on the hour).
    mutating func isoTime(_ d: Date) -> String {
        let t = Int(d.timeIntervalSince1970.rounded(.down))
        let hour = t >= 0 ? t / 3600 : (t - 3599) / 3600
        if hour != offsetHour {
            offsetHour = hour
            offsetS = timeZone.secondsFromGMT(for: d)
        }
        let c = P1Calendar.civil(fromEpochSeconds: t + offsetS)
        let sign = offsetS < 0 ? "-" : "+"
        let off = abs(offsetS)
        return "\(c.year)-\(pad(c.month))-\(pad(c.day))T\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))\(sign)\(pad(off / 3600)):\(pad(off / 60 % 60))"
    }

    private func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    static func num(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        let r = (v * 1000).rounded() / 1000
        if r == r.rounded() && abs(r) < 1e15 { return String(Int(r)) }
        return String(r)
    }

    static func quoted(_ s: String) -> String {
        var o = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\r": o += "\\r"
            case "\t": o += "\\t"
            default:
                if u.value < 0x20 { o += String(format: "\\u%04x", u.value) } else { o.unicodeScalars.append(u) }
            }
        }
        return o + "\""
    }
}
