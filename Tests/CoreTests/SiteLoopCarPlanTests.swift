import XCTest
@testable import KwartierCore

/// Prices in a loop without a battery to steer: they still reach the cars' plans, and a failing
/// source raises and clears the `prices` alert as the energy manager's would.
final class SiteLoopCarPlanTests: XCTestCase {
    let t0 = brussels(2026, 3, 10, 22, 0, 7)

    func testPricesReachTheCarPlansWithoutAnEnergyManager() throws {
        let yaml = """
        site: { slider_kw: 9 }
        grid: { fuse_a: 25, meter: p1 }
        meters:
          p1: { type: p1, tcp: 127.0.0.1:2000 }
        energy:
          prices: { source: file, file: /tmp/prices.csv }
        """
        let config = try ConfigLoader().load(yaml: yaml, file: "k.yaml").0
        var options = LoopOptions()
        options.manageEnergy = true
        let l = SiteLoop(site: SiteController(config: config, start: t0), devices: SiteDevices(), clock: ManualClock(now: t0), options: options)
        _ = l.handle(.start)
        XCTAssertNil(l.energy)
        func alerts(_ fx: [SiteEffect]) -> [String] { fx.compactMap { if case .alert(let a) = $0 { return "\(a.active) \(a.key): \(a.text)" }; return nil } }
        XCTAssertEqual(alerts(l.handle(.prices(PriceUpdate(series: nil, problem: "prices: no such file")))),
                       ["true prices: prices: no such file"])
        XCTAssertEqual(alerts(l.handle(.prices(PriceUpdate(series: nil, problem: "prices: no such file")))), [], "raised once")
        let series = PriceSeries(start: t0.addingTimeInterval(-7), stepS: 3600, eurPerMWh: [90, 60, 40])
        XCTAssertEqual(alerts(l.handle(.prices(PriceUpdate(series: series, problem: nil)))),
                       ["false prices: prices: the source answers again (was: prices: no such file)"])
        XCTAssertEqual(l.carPlans.prices, series)
        XCTAssertTrue(l.carPlans.pricesFresh(at: t0))
    }
}
