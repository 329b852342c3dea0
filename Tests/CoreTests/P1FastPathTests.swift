import XCTest
@testable import KwartierCore

/// The P1 hot paths' shortcuts against the plain way: the sliced CRC against the byte-wise one,
/// the UTC offset's month shortcut against the calendar rules, the OBIS text writer against
/// string interpolation.
final class P1FastPathTests: XCTestCase {
    func testSlicedCRCEqualsBytewiseForEveryLengthAndStart() {
        var rng = SimRandom(seed: 7)
        let data = (0..<3000).map { _ in UInt8(min(255, rng.range(0, 256).rounded(.down))) }
        data.withUnsafeBytes { all in
            for n in 0..<80 {
                for start in [0, 1, 3, 7] {
                    let b = UnsafeRawBufferPointer(rebasing: all[start..<(start + n)])
                    for initial: UInt16 in [0, 0xFFFF, 0x1234] {
                        XCTAssertEqual(P1CRC16.checksum(b, initial: initial), P1CRC16.checksumBytewise(b, initial: initial), "n=\(n) start=\(start)")
                    }
                }
            }
            XCTAssertEqual(P1CRC16.checksum(all), P1CRC16.checksumBytewise(all))
        }
        Array("123456789".utf8).withUnsafeBytes { XCTAssertEqual(P1CRC16.checksumBytewise($0), 0xBB3D) }
    }

    func testOffsetShortcutEqualsTheRulesEveryHourOfTenYears() {
        for year in 2019...2028 {
            for month in 1...12 {
                for day in 1...P1Calendar.daysInMonth(year, month) {
                    for hour in 0..<24 {
                        for season in [P1Timestamp.Season.summer, .winter, .unspecified] {
                            let t = P1Timestamp(year: year, month: month, day: day, hour: hour, minute: 30, second: 0, season: season)
                            XCTAssertEqual(t.utcOffsetSeconds, t.ruleOffsetSeconds, "\(t)")
                        }
                    }
                }
            }
        }
        // Midnight and the last second of the months around the changes.
        for (m, d, h, mi, s) in [(1, 1, 0, 0, 0), (2, 29, 23, 59, 59), (4, 1, 0, 0, 0), (9, 30, 23, 59, 59), (11, 1, 0, 0, 0), (12, 31, 23, 59, 59)] {
            let t = P1Timestamp(year: 2024, month: m, day: d, hour: h, minute: mi, second: s, season: .unspecified)
            XCTAssertEqual(t.utcOffsetSeconds, t.ruleOffsetSeconds, "\(t)")
        }
    }

    func testOBISTextEqualsInterpolation() {
        for a: UInt8 in [0, 1, 9, 10, 99, 100, 255] {
            for c: UInt8 in [0, 1, 24, 96, 255] {
                for f: UInt8 in [0, 9, 254, 255] {
                    let o = OBISCode(a, 0, c, 7, 101, f: f)
                    var expected = "\(a)-0:\(c).7.101"
                    if f != 255 { expected += "*\(f)" }
                    XCTAssertEqual(o.description, expected)
                }
            }
        }
    }
}
