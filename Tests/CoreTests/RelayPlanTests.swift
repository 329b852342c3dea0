import XCTest
@testable import KwartierCore

/// The energy plan's heating part driving the relays: what it asks per quarter, the boiler's
/// switch and the heat pump's SG state following it, with the relays' own rules (dwell, the
/// quarter-hour peak) kept above it. Monday 31 July 2023, UTC.
final class RelayPlanTests: XCTestCase {
    let utc = TimeZone(identifier: "UTC")!
    let day = Date(timeIntervalSince1970: 1_690_761_600)   // 2023-07-31 00:00 UTC
    func q(_ k: Int, _ s: Double = 0) -> Date { day.addingTimeInterval(Double(k) * 900 + s) }

    /// The boiler heats 02:00–03:30 (quarters 8..<14), the pump is recommended on 02:00–03:00.
    var plan: [HeatingStep] {
        (0..<96).map { k in HeatingStep(start: q(k), heatPumpSG: (8..<12).contains(k) ? .comfort : .normal, boilerOn: (8..<14).contains(k)) }
    }
    func asks(_ at: Date) -> [String: RelayPlanAsk] {
        HeatingRelayAsks.at(at, plan: plan, heatPump: "heatpump", boiler: "boiler", timeZone: utc)
    }

    func testAsksPerQuarterWithTheirStretchOfQuarters() {
        XCTAssertEqual(asks(q(0, 1))["boiler"], RelayPlanAsk(.switched(false), why: "plan: next cheapest quarters 02:00–03:30"))
        XCTAssertEqual(asks(q(8))["boiler"], RelayPlanAsk(.switched(true), why: "plan: cheapest quarters 02:00–03:30"))
        XCTAssertEqual(asks(q(13, 899))["boiler"], RelayPlanAsk(.switched(true), why: "plan: cheapest quarters 02:00–03:30"))
        XCTAssertEqual(asks(q(14))["boiler"], RelayPlanAsk(.switched(false), why: "plan: no quarter planned ahead"))
        XCTAssertEqual(asks(q(9))["heatpump"], RelayPlanAsk(.sg(.comfort), why: "plan: Comfort 02:00–03:00"))
        XCTAssertEqual(asks(q(3))["heatpump"], RelayPlanAsk(.sg(.normal), why: "plan: Normal 00:00–02:00"))
        XCTAssertEqual(asks(q(12))["heatpump"], RelayPlanAsk(.sg(.normal), why: "plan: Normal 03:00–00:00"))
        // Outside the plan's quarters: no ask at all (the relays keep their own rules).
        XCTAssertEqual(asks(q(96)), [:])
        XCTAssertEqual(asks(q(-1)), [:])
    }

    func boiler() -> SwitchMachine {
        var c = SwitchConfig(output: "relay3", onAboveKW: 2.5, powerKW: 2.5)
        c.minOnS = 300; c.minOffS = 300; c.timers = ["04:00-05:00"]
        return SwitchMachine(id: "boiler", config: c, timeZone: utc, start: day)
    }

    /// The quarters the boiler is on when stepped at each quarter's start with no surplus.
    func onQuarters(planned: Bool, headroomW: Double? = nil) -> [Int] {
        var m = boiler()
        return (0..<96).filter { k in
            m.step(now: q(k), surplusW: 0, meterStale: false, plan: planned ? asks(q(k))["boiler"] : nil, peakHeadroomW: headroomW)
            return m.on
        }
    }

    func testBoilerFollowsThePlanInsteadOfItsTimer() {
        XCTAssertEqual(onQuarters(planned: true), Array(8..<14))
        var m = boiler()
        m.step(now: q(8), surplusW: 0, meterStale: false, plan: asks(q(8))["boiler"])
        XCTAssertEqual(m.reason, "on: plan: cheapest quarters 02:00–03:30")
        // The surplus rule still switches it on outside the planned quarters.
        var n = boiler()
        n.step(now: q(40), surplusW: 3000, meterStale: false, plan: asks(q(40))["boiler"])
        XCTAssertTrue(n.on)
    }

