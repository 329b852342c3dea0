import XCTest
@testable import KwartierCore

/// Safe states, lost points, 1p/3p switching, cars that do not draw, PV surplus and the hook for
/// other consumers.
final class ControlSafetyTests: XCTestCase {
    /// Stale main meter: running cars drop to their minimum when it fits the fuse budget from the
    /// last known consumption, else to 0; waiting cars do not start; the decision says why.
    func testStaleMainMeterSafeState() {
        var b = SiteBuilder(gridA: 32, sliderKW: 1000)
        b.point("cp1"); b.point("cp2"); b.point("cp3"); b.point("cp4")
        let s = Sim(b)
        s.houseA = .all(15)
        s.carPhases = ["cp1": 3, "cp2": 3]
        s.step()
        XCTAssertEqual(s.sp("cp1"), 8.5)
        XCTAssertEqual(s.sp("cp2"), 8.5)
        XCTAssertFalse(s.last!.safeState)
        // The meter goes silent; cp3 is lost (budgeted at its 6 A safe current), cp4 connects.
        s.gridAgeS = 12
        s.lost = ["cp3"]
        s.carPhases["cp4"] = 3
        s.step()
        XCTAssertTrue(s.last!.safeState)
        XCTAssertEqual(s.line("cp1"), "cp1 6.0 A: meter stale 12 s: held at minimum")
        XCTAssertEqual(s.line("cp2"), "cp2 0 A: meter stale 12 s")        // 15 + 6 + 6 + 6 > 32
        XCTAssertEqual(s.line("cp3"), "cp3 6.0 A: lost, budgeted at 6.0 A")
        XCTAssertFalse(s.last!.point("cp3")!.send)
        XCTAssertEqual(s.line("cp4"), "cp4 0 A: meter stale 12 s")
        XCTAssertEqual(s.last!.levels[0].currents, .all(27))
        // Fresh data again: normal control (cp2 waits out its pause, cp4 may start).
        s.gridAgeS = 0.2
        s.lost = []
        s.step()
        XCTAssertFalse(s.last!.safeState)
        XCTAssertEqual(s.line("cp2"), "cp2 0 A: paused after a stop, restart possible in 119 s")
        XCTAssertEqual(s.sp("cp4"), 8.5)         // shares the 17 A with cp1
    }

    /// No main-meter reading at all yet: nothing is given current.
    func testNoMainMeterReadingYet() {
        var b = SiteBuilder(gridA: 32)
        b.point("cp1")
        let c = Controller(config: b.config)
        var input = ControlInput.empty(for: c.site)
        input.points[0] = PointReading(status: car(0, state: .connected))
        let d = c.decide(input, now: brussels(2025, 4, 8, 9, 0))
        XCTAssertTrue(d.safeState)
        XCTAssertEqual(d.point("cp1")!.line, "cp1 0 A: no main-meter reading yet")
        XCTAssertNil(d.quarter)
    }

    /// A stale board meter holds the points below it at their minimum.
    func testStaleBoardMeter() {
        var b = SiteBuilder(gridA: 63, sliderKW: 1000)
        b.board("garage", limitA: 32, meter: "gm")
        b.point("cp1", board: "garage"); b.point("cp2")
        let s = Sim(b)
        s.boardHouseA["garage"] = .all(4)
        s.houseA = .all(4)
        s.carPhases = ["cp1": 3, "cp2": 3]
        s.step()
        XCTAssertEqual(s.sp("cp1"), 16)
        s.boardAgeS["garage"] = 25
        s.step()
        XCTAssertEqual(s.line("cp1"), "cp1 6.0 A: board garage meter stale 25 s: held at minimum")
        XCTAssertEqual(s.sp("cp2"), 16)
        XCTAssertFalse(s.last!.safeState)
    }

    /// A lost point is budgeted at its last draw when that is above its safe current.
    func testLostPointBudgetedAtLastDraw() {
        var b = SiteBuilder(gridA: 32, sliderKW: 1000)
        b.point("cp1"); b.point("cp2", safeA: 6)
        let s = Sim(b)
        s.houseA = .all(10)
        s.carPhases = ["cp1": 3, "cp2": 3]
        s.step()
        XCTAssertEqual(s.sp("cp1"), 11)
        s.lost = ["cp2"]              // it was drawing 11 A when it went silent
        s.step()
        XCTAssertEqual(s.line("cp2"), "cp2 6.0 A: lost, budgeted at 11.0 A")
        XCTAssertEqual(s.sp("cp1"), 11)
        XCTAssertEqual(s.line("cp1"), "cp1 11.0 A: grid L1 32.0/32 A")
    }

