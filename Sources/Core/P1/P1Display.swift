/// Human-readable text of values, for `kwartier p1 decode` tables and `listen` lines.
extension P1Value {
    public var display: String {
        func t(_ ts: P1Timestamp?) -> String { ts.map { $0.iso8601 ?? "none (\($0.meterText))" } ?? "none" }
        func nu(_ n: P1Number?, _ u: P1Unit?) -> String {
            guard let n else { return "-" }
            return u.map { "\(n) \($0)" } ?? n.description
        }
        switch self {
        case .empty: return "(empty)"
        case .number(let n, let u): return nu(n, u)
        case .text(let s): return s
        case .timestamp(let ts): return t(ts)
        case .timed(let ts, let n, let u): return "\(nu(n, u)) at \(t(ts))"
        case .peakHistory(let h):
            if h.isEmpty { return "no months" }
            return h.map { "\($0.start.flatMap { $0.isValid ? yearMonth($0.year, $0.month) : nil } ?? "-"): \($0.kw) kW at \(t($0.peakTime))" }
                .joined(separator: "; ")
        case .log(let l):
            if l.isEmpty { return "no entries" }
            return l.map { "\(t($0.time)) \(nu($0.value, $0.unit))" }.joined(separator: "; ")
        case .groups(let g):
            return g.map { e in e.unit.map { "\(e.text)*\($0)" } ?? e.text }.map { "(\($0))" }.joined()
        }
    }
}

/// "2023-11".
private func yearMonth(_ year: Int, _ month: Int) -> String { "\(year)-\(month < 10 ? "0" : "")\(month)" }
