import XCTest
@testable import KwartierCore

/// The hub's one set of number and duration texts (dashboard, explanations, relays, report, CLI).
final class TextFormatTests: XCTestCase {
    func testFixedHasNoMinusOnZero() {
        XCTAssertEqual(TextFormat.fixed(31.64, 1), "31.6")
        XCTAssertEqual(TextFormat.fixed(-2.55, 1), "-2.5")        // %.1f of the binary value 2.5499…
        XCTAssertEqual(TextFormat.fixed(-0.04, 1), "0.0")         // meter noise: no flickering sign
        XCTAssertEqual(TextFormat.fixed(-0.4, 0), "0")
        XCTAssertEqual(TextFormat.fixed(7, 2), "7.00")
    }

    func testPlain() {
        XCTAssertEqual(TextFormat.plain(16), "16")
        XCTAssertEqual(TextFormat.plain(230.1), "230.1")
        XCTAssertEqual(TextFormat.plain(0.0126), "0.013")
        XCTAssertEqual(TextFormat.plain(-1020), "-1020")
        XCTAssertEqual(TextFormat.plain(22.5), "22.5")
        XCTAssertEqual(TextFormat.plain(0.0001), "0")
        XCTAssertEqual(TextFormat.plain(0.123456, maxDecimals: 5), "0.12346")
        XCTAssertEqual(TextFormat.plain(.infinity), "inf")
    }

    func testKilowatts() {
        XCTAssertEqual(TextFormat.kW(watts: 1540), "1.5 kW")
        XCTAssertEqual(TextFormat.kW(watts: 1550), "1.6 kW")       // half away from zero
        XCTAssertEqual(TextFormat.kW(watts: -20), "0.0 kW")
        XCTAssertEqual(TextFormat.kW(watts: -2500), "-2.5 kW")
    }

    func testDurations() {
        XCTAssertEqual(TextFormat.age(0.4), "0 s")
        XCTAssertEqual(TextFormat.age(99.9), "99 s")
        XCTAssertEqual(TextFormat.age(125), "2 min")
        XCTAssertEqual(TextFormat.age(7200), "2 h")
        XCTAssertEqual(TextFormat.age(nil), "never")
        XCTAssertEqual(TextFormat.compactDuration(44.2), "45s")
        XCTAssertEqual(TextFormat.compactDuration(250), "4m10s")
        XCTAssertEqual(TextFormat.compactDuration(3600), "1h00m")
        XCTAssertEqual(TextFormat.compactDuration(-3), "0s")
        XCTAssertEqual(TextFormat.compactDuration(.nan), "0s")       // never traps
        XCTAssertEqual(TextFormat.span(hours: 24), "1 day")
        XCTAssertEqual(TextFormat.span(hours: 168), "7 days")
        XCTAssertEqual(TextFormat.span(hours: 6), "6 h")
        XCTAssertEqual(TextFormat.span(hours: 1.5), "1.5 h")
        XCTAssertEqual(TextFormat.twoDigits(5), "05")
        XCTAssertEqual(TextFormat.twoDigits(12), "12")
    }

    /// The log's and OCPP's time stamp: the same text ISO8601DateFormatter gives (UTC, milliseconds).
    func testUTCStampMatchesTheISO8601FormatterWithFractionalSeconds() {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for t in [0.0, 1_764_464_000, 1_796_654_926.123, 951_782_400.5, 4_102_444_799.999] {
            let d = Date(timeIntervalSince1970: t)
            XCTAssertEqual(TextFormat.utcStamp(d), iso.string(from: d), "\(t)")
        }
        XCTAssertEqual(TextFormat.utcStamp(Date(timeIntervalSince1970: 1_796_654_926.123)), "2026-12-07T14:48:46.123Z")
    }
}
