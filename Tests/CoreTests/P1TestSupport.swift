import Foundation
import XCTest
@testable import KwartierCore

/// Loads the real telegrams in Fixtures/p1 (see SOURCE.md there).
enum P1Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/p1").appendingPathComponent(name)
    }
    static func bytes(_ name: String) -> [UInt8] {
        guard let d = try? Data(contentsOf: url(name)) else { fatalError("fixture \(name) missing") }
        return [UInt8](d)
    }
    static let all = ["dsmr22_iskra_mt382.txt", "dsmr30_iskra_mt382.txt", "dsmr42_kaifa.txt", "dsmr50_iskra_am550.txt",
                      "dsmr50_two_mbus.txt", "warmtelink_unpadded_crc.txt", "emucs171_fluvius.txt",
                      "emucs171_fluvius_alt.txt", "esy_q3db1024.txt", "esy_q3da1004.txt", "sagemcom_t210dr.txt",
                      "iskra_ie.txt", "eon_hu_sagemcom.txt"]

    /// The single telegram of a fixture, framed and parsed.
    static func telegram(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> P1Telegram {
        var f = P1Framer()
        var frames = f.push(bytes(name))
        frames += f.finish()
        XCTAssertEqual(frames.count, 1, "frames in \(name)", file: file, line: line)
        return P1Parser.parse(frames[0])
    }

    /// Parses text with CRLF line ends (no CRC check).
    static func parse(_ text: String) -> P1Telegram {
        let b = Array(text.utf8)
        var p = P1Parser()
        return b.withUnsafeBytes { p.parse($0, crc: .absent) }
    }

    /// A date from an ISO-8601 string with offset.
    static func date(_ iso: String) -> Date {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: iso)!
    }
}

/// Replaces the CRC of a CRLF telegram text with the correct one.
func withCRC(_ body: String) -> [UInt8] {
    var b = Array(body.utf8)
    let bang = b.lastIndex(of: 0x21)!
    b = Array(b[...bang])
    b += Array(P1CRC16.hex(P1CRC16.checksum(b)).utf8) + [0x0D, 0x0A]
    return b
}
