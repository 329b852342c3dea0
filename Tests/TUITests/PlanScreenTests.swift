import XCTest
import KwartierCore
@testable import KwartierTUI

/// The Plan screen from a hand-made `PlanView`: the lanes as bars on a time axis, the selected
/// quarter's figures, scrolling through 20 hours, and the message when there is no plan.
final class PlanScreenTests: XCTestCase {
    static let tz = TimeZone(identifier: "Europe/Brussels")!

    /// 80 quarters from 14:00 local (13:00 UTC): the price climbs 0.10 → 0.32 €/kWh every
    /// three hours; the battery charges 2.5 kW for two hours, discharges 2 kW 00:00–02:00; a
    /// car 18:00–20:00; PV falls off by 19:00; the load 0.5–0.7 kW.
    static func plan() -> PlanView {
        let q0 = Date(timeIntervalSince1970: 1_741_784_400)
        let steps = (0..<80).map { k -> PlanView.Step in
            let battery = k < 8 ? 2.5 : (40..<48).contains(k) ? -2.0 : 0
            return PlanView.Step(start: q0.addingTimeInterval(Double(k) * 900), takeEurPerKWh: 0.10 + 0.02 * Double(k % 12),
                                 batteryKW: battery, carKW: (16..<24).contains(k) ? 7.4 : 0,
                                 pvForecastKW: max(0, 3 - 0.15 * Double(k)), loadForecastKW: 0.5 + 0.1 * Double(k % 3),
                                 socPercent: Double(k < 8 ? 30 + 6 * (k + 1) : 78))
        }
        return PlanView(generatedAt: q0.addingTimeInterval(-62), mode: "plan", steps: steps)
    }

    func frame(_ plan: PlanView?, w: Int = 80, h: Int = 24, keys: [Key] = []) -> Canvas {
        Fmt.useTimeZone(Self.tz)
        var s = Fixture.snapshot()
        s.plan = plan
        var st = UIState()
        st.observe(s, now: s.time)
        for k in [.char("7")] + keys { _ = st.handle(k, snapshot: s, now: s.time, drivingHardware: false) }
        XCTAssertEqual(st.screen, .plan)
        return DashboardView.frame(width: w, height: h, glyphs: .ascii, snapshot: s, state: st)
    }

    func testPlanScreenAt80x24() {
        let t = frame(Self.plan()).text()
        print(t)
    }
}
