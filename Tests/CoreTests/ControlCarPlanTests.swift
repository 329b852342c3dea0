import Foundation
import XCTest
@testable import KwartierCore

/// The balancer with a car's ready-by gate: held outside the planned quarters, capped at the
/// planned power inside them, the fuses and the slider still first; manual points ignore it.
final class ControlCarPlanTests: XCTestCase {
    let waitText = "waiting for the planned quarters 02:00–05:00, cheapest before 07:00"

    func sim(mode: ChargeMode = .auto, sliderKW: Double = 20) -> Sim {
        var b = SiteBuilder(gridA: 40, sliderKW: sliderKW)
        b.point("cp1", mode: mode, manualA: 10)
        let s = Sim(b)
        s.carPhases["cp1"] = 3
        return s
    }

    func testAHeldPointWaitsWithTheReason() {
        let s = sim()
        s.carPlan["cp1"] = CarPlanGate(.hold, waitText)
        s.step()
        XCTAssertEqual(s.sp("cp1"), 0)
        XCTAssertEqual(s.line("cp1"), "cp1 waiting: " + waitText)
        XCTAssertEqual(s.last!.point("cp1")!.explanation.kind, .plan)
    }

    /// 6.9 kW planned on a 3-phase 16 A point: 10.0 A.
    func testAPlannedQuarterChargesAtUpToThePlannedPower() {
        let s = sim()
        s.carPlan["cp1"] = CarPlanGate(.charge(maxW: 6900), "planned quarter until 02:15: up to 6.9 kW, ready by 07:00")
        s.step()
        XCTAssertEqual(s.sp("cp1"), 10)
        XCTAssertEqual(s.line("cp1"), "cp1 10.0 A: planned quarter until 02:15: up to 6.9 kW, ready by 07:00")
        // Below the car's minimum it charges at its minimum.
        s.carPlan["cp1"] = CarPlanGate(.charge(maxW: 1000), "planned")
        s.step()
        XCTAssertEqual(s.sp("cp1"), 6)
    }

    /// The slider binds before the plan: 6 kW under the slider (8.6 A) against 6.9 kW planned.
    func testTheSliderStaysFirst() {
        let s = sim(sliderKW: 6)
        s.carPlan["cp1"] = CarPlanGate(.charge(maxW: 6900), "planned")
        s.step()
        XCTAssertEqual(s.sp("cp1"), 8.6)
        XCTAssertEqual(s.last!.point("cp1")!.explanation.kind, .slider)
    }

    /// A running car inside its minimum run time (900 s) keeps its turn; then it is held and
    /// waits its minimum pause before a planned quarter restarts it. Energy in: stopped at once.
    func testAHoldRespectsTheMinimumRunTimeAndPause() {
        let s = sim()
        s.step()
        XCTAssertEqual(s.sp("cp1"), 16)
        s.carPlan["cp1"] = CarPlanGate(.hold, waitText)
        s.step(60)
        XCTAssertEqual(s.sp("cp1"), 16, "inside its minimum run time")
        s.step(840)
        XCTAssertEqual(s.sp("cp1"), 0)
        s.carPlan["cp1"] = CarPlanGate(.charge(maxW: 11_040), "planned")
        s.step(60)
        XCTAssertEqual(s.sp("cp1"), 0)
        XCTAssertEqual(s.last!.point("cp1")!.explanation.kind, .pause)
        s.step(61)
        XCTAssertEqual(s.sp("cp1"), 16)
        s.carPlan["cp1"] = CarPlanGate(.done, "30.0 kWh in, ready by 07:00")
        s.step()
        XCTAssertEqual(s.sp("cp1"), 0, "the energy is in: no minimum run time")
        XCTAssertEqual(s.line("cp1"), "cp1 waiting: 30.0 kWh in, ready by 07:00")
    }

    func testAManualPointIgnoresThePlan() {
        let s = sim(mode: .manual)
        s.carPlan["cp1"] = CarPlanGate(.hold, waitText)
        s.step()
        XCTAssertEqual(s.sp("cp1"), 10)
        XCTAssertEqual(s.line("cp1"), "cp1 10.0 A: manual 10.0 A")
    }
}
