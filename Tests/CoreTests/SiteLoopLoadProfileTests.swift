import XCTest
@testable import KwartierCore

/// The history's load profile handed to the running loop at start: the energy manager's plan
/// forecasts the house with it instead of what the meter shows now.
extension SiteLoopEnergyTests {
    func testHistoryProfileSeedsThePlansLoadForecast() throws {
        let (l, clock) = try loop("  battery: { inverter: roof, kwh: 10, max_charge_kw: 3 }\n  curtail: false")
        let q0 = PriceSeries.quarterStart(t0)
        // Two weeks of every quarter at 2 kW, and this weekday's 10:00 at 3 and 4 kW.
        let recorded = (1...(14 * 96)).map { k -> HouseLoadQuarter in
            let s = q0.addingTimeInterval(-Double(k) * 900)
            return HouseLoadQuarter(start: s, kw: k % (7 * 96) == 0 ? Double(2 + k / (7 * 96)) : 2)
        }
        l.seedLoadProfile(LoadProfile(quarters: recorded, now: t0, timeZone: TimeZone(identifier: "Europe/Brussels")!))
        _ = l.handle(inverter(pv: 0, soc: 20))
        _ = l.handle(prices([0] + Array(repeating: 500, count: 25)))
        _ = l.handle(grid(1500, clock))
        let f = try XCTUnwrap(l.energy?.controller.plannedForecast)
        XCTAssertEqual(f[q0]?.loadKW, 3.5)  // median of 3 and 4, not the meter's 1.5 kW
        XCTAssertEqual(f[q0.addingTimeInterval(900)]?.loadKW, 2)
    }
}
