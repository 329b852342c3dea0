import XCTest
@testable import KwartierCore

final class P1TimestampTests: XCTestCase {
    func ts(_ s: String) -> P1Timestamp? { Array(s.utf8).withUnsafeBytes { P1Timestamp.parse($0, from: 0, to: $0.count) } }

    func testSummerAndWinterFlags() {
        XCTAssertEqual(ts("200512135409S")?.epochSeconds, 1_589_284_449)        // 2020-05-12 11:54:09 UTC
        XCTAssertEqual(ts("231102121548W")?.epochSeconds, 1_698_923_748)        // 2023-11-02 11:15:48 UTC
        XCTAssertEqual(ts("231102121548W")?.iso8601, "2023-11-02T12:15:48+01:00")
        XCTAssertEqual(ts("200512135409S")?.iso8601, "2020-05-12T13:54:09+02:00")
    }

    /// The repeated October hour: 02:30 S is the first pass (00:30 UTC), 02:30 W the second (01:30 UTC).
    func testAmbiguousOctoberHourFollowsFlag() {
        XCTAssertEqual(ts("231029023000S")?.date, P1Fixtures.date("2023-10-29T00:30:00Z"))
        XCTAssertEqual(ts("231029023000W")?.date, P1Fixtures.date("2023-10-29T01:30:00Z"))
        XCTAssertEqual(ts("231029023000")?.date, P1Fixtures.date("2023-10-29T00:30:00Z"))   // no flag: first pass
        XCTAssertEqual(ts("231029033000S")?.date, P1Fixtures.date("2023-10-29T02:30:00Z"))  // 03:30 exists once: winter
    }

    func testDSMR22WithoutFlagUsesEURule() {
        XCTAssertEqual(ts("161107190000")?.iso8601, "2016-11-07T19:00:00+01:00")
        XCTAssertEqual(ts("160707190000")?.iso8601, "2016-07-07T19:00:00+02:00")
        XCTAssertEqual(ts("230326015959")?.utcOffsetSeconds, 3600)            // just before the March switch
        XCTAssertEqual(ts("230326030000")?.utcOffsetSeconds, 7200)
    }

    func testPlaceholderAndGarbage() {
        let p = ts("632525252525W")!
        XCTAssertFalse(p.isValid)
        XCTAssertNil(p.date)
        XCTAssertNil(p.iso8601)
        XCTAssertNil(ts("2311021215X8W"))
        XCTAssertNil(ts("231102121548X"))
        XCTAssertNil(ts("2311021215"))
        XCTAssertFalse(ts("230229000000W")!.isValid)                          // not a leap year
        XCTAssertTrue(ts("240229000000W")!.isValid)
        XCTAssertEqual(ts("700101010000W")?.year, 1970)                        // POSIX %y pivot
        XCTAssertEqual(ts("681231000000W")?.year, 2068)
    }

    func testFromDateRoundTrip() {
        for iso in ["2023-11-02T11:15:48Z", "2023-07-01T22:30:00Z", "2024-03-31T00:59:59Z", "2024-03-31T01:00:00Z",
                    "2024-10-27T00:59:59Z", "2024-10-27T01:00:00Z"] {
            let d = P1Fixtures.date(iso)
            let t = P1Timestamp(date: d)
            XCTAssertEqual(t.date, d, iso)
            XCTAssertEqual(ts(t.meterText)?.date, d, iso)
        }
        XCTAssertEqual(P1Timestamp(date: P1Fixtures.date("2024-10-27T00:30:00Z")).meterText, "241027023000S")
        XCTAssertEqual(P1Timestamp(date: P1Fixtures.date("2024-10-27T01:30:00Z")).meterText, "241027023000W")
    }

    func testCalendar() {
        XCTAssertEqual(P1Calendar.daysFromCivil(1970, 1, 1), 0)
        XCTAssertEqual(P1Calendar.daysFromCivil(2000, 3, 1), 11017)
        XCTAssertEqual(P1Calendar.lastSunday(2023, 10), 29)
        XCTAssertEqual(P1Calendar.lastSunday(2024, 3), 31)
        let c = P1Calendar.civil(fromEpochSeconds: 1_698_923_748)
        XCTAssertEqual([c.year, c.month, c.day, c.hour, c.minute, c.second], [2023, 11, 2, 11, 15, 48])
    }
}
