import XCTest
@testable import KwartierCore

final class P1CRCTests: XCTestCase {
    /// CRC-16/ARC check value of the standard "123456789" vector.
    func testStandardCheckValue() {
        XCTAssertEqual(P1CRC16.checksum(Array("123456789".utf8)), 0xBB3D)
    }

    /// The CRCs the real meters sent, over "/" ... "!".
    func testRealTelegramCRCs() {
        let expected: [String: UInt16] = [
            "dsmr42_kaifa.txt": 0x6796, "dsmr50_iskra_am550.txt": 0x6EEE, "dsmr50_two_mbus.txt": 0x56DD,
            "warmtelink_unpadded_crc.txt": 0x0B9F, "emucs171_fluvius.txt": 0x3AD7, "emucs171_fluvius_alt.txt": 0xC4B0,
            "sagemcom_t210dr.txt": 0x7EF9, "iskra_ie.txt": 0xAD3B, "eon_hu_sagemcom.txt": 0x99DA,
        ]
        for (name, crc) in expected {
            let b = P1Fixtures.bytes(name)
            let bang = b.firstIndex(of: 0x21)!
            XCTAssertEqual(P1CRC16.checksum(b[0...bang]), crc, name)
        }
    }

    func testHexIsFourUpperCaseDigits() {
        XCTAssertEqual(P1CRC16.hex(0x0B9F), "0B9F")
        XCTAssertEqual(P1CRC16.hex(0xC4B0), "C4B0")
    }
}
