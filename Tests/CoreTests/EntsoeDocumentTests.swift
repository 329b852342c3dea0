import Foundation
import XCTest
@testable import KwartierCore

/// Documents in the form the ENTSO-E transparency platform's API returns for day-ahead prices.
final class EntsoeDocumentTests: XCTestCase {
    func doc(_ periods: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <Publication_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3">
          <mRID>1</mRID>
          <type>A44</type>
          <period.timeInterval><start>2023-07-29T22:00Z</start><end>2023-07-30T22:00Z</end></period.timeInterval>
          <TimeSeries>
            <mRID>1</mRID>
            <businessType>A62</businessType>
            <in_Domain.mRID codingScheme="A01">10YBE----------2</in_Domain.mRID>
            <currency_Unit.name>EUR</currency_Unit.name>
            <price_Measure_Unit.name>MWH</price_Measure_Unit.name>
            <curveType>A03</curveType>
        \(periods)
          </TimeSeries>
        </Publication_MarketDocument>
        """
    }

    func testHourlyPeriodWithARepeatedPriceLeftOut() throws {
        let xml = doc("""
            <Period>
              <timeInterval><start>2023-07-30T08:00Z</start><end>2023-07-30T12:00Z</end></timeInterval>
              <resolution>PT60M</resolution>
              <Point><position>1</position><price.amount>-0.01</price.amount></Point>
              <Point><position>2</position><price.amount>-14.62</price.amount></Point>
              <Point><position>4</position><price.amount>-84.07</price.amount></Point>
            </Period>
        """)
        let s = try EntsoeDocument.prices(xml: xml)
        XCTAssertEqual(s.start, Date(timeIntervalSince1970: 1_690_704_000))  // 2023-07-30 08:00 UTC
        XCTAssertEqual(s.stepS, 3600)
        XCTAssertEqual(s.eurPerMWh, [-0.01, -14.62, -14.62, -84.07])
    }

    func testQuarterHourPeriod() throws {
        let xml = doc("""
            <Period>
              <timeInterval><start>2025-10-01T22:00Z</start><end>2025-10-01T23:00Z</end></timeInterval>
              <resolution>PT15M</resolution>
              <Point><position>1</position><price.amount>90.5</price.amount></Point>
              <Point><position>2</position><price.amount>88</price.amount></Point>
              <Point><position>3</position><price.amount>85.25</price.amount></Point>
              <Point><position>4</position><price.amount>80</price.amount></Point>
            </Period>
        """)
        let s = try EntsoeDocument.prices(xml: xml)
        XCTAssertEqual(s.stepS, 900)
        XCTAssertEqual(s.eurPerMWh, [90.5, 88, 85.25, 80])
    }

    func testAcknowledgementAndNonsenseAreClearFailures() {
        let ack = """
        <Acknowledgement_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-1:acknowledgementdocument:7:0">
          <Reason><code>999</code><text>No matching data found for Data item Day-ahead Prices</text></Reason>
        </Acknowledgement_MarketDocument>
        """
        XCTAssertThrowsError(try EntsoeDocument.prices(xml: ack)) {
            XCTAssertEqual("\($0)", "ENTSO-E answered with no prices: No matching data found for Data item Day-ahead Prices")
        }
        XCTAssertThrowsError(try EntsoeDocument.prices(xml: "<html>maintenance</html>")) {
            XCTAssertEqual("\($0)", "not an ENTSO-E publication document (no Publication_MarketDocument)")
        }
        XCTAssertThrowsError(try EntsoeDocument.prices(xml: doc("""
            <Period><timeInterval><start>2023-07-30T08:00Z</start><end>2023-07-30T10:00Z</end></timeInterval>
              <resolution>PT60M</resolution><Point><position>2</position><price.amount>5</price.amount></Point></Period>
        """))) {
            XCTAssertEqual("\($0)", "the Period starting 2023-07-30 08:00:00 +0000 has no price at position 1")
        }
    }
}
