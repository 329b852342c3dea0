import Foundation
import KwartierCore

/// Draws one whole frame onto a canvas from the latest snapshot and the UI state. Pure apart
/// from the scroll memory it keeps; the ncurses layer then copies the changed cells.
public enum DashboardView {
    public static func render(_ c: inout Canvas, snapshot s: SiteSnapshot?, state st: UIState, memory mem: inout ViewMemory) {
        guard Layout.fits(width: c.width, height: c.height) else {
            Overlays.tooSmall(&c)
            return
        }
        let l = Layout(width: c.width, height: c.height)
        Chrome.header(&c, l.header, s, st)
        c.fill(l.body)
        if let s {
            switch st.screen {
            case .overview: OverviewScreen.draw(&c, l.body, s, st, &mem)
            case .points: PointsScreen.draw(&c, l.body, s, st, &mem)
            case .boards: BoardsScreen.draw(&c, l.body, s, st)
            case .devices: DevicesScreen.draw(&c, l.body, s, st, &mem)
            case .log: LogScreen.draw(&c, l.body, s, st)
            case .history: HistoryScreen.draw(&c, l.body, s, st)
            case .plan: PlanScreen.draw(&c, l.body, s, st, &mem)
            }
        } else {
            let t = "Waiting for the first snapshot from the core..."
            c.text(l.body.x + max(0, (l.body.w - t.count) / 2), l.body.y + l.body.h / 2, t, .dim)
        }
        Chrome.status(&c, l.status, s, st)
        Chrome.footer(&c, l.footer, st)
        if st.showHelp { Overlays.help(&c, l.body) }
        if st.confirmQuit { Overlays.confirmQuit(&c, l.body) }
    }

    /// Convenience for tests and `--print-screens`: a fresh canvas with one frame drawn.
    public static func frame(width: Int, height: Int, glyphs: Glyphs, snapshot: SiteSnapshot?, state: UIState) -> Canvas {
        var c = Canvas(width: width, height: height, glyphs: glyphs)
        var mem = ViewMemory()
        render(&c, snapshot: snapshot, state: state, memory: &mem)
        return c
    }
}
