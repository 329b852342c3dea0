import KwartierCore

/// Screen 5: the alerts (active first) and the in-memory log ring, filtered by minimum level
/// (`l` cycles it), newest at the bottom; Up/Down scroll back, End follows the tail again.
enum LogScreen {
    static func role(_ l: LogLine.Level) -> Role {
        switch l {
        case .trace, .debug: return .logDebug
        case .info, .notice: return .logInfo
        case .warning: return .logWarn
        case .error, .critical: return .logError
        }
    }

    static func draw(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState) {
        let alerts = s.alerts.sorted { ($0.active ? 1 : 0, $0.time) > ($1.active ? 1 : 0, $1.time) }
        let alertRows = min(max(1, alerts.count), max(1, r.h / 4))
        let (alertR, logR) = r.splitTop(alertRows + 2)
        let aIn = Box.draw(&c, alertR, title: "Alerts", right: "\(alerts.filter(\.active).count) active")
        if alerts.isEmpty { c.textFit(aIn, "no alerts", .dim) }
        for (i, a) in alerts.prefix(aIn.h).enumerated() {
            let role: Role = !a.active ? .dim : a.level == .critical ? .alertCrit : a.level == .warning ? .alertWarn : .alertInfo
            let mark = a.active ? "!" : " "
            c.textFit(aIn, row: i, "\(mark) \(Fmt.clock(a.time)) \(Fmt.rpad(a.level.rawValue, 8)) \(a.text)", role)
        }

        let lines = s.log.filter { $0.level >= st.logLevel }
        let back = min(st.logBack, max(0, lines.count - 1))
        let title = "Log \(st.logLevel.rawValue)+"
        let right = back > 0 ? "\(lines.count) lines, \(back) back" : "\(lines.count) lines"
        let lIn = Box.draw(&c, logR, title: title, right: right)
        guard lIn.h > 0 else { return }
        let end = lines.count - back
        let shown = lines[max(0, end - lIn.h)..<max(0, end)]
        for (i, l) in shown.enumerated() {
            c.textFit(lIn, row: i, "\(Fmt.clock(l.time)) \(Fmt.rpad(l.level.rawValue, 8)) \(l.text)", role(l.level))
        }
        if lines.isEmpty { c.textFit(lIn, "nothing at \(st.logLevel.rawValue) or above", .dim) }
    }
}
