import XCTest
@testable import KwartierCore

final class SimSiteTests: XCTestCase {
    func demoConfig() throws -> SiteConfig { try ConfigLoader().load(yaml: DemoSite.yaml, file: "demo").0 }

    func testDemoSiteIsValid() throws {
        let c = try demoConfig()
        XCTAssertEqual(c.chargepoints.count, 8)
        XCTAssertEqual(c.boards.map(\.id), ["garage-a", "garage-b"])
        XCTAssertEqual(c.grid.limitA, 40)
    }

    /// Each board's per-phase current is the sum of what hangs below it, through each rotation.
    func testBoardCurrentsAreSumsThroughPhaseRotation() throws {
        let c = try demoConfig()
        let t0 = Date(timeIntervalSince1970: 1_781_500_000)
        let far = t0.addingTimeInterval(86_400)
        let cars: [(point: Int, car: SimCar)] = [
            (1, SimCar(name: "a", arrival: t0, departure: far, batteryKWh: 60, socPercent: 20, phases: 1)),  // cp2 L2L3L1: terminal 1 on L2
            (2, SimCar(name: "b", arrival: t0, departure: far, batteryKWh: 60, socPercent: 20, phases: 3)),  // cp3 3-phase
            (6, SimCar(name: "c", arrival: t0, departure: far, batteryKWh: 60, socPercent: 20, phases: 1, maxA: 25)),  // cp7 on L2
        ]
        let site = SimSite(config: c, start: t0, cars: cars, house: SimHouse(baseW: .zero, seed: 1))
        site.advance(to: t0.addingTimeInterval(1))
        try site.point("cp2")!.writeCurrent(10)
        try site.point("cp3")!.writeCurrent(8)
        try site.point("cp7")!.writeCurrent(20)
        for s in 2...10 { site.advance(to: t0.addingTimeInterval(Double(s))) }
        let f = site.flows
        XCTAssertEqual(f.levelCurrents["garage-a"], PhaseValues(8, 18, 8))
        XCTAssertEqual(f.levelCurrents["garage-b"], PhaseValues(0, 20, 0))
        XCTAssertEqual(f.levelCurrents["grid"], PhaseValues(8, 38, 8))
        XCTAssertEqual(f.chargeParkW, (10 + 3 * 8 + 20) * 230, accuracy: 1e-9)
    }

    func testChargerFallsBackToSafeCurrentAfterWatchdog() throws {
        let c = try demoConfig()
        let t0 = Date(timeIntervalSince1970: 1_781_500_000)
        let cars: [(point: Int, car: SimCar)] = [(0, SimCar(name: "a", arrival: t0, departure: t0.addingTimeInterval(9999), batteryKWh: 60, socPercent: 20, phases: 3))]
        let site = SimSite(config: c, start: t0, cars: cars, house: SimHouse(baseW: .zero, seed: 1), watchdogS: 30)
        site.advance(to: t0.addingTimeInterval(1))
        try site.point("cp1")!.writeCurrent(16)
        for s in 2...20 { site.advance(to: t0.addingTimeInterval(Double(s))) }
        XCTAssertEqual(site.point("cp1")!.drawA, 16)
        for s in 21...40 { site.advance(to: t0.addingTimeInterval(Double(s))) }
        XCTAssertEqual(site.point("cp1")!.drawA, 6)   // safe_a defaults to min_a = 6
    }

    /// A write shows only after the charger's 2 s apply delay; the car then ramps (1 s full range
    /// down): a stop sent at 20 s still draws 16 A at 21 s, nothing at 22 s. A rewrite of the value
    /// already pending does not restart the delay.
    func testChargerAppliesASetpointAfterItsDelay() throws {
        let c = try demoConfig()
        let t0 = Date(timeIntervalSince1970: 1_781_500_000)
        let cars: [(point: Int, car: SimCar)] = [(0, SimCar(name: "a", arrival: t0, departure: t0.addingTimeInterval(9999), batteryKWh: 60, socPercent: 20, phases: 3))]
        let site = SimSite(config: c, start: t0, cars: cars, house: SimHouse(baseW: .zero, seed: 1))
        let p = site.point("cp1")!
        site.advance(to: t0.addingTimeInterval(1))
        try p.writeCurrent(16)
        for s in 2...20 { site.advance(to: t0.addingTimeInterval(Double(s))) }
        XCTAssertEqual(p.drawA, 16)
        try p.writeCurrent(0)
        XCTAssertEqual(p.setpointA, 16, "not applied yet")
        site.advance(to: t0.addingTimeInterval(21))
        try p.writeCurrent(0)
        XCTAssertEqual(p.drawA, 16)
        site.advance(to: t0.addingTimeInterval(22))
        XCTAssertEqual(p.setpointA, 0)
        XCTAssertEqual(p.drawA, 0)
    }

