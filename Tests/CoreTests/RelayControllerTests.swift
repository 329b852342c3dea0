import XCTest
@testable import KwartierCore

/// The relay controller: surplus shared between relays, powers claimed, decisions as the
/// runtime and the dashboard see them.
final class RelayControllerTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)
    func at(_ s: Double) -> Date { t0.addingTimeInterval(s) }
    let utc = TimeZone(identifier: "UTC")!

    func pump(order: SurplusOrder = .afterCars) -> RelayConfig {
        var c = SGReadyConfig(outputs: ["relay1", "relay2"], states: [.off, .normal, .comfort, .boost], comfortAboveKW: 1.5,
                              boostAboveKW: 3.0, powerKW: ["normal": 1.2, "comfort": 2.0, "boost": 3.5])
        c.order = order
        return RelayConfig(id: "heatpump", kind: .sgReady(c))
    }
    func boiler(order: SurplusOrder = .afterCars) -> RelayConfig {
        var c = SwitchConfig(output: "relay3", onAboveKW: 2.5, powerKW: 2.5)
        c.order = order
        return RelayConfig(id: "boiler", kind: .switched(c))
    }

    func testStartDecisionsDefineEveryOutput() {
        let rc = RelayController(relays: [pump(), boiler()], timeZone: utc, start: t0)
        let d = rc.startDecisions
        XCTAssertEqual(d.map(\.id), ["heatpump", "boiler"])
        XCTAssertEqual(d[0].outputs, [RelayOutputCommand(output: "relay1", on: false), RelayOutputCommand(output: "relay2", on: false)])
        XCTAssertEqual(d[0].state, .sg(.normal))
        XCTAssertEqual(d[0].powerW, 1200)
        XCTAssertEqual(d[1].outputs, [RelayOutputCommand(output: "relay3", on: false)])
        XCTAssertTrue(d.allSatisfy(\.changed))
    }

    func testSafeCommands() {
        var p = pump(); var b = boiler()
        if case .sgReady(var c) = p.kind { c.safeState = .normal; p.kind = .sgReady(c) }
        if case .switched(var c) = b.kind { c.safeOn = true; b.kind = .switched(c) }
        let rc = RelayController(relays: [p, b], timeZone: utc, start: t0)
        XCTAssertEqual(rc.safeCommands, [RelayOutputCommand(output: "relay1", on: false), RelayOutputCommand(output: "relay2", on: false),
                                         RelayOutputCommand(output: "relay3", on: true)])
    }

    func testOwnDrawIsAddedBackSoThePumpDoesNotOscillate() {
        var rc = RelayController(relays: [pump()], timeZone: utc, start: t0)
        var d = rc.step(RelayInputs(now: at(60), exportW: 1600))
        XCTAssertEqual(d[0].state, .sg(.comfort))
        XCTAssertEqual(d[0].powerW, 2000); XCTAssertEqual(d[0].previousPowerW, 1200); XCTAssertEqual(d[0].claimW, 800, accuracy: 1e-9)
        XCTAssertTrue(d[0].changed)
        // Comfort draws 0.8 kW more: the meter now shows 0.8 kW export; as if Normal it is 1.6 kW.
        d = rc.step(RelayInputs(now: at(960), exportW: 800))
        XCTAssertEqual(d[0].state, .sg(.comfort))
        XCTAssertFalse(d[0].changed)
        XCTAssertTrue(d[0].reason.contains("surplus 1.6 kW"), d[0].reason)
        // Export gone and import instead: down.
        d = rc.step(RelayInputs(now: at(961), exportW: 0, importW: 500))
        XCTAssertEqual(d[0].state, .sg(.normal))
    }

    /// A home battery covering the house holds the grid at 0: its discharge counts as import, or a
    /// pump in Comfort would see its own extra draw (taken from the battery) as surplus forever.
    func testADischargingBatteryIsNotSurplus() {
        XCTAssertTrue(RelayInputs.surplusBalance(gridW: -1500, batteryW: nil) == (1500, 0))
        XCTAssertTrue(RelayInputs.surplusBalance(gridW: -1500, batteryW: 2000) == (1500, 0))   // charging: as metered
        XCTAssertTrue(RelayInputs.surplusBalance(gridW: -1500, batteryW: -600) == (900, 0))
        XCTAssertTrue(RelayInputs.surplusBalance(gridW: 0, batteryW: -800) == (0, 800))
        XCTAssertTrue(RelayInputs.surplusBalance(gridW: 300, batteryW: -800) == (0, 1100))

        // examples/home.yaml's pump: Comfort above 1.0 kW, hysteresis 0.3 kW, Normal 1.0 / Comfort 1.8 kW.
        let home = SGReadyConfig(outputs: ["relay1", "relay2"], states: [.off, .normal, .comfort, .boost], comfortAboveKW: 1.0,
                                 boostAboveKW: 2.5, powerKW: ["normal": 1.0, "comfort": 1.8, "boost": 3.0])
        func run(_ b: (exportW: Double, importW: Double)) -> RelayDecision {
            var rc = RelayController(relays: [RelayConfig(id: "heatpump", kind: .sgReady(home))], timeZone: utc, start: t0)
            XCTAssertEqual(rc.step(RelayInputs(now: at(60), exportW: 1200))[0].state, .sg(.comfort))
            return rc.step(RelayInputs(now: at(960), exportW: b.exportW, importW: b.importW))[0]
        }
        // Comfort's 0.8 kW more comes from the battery; the grid reads 0. Metered alone, the surplus
        // as if Normal stays 0.8 kW (≥ 1.0 − 0.3): Comfort for good. Counted, it is 0: back to Normal.
        XCTAssertEqual(run((0, 0)).state, .sg(.comfort))
        let d = run(RelayInputs.surplusBalance(gridW: 0, batteryW: -800))
        XCTAssertEqual(d.state, .sg(.normal))
        XCTAssertTrue(d.reason.contains("surplus 0.0 kW"), d.reason)
    }

    func testPumpOutputsWrittenInLockFreeOrder() {
        var rc = RelayController(relays: [pump()], timeZone: utc, start: t0)
        var d = rc.step(RelayInputs(now: at(60), exportW: 1600))
        XCTAssertEqual(d[0].outputs, [RelayOutputCommand(output: "relay2", on: true), RelayOutputCommand(output: "relay1", on: false)])
        XCTAssertEqual(d[0].contacts, [false, true])
        _ = rc.step(RelayInputs(now: at(960), exportW: 4000))   // boost: relay1 on
        d = rc.step(RelayInputs(now: at(1560), exportW: 0, importW: 100))
        XCTAssertEqual(d[0].state, .sg(.comfort))
        d = rc.step(RelayInputs(now: at(1620), exportW: 0, importW: 100, peakHeadroomW: -100))
        XCTAssertEqual(d[0].state, .sg(.normal))
        d = rc.step(RelayInputs(now: at(1680), exportW: 0, importW: 100, peakHeadroomW: -100))
        XCTAssertEqual(d[0].state, .sg(.off))
        XCTAssertEqual(d[0].outputs.first, RelayOutputCommand(output: "relay1", on: true))
        XCTAssertEqual(d[0].view, RelayView(id: "heatpump", kind: "sg-ready", state: "Off", override: .auto,
                                            outputs: [true, false], powerW: 0, reason: d[0].reason))
    }

    func testAfterCarsRelaysShareTheExportInConfigurationOrder() {
        // Pump first: 3.2 kW export -> Comfort (one state at a time) takes 0.8 kW; the boiler sees
        // 2.4 kW, not above 2.7 kW.
        var rc = RelayController(relays: [pump(), boiler()], timeZone: utc, start: t0)
        var d = rc.step(RelayInputs(now: at(60), exportW: 3200))
        XCTAssertEqual(d[0].state, .sg(.comfort))
        XCTAssertEqual(d[1].state, .switched(false))
        XCTAssertTrue(d[1].reason.contains("surplus 2.4 kW"), d[1].reason)
        // 4.0 kW measured with Comfort on (4.8 kW as if Normal): pump stays (held), boiler gets 4.0.
        d = rc.step(RelayInputs(now: at(61), exportW: 4000))
        XCTAssertEqual(d[1].state, .switched(true))
        XCTAssertEqual(d[1].powerW, 2500); XCTAssertEqual(d[1].previousPowerW, 0)
        // Both on: meter shows 1.5 kW export; the boiler sees 1.5 + 2.5 = 4.0 and stays on.
        d = rc.step(RelayInputs(now: at(62), exportW: 1500))
        XCTAssertEqual(d[1].state, .switched(true))
        XCTAssertFalse(d[1].changed)
    }

    func testBeforeCarsRelayTakesTheCarsSurplus() {
        var before = RelayController(relays: [pump(order: .beforeCars)], timeZone: utc, start: t0)
        var after = RelayController(relays: [pump(order: .afterCars)], timeZone: utc, start: t0)
        // No export: the cars absorb 2 kW of surplus.
        let input = RelayInputs(now: at(60), exportW: 0, importW: 0, carsSurplusW: 2000)
        XCTAssertEqual(before.step(input)[0].state, .sg(.comfort))
        XCTAssertEqual(after.step(input)[0].state, .sg(.normal))
        XCTAssertEqual(before.step(input)[0].order, .beforeCars)
    }

    func testBeforeCarsGroupTakesFromTheAfterCarsGroup() {
        // The boiler (after cars) is listed first but decided after the pump (before cars).
        var rc = RelayController(relays: [boiler(), pump(order: .beforeCars)], timeZone: utc, start: t0)
        var d = rc.step(RelayInputs(now: at(60), exportW: 3300))
        XCTAssertEqual(d.map(\.id), ["boiler", "heatpump"])     // configuration order kept
        XCTAssertEqual(d[1].state, .sg(.comfort))               // took 0.8 kW
        XCTAssertEqual(d[0].state, .switched(false))            // 2.5 kW left, not above 2.7
        d = rc.step(RelayInputs(now: at(61), exportW: 2500 + 3000))
        XCTAssertEqual(d[0].state, .switched(true))             // pump held in Comfort: 5.5 kW left > 2.7
    }

    func testOverridesAndStaleMeter() {
        var rc = RelayController(relays: [pump(), boiler()], timeZone: utc, start: t0)
        var d = rc.step(now: at(1), exportW: 0, importW: 0, meterStale: false, peakHeadroomW: nil,
                        overrides: ["heatpump": .on, "boiler": .on])
        XCTAssertEqual(d.map(\.state), [.sg(.boost), .switched(true)])
        XCTAssertEqual(d.map(\.override), [.on, .on])
        XCTAssertEqual(d[1].view.override, .on)
        d = rc.step(now: at(2), exportW: 9000, importW: 0, meterStale: true, peakHeadroomW: nil, overrides: [:])
        XCTAssertEqual(d.map(\.state), [.sg(.normal), .switched(false)])
    }

    func testPeakHeadroomFromTheQuarter() {
        let q = QuarterStatus(start: t0, end: t0.addingTimeInterval(900), importedKWh: 1, averageKW: 8, forecastKW: 9.5,
                              allowedKW: 7.5, targetKW: 9, monthPeakKW: 9)
        XCTAssertEqual(RelayInputs.peakHeadroomW(quarter: q, importW: 8000), -500)
    }

    func testBuildsFromASiteConfig() {
        var site = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, limitA: 25, meter: .virtual))
        site.relays = [pump(), boiler()]
        site.site.timeZone = "Europe/Brussels"
        let rc = RelayController(config: site, start: t0)
        XCTAssertEqual(rc.entries.count, 2)
        XCTAssertEqual(rc.switched("boiler")?.timeZone.identifier, "Europe/Brussels")
        XCTAssertNotNil(rc.sg("heatpump"))
        XCTAssertNil(rc.sg("boiler"))
    }
}
