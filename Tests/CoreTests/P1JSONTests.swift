import XCTest
@testable import KwartierCore

final class P1JSONTests: XCTestCase {
    func json(_ name: String) -> [String: Any] {
        let line = P1JSON.line(P1Fixtures.telegram(name))
        return try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }

    func testShapeOfEMUCS() {
        let o = json("emucs171_fluvius_alt.txt")
        XCTAssertEqual(o["header"] as? String, "/FLU5\\253769484_A")
        XCTAssertEqual(o["crc"] as? String, "ok")
        let v = o["values"] as! [String: Any]
        XCTAssertEqual(v.count, 36)
        let e = v["1-0:1.8.1"] as! [String: Any]
        XCTAssertEqual(e["value"] as? Double, 301.548)
        XCTAssertEqual(e["unit"] as? String, "kWh")
        XCTAssertEqual((v["0-0:96.14.0"] as! [String: Any])["value"] as? Int, 1)
        XCTAssertNil((v["0-0:96.14.0"] as! [String: Any])["unit"])
        XCTAssertEqual((v["0-0:1.0.0"] as! [String: Any])["value"] as? String, "2023-11-02T12:15:48+01:00")
        XCTAssertEqual((v["0-0:96.1.4"] as! [String: Any])["value"] as? String, "50217")
        XCTAssertEqual((v["0-0:96.13.0"] as! [String: Any])["value"] as? String, "")
        let gas = v["0-1:24.2.3"] as! [String: Any]
        XCTAssertEqual(gas["time"] as? String, "2023-11-02T12:10:02+01:00")
        XCTAssertEqual(gas["value"] as? Double, 92.287)
        XCTAssertEqual(gas["unit"] as? String, "m3")
        let h = v["0-0:98.1.0"] as! [[String: Any]]
        XCTAssertEqual(h.count, 4)
        XCTAssertTrue(h[0]["peak_time"] is NSNull)
        XCTAssertEqual(h[0]["start"] as? String, "2023-08-01T00:00:00+02:00")
        XCTAssertEqual(h[3]["kw"] as? Double, 4.927)
        XCTAssertEqual(h[3]["peak_time"] as? String, "2023-10-16T13:00:00+02:00")
    }

    func testLogAndEscapes() {
        let o = json("dsmr42_kaifa.txt")
        let log = (o["values"] as! [String: Any])["1-0:99.97.0"] as! [[String: Any]]
        XCTAssertEqual(log.count, 3)
        XCTAssertEqual(log[1]["value"] as? Int, 2147583646)
        XCTAssertEqual(log[1]["unit"] as? String, "s")
        XCTAssertEqual(json("iskra_ie.txt")["header"] as? String, "/ISk5\u{02}MIE5T-200")
        XCTAssertTrue(P1JSON.line(P1Fixtures.telegram("iskra_ie.txt")).contains(#""/ISk5\u0002MIE5T-200""#))
    }

    func testNumbersKeepTheirDecimals() {
        let line = P1JSON.line(P1Fixtures.telegram("emucs171_fluvius_alt.txt"))
        XCTAssertTrue(line.contains(#""1-0:31.7.0":{"value":0.27,"unit":"A"}"#))
        XCTAssertTrue(line.contains(#""1-0:2.8.2":{"value":0.000,"unit":"kWh"}"#))
        XCTAssertTrue(line.contains(#""0-0:17.0.0":{"value":999.9,"unit":"kW"}"#))
    }

    func testEveryFixtureIsValidJSON() {
        for name in P1Fixtures.all {
            let line = P1JSON.line(P1Fixtures.telegram(name))
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)), name)
            XCTAssertFalse(line.contains("\n"), name)
        }
    }
}