    func testVirtualMeterQuarterAndMonthPeak() {
        var m = VirtualMeterState(timeZone: TimeZone(identifier: "Europe/Brussels")!)
        // 2027-01-31 23:30 local = 22:30 UTC; 8 kW for 15 min, then 4 kW for two quarters into February.
        let t0 = Date(timeIntervalSince1970: 1_801_434_600)
        for s in 1...900 { m.integrate(gridW: 8000, dt: 1, at: t0.addingTimeInterval(Double(s))) }
        for s in 901...2700 { m.integrate(gridW: 4000, dt: 1, at: t0.addingTimeInterval(Double(s))) }
        XCTAssertEqual(m.completedQuarters.count, 3)
        for (got, want) in zip(m.completedQuarters.map(\.kw), [8.0, 4, 4]) { XCTAssertEqual(got, want, accuracy: 1e-9) }
        XCTAssertEqual(m.history.count, 1)              // January closed
        XCTAssertEqual(m.history[0].kw, 8, accuracy: 1e-9)
        XCTAssertEqual(m.monthPeakKW, 4, accuracy: 1e-9)  // February so far
        XCTAssertEqual(m.currentAverageKW, 0, accuracy: 1e-6)  // a new quarter has just begun
        m.integrate(gridW: 6000, dt: 300, at: t0.addingTimeInterval(3000))
        XCTAssertEqual(m.currentAverageKW, 2, accuracy: 1e-9)  // 0.5 kWh after 5 min = 2 kW over the quarter
    }
}

final class SimBaselineTests: XCTestCase {
    /// The uncontrolled baseline overloads the demo car park: that is what Kwartier is for.
    func testUncontrolledDemoDayOverloads() throws {
        let c = try ConfigLoader().load(yaml: DemoSite.yaml, file: "demo").0
        let r = try SimulationRunner(config: c, scenario: .demo, brain: BaselineBrain(.uncontrolled, config: c), makeTelegram: nil)
        let rep = r.run()
        XCTAssertGreaterThan(rep.violations, 0)
        XCTAssertGreaterThan(rep.cars, 8)
        XCTAssertGreaterThan(rep.energy_delivered_kwh, 50)
        XCTAssertGreaterThan(rep.pv_kwh, 50)
        print("uncontrolled demo day:", rep.violations, rep.violations_by_level, rep.max_quarter_kw, rep.energy_delivered_kwh, rep.energy_requested_kwh, rep.pv_kwh, rep.cars)
    }
}

final class ScenarioFileTests: XCTestCase {
    func testEveryShippedScenarioParsesAndBuilds() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 6)
        for f in files {
            let s = try SimScenario.parse(yaml: String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8))
            XCTAssertEqual(s.name + ".yaml", f)
            let configText: String
            if let c = s.config { configText = try String(contentsOf: dir.appendingPathComponent(c), encoding: .utf8) } else { configText = DemoSite.yaml }
            let config = SimSiteBuilder.simulated(try ConfigLoader().load(yaml: configText, file: f).0)
            let site = try SimSiteBuilder.build(config: config, scenario: s)
            XCTAssertFalse(site.points.isEmpty, f)
        }
    }
}

final class VirtualP1MeterTests: XCTestCase {
    /// The simulated flows survive encode → frame → parse → GridMeasurement.
    func testTelegramCarriesTheFlows() throws {
        let c = try ConfigLoader().load(yaml: DemoSite.yaml, file: "demo").0
        let t0 = Date(timeIntervalSince1970: 1_781_500_000)
        let cars: [(point: Int, car: SimCar)] = [(0, SimCar(name: "a", arrival: t0, departure: t0.addingTimeInterval(9999), batteryKWh: 60, socPercent: 20, phases: 3))]
        let site = SimSite(config: c, start: t0, cars: cars, house: SimHouse(baseW: PhaseValues(460, 230, 0), seed: 1))
        var meter = VirtualMeterState(timeZone: TimeZone(identifier: "Europe/Brussels")!)
        site.advance(to: t0.addingTimeInterval(1))
        try site.point("cp1")!.writeCurrent(10)
        for s in 2...10 {
            site.advance(to: t0.addingTimeInterval(Double(s)))
            meter.integrate(gridW: site.flows.gridW, dt: 1, at: site.now)
        }
        let bytes = VirtualP1Meter().telegram(site: site, meter: meter, at: site.now)
        var dec = P1StreamDecoder()
        let ts = dec.push(Array("garbage\r\n".utf8) + bytes)
        XCTAssertEqual(ts.count, 1)
        XCTAssertEqual(dec.crcFailures, 0)
        let g = ts[0].reading.gridMeasurement(hostTime: site.now)
        XCTAssertEqual(g.meterTime, site.now)
        // House 460/230/0 W base (2/1/0 A) plus a 3-phase car at 10 A.
        XCTAssertEqual(g.meter.currents.l1, 12, accuracy: 0.01)
        XCTAssertEqual(g.meter.currents.l2, 11, accuracy: 0.01)
        XCTAssertEqual(g.meter.currents.l3, 10, accuracy: 0.01)
        XCTAssertEqual(g.meter.powerW, 690 + 6900, accuracy: 1)
        XCTAssertEqual(g.quarterAverageKW!, meter.currentAverageKW, accuracy: 0.001)
    }
}
