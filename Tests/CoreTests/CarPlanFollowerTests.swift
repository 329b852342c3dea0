import Foundation
import XCTest
@testable import KwartierCore

/// `CarPlanFollower`: a night with known hourly prices, "ready by 07:00 with 30 kWh" on a point
/// that may take 9 kW under the slider (Brussels time, summer: UTC+2).
final class CarPlanFollowerTests: XCTestCase {
    let tz = TimeZone(identifier: "Europe/Brussels")!
    /// €/MWh per local hour from 2023-07-30 00:00; the night after 22:00: 23:00 90, 00:00 60,
    /// 01:00 40, 02:00 20, 03:00 30, 04:00 50, 05:00 70, 06:00 80, and 07:00 at 10 (after the deadline).
    static let night: [Double] = [Double](repeating: 100, count: 23) + [90, 60, 40, 20, 30, 50, 70, 80, 10] + [Double](repeating: 100, count: 16)

    func follower(prices: PriceSeries? = PriceSeries(start: brussels(2023, 7, 30, 0, 0), stepS: 3600, eurPerMWh: night)) -> CarPlanFollower {
        var f = CarPlanFollower(sliderKW: 9, timeZone: tz)
        f.prices = prices
        return f
    }

    let plugged = brussels(2023, 7, 30, 21, 50)
    func car(_ delivered: Double, kwh: Double = 30) -> CarPlanFollower.Car {
        .init(pointId: "cp1", readyBy: ReadyBy(minuteOfDay: 420, energyKWh: kwh), sessionStart: plugged, deliveredKWh: delivered, maxKW: 11.04)
    }

    func gate(_ f: inout CarPlanFollower, _ delivered: Double, at t: Date) -> CarPlanGate {
        f.gates([car(delivered)], now: t).gates["cp1"]!
    }

    /// 30 kWh at 9 kW: 02:00 (20), 03:00 (30) and 01:00 (40) whole, then 04:00 at 9 kW and
    /// 04:15 at the 3 kW left; held in every other quarter.
    func testTheCarChargesExactlyInTheCheapestQuarters() {
        var f = follower()
        XCTAssertEqual(gate(&f, 0, at: brussels(2023, 7, 30, 22, 0)),
                       CarPlanGate(.hold, "waiting for the planned quarters 01:00–04:30, cheapest before 07:00"))
        var delivered = 0.0
        var perHour: [Int: Double] = [:]
        var t = brussels(2023, 7, 30, 22, 0)
        while t < brussels(2023, 7, 31, 7, 0) {
            let g = gate(&f, delivered, at: t)
            let h = Calendar.current.dateComponents(in: tz, from: t).hour!
            if case .charge(let w) = g.action { delivered += w / 1000 * 0.25; perHour[h, default: 0] += w / 1000 * 0.25 }
            t = t.addingTimeInterval(900)
        }
        XCTAssertEqual(delivered, 30, accuracy: 1e-9)
        XCTAssertEqual(perHour.keys.sorted(), [1, 2, 3, 4])
        XCTAssertEqual(perHour[1]!, 9, accuracy: 1e-9); XCTAssertEqual(perHour[2]!, 9, accuracy: 1e-9)
        XCTAssertEqual(perHour[3]!, 9, accuracy: 1e-9); XCTAssertEqual(perHour[4]!, 3, accuracy: 1e-9)
        XCTAssertEqual(gate(&f, 27, at: brussels(2023, 7, 31, 4, 0)).text, "planned quarter until 04:15: up to 9.0 kW, ready by 07:00")
        XCTAssertEqual(gate(&f, 29.25, at: brussels(2023, 7, 31, 4, 15)), CarPlanGate(.charge(maxW: 3000), "planned quarter until 04:30: up to 3.0 kW, ready by 07:00"))
        XCTAssertEqual(gate(&f, 30, at: brussels(2023, 7, 31, 4, 31)), CarPlanGate(.done, "30.0 kWh in, ready by 07:00"))
    }