    /// 1p/3p switching: a tight board line drops the car to 1 phase (its 3-phase start minimum does
    /// not fit, the 1-phase one does); back to 3 phases when it fits again, not before the dwell.
    func testOnePhaseThreePhaseSwitching() {
        var b = SiteBuilder(gridA: 63, sliderKW: 1000)
        b.board("b", limitA: 16, meter: "bm")
        b.point("cp1", board: "b", switching: true)
        let s = Sim(b)
        s.boardHouseA["b"] = PhaseValues(2, 12, 2)
        s.houseA = PhaseValues(2, 12, 2)
        s.carPhases["cp1"] = 3
        s.step()
        XCTAssertEqual(s.last!.point("cp1")!.phases, 1)
        XCTAssertEqual(s.sp("cp1"), 14)
        XCTAssertEqual(s.line("cp1"), "cp1 14.0 A: board b L1 16.0/16 A; switched to 1 phase")
        s.boardHouseA["b"] = .all(2); s.houseA = .all(2)
        s.step(100)
        XCTAssertNil(s.last!.point("cp1")!.phases)
        XCTAssertEqual(s.sp("cp1"), 14)
        s.step(199)
        XCTAssertNil(s.last!.point("cp1")!.phases)
        s.step(1)                      // 300 s after the last switch
        XCTAssertEqual(s.last!.point("cp1")!.phases, 3)
        XCTAssertEqual(s.sp("cp1"), 14)
        XCTAssertEqual(s.line("cp1"), "cp1 14.0 A: board b L1 16.0/16 A; switched to 3 phases")
        XCTAssertEqual(s.last!.levels[1].currents, .all(16))
    }

    /// PV surplus: export is power for the cars before any import; what they leave is reported.
    func testPVSurplusFirst() {
        var b = SiteBuilder(gridA: 40, sliderKW: 2.5)
        b.point("cp1", phases: "L1")
        let s = Sim(b)
        s.houseW = -4000; s.houseA = .all(-4000.0 / 690)
        s.carPhases["cp1"] = 1
        s.step()
        // 2.5 kW import + 4 kW export = 6.5 kW: the 1-phase point's 16 A (3.68 kW) binds.
        XCTAssertEqual(s.line("cp1"), "cp1 16.0 A: point max 16 A")
        let cb = s.last!.consumers!
        XCTAssertEqual(cb.carsPlannedW, 3680, accuracy: 1e-6)
        XCTAssertEqual(cb.surplusAfterCarsW, 320, accuracy: 1e-6)
        XCTAssertEqual(cb.headroomAfterCarsW, 2500 + 320, accuracy: 1e-6)
        XCTAssertEqual(cb.carsFlexibleW, (16 - 6) * 230, accuracy: 1e-6)
    }

    /// A device served before the cars claims its power; its own draw is not counted twice.
    func testClaimBeforeCars() {
        var b = SiteBuilder(gridA: 40, sliderKW: 9)
        b.point("cp1")
        let s = Sim(b)
        s.houseW = 1000
        s.carPhases["cp1"] = 3
        s.beforeCars = [ConsumerClaim(id: "heatpump", claimW: 2000, drawW: 0)]
        s.step()
        XCTAssertEqual(s.sp("cp1"), 8.6)       // (9 - 1 - 2) kW / 690 W/A
        s.houseW = 3000                        // the pump runs: its 2 kW now shows in the meter
        s.beforeCars = [ConsumerClaim(id: "heatpump", claimW: 2000, drawW: 2000)]
        s.step()
        XCTAssertEqual(s.sp("cp1"), 8.6)
    }

    /// A car that stops drawing keeps its minimum offered; the others get the rest.
    func testCarNotDrawingKeepsMinimumOnly() {
        var b = SiteBuilder(gridA: 20, sliderKW: 1000)
        b.point("cp1"); b.point("cp2")
        let s = Sim(b)
        s.carPhases = ["cp1": 3, "cp2": 3]
        s.carMaxA["cp1"] = 0                  // full: takes nothing
        s.step()
        XCTAssertEqual(s.sp("cp1"), 10); XCTAssertEqual(s.sp("cp2"), 10)
        s.step(1)                             // first seen not drawing
        s.step(119)
        XCTAssertEqual(s.sp("cp1"), 10)
        s.step(1)                             // 120 s without drawing
        XCTAssertEqual(s.line("cp1"), "cp1 6.0 A: car not drawing: minimum kept offered")
        XCTAssertEqual(s.line("cp2"), "cp2 10.0 A: ramping up to 14.0 A")
        s.step(1)
        XCTAssertEqual(s.sp("cp2"), 11)      // +1 A per second up to 14 A
        s.step(3)
        XCTAssertEqual(s.sp("cp2"), 14)
        s.carMaxA["cp1"] = nil                // it draws again
        s.step(); s.step()
        XCTAssertEqual(s.sp("cp1"), 6)
        s.step(30)
        XCTAssertEqual(s.sp("cp1"), 10); XCTAssertEqual(s.sp("cp2"), 10)
    }

