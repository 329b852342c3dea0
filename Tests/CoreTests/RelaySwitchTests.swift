import XCTest
@testable import KwartierCore

/// Switched relays (SPEC §3.5) on a simulated clock, and their timer windows on the wall clock
/// of Europe/Brussels across midnight and on both 2025 DST change days (30 March: 02:00 CET
/// jumps to 03:00 CEST = 01:00 UTC; 26 October: 03:00 CEST falls back to 02:00 CET = 01:00 UTC).
final class RelaySwitchTests: XCTestCase {
    let brussels = TimeZone(identifier: "Europe/Brussels")!
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)   // 2025-06-15 15:06:40 UTC
    func at(_ s: Double) -> Date { t0.addingTimeInterval(s) }
    /// A UTC instant.
    func utc(_ text: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: text)!
    }

    func boiler(minOn: Double = 0, minOff: Double = 0, timers: [String] = []) -> SwitchConfig {
        var c = SwitchConfig(output: "relay3", onAboveKW: 2.5, powerKW: 2.5)
        c.hysteresisKW = 0.2; c.minOnS = minOn; c.minOffS = minOff; c.timers = timers
        return c
    }
    func machine(_ c: SwitchConfig, start: Date? = nil) -> SwitchMachine {
        SwitchMachine(id: "boiler", config: c, timeZone: brussels, start: start ?? t0)
    }
    @discardableResult
    func step(_ m: inout SwitchMachine, _ date: Date, kW: Double, stale: Bool = false,
              override: RuntimeSettings.RelayOverride = .auto) -> Bool {
        m.step(now: date, surplusW: kW * 1000, meterStale: stale, override: override)
        return m.on
    }

    // MARK: surplus, hysteresis, minimum times

    func testOnAbovePowerPlusHysteresisOffBelowPower() {
        var m = machine(boiler())
        XCTAssertFalse(step(&m, at(1), kW: 2.7))      // needs more than 2.5 + 0.2
        XCTAssertTrue(step(&m, at(2), kW: 2.71))
        XCTAssertEqual(m.claimW, 2500)
        XCTAssertTrue(step(&m, at(3), kW: 2.5))       // stays on down to 2.5
        XCTAssertFalse(step(&m, at(4), kW: 2.49))
        XCTAssertEqual(m.claimW, 0)
        XCTAssertTrue(m.reason.hasPrefix("off: surplus 2.5 kW < 2.5 kW"), m.reason)
    }

    func testMinimumOnAndOffTimesToTheSecond() {
        var m = machine(boiler(minOn: 300, minOff: 120))
        // The first off time counts from the start.
        XCTAssertFalse(step(&m, at(119), kW: 3))
        XCTAssertTrue(m.reason.contains("minimum off time, 1s more"), m.reason)
        XCTAssertTrue(step(&m, at(120), kW: 3))
        XCTAssertTrue(step(&m, at(121), kW: 0))
        XCTAssertTrue(step(&m, at(419), kW: 0))
        XCTAssertFalse(step(&m, at(420), kW: 0))
        XCTAssertFalse(step(&m, at(539), kW: 3))
        XCTAssertTrue(step(&m, at(540), kW: 3))
    }

    func testStaleMeterSwitchesOffAtOnce() {
        var m = machine(boiler(minOn: 300))
        XCTAssertTrue(step(&m, at(1), kW: 3))
        XCTAssertFalse(step(&m, at(2), kW: 3, stale: true))     // within the minimum on time
        XCTAssertTrue(m.reason.contains("stale"), m.reason)
    }

    func testManualOverride() {
        var m = machine(boiler(minOn: 300, minOff: 300))
        XCTAssertTrue(step(&m, at(1), kW: 0, override: .on))   // at once, minimum off ignored
        XCTAssertEqual(m.reason, "on: manual")
        XCTAssertFalse(step(&m, at(2), kW: 9, override: .off))
        XCTAssertTrue(step(&m, at(3), kW: 0, stale: true, override: .on))
        XCTAssertTrue(step(&m, at(4), kW: 0, override: .auto))   // auto: minimum on counts from the manual switch
        XCTAssertTrue(step(&m, at(302), kW: 0))
        XCTAssertFalse(step(&m, at(303), kW: 0))
    }

    // MARK: timers

    func testTimerForcesOnInParallelWithTheSurplusLogic() {
        // 2025-06-15 is CEST (UTC+2): 02:00-05:00 local is 00:00-03:00 UTC.
        var m = machine(boiler(timers: ["02:00-05:00"]), start: utc("2025-06-14T23:00:00Z"))
        XCTAssertFalse(step(&m, utc("2025-06-14T23:59:59Z"), kW: 0))
        XCTAssertTrue(step(&m, utc("2025-06-15T00:00:00Z"), kW: 0))
        XCTAssertEqual(m.reason, "on: timer 02:00-05:00")
        XCTAssertTrue(step(&m, utc("2025-06-15T01:00:00Z"), kW: 0, stale: true))   // a timer needs no meter
        XCTAssertTrue(step(&m, utc("2025-06-15T02:59:59Z"), kW: 0))
        XCTAssertFalse(step(&m, utc("2025-06-15T03:00:00Z"), kW: 0))
        XCTAssertTrue(step(&m, utc("2025-06-15T10:00:00Z"), kW: 3))                 // surplus still works
    }

    func testTimerWaitsForTheMinimumOffTime() {
        var m = machine(boiler(minOff: 600, timers: ["02:00-05:00"]), start: utc("2025-06-14T23:55:00Z"))
        XCTAssertFalse(step(&m, utc("2025-06-15T00:00:00Z"), kW: 0))
        XCTAssertTrue(step(&m, utc("2025-06-15T00:05:00Z"), kW: 0))
    }

    func testTimerOnlyRelay() {
        var c = boiler(timers: ["22:00-06:00", "12:00-13:00"]); c.surplusSwitching = false
        var m = machine(c, start: utc("2025-06-15T09:00:00Z"))
        XCTAssertFalse(step(&m, utc("2025-06-15T09:30:00Z"), kW: 50))
        XCTAssertEqual(m.reason, "off: outside its timer windows")
        XCTAssertTrue(step(&m, utc("2025-06-15T10:00:00Z"), kW: 0))    // 12:00 CEST
        XCTAssertEqual(m.reason, "on: timer 12:00-13:00")
        XCTAssertFalse(step(&m, utc("2025-06-15T11:00:00Z"), kW: 0))
        XCTAssertTrue(step(&m, utc("2025-06-15T20:00:00Z"), kW: 0))    // 22:00 CEST
    }

    func testWindowAcrossMidnight() {
        let w = TimeWindow(parse: "22:00-06:00")!
        XCTAssertFalse(w.contains(utc("2025-06-15T19:59:59Z"), timeZone: brussels))  // 21:59:59
        XCTAssertTrue(w.contains(utc("2025-06-15T20:00:00Z"), timeZone: brussels))
        XCTAssertTrue(w.contains(utc("2025-06-15T22:00:00Z"), timeZone: brussels))   // 00:00
        XCTAssertTrue(w.contains(utc("2025-06-16T03:59:59Z"), timeZone: brussels))   // 05:59:59
        XCTAssertFalse(w.contains(utc("2025-06-16T04:00:00Z"), timeZone: brussels))
    }

    /// Seconds a window is open between two UTC instants, counted minute by minute (an
    /// independent oracle: the sum, not the boundaries).
    func openMinutes(_ w: TimeWindow, from: String, to: String) -> Int {
        var n = 0, d = utc(from)
        let end = utc(to)
        while d < end { if w.contains(d, timeZone: brussels) { n += 1 }; d = d.addingTimeInterval(60) }
        return n
    }

    func testSpringForwardDay() {
        let w = TimeWindow(parse: "02:00-05:00")!
        // 01:59:59 CET is 00:59:59 UTC; the next second is 03:00:00 CEST.
        XCTAssertFalse(w.contains(utc("2025-03-30T00:59:59Z"), timeZone: brussels))
        XCTAssertTrue(w.contains(utc("2025-03-30T01:00:00Z"), timeZone: brussels))
        XCTAssertTrue(w.contains(utc("2025-03-30T02:59:59Z"), timeZone: brussels))   // 04:59:59 CEST
        XCTAssertFalse(w.contains(utc("2025-03-30T03:00:00Z"), timeZone: brussels))
        XCTAssertEqual(openMinutes(w, from: "2025-03-29T12:00:00Z", to: "2025-03-30T12:00:00Z"), 120)   // 2 h that night
        // A window inside the skipped hour keeps only its real part: 01:30-02:30 is 01:30-02:00 CET.
        XCTAssertEqual(openMinutes(TimeWindow(parse: "01:30-02:30")!, from: "2025-03-29T12:00:00Z", to: "2025-03-30T12:00:00Z"), 30)
        // Across midnight: 22:00 CET to 06:00 CEST is 7 h.
        XCTAssertEqual(openMinutes(TimeWindow(parse: "22:00-06:00")!, from: "2025-03-29T12:00:00Z", to: "2025-03-30T12:00:00Z"), 420)
    }

    func testFallBackDay() {
        let w = TimeWindow(parse: "02:00-05:00")!
        XCTAssertFalse(w.contains(utc("2025-10-25T23:59:59Z"), timeZone: brussels))  // 01:59:59 CEST
        XCTAssertTrue(w.contains(utc("2025-10-26T00:00:00Z"), timeZone: brussels))   // 02:00 CEST
        XCTAssertTrue(w.contains(utc("2025-10-26T01:00:00Z"), timeZone: brussels))   // 02:00 CET, again
        XCTAssertTrue(w.contains(utc("2025-10-26T03:59:59Z"), timeZone: brussels))   // 04:59:59 CET
        XCTAssertFalse(w.contains(utc("2025-10-26T04:00:00Z"), timeZone: brussels))
        XCTAssertEqual(openMinutes(w, from: "2025-10-25T12:00:00Z", to: "2025-10-26T12:00:00Z"), 240)   // 4 h that night
        XCTAssertEqual(openMinutes(TimeWindow(parse: "22:00-06:00")!, from: "2025-10-25T12:00:00Z", to: "2025-10-26T12:00:00Z"), 540)
    }

    func testSwitchFollowsTheTimerThroughTheSpringForwardNight() {
        var m = machine(boiler(timers: ["02:00-05:00"]), start: utc("2025-03-29T23:00:00Z"))
        var onSince: Date?, onFor = 0.0
        var d = utc("2025-03-29T23:00:00Z")
        while d < utc("2025-03-30T06:00:00Z") {
            let was = m.on
            step(&m, d, kW: 0)
            if m.on && !was { onSince = d }
            if !m.on && was { onFor += d.timeIntervalSince(onSince!) }
            d = d.addingTimeInterval(10)
        }
        XCTAssertEqual(onFor, 7200)
    }

    func testMinuteOfDayAgreesWithTheCalendar() {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = brussels
        var d = utc("2025-03-29T20:00:00Z")
        while d < utc("2025-10-27T04:00:00Z") {
            let c = cal.dateComponents([.hour, .minute], from: d)
            XCTAssertEqual(TimeWindow.minuteOfDay(d, timeZone: brussels), c.hour! * 60 + c.minute!, "\(d)")
            d = d.addingTimeInterval(86_400 * 7 + 3_607)   // wander through the year and the day
        }
        for s in ["2025-03-30T00:59:00Z", "2025-03-30T01:00:00Z", "2025-10-26T00:59:00Z", "2025-10-26T01:00:00Z"] {
            let c = cal.dateComponents([.hour, .minute], from: utc(s))
            XCTAssertEqual(TimeWindow.minuteOfDay(utc(s), timeZone: brussels), c.hour! * 60 + c.minute!, s)
        }
    }

    func testTimeWindowParsing() {
        XCTAssertEqual(TimeWindow(parse: "02:00-05:00")?.description, "02:00-05:00")
        XCTAssertEqual(TimeWindow(parse: " 22:30 - 06:15 ")?.description, "22:30-06:15")
        XCTAssertEqual(TimeWindow(parse: "00:00-24:00")?.contains(minuteOfDay: 1439), true)
        XCTAssertNil(TimeWindow(parse: "02:00"))
        XCTAssertNil(TimeWindow(parse: "25:00-01:00"))
        XCTAssertNil(TimeWindow(parse: "02:60-03:00"))
        XCTAssertNil(TimeWindow(parse: "03:00-03:00"))
        XCTAssertNil(TimeWindow(parse: "ab:cd-01:00"))
    }
}
