import Foundation
import KwartierCore

/// The header (name, tabs, clock), the status line (message or latest alert) and the footer
/// (key hints) around every screen.
enum Chrome {
    static func header(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot?, _ st: UIState) {
        c.fill(r, " ", .title)
        let clock = s.map { " " + Fmt.clock($0.time) + " " } ?? " --:--:-- "
        let safe = (s?.safeState ?? false) ? " SAFE STATE " : ""
        // The active tab is padded on both sides, the others only on the left.
        func width(_ tabs: [(String, Bool)]) -> Int { tabs.reduce(0) { $0 + $1.0.count + ($1.1 ? 2 : 1) } }
        var tabs: [(String, Bool)] = ScreenID.allCases.map { ("\($0.rawValue) \($0.title)", $0 == st.screen) }
        var tabsW = width(tabs)
        let rightW = clock.count + safe.count
        // Narrow: number-only tabs for the inactive screens, when not even a short name fits
        // beside the named tabs (at 80 columns the names stay and the site's name is shortened).
        if r.w - tabsW - rightW < 7 {
            tabs = ScreenID.allCases.map { ($0 == st.screen ? "\($0.rawValue) \($0.title)" : "\($0.rawValue)", $0 == st.screen) }
            tabsW = width(tabs)
        }
        let nameW = max(0, r.w - tabsW - rightW - 1)
        // "Kwartier – site" when it fits, else just the site's name.
        var name = " Kwartier" + ((s?.siteName).map { " " + c.glyphs.dash.description + " " + $0 } ?? "")
        if name.count > nameW, let site = s?.siteName { name = " " + site }
        c.textFit(Rect(x: r.x, y: r.y, w: nameW, h: 1), name, .title)
        var x = r.x + nameW
        for (t, active) in tabs {
            x = c.text(x, r.y, active ? " " + t + " " : " " + t, active ? .tabActive : .tabInactive, clip: r)
        }
        var rx = r.maxX - rightW
        if !safe.isEmpty { rx = c.text(rx, r.y, safe, .crit, clip: r) }
        c.text(rx, r.y, clock, .clock, clip: r)
    }

    static func status(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot?, _ st: UIState) {
        c.fill(r)
        if let m = st.message {
            c.textFit(r, dx: 1, m.text, m.role)
            return
        }
        guard let s else { c.textFit(r, dx: 1, "waiting for the first snapshot from the core", .dim); return }
        let active = s.alerts.filter(\.active)
        let right = active.isEmpty ? "" : " \(active.count) active "
        let avail = Rect(x: r.x, y: r.y, w: r.w - right.count, h: 1)
        if s.safeState {
            c.textFit(avail, dx: 1, "SAFE STATE: main meter stale, charge points at their safe current", .alertCrit)
        } else if let a = latestAlert(s) {
            let role: Role = !a.active ? .dim : a.level == .critical ? .alertCrit : a.level == .warning ? .alertWarn : .alertInfo
            c.textFit(avail, dx: 1, "\(a.active ? "!" : " ") \(Fmt.clock(a.time)) \(a.text)", role)
        } else {
            c.textFit(avail, dx: 1, "no alerts", .dim)
        }
        if !right.isEmpty { c.text(r.maxX - right.count, r.y, right, .alertWarn, clip: r) }
    }

    /// The alert the status line shows: the newest active one of the highest level, else the newest.
    static func latestAlert(_ s: SiteSnapshot) -> AlertView? {
        func rank(_ l: AlertView.Level) -> Int { l == .critical ? 2 : l == .warning ? 1 : 0 }
        let active = s.alerts.filter(\.active)
        if let a = active.max(by: { (rank($0.level), $0.time) < (rank($1.level), $1.time) }) { return a }
        return s.alerts.max(by: { $0.time < $1.time })
    }

    static func footer(_ c: inout Canvas, _ r: Rect, _ st: UIState) {
        c.fill(r, " ", .footerText)
        let (qk, ql) = KeyMap.footerQuit
        let quitW = qk.count + ql.count + 2
        var x = r.x
        for (k, label) in KeyMap.footer(st.screen) {
            let need = k.count + label.count + 2
            if x + need > r.maxX - quitW { break }
            x = c.text(x, r.y, k, .footerKey, clip: r)
            x = c.text(x, r.y, " " + label + " ", .footerText, clip: r)
        }
        x = c.text(r.maxX - quitW, r.y, qk, .footerKey, clip: r)
        c.text(x, r.y, " " + ql + " ", .footerText, clip: r)
    }
}
