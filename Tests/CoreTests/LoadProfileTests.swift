import Foundation
import XCTest
@testable import KwartierCore

/// The history's house-load profile per weekday and local quarter of the day.
final class LoadProfileTests: XCTestCase {
    let tz = TimeZone(identifier: "Europe/Brussels")!  // UTC+2 in June
    let iso = ISO8601DateFormatter()
    func t(_ s: String) -> Date { iso.date(from: s)! }
    var now: Date { t("2026-06-15T00:00:00Z") }  // a Monday, 02:00 local

    /// Mondays at 08:00 local (06:00 UTC) over four weeks, one Tuesday, one Monday too old, one not yet.
    var recorded: [HouseLoadQuarter] {
        [("2026-05-11T06:00:00Z", 100.0), ("2026-05-18T06:00:00Z", 1), ("2026-05-25T06:00:00Z", 2), ("2026-06-01T06:00:00Z", 10),
         ("2026-06-08T06:00:00Z", 3), ("2026-06-09T06:00:00Z", 4), ("2026-06-15T06:00:00Z", 50)]
            .map { HouseLoadQuarter(start: t($0.0), kw: $0.1) }
    }

    func testMedianPerWeekdayAndLocalQuarter() {
        let p = LoadProfile(quarters: recorded, now: now, timeZone: tz)
        XCTAssertEqual(p.samples, 5)  // 100 kW is older than 4 weeks, 50 kW not yet
        XCTAssertEqual(p.byWeekday[1][32], 2.5)  // Monday 08:00: median of 1, 2, 3, 10
        XCTAssertEqual(p.loadKW(at: t("2026-06-22T06:00:00Z")), 2.5)  // the next Monday 08:00 local
        XCTAssertNil(p.loadKW(at: t("2026-06-22T08:00:00Z")))  // 10:00 local: nothing recorded
    }

    func testAWeekdayWithTooFewSamplesTakesEveryDaysQuarter() {
        let p = LoadProfile(quarters: recorded, now: now, timeZone: tz)
        XCTAssertNil(p.byWeekday[2][32])  // one Tuesday only
        XCTAssertEqual(p.byQuarter[32], 3)  // median of 1, 2, 3, 4, 10
        XCTAssertEqual(p.loadKW(at: t("2026-06-16T06:00:00Z")), 3)  // Tuesday
        XCTAssertEqual(p.loadKW(at: t("2026-06-17T06:00:00Z")), 3)  // Wednesday: none at all
    }

    func testTheWindowFollowsWeeks() {
        let p = LoadProfile(quarters: recorded, now: now, weeks: 1, timeZone: tz)
        XCTAssertEqual(p.samples, 2)  // 8 and 9 June
        XCTAssertNil(p.byWeekday[1][32])
        XCTAssertEqual(p.loadKW(at: t("2026-06-22T06:00:00Z")), 3.5)  // median of 3 and 4
    }

    func testNothingRecordedIsEmpty() {
        let p = LoadProfile(quarters: [], now: now, timeZone: tz)
        XCTAssertTrue(p.isEmpty)
        XCTAssertNil(p.loadKW(at: now))
    }

    func testHouseLoadFromTheRecordedPoints() {
        // (1 − 0.25 + 0.5 PV − 0.25 into the battery − 0.5 to the car) kWh in a quarter = 2 kW; the heat pump is house load.
        XCTAssertEqual(LoadProfile.houseLoadKW(importKWh: 1, exportKWh: 0.25,
                                               energy: ["pv": 0.5, "battery.charge": 0.25, "cp1": 0.5, "heatpump": 0.3], carIds: ["cp1"]), 2)
        XCTAssertEqual(LoadProfile.houseLoadKW(importKWh: 0.5, exportKWh: 0, energy: ["battery.discharge": 0.25], carIds: []), 3)
        XCTAssertEqual(LoadProfile.houseLoadKW(importKWh: 0, exportKWh: 1, energy: [:], carIds: []), 0)  // never negative
    }

    func testTheForecasterUsesTheHistoryUntilItHasSeenTheQuarter() {
        var f = HomeForecaster(arrays: [], latitude: 51, longitude: 4.4, timeZone: tz)
        f.history = LoadProfile(quarters: recorded, now: now, timeZone: tz)
        let monday8 = t("2026-06-15T06:00:00Z")
        XCTAssertEqual(f.forecast(monday8, fallbackLoadKW: 0.7).loadKW, 2.5)
        XCTAssertEqual(f.forecast(t("2026-06-15T08:00:00Z"), fallbackLoadKW: 0.7).loadKW, 0.7)  // the history has none
        f.observe(quarter: monday8, loadKW: 1.2, pvKW: nil)
        XCTAssertEqual(f.forecast(monday8.addingTimeInterval(86_400)).loadKW, 1.2)  // seen since the start
        XCTAssertEqual(f.forecast(t("2026-06-16T06:15:00Z")).loadKW, 1.2)  // neither: the mean seen
    }
}