    func testWithoutAPlanTheTimerDecidesAsBefore() {
        XCTAssertEqual(onQuarters(planned: false), Array(16..<20))
    }

    func testBoilerPlanRespectsTheQuarterPeakAndMinimumOnTime() {
        // 2 kW of headroom cannot take the boiler's 2.5 kW.
        XCTAssertEqual(onQuarters(planned: true, headroomW: 2000), [])
        XCTAssertEqual(onQuarters(planned: true, headroomW: 2500), Array(8..<14))
        var m = boiler()
        m.step(now: q(8), surplusW: 0, meterStale: false, plan: asks(q(8))["boiler"], peakHeadroomW: 2000)
        XCTAssertFalse(m.on)
        XCTAssertTrue(m.reason.hasSuffix("plan: cheapest quarters 02:00–03:30 held back: quarter-hour peak"), m.reason)
        // On, the peak's headroom falls below 0: off, but only after its minimum on time.
        m.step(now: q(8, 1), surplusW: 0, meterStale: false, plan: asks(q(8, 1))["boiler"], peakHeadroomW: 2500)
        XCTAssertTrue(m.on)
        m.step(now: q(8, 200), surplusW: 0, meterStale: false, plan: asks(q(8, 200))["boiler"], peakHeadroomW: -1)
        XCTAssertTrue(m.on)
        m.step(now: q(8, 301), surplusW: 0, meterStale: false, plan: asks(q(8, 301))["boiler"], peakHeadroomW: -1)
        XCTAssertFalse(m.on)
        // A stale main meter: off, the plan does not hold it on blind (a timer would).
        var s = boiler()
        s.step(now: q(8), surplusW: 0, meterStale: true, plan: asks(q(8))["boiler"])
        XCTAssertFalse(s.on)
        XCTAssertEqual(s.reason, "off: main meter stale (safe state)")
    }

    func pump(start: Date) -> SGReadyMachine {
        SGReadyMachine(id: "heatpump", config: SGReadyConfig(outputs: ["relay1", "relay2"], states: [.off, .normal, .comfort, .boost],
                                                             comfortAboveKW: 1.5, boostAboveKW: 3.0,
                                                             powerKW: ["normal": 1.2, "comfort": 2.0, "boost": 3.5], preset: .chargingHub),
                       start: start)
    }

    func testHeatPumpGoesToComfortInAPlannedQuarterAfterItsDwell() {
        var m = pump(start: q(8, -30))
        m.step(now: q(8), surplusW: 0, peakHeadroomW: 5000, meterStale: false, plan: asks(q(8))["heatpump"])
        XCTAssertEqual(m.state, .normal)
        XCTAssertEqual(m.reason, "Normal, wants Comfort (plan: Comfort 02:00–03:00): held 30s more")
        m.step(now: q(8, 30), surplusW: 0, peakHeadroomW: 5000, meterStale: false, plan: asks(q(8, 30))["heatpump"])
        XCTAssertEqual(m.state, .comfort)
        XCTAssertEqual(m.reason, "Comfort: plan: Comfort 02:00–03:00")
        // The plan's Comfort ends at 03:00; Comfort's 15 min hold ran out long before: Normal.
        m.step(now: q(12), surplusW: 0, peakHeadroomW: 5000, meterStale: false, plan: asks(q(12))["heatpump"])
        XCTAssertEqual(m.state, .normal)
        // Surplus above boost still wins over the plan's Comfort (the higher of the two).
        var b = pump(start: q(0))
        b.step(now: q(8), surplusW: 3500, peakHeadroomW: 5000, meterStale: false, plan: asks(q(8))["heatpump"])
        XCTAssertEqual(b.state, .comfort)   // one state at a time
        b.step(now: q(10), surplusW: 3500, peakHeadroomW: 5000, meterStale: false, plan: asks(q(10))["heatpump"])
        XCTAssertEqual(b.state, .boost)
    }

