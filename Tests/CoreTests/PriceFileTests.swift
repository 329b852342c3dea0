import Foundation
import XCTest
@testable import KwartierCore

final class PriceFileTests: XCTestCase {
    let t12 = Date(timeIntervalSince1970: 1_690_711_200)  // 2023-07-30 10:00 UTC = 12:00 CEST

    func testCSVWithHeader() throws {
        let s = try PriceFile.parse("time,eur_per_mwh\n2023-07-30T12:00:00+02:00,-28.03\n2023-07-30T13:00:00+02:00,-84.07\n")
        XCTAssertEqual(s, PriceSeries(start: t12, stepS: 3600, eurPerMWh: [-28.03, -84.07]))
    }

    func testJSONQuarterHours() throws {
        let s = try PriceFile.parse(#"[{"time": "2023-07-30T10:00:00Z", "eur_per_mwh": 1.5}, {"time": "2023-07-30T10:15:00Z", "eur_per_mwh": -2}]"#)
        XCTAssertEqual(s, PriceSeries(start: t12, stepS: 900, eurPerMWh: [1.5, -2]))
    }

    func testMistakes() {
        XCTAssertThrowsError(try PriceFile.parse("2023-07-30 12:00,5")) {
            XCTAssertEqual("\($0)", "line 1: expected `time,eur_per_mwh` such as `2023-07-30T12:00:00+02:00,-28.03`, found '2023-07-30 12:00,5'")
        }
        XCTAssertThrowsError(try PriceFile.parse("2023-07-30T10:00:00Z,1\n2023-07-30T11:00:00Z,2\n2023-07-30T13:00:00Z,3")) {
            XCTAssertEqual("\($0)", "entry 3: not 60 minutes after the one before (a gap or a duplicate)")
        }
        XCTAssertThrowsError(try PriceFile.parse("")) { XCTAssertEqual("\($0)", "no prices in the file") }
    }
}