    /// The slider gave the car 1 kWh of the 2.25 planned in 01:00–01:15: at 01:15 the 29 kWh
    /// left are planned again: 01:15–01:45, 02:00–03:45, 04:00 at 9 kW and 04:15 at 8 kW.
    func testACarThatFallsBehindIsPlannedAgain() {
        var f = follower()
        _ = gate(&f, 0, at: brussels(2023, 7, 30, 22, 0))
        XCTAssertEqual(gate(&f, 0, at: brussels(2023, 7, 31, 1, 0)).action, .charge(maxW: 9000))
        XCTAssertEqual(gate(&f, 1.0, at: brussels(2023, 7, 31, 1, 15)).action, .charge(maxW: 9000))
        XCTAssertEqual(gate(&f, 5.5, at: brussels(2023, 7, 31, 1, 50)).action, .charge(maxW: 9000))
        XCTAssertEqual(gate(&f, 25.75, at: brussels(2023, 7, 31, 4, 0)).action, .charge(maxW: 9000))
        // 0.05 kWh short of the plan (within 0.1 kWh) is not planned again: 04:15 at 8 kW (it was 3 kW before).
        XCTAssertEqual(gate(&f, 27.95, at: brussels(2023, 7, 31, 4, 15)).action, .charge(maxW: 8000))
        // Its planned quarters are over 0.05 kWh short: the last Wh at once, then done.
        XCTAssertEqual(gate(&f, 29.95, at: brussels(2023, 7, 31, 4, 30)).action, .free)
        XCTAssertEqual(gate(&f, 29.995, at: brussels(2023, 7, 31, 4, 31)).action, .done)
    }

    func testNoPricesOrStalePricesChargeAsUsual() {
        var none = follower(prices: nil)
        XCTAssertEqual(gate(&none, 0, at: brussels(2023, 7, 30, 22, 0)), .free)
        let old = PriceSeries(start: brussels(2023, 7, 30, 0, 0), stepS: 3600, eurPerMWh: Self.night,
                              fetchedAt: brussels(2023, 7, 29, 6, 0))
        var stale = follower(prices: old)
        XCTAssertEqual(gate(&stale, 0, at: brussels(2023, 7, 30, 22, 0)), .free, "fetched 40 h ago")
        // Prices arriving later plan the car.
        stale.prices = PriceSeries(start: brussels(2023, 7, 30, 0, 0), stepS: 3600, eurPerMWh: Self.night)
        XCTAssertEqual(gate(&stale, 0, at: brussels(2023, 7, 30, 22, 5)).action, .hold)
    }

    /// At 06:00, 4 quarters of 9 kW are left: 9 kWh of the 30 can be had. The car charges at
    /// once and the alert says so, once; a new session clears it.
    func testADeadlineOutOfReachChargesAtOnceWithAnAlert() {
        var f = follower()
        let late = CarPlanFollower.Car(pointId: "cp1", readyBy: ReadyBy(minuteOfDay: 420, energyKWh: 30),
                                       sessionStart: brussels(2023, 7, 31, 6, 0), deliveredKWh: 0, maxKW: 11.04)
        let r = f.gates([late], now: brussels(2023, 7, 31, 6, 0))
        XCTAssertEqual(r.gates["cp1"], .free)
        XCTAssertEqual(r.alerts.map(\.text), ["cp1: 30.0 kWh by 07:00 cannot be met, 9.0 kWh possible"])
        XCTAssertEqual(r.alerts.first?.key, "ready-by:cp1")
        XCTAssertEqual(f.gates([late], now: brussels(2023, 7, 31, 6, 15)).alerts, [])
        let gone = f.gates([], now: brussels(2023, 7, 31, 6, 20))
        XCTAssertEqual(gone.alerts.map(\.active), [false])
    }

    func testAfterTheDeadlineTheCarChargesAsUsual() {
        var f = follower()
        _ = gate(&f, 0, at: brussels(2023, 7, 30, 22, 0))
        XCTAssertEqual(gate(&f, 10, at: brussels(2023, 7, 31, 7, 0)), .free)
    }
}
