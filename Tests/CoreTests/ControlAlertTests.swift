import XCTest
@testable import KwartierCore

final class ControlAlertTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    func evaluator() -> AlertEvaluator {
        var a = AlertConfig()
        a.consumptionAboveKW = 10
        a.productionAboveKW = 6
        a.forecastPeakAboveKW = 9
        a.hysteresisKW = 0.5
        return AlertEvaluator(config: a)
    }

    /// Raised above the threshold, held inside the hysteresis band, cleared below it.
    func testThresholdWithHysteresis() {
        var e = evaluator()
        var ev = e.evaluate(AlertInput(consumptionKW: 10.0), now: t0)
        XCTAssertTrue(ev.isEmpty)                                      // not above 10
        ev = e.evaluate(AlertInput(consumptionKW: 10.2), now: t0.addingTimeInterval(1))
        XCTAssertEqual(ev.map(\.text), ["consumption 10.2 kW above 10.0 kW"])
        XCTAssertEqual(ev.first?.active, true)
        XCTAssertEqual(ev.first?.level, .warning)
        XCTAssertTrue(e.evaluate(AlertInput(consumptionKW: 11), now: t0.addingTimeInterval(2)).isEmpty)   // no repeat
        XCTAssertTrue(e.evaluate(AlertInput(consumptionKW: 9.6), now: t0.addingTimeInterval(3)).isEmpty)  // in the band
        XCTAssertEqual(e.activeAlerts.map(\.key), ["consumption"])
        ev = e.evaluate(AlertInput(consumptionKW: 9.4), now: t0.addingTimeInterval(4))
        XCTAssertEqual(ev.map(\.text), ["consumption back to 9.4 kW (below 9.5 kW)"])
        XCTAssertEqual(ev.first?.active, false)
        XCTAssertTrue(e.activeAlerts.isEmpty)
    }

    func testProductionAndForecastPeak() {
        var e = evaluator()
        let ev = e.evaluate(AlertInput(productionKW: 6.5, forecastPeakKW: 9.3), now: t0)
        XCTAssertEqual(ev.map(\.key), ["production", "forecast-peak"])
        XCTAssertEqual(ev.map(\.level), [.info, .warning])
        XCTAssertEqual(ev[1].text, "forecast quarter peak 9.3 kW above 9.0 kW")
        XCTAssertEqual(ev[1].value, 9.3)
        XCTAssertEqual(ev[1].threshold, 9)
    }

    /// A stale meter and a lost device are alerts while they last.
    func testStaleMeterAndLostDevice() {
        var e = evaluator()
        var ev = e.evaluate(AlertInput(staleMeters: [.init(id: "p1", ageS: 12, main: true)], lostDevices: ["cp3"]), now: t0)
        XCTAssertEqual(ev.map(\.text), ["meter p1 stale 12 s: charge points at their minimum (safe state)", "device cp3 lost"])
        XCTAssertEqual(ev.map(\.level), [.critical, .warning])
        XCTAssertTrue(e.evaluate(AlertInput(staleMeters: [.init(id: "p1", ageS: 13, main: true)], lostDevices: ["cp3"]),
                                 now: t0.addingTimeInterval(1)).isEmpty)
        ev = e.evaluate(AlertInput(lostDevices: ["cp3"]), now: t0.addingTimeInterval(2))
        XCTAssertEqual(ev.map(\.text), ["meter p1 fresh again"])
        ev = e.evaluate(AlertInput(), now: t0.addingTimeInterval(3))
        XCTAssertEqual(ev.map(\.text), ["device cp3 back"])
        XCTAssertEqual(e.recent.count, 4)
    }

    func testSliderBelowBilledFloorIsAnInfoAlert() {
        var e = evaluator()
        let ev = e.evaluate(AlertInput(sliderKW: 2.0), now: t0)
        XCTAssertEqual(ev.map(\.text), ["slider 2.0 kW is below the 2.5 kW Flanders bills at least"])
        XCTAssertEqual(ev.first?.level, .info)
        XCTAssertEqual(e.evaluate(AlertInput(sliderKW: 3), now: t0).map(\.active), [false])
    }

    /// The hook's JSON: one object, sorted keys, ISO 8601 time.
    func testEventJSON() throws {
        let ev = AlertEvent(time: Date(timeIntervalSince1970: 1_750_000_000), key: "consumption", level: .warning,
                            text: "consumption 12.3 kW above 10.0 kW", active: true, value: 12.3, threshold: 10)
        XCTAssertEqual(String(decoding: ev.json(), as: UTF8.self),
                       #"{"active":true,"key":"consumption","level":"warning","text":"consumption 12.3 kW above 10.0 kW","threshold":10,"time":"2025-06-15T15:06:40Z","value":12.3}"#)
    }

    /// From a decision: a stale main meter and lost points become alerts.
    func testInputFromDecision() {
        var b = SiteBuilder(gridA: 32)
        b.point("cp1"); b.point("cp2")
        let s = Sim(b)
        s.carPhases = ["cp1": 3, "cp2": 3]
        s.lost = ["cp2"]
        s.gridAgeS = 15
        let d = s.step()
        let input = AlertInput.from(decision: d, gridPowerW: 4000, pvW: 1500, mainMeterId: "p1", gridAgeS: 15)
        XCTAssertEqual(input.consumptionKW, 5.5)
        XCTAssertEqual(input.productionKW, 1.5)
        XCTAssertEqual(input.staleMeters, [.init(id: "p1", ageS: 15, main: true)])
        XCTAssertEqual(input.lostDevices, ["cp2"])
    }
}