    func testHeatPumpPlanNeverAboveTheSliderGuard() {
        // Comfort adds 0.8 kW over Normal; 0.7 kW of headroom: the plan is held back.
        var m = pump(start: q(0))
        m.step(now: q(8), surplusW: 0, peakHeadroomW: 700, meterStale: false, plan: asks(q(8))["heatpump"])
        XCTAssertEqual(m.state, .normal)
        XCTAssertEqual(m.reason, "Normal: surplus 0.0 kW below comfort 1.5 kW; plan: Comfort 02:00–03:00 held back: quarter-hour peak")
        // Over the slider budget: the peak shaver's Off, whatever the plan.
        m.step(now: q(8, 60), surplusW: 0, peakHeadroomW: -100, meterStale: false, plan: asks(q(8, 60))["heatpump"])
        XCTAssertEqual(m.state, .off)
    }

    func testRelayControllerHandsThePlanToItsRelays() {
        var c = SwitchConfig(output: "relay3", onAboveKW: 2.5, powerKW: 2.5)
        c.timers = ["04:00-05:00"]
        var rc = RelayController(relays: [RelayConfig(id: "boiler", kind: .switched(c))], timeZone: utc, start: day)
        let planned = rc.step(RelayInputs(now: q(8), exportW: 0, peakHeadroomW: 5000, plan: asks(q(8))))
        XCTAssertEqual(planned.map(\.state), [.switched(true)])
        XCTAssertEqual(planned.map(\.reason), ["on: plan: cheapest quarters 02:00–03:30"])
        var plain = RelayController(relays: [RelayConfig(id: "boiler", kind: .switched(c))], timeZone: utc, start: day)
        XCTAssertEqual(plain.step(RelayInputs(now: q(8), exportW: 0, peakHeadroomW: 5000)).map(\.state), [.switched(false)])
    }

    /// The energy manager's asks: made with its plan in mode `plan` on fresh prices, none otherwise.
    func manager(_ mode: HomeEnergyController.Mode, fetchedAt: Date? = nil) -> HomeEnergyController {
        // 100 €/MWh, 10 €/MWh from 02:00 to 04:00, over two days.
        let prices = PriceSeries(start: day, stepS: 3600, eurPerMWh: (0..<48).map { $0 == 2 || $0 == 3 ? 10 : 100 }, fetchedAt: fetchedAt)
        var c = HomeEnergyController(mode: mode, battery: nil, formula: SupplierFormula(), tariff: nil, sliderKW: 5, canCurtail: false,
                                     forecaster: HomeForecaster(arrays: [], latitude: 51, longitude: 4.4, timeZone: utc), prices: prices)
        c.heating = HeatingPlanner(heatPump: nil, boiler: .init(kw: 2, kwhPerDay: 1.5), timeZone: utc)
        c.boilerRelay = "boiler"
        _ = c.step(now: day, dt: 1, HomeEnergyController.Reading(gridW: 500, batteryW: 0, carW: 0, pvW: 0, socPercent: 0, monthPeakKW: 0))
        return c
    }

    func testEnergyManagerAsksOnlyWithAFreshPlan() {
        let c = manager(.plan)
        // 1.5 kWh at 2 kW: 3 quarters, the cheap hour's first three.
        XCTAssertEqual(c.relayAsks(now: day), ["boiler": RelayPlanAsk(.switched(false), why: "plan: next cheapest quarters 02:00–02:45")])
        XCTAssertEqual(c.relayAsks(now: q(9, 5)), ["boiler": RelayPlanAsk(.switched(true), why: "plan: cheapest quarters 02:00–02:45")])
        XCTAssertEqual(manager(.reactive).relayAsks(now: q(9)), [:])
        XCTAssertEqual(manager(.off).relayAsks(now: q(9)), [:])
        // Prices fetched 37 h before: stale (36 h), the relays keep their own logic.
        XCTAssertEqual(manager(.plan, fetchedAt: day.addingTimeInterval(-37 * 3600)).relayAsks(now: q(9)), [:])
        XCTAssertEqual(manager(.plan, fetchedAt: day.addingTimeInterval(-3600)).relayAsks(now: q(9)).count, 1)
    }
}
