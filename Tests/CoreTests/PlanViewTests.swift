import XCTest
@testable import KwartierCore

/// The plan as the snapshot and status.json carry it (`PlanView`) and its one-line summary.
final class PlanViewTests: XCTestCase {
    static let tz = TimeZone(identifier: "Europe/Brussels")!

    func step(_ h: Int, _ m: Int, price: Double, battery: Double, car: Double = 0) -> PlanView.Step {
        PlanView.Step(start: brussels(2026, 3, 10, h, m), takeEurPerKWh: price, batteryKW: battery, carKW: car,
                      pvForecastKW: 0, loadForecastKW: 0.5, socPercent: 50)
    }

    /// 03:00–04:00 charging 2.5 kW (a car 03:30–04:00), 04:00–04:30 idle, 04:30–05:00
    /// discharging 1.2 kW, 05:00 idle.
    func view() -> PlanView {
        PlanView(generatedAt: brussels(2026, 3, 10, 2, 58), mode: "plan", steps: [
            step(3, 0, price: 0.2012, battery: 2.5), step(3, 15, price: 0.2134, battery: 2.5),
            step(3, 30, price: 0.2201, battery: 2.5, car: 7.4), step(3, 45, price: 0.2201, battery: 2.5, car: 7.4),
            step(4, 0, price: 0.25, battery: 0.04), step(4, 15, price: 0.26, battery: 0),
            step(4, 30, price: 0.31, battery: -1.2), step(4, 45, price: 0.32, battery: -1.16),
            step(5, 0, price: 0.28, battery: 0),
        ])
    }

    func testSummaryNamesTheRunningKindTheNextOtherKindTheCarAndThePriceNow() {
        let v = view()
        XCTAssertEqual(v.summary(now: brussels(2026, 3, 10, 3, 20), timeZone: Self.tz),
                       "plan: battery charging 2.5 kW until 04:00, next discharge 04:30–05:00, car 03:30–04:00, price now 0.21 €/kWh")
        XCTAssertEqual(v.summary(now: brussels(2026, 3, 10, 4, 5), timeZone: Self.tz),
                       "plan: battery idle until 04:30, next discharge 04:30–05:00, price now 0.25 €/kWh")
        XCTAssertEqual(v.summary(now: brussels(2026, 3, 10, 4, 50), timeZone: Self.tz),
                       "plan: battery discharging 1.2 kW until 05:00, price now 0.32 €/kWh")
        XCTAssertEqual(v.summary(now: brussels(2026, 3, 10, 5, 15), timeZone: Self.tz), "plan: none (the plan ended)")
        XCTAssertEqual(PlanView(generatedAt: nil, mode: "plan", steps: [], reason: "no prices yet").summary(now: Date(), timeZone: Self.tz),
                       "plan: none (no prices yet)")
    }

    func testJSONKeysAreThoseOfPlanJSONAndRoundTrip() throws {
        let v = view()
        let data = try WireJSON.encoder().encode(v)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(o.keys), ["generated_at", "mode", "steps"])
        let s0 = try XCTUnwrap((o["steps"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(s0.keys), ["start", "take_eur_per_kwh", "battery_kw", "car_kw", "pv_forecast_kw", "load_forecast_kw", "soc_percent"])
        XCTAssertEqual(s0["start"] as? String, "2026-03-10T02:00:00Z")
        XCTAssertEqual(s0["take_eur_per_kwh"] as? Double, 0.2012)
        XCTAssertEqual(try WireJSON.decoder().decode(PlanView.self, from: data), v)
    }
}

extension SiteLoopEnergyTests {
    /// The live loop's plan in the snapshot's form: from the running quarter, rounded, with the
    /// load and PV forecasts it was made with; status.json's report carries it too.
    func testLoopPlanViewFromTheRunningQuarter() throws {
        let (l, clock) = try loop("  battery: { inverter: roof, kwh: 10, max_charge_kw: 3 }\n  curtail: false")
        XCTAssertEqual(l.planView(now: clock.now), PlanView(generatedAt: nil, mode: "plan", steps: [], reason: "no prices yet"))
        _ = l.handle(inverter(pv: 0, soc: 20))
        _ = l.handle(prices([0] + Array(repeating: 500, count: 25)))
        let fx = l.handle(grid(1500, clock))
        let v = try XCTUnwrap(l.planView(now: clock.now))
        XCTAssertEqual(v.generatedAt, t0)
        XCTAssertEqual(v.mode, "plan")
        XCTAssertNil(v.reason)
        // 26 hours of prices from 10:00: 104 quarters. The cheap hour charges 0.5 kWh a quarter
        // (2.105 kW): 20 % of 10 kWh becomes 25 %; the load is what the house takes now.
        XCTAssertEqual(v.steps.count, 104)
        XCTAssertEqual(v.steps[0], PlanView.Step(start: brussels(2026, 3, 10, 10, 0), takeEurPerKWh: 0.12, batteryKW: 2.11, carKW: 0,
                                                 pvForecastKW: 0, loadForecastKW: 1.5, socPercent: 25))
        XCTAssertEqual(v.steps[4].takeEurPerKWh, 0.62)
        let status = fx.compactMap { if case .writeStatus(let r) = $0 { return r.plan }; return nil }
        XCTAssertEqual(status, [v])
        // Twenty minutes on: the 10:00 quarter is gone.
        clock.advance(20 * 60)
        XCTAssertEqual(l.planView(now: clock.now)?.steps.first?.start, brussels(2026, 3, 10, 10, 15))
        XCTAssertEqual(l.planView(now: clock.now)?.steps.count, 103)
    }
}

extension SiteLoopEnergyTests {
    /// The weather source fails, then answers: the snapshot's alerts say `weather` was raised
    /// and is no longer active (the raised entry is ended by its clearing).
    func testAClearedWeatherAlertIsNotActiveInTheSnapshot() throws {
        let (l, clock) = try loop("  curtail: true")
        _ = l.handle(.weather(WeatherUpdate(cloudCover: [:], problem: "weather: Open-Meteo answered HTTP 503; using the last good forecast")))
        XCTAssertEqual(l.site.snapshot(now: clock.now, mono: clock.mono).alerts.map { "\($0.key) \($0.active)" }, ["weather true"])
        _ = l.handle(.weather(WeatherUpdate(cloudCover: [:], problem: nil)))
        XCTAssertEqual(l.site.snapshot(now: clock.now, mono: clock.mono).alerts.map { "\($0.key) \($0.active)" }, ["weather false", "weather false"])
    }
}
