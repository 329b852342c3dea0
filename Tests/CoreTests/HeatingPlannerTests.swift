import Foundation
import XCTest
@testable import KwartierCore

/// The heat pump's SG-Ready state and the boiler's on-quarters per planned quarter, on a horizon
/// from 22:00 (UTC) over the next whole day into the first hour of the one after.
final class HeatingPlannerTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_690_754_400)  // 2023-07-30 22:00 UTC
    let utc = TimeZone(identifier: "UTC")!

    /// 8 quarters of the day in progress (0.30 €/kWh, one at 0.20), a whole day (night 0.20, then
    /// 0.25; 3 kW of PV surplus 12:00-13:00; taking paid for at 20:00), 4 quarters of the next (0.22).
    func horizon() -> [QuarterForecast] {
        (0..<108).map { i in
            var take = 0.30, base = 0.5
            if i == 5 { take = 0.20 }
            if (8..<104).contains(i) { take = i < 32 ? 0.20 : 0.25 }
            if (56..<60).contains(i) { base = -3 }
            if i == 88 { take = -0.01 }
            if i >= 104 { take = 0.22 }
            return QuarterForecast(start: t0.addingTimeInterval(Double(i) * 900), takePrice: take, injectPrice: 0.05, baseKW: base)
        }
    }

    let pump = HeatingPlanner.HeatPump(states: [.off, .normal, .comfort, .boost], normalKW: 1.2, comfortKW: 2, boostKW: 3.5)

    func testBoilerHeatsInTheCheapestQuartersOfEachDay() {
        let steps = HeatingPlanner(heatPump: nil, boiler: .init(kw: 2, kwhPerDay: 1), timeZone: utc).plan(horizon())
        XCTAssertEqual(steps.count, 108)
        // The day in progress: 8 of 96 quarters left, 2 quarters a day → 1, the cheapest (0.20).
        // The whole day: 2 quarters — the paid hour (2 kW × -0.01) and the first PV quarter
        // (2 kW of surplus at 0.05 beats 0.20 from the grid). The last day is not known to its end.
        XCTAssertEqual(steps.indices.filter { steps[$0].boilerOn == true }, [5, 56, 88])
        XCTAssertEqual(Set(steps.map(\.heatPumpSG)), [nil])
    }

    func testHeatPumpBoostsOnSurplusAndPaidTakingAndIsRecommendedOnInCheapQuarters() {
        let steps = HeatingPlanner(heatPump: pump, boiler: .init(kw: 2, kwhPerDay: 1), timeZone: utc).plan(horizon())
        func with(_ s: SGState) -> [Int] { steps.indices.filter { steps[$0].heatPumpSG == s } }
        // 12:00 the boiler takes 2 of the 3 kW: 1 kW left covers Comfort's 0.8 kW over Normal,
        // not Boost's 2.3; 12:15-12:45 the 3 kW cover Boost; 20:00 taking is paid for.
        XCTAssertEqual(with(.boost), [57, 58, 59, 88])
        // The cheapest quarter of the 108 (sorted, the 27th is 0.22): every one at 0.20 or 0.22.
        XCTAssertEqual(with(.comfort), [5] + Array(8..<32) + [56] + Array(104..<108))
        XCTAssertEqual(with(.off), [])
        XCTAssertEqual(with(.normal).count, 108 - 4 - 30)
    }

    func testOnlySupportedStatesAreAskedFor() {
        var p = pump
        p.states = [.normal, .comfort]
        let steps = HeatingPlanner(heatPump: p, boiler: nil, timeZone: utc).plan(horizon())
        XCTAssertEqual(steps.indices.filter { steps[$0].heatPumpSG == .comfort },
                       [5] + Array(8..<32) + [56, 57, 58, 59, 88] + Array(104..<108))
        p.states = [.off, .normal]
        XCTAssertEqual(Set(HeatingPlanner(heatPump: p, boiler: nil, timeZone: utc).plan(horizon()).map(\.heatPumpSG)), [.normal])
    }

    func testFromTheConfiguration() throws {
        let yaml = """
        grid: { fuse_a: 25, meter: virtual }
        outputs:
          r1: { simulated: true }
          r2: { simulated: true }
          r3: { simulated: true }
        relays:
          heatpump: { type: sg-ready, outputs: [r1, r2], comfort_above_kw: 1.5, boost_above_kw: 3, power_kw: { normal: 1, comfort: 2, boost: 4 } }
          boiler: { type: switch, output: r3, on_above_kw: 2.5 }
        energy:
          prices: { source: file, file: /tmp/p.csv }
          heat_pump: { relay: heatpump }
          boiler: { relay: boiler, kwh_per_day: 5 }
        """
        let c = try ConfigLoader().load(yaml: yaml, file: "k.yaml").0
        let h = try XCTUnwrap(HeatingPlanner(c, timeZone: utc))
        XCTAssertEqual(h.heatPump, .init(states: [.off, .normal, .comfort, .boost], normalKW: 1, comfortKW: 2, boostKW: 4))
        XCTAssertEqual(h.boiler, .init(kw: 2.5, kwhPerDay: 5))
    }
}