    /// A car that keeps drawing clearly less than offered is capped at its draw + 1 A after 60 s,
    /// and the others get the rest; the cap goes when it draws up to it again.
    func testCarsOwnMaximumIsLearned() {
        var b = SiteBuilder(gridA: 20, sliderKW: 1000)
        b.point("cp1"); b.point("cp2")
        let s = Sim(b)
        s.carPhases = ["cp1": 3, "cp2": 3]
        s.carMaxA["cp1"] = 6.5
        s.step()
        XCTAssertEqual(s.sp("cp1"), 10); XCTAssertEqual(s.sp("cp2"), 10)
        s.step(1)                      // first seen drawing 6.5 of 10 A
        s.step(59)
        XCTAssertEqual(s.sp("cp1"), 10)
        s.step(1)
        XCTAssertEqual(s.line("cp1"), "cp1 7.5 A: the car takes at most 7.5 A")
        s.step(5)
        XCTAssertEqual(s.sp("cp2"), 12.5)
        XCTAssertEqual(s.line("cp2"), "cp2 12.5 A: grid L1 20.0/20 A")
        s.carMaxA["cp1"] = nil         // it can take more again: it draws its 7.5 A
        s.step()
        s.step()
        XCTAssertNil(s.c.state.points["cp1"]!.carMaxA)
        s.step(10)
        XCTAssertEqual(s.sp("cp1"), 10); XCTAssertEqual(s.sp("cp2"), 10)
    }

    /// 1p/3p on PV surplus: 2.5 kW slider + 1 kW export = 3.5 kW does not hold the 3-phase start
    /// (5.52 kW) but the 1-phase one (1.84 kW): 1 phase at 15.2 A. With 4 kW export (6.5 kW) it
    /// goes back to 3 phases once the dwell has passed: 9.4 A.
    func testOnePhaseOnPVSurplusThenThreePhases() {
        var b = SiteBuilder(gridA: 40, sliderKW: 2.5)
        b.point("cp1", switching: true)
        let s = Sim(b)
        s.houseW = -1000; s.houseA = .all(-1000.0 / 690)
        s.carPhases["cp1"] = 3
        s.step()
        XCTAssertEqual(s.last!.point("cp1")!.phases, 1)
        XCTAssertEqual(s.line("cp1"), "cp1 15.2 A: slider 2.5 kW (2.5 kW allowed now); switched to 1 phase")
        s.houseW = -4000; s.houseA = .all(-4000.0 / 690)
        s.step(299)
        XCTAssertNil(s.last!.point("cp1")!.phases)
        XCTAssertEqual(s.sp("cp1"), 15.2)      // 0.8 A more is below the 1 A hysteresis: held
        s.step(1)
        XCTAssertEqual(s.last!.point("cp1")!.phases, 3)
        XCTAssertEqual(s.sp("cp1"), 9.4)
    }

    /// Nonsense readings (NaN, infinities, negative currents, an empty wiring) never crash and
    /// never give current where the numbers cannot be trusted.
    func testBadNumbersGiveNoCurrentAndNoCrash() {
        var b = SiteBuilder(gridA: 32, sliderKW: 20)
        b.point("cp1"); b.point("cp2")
        b.config.chargepoints[1] = ChargePointConfig(id: "cp2", board: "nowhere", driver: "sim", transport: .simulated,
                                                     phases: PhaseMap(terminals: []))
        let c = Controller(config: b.config)
        let t = brussels(2025, 4, 8, 9, 0)
        var input = ControlInput.empty(for: c.site)
        input.points[0] = PointReading(status: ChargePointStatus(state: .charging, currents: PhaseValues(.nan, -5, .infinity), powerW: .nan))
        input.points[1] = PointReading(status: car(0, state: .connected))
        input.grid = GridMeasurement(meterTime: t, meter: MeterMeasurement(currents: PhaseValues(.nan, 3, 3), powerW: .nan, importKWh: .infinity),
                                     quarterAverageKW: .nan)
        input.gridAgeS = 0
        var d = c.decide(input, now: t)
        XCTAssertEqual(d.point("cp2")!.setpointA, 0)       // the grid's L1 is not a number
        XCTAssertFalse(d.point("cp1")!.send)               // unreadable: treated as lost
        input.grid!.meterTime = t.addingTimeInterval(1)
        input.grid!.meter.currents = .all(3); input.grid!.meter.powerW = 2000
        d = c.decide(input, now: t.addingTimeInterval(1))
        XCTAssertTrue(d.points.allSatisfy { $0.setpointA.isFinite })
        XCTAssertTrue(d.quarter!.allowedKW.isFinite)
        // cp1's currents are not numbers: budgeted like a lost point. cp2's empty wiring is taken
        // as three lines on the grid.
        XCTAssertEqual(d.point("cp1")!.line, "cp1 6.0 A: unreadable currents, budgeted at 6.0 A")
        XCTAssertEqual(d.point("cp2")!.line, "cp2 16.0 A: point max 16 A")
        XCTAssertEqual(d.levels[0].currents, .all(3 + 6 + 16))
    }
}
