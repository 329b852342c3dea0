import XCTest
@testable import KwartierCore

/// The slider as a guarantee: what Kwartier controls fits the quarter's remaining energy; when
/// the uncontrollable load alone will take the quarter over, an alert says so and why.
final class ControlSliderGuaranteeTests: XCTestCase {
    typealias Q = ControlQuarterTests

    /// One decision per second at `powerW` from `from` (inclusive) to `to` (exclusive), no car.
    func run(_ c: Controller, _ m: inout Q.Meter, from: Date, to: Date, powerW: Double) {
        var t = from
        var input = ControlInput.empty(for: c.site)
        for i in 0..<c.site.pointCount { input.points[i] = PointReading(status: noCar) }
        while t < to {
            input.grid = m.sample(at: t, powerW: powerW); input.gridAgeS = 0
            _ = c.decide(input, now: t)
            t = t.addingTimeInterval(1)
        }
    }

    func decideWithCars(_ c: Controller, _ m: inout Q.Meter, at t: Date, houseW: Double, cars: [String: ChargePointStatus]) -> Decision {
        var w = houseW
        for (_, st) in cars { w += st.powerW ?? 0 }
        var input = ControlInput.make(site: c.site, grid: m.sample(at: t, powerW: w), gridAgeS: 0,
                                      points: cars.mapValues { PointReading(status: $0) })
        input.grid!.meter.currents = .all(houseW / 690) + .all(cars.values.map { $0.currents.l1 }.reduce(0, +))
        return c.decide(input, now: t)
    }

    func site(slider: Double, points: Int) -> Controller {
        var b = SiteBuilder(gridA: 63, sliderKW: slider, bufferA: 0)
        for i in 0..<points { b.point("cp\(i + 1)") }
        return Controller(config: b.config)
    }

    /// Quarter 10:15 under a 9 kW slider: five minutes at 9 kW (on target), then the house takes
    /// 9.9 kW with a car at its minimum. 600 s left at 9 kW: the car stops (its grace would not
    /// fit: the house alone is over) but draws its 4.14 kW for its 10 s ramp, so the allowed power
    /// is that of the 590 s after it, (1.5 − 14.04 × 10 / 3600) kWh / 590 s = 8.915 kW, and the
    /// quarter will close at (0.75 + 14.04 × 10 / 3600 + 9.9 × 590 / 3600) / 0.25 = 9.646 kW.
    func testHouseAloneOverTheSliderStopsTheCarAndRaisesTheAlert() {
        let c = site(slider: 9, points: 1)
        var m = Q.Meter()
        let t0 = brussels(2025, 5, 6, 10, 15)
        run(c, &m, from: t0, to: t0.addingTimeInterval(300), powerW: 9000)
        let d = decideWithCars(c, &m, at: t0.addingTimeInterval(300), houseW: 9900, cars: ["cp1": car(6)])
        XCTAssertEqual(d.quarter!.allowedKW, (1.5 - 14.04 * 10 / 3600) * 3600 / 590, accuracy: 1e-6)
        guard let u = d.uncontrollable else { return XCTFail("no forecast") }
        XCTAssertEqual(u.closeKW, (0.75 + 14.04 * 10 / 3600 + 9.9 * 590 / 3600) / 0.25, accuracy: 1e-6)
        XCTAssertEqual(u.text, "quarter 10:15 will close at 9.6 kW: house 9.9 kW — nothing left to shed")
        var e = AlertEvaluator(config: AlertConfig())
        let ev = e.evaluate(AlertInput.from(decision: d, gridPowerW: 9900 + 4140, pvW: nil), now: d.time)
        XCTAssertEqual(ev.map(\.key), ["quarter-over:10:15"])
        XCTAssertEqual(ev.first?.level, .warning)
        XCTAssertEqual(ev.first?.text, u.text)
        // Once per quarter: still active a second later even when the house dips under for a moment,
        // cleared when the quarter is over.
        let d2 = decideWithCars(c, &m, at: t0.addingTimeInterval(301), houseW: 8000, cars: ["cp1": car(0, state: .connected)])
        XCTAssertNil(d2.uncontrollable)
        XCTAssertTrue(e.evaluate(AlertInput.from(decision: d2, gridPowerW: 8000, pvW: nil), now: d2.time).isEmpty)
        run(c, &m, from: t0.addingTimeInterval(302), to: t0.addingTimeInterval(901), powerW: 3000)
        let d3 = decideWithCars(c, &m, at: t0.addingTimeInterval(901), houseW: 3000, cars: ["cp1": car(0, state: .connected)])
        let ev3 = e.evaluate(AlertInput.from(decision: d3, gridPowerW: 3000, pvW: nil), now: d3.time)
        XCTAssertEqual(ev3.map(\.text), ["quarter 10:15 closed"])
        XCTAssertEqual(ev3.first?.active, false)
    }

    /// With 3 kW of house and 9 kW of slider nothing is forecast over.
    func testNoAlertWhenTheCarsCanBeCut() {
        let c = site(slider: 9, points: 1)
        var m = Q.Meter()
        let t0 = brussels(2025, 5, 6, 10, 15)
        run(c, &m, from: t0, to: t0.addingTimeInterval(300), powerW: 9000)
        let d = decideWithCars(c, &m, at: t0.addingTimeInterval(300), houseW: 3000, cars: ["cp1": car(16)])
        XCTAssertNil(d.uncontrollable)
    }

    /// A running car the slider can no longer hold keeps its minimum for its 60 s grace only when
    /// that grace fits the quarter's remaining energy: early in a quarter (600 s left) its
    /// 4.14 kW for 60 s counts as 4.14 × 60 / 600 = 0.414 kW; 20 s before the end it counts in
    /// full (and must stop when the power is not there).
    func testGraceCountsItsEnergyInTheQuarter() {
        // On target (9 kW) for 299 s; the car starts beside a 3 kW house; then the house takes
        // 5.5 kW with the car at 6 A (4.14 kW): 9.64 kW against 9 allowed.
        let c = site(slider: 9, points: 1)
        var m = Q.Meter()
        let t0 = brussels(2025, 5, 6, 10, 15)
        run(c, &m, from: t0, to: t0.addingTimeInterval(299), powerW: 9000)
        XCTAssertGreaterThan(decideWithCars(c, &m, at: t0.addingTimeInterval(299), houseW: 3000, cars: ["cp1": car(0, state: .connected)]).point("cp1")!.setpointA, 6)
        let d = decideWithCars(c, &m, at: t0.addingTimeInterval(300), houseW: 5500, cars: ["cp1": car(6)])
        XCTAssertEqual(d.point("cp1")?.setpointA, 6, "5.5 + 0.414 kW fit under 9 kW: grace")
        XCTAssertEqual(d.point("cp1")?.line, "cp1 6.0 A: slider short 0.6 kW for 0 s: held at minimum")
        // The same 20 s before the quarter ends: 5.5 + 4.14 > 9 kW, no grace.
        let c2 = site(slider: 9, points: 1)
        var m2 = Q.Meter()
        run(c2, &m2, from: t0, to: t0.addingTimeInterval(879), powerW: 9000)
        XCTAssertGreaterThan(decideWithCars(c2, &m2, at: t0.addingTimeInterval(879), houseW: 3000, cars: ["cp1": car(0, state: .connected)]).point("cp1")!.setpointA, 6)
        let d2 = decideWithCars(c2, &m2, at: t0.addingTimeInterval(880), houseW: 5500, cars: ["cp1": car(6)])
        XCTAssertEqual(d2.point("cp1")?.setpointA, 0)
    }
}
