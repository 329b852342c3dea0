import XCTest
@testable import KwartierCore

/// The seed manuals' worked situations (000: charging hub, 001: home module), with exact numbers.
final class ControlSeedTests: XCTestCase {
    let t0 = brussels(2025, 3, 12, 10, 0)   // a quarter start: the slider allows exactly its value

    /// Home module §9: one car takes what the slider allows; a second connects, both minimums
    /// fit, so the first is reduced and both share equally.
    func testTwoCarsShare() {
        var b = SiteBuilder(gridA: 40, sliderKW: 14)
        b.point("cp1"); b.point("cp2"); b.point("cp3")
        let c = Controller(config: b.config)
        let site = c.site
        let house = PhaseValues.all(2000.0 / 690)

        // cp1 alone: 12 kW free for cars would be 17.4 A; the point's own max (16 A) binds.
        var pts = ["cp1": car(0, state: .connected), "cp2": noCar, "cp3": noCar]
        var input = ControlInput.make(site: site, grid: gridReading(at: t0, site: site, nonManagedA: house, nonManagedW: 2000, points: pts),
                                      gridAgeS: 0.2, points: pts.mapValues { PointReading(status: $0) })
        var d = c.decide(input, now: t0)
        XCTAssertEqual(d.point("cp1")!.setpointA, 16.0)
        XCTAssertEqual(d.point("cp1")!.line, "cp1 16.0 A: point max 16 A")
        XCTAssertEqual(d.point("cp2")!.line, "cp2 0 A: no car")
        XCTAssertEqual(d.quarter?.allowedKW ?? 0, 14.0, accuracy: 1e-9)

        // cp2 connects: 8 A x 3 x 230 = 5.52 kW needed, 14 - 2 - 4.14 = 7.86 kW free with cp1 at
        // its minimum: both charge, 12 kW / (2 x 690 W/A) = 8.69 A each, floored to 8.6 A.
        pts["cp1"] = car(16); pts["cp2"] = car(0, state: .connected)
        input = ControlInput.make(site: site, grid: gridReading(at: t0, site: site, nonManagedA: house, nonManagedW: 2000, points: pts),
                                  gridAgeS: 0.2, points: pts.mapValues { PointReading(status: $0) })
        d = c.decide(input, now: t0.addingTimeInterval(1))
        XCTAssertEqual(d.point("cp1")!.setpointA, 8.6, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp2")!.setpointA, 8.6, accuracy: 1e-9)
        XCTAssertTrue(d.point("cp1")!.send)
        XCTAssertEqual(d.point("cp2")!.line, "cp2 8.6 A: slider 14.0 kW (14.0 kW allowed now)")

        // A third car must wait: 12 - 2 x 4.14 = 3.72 kW free, it needs 5.52 kW.
        pts["cp1"] = car(8.6); pts["cp2"] = car(8.6); pts["cp3"] = car(0, state: .connected)
        input = ControlInput.make(site: site, grid: gridReading(at: t0, site: site, nonManagedA: house, nonManagedW: 2000, points: pts),
                                  gridAgeS: 0.2, points: pts.mapValues { PointReading(status: $0) })
        d = c.decide(input, now: t0.addingTimeInterval(2))
        XCTAssertEqual(d.point("cp3")!.setpointA, 0)
        XCTAssertEqual(d.point("cp3")!.line, "cp3 waiting: needs 5.5 kW, 3.7 kW free under the slider; next turn in 15 min")
        XCTAssertEqual(d.point("cp1")!.setpointA, 8.6, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp2")!.setpointA, 8.6, accuracy: 1e-9)
    }

    /// Charging hub §11 / home module §9: a 3-phase car gets three times the power of a 1-phase
    /// car (equal current per phase); the phases are learned from the charger's currents.
    func testOnePhaseAndThreePhaseCar() {
        var b = SiteBuilder(gridA: 40, sliderKW: 10.2)
        b.point("cp1"); b.point("cp2")
        let c = Controller(config: b.config)
        let pts = ["cp1": car(10, phases: 1), "cp2": car(10, phases: 3)]
        let input = ControlInput.make(site: c.site, grid: gridReading(at: t0, site: c.site, nonManagedA: .all(1000.0 / 690),
                                                                    nonManagedW: 1000, points: pts),
                                      gridAgeS: 0, points: pts.mapValues { PointReading(status: $0) })
        let d = c.decide(input, now: t0)
        // 9.2 kW for cars over 1 + 3 phases at 230 V: 10.0 A each.
        XCTAssertEqual(d.point("cp1")!.setpointA, 10.0, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp2")!.setpointA, 10.0, accuracy: 1e-9)
        XCTAssertEqual(c.state.points["cp1"]!.carMask, 0b001)
        XCTAssertEqual(c.state.points["cp2"]!.carMask, 0b111)
        XCTAssertEqual(d.consumers!.carsPlannedW, 10 * 230 + 3 * 10 * 230, accuracy: 1e-6)
    }

    /// Charging hub §11: a manual point gets its fixed current, still cut back by the overload
    /// protection of the board above it.
    func testManualPointCutBackByBoardOverload() {
        var b = SiteBuilder(gridA: 63, sliderKW: 40)
        b.board("garage", limitA: 32, meter: "garage-meter")
        b.point("cp1", board: "garage", mode: .manual, manualA: 16)
        let c = Controller(config: b.config)
        let pts = ["cp1": car(16)]
        var input = ControlInput.make(site: c.site, grid: gridReading(at: t0, site: c.site, nonManagedA: PhaseValues(5, 20, 5),
                                                                    nonManagedW: 6900, points: pts),
                                      gridAgeS: 0, points: pts.mapValues { PointReading(status: $0) })
        input.meters[1] = MeterReading(boardReading(site: c.site, board: "garage", nonManagedA: PhaseValues(5, 20, 5), points: pts))
        let d = c.decide(input, now: t0)
        XCTAssertEqual(d.point("cp1")!.setpointA, 12.0, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp1")!.line, "cp1 12.0 A: manual 16 A cut by board garage L2 32.0/32 A")
        XCTAssertEqual(d.levels[1].currents, PhaseValues(17, 32, 17))

        // Without the overload the manual current is given as set.
        var input2 = input
        input2.meters[1] = MeterReading(boardReading(site: c.site, board: "garage", nonManagedA: PhaseValues(5, 5, 5), points: pts))
        let d2 = Controller(config: b.config).decide(input2, now: t0)
        XCTAssertEqual(d2.point("cp1")!.line, "cp1 16.0 A: manual 16.0 A")
    }

    /// Home module: a higher priority point is served first; the other keeps its minimum.
    func testPriorityPointServedFirst() {
        var b = SiteBuilder(gridA: 40, sliderKW: 16)
        b.point("cp1"); b.point("cp2", priority: 1)
        let c = Controller(config: b.config)
        let pts = ["cp1": car(0, state: .connected), "cp2": car(0, state: .connected)]
        let input = ControlInput.make(site: c.site, grid: gridReading(at: t0, site: c.site, nonManagedA: .all(2000.0 / 690),
                                                                    nonManagedW: 2000, points: pts),
                                      gridAgeS: 0, points: pts.mapValues { PointReading(status: $0) })
        let d = c.decide(input, now: t0)
        // 14 kW for cars: cp1 keeps 6 A (4.14 kW); cp2 rises to (14 - 4.14) / 0.69 = 14.29 A.
        XCTAssertEqual(d.point("cp1")!.setpointA, 6.0, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp2")!.setpointA, 14.2, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp1")!.line, "cp1 6.0 A: slider 16.0 kW (16.0 kW allowed now)")

        // Same priorities: equal shares, 14 / 1.38 = 10.14 A each.
        var b2 = b; b2.config.chargepoints[1].priority = 0
        let d2 = Controller(config: b2.config).decide(input, now: t0)
        XCTAssertEqual(d2.point("cp1")!.setpointA, 10.1, accuracy: 1e-9)
        XCTAssertEqual(d2.point("cp2")!.setpointA, 10.1, accuracy: 1e-9)
    }

    /// Leftover goes to the point with the lowest current, a shortage is taken from the highest:
    /// cp1's car limits itself to 10 A (point max), cp2 gets what cp1 leaves.
    func testLeftoverGoesToTheOthers() {
        var b = SiteBuilder(gridA: 32, sliderKW: 100)
        b.point("cp1", maxA: 10); b.point("cp2"); b.point("cp3")
        let c = Controller(config: b.config, tunables: exactTunables(b.config.site))
        let pts = ["cp1": car(0, state: .connected), "cp2": car(0, state: .connected), "cp3": noCar]
        let input = ControlInput.make(site: c.site, grid: gridReading(at: t0, site: c.site, nonManagedA: .all(8), nonManagedW: 5520, points: pts),
                                      gridAgeS: 0, points: pts.mapValues { PointReading(status: $0) })
        let d = c.decide(input, now: t0)
        // 24 A per line for cars: cp1 stops at its 10 A, cp2 takes the remaining 14 A.
        XCTAssertEqual(d.point("cp1")!.setpointA, 10, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp2")!.setpointA, 14, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp2")!.line, "cp2 14.0 A: grid L1 32.0/32 A")
    }

    /// Both minimum-power tables: charging hub (no buffer) and home module (2 A buffer), 230 V.
    func testMinimumPowerTables() {
        // (min A, buffer A, [1, 2, 3 phases] in kW as printed in the seed tables)
        let hub: [(Double, [Double])] = [(6, [1.38, 2.76, 4.14]), (8, [1.84, 3.68, 5.52])]
        for (minA, kw) in hub {
            for ph in 1...3 {
                XCTAssertEqual(minimumStartPowerW(minA: minA, bufferA: 0, phases: ph, voltage: 230) / 1000, kw[ph - 1], accuracy: 1e-9)
            }
        }
        // The home module prints 3.68 kW as "3,7" and keeps two decimals elsewhere.
        let home: [(Double, [Double])] = [(6, [1.84, 3.68, 5.52]), (8, [2.3, 4.6, 6.9])]
        for (minA, kw) in home {
            for ph in 1...3 {
                XCTAssertEqual(minimumStartPowerW(minA: minA, bufferA: 2, phases: ph, voltage: 230) / 1000, kw[ph - 1], accuracy: 1e-9)
            }
        }
        XCTAssertEqual(fmt1(minimumStartPowerW(minA: 6, bufferA: 2, phases: 2, voltage: 230) / 1000), "3.7")
    }

    /// A car starts exactly when its table minimum fits under the slider, not 1 W earlier.
    func testCarStartsExactlyAtTheTableMinimum() {
        for (bufferA, minA, phases, needW) in [(0.0, 6.0, 1, 1380.0), (0.0, 8.0, 3, 5520.0), (2.0, 6.0, 1, 1840.0), (2.0, 8.0, 3, 6900.0)] {
            for (extra, starts) in [(0.0, true), (-1.0, false)] {
                var b = SiteBuilder(gridA: 40, sliderKW: (1000 + needW + extra) / 1000, bufferA: bufferA)
                b.point("cp1", phases: phases == 1 ? "L1" : "L1L2L3", minA: minA)
                let c = Controller(config: b.config)
                let pts = ["cp1": car(0, state: .connected)]
                let input = ControlInput.make(site: c.site, grid: gridReading(at: t0, site: c.site, nonManagedA: .all(1000.0 / 690),
                                                                            nonManagedW: 1000, points: pts),
                                              gridAgeS: 0, points: pts.mapValues { PointReading(status: $0) })
                let d = c.decide(input, now: t0)
                let p = d.point("cp1")!
                if starts {
                    XCTAssertEqual(p.setpointA, minA + bufferA, accuracy: 1e-9, "\(bufferA) \(minA) \(phases)")
                } else {
                    XCTAssertEqual(p.setpointA, 0, "\(bufferA) \(minA) \(phases)")
                    XCTAssertEqual(p.line, "cp1 waiting: needs \(fmt1(needW / 1000)) kW, \(fmt1((needW - 1) / 1000)) kW free under the slider")
                }
            }
        }
    }

    /// Phase rotation: a 1-phase car on a point wired L2L3L1 draws on L2 of the grid.
    func testPhaseRotationMapsTerminalOneToL2() {
        var b = SiteBuilder(gridA: 32, sliderKW: 100)
        b.point("cp1", phases: "L2L3L1"); b.point("cp2", phases: "L1L2L3")
        let c = Controller(config: b.config)
        let pts = ["cp1": car(10, phases: 1), "cp2": car(10, phases: 1)]
        let input = ControlInput.make(site: c.site, grid: gridReading(at: t0, site: c.site, nonManagedA: PhaseValues(5, 24, 5),
                                                                    nonManagedW: 7000, points: pts),
                                      gridAgeS: 0, points: pts.mapValues { PointReading(status: $0) })
        let d = c.decide(input, now: t0)
        XCTAssertEqual(d.point("cp1")!.setpointA, 8.0, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp1")!.line, "cp1 8.0 A: grid L2 32.0/32 A")
        XCTAssertEqual(d.point("cp2")!.setpointA, 16.0, accuracy: 1e-9)
        XCTAssertEqual(d.levels[0].currents, PhaseValues(21, 32, 5))
    }

    /// IT network: a 1-phase point between two lines loads both.
    func testOnePhasePointOnITLoadsTwoLines() {
        var b = SiteBuilder(gridA: 20, network: .IT, sliderKW: 100)
        b.point("cp1", phases: "L1L2", maxA: 32)
        let c = Controller(config: b.config)
        let pts = ["cp1": car(0, state: .connected)]
        let input = ControlInput.make(site: c.site, grid: gridReading(at: t0, site: c.site, nonManagedA: PhaseValues(10, 4, 0),
                                                                    nonManagedW: 3000, points: pts),
                                      gridAgeS: 0, points: pts.mapValues { PointReading(status: $0) })
        let d = c.decide(input, now: t0)
        XCTAssertEqual(d.point("cp1")!.setpointA, 10, accuracy: 1e-9)
        XCTAssertEqual(d.levels[0].currents, PhaseValues(20, 14, 0))
        XCTAssertEqual(d.point("cp1")!.line, "cp1 10.0 A: grid L1 20.0/20 A")
        XCTAssertEqual(d.consumers!.carsPlannedW, 2300, accuracy: 1e-6)
    }
}
