import Foundation
import KwartierCore
import KwartierTUI

/// What `dashboard-preview --state-file` writes after every step: the values the dashboard
/// should be showing, and the commands applied so far — tests compare the screen with it.
public struct PreviewState: Codable, Equatable {
    public struct Quarter: Codable, Equatable {
        public var averageKW: Double, forecastKW: Double, allowedKW: Double, monthPeakKW: Double, secondsLeft: Int
    }
    public struct Point: Codable, Equatable {
        public var id: String, name: String, state: String, mode: String, priority: Int
        public var manualA: Double?, setpointA: Double, powerW: Double, explanation: String
        public var board: String, currents: [Double], sessionKWh: Double, phases: Int
    }
    public struct Relay: Codable, Equatable { public var id: String, state: String, override: String }

    public var step: Int
    public var clock: String
    public var sliderKW: Double
    public var gridW: Double
    public var houseW: Double
    public var chargeParkW: Double
    public var quarter: Quarter?
    public var points: [Point]
    public var relays: [Relay]
    public var applied: [String]

    public init(_ s: SiteSnapshot, step: Int, applied: [UserCommand]) {
        self.step = step
        clock = Fmt.clock(s.time)
        sliderKW = s.sliderKW
        gridW = s.grid.powerW
        houseW = s.houseW
        chargeParkW = s.chargeParkW
        quarter = s.quarter.map { Quarter(averageKW: $0.averageKW, forecastKW: $0.forecastKW, allowedKW: $0.allowedKW,
                                          monthPeakKW: $0.monthPeakKW, secondsLeft: Int($0.secondsLeft(at: s.time).rounded(.down))) }
        points = s.points.map { Point(id: $0.id, name: $0.name, state: $0.state.rawValue, mode: $0.mode.rawValue, priority: $0.priority,
                                      manualA: $0.manualA, setpointA: $0.setpointA, powerW: $0.powerW, explanation: $0.explanation,
                                      board: $0.board, currents: $0.currents.values, sessionKWh: $0.sessionKWh, phases: $0.phasesInUse) }
        relays = s.relays.map { Relay(id: $0.id, state: $0.state, override: $0.override.rawValue) }
        self.applied = applied.map(Self.describe)
    }

    public static func describe(_ c: UserCommand) -> String {
        switch c {
        case .setSlider(let kw): return "slider \(Fmt.kWv(kw))"
        case .setMode(let p, let m): return "mode \(p) \(m.rawValue)"
        case .setManualCurrent(let p, let a): return "manual \(p) \(Fmt.ampsInt(a))"
        case .setPriority(let p, let n): return "priority \(p) \(n)"
        case .setReadyBy(let p, let r): return "ready-by \(p) \(r.map { "\($0.timeText) \($0.energyKWh) kWh" } ?? "none")"
        case .setRelayOverride(let r, let o): return "relay \(r) \(o.rawValue)"
        }
    }

    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}

/// Every screen as plain text, for `--print-screens` and docs/DASHBOARD.md.
public enum PreviewScreens {
    public static func text(_ s: SiteSnapshot, width: Int, height: Int, glyphs: Glyphs) -> String {
        var out: [String] = []
        for screen in ScreenID.allCases {
            var st = UIState()
            st.observe(s, now: s.time)
            st.screen = screen
            st.selectedPoint = 2
            let c = DashboardView.frame(width: width, height: height, glyphs: glyphs, snapshot: s, state: st)
            out.append("== \(screen.rawValue) \(screen.title)\n" + c.text())
        }
        var st = UIState(); st.showHelp = true
        out.append("== help (?)\n" + DashboardView.frame(width: width, height: height, glyphs: glyphs, snapshot: s, state: st).text())
        return out.joined(separator: "\n\n")
    }
}
