import XCTest
@testable import KwartierCore

final class P1FramerTests: XCTestCase {
    let emucs = P1Fixtures.bytes("emucs171_fluvius_alt.txt")
    let v22 = P1Fixtures.bytes("dsmr22_iskra_mt382.txt")

    /// A read may end anywhere: every split position yields exactly the telegram, byte for byte.
    func testEverySplitPositionOfRealTelegrams() {
        for t in [emucs, v22] {
            for k in 0...t.count {
                var f = P1Framer()
                var frames = f.push(Array(t[..<k]))
                frames += f.push(Array(t[k...]))
                XCTAssertEqual(frames.count, 1, "split at \(k)")
                XCTAssertTrue(frames.first?.bytes == t, "split at \(k)")
                XCTAssertEqual(frames.first?.crc, t == emucs ? .ok : .absent, "split at \(k)")
            }
        }
    }

    func testByteByByteAndThreeWaySplits() {
        var f = P1Framer()
        var frames: [P1Frame] = []
        for b in emucs + v22 + emucs { frames += f.push([b]) }
        XCTAssertTrue(frames.map(\.bytes) == [emucs, v22, emucs])
        for a in stride(from: 0, to: emucs.count, by: 37) {
            for b in stride(from: a, to: emucs.count, by: 53) {
                var g = P1Framer()
                let out = g.push(Array(emucs[..<a])) + g.push(Array(emucs[a..<b])) + g.push(Array(emucs[b...]))
                XCTAssertTrue(out.map(\.bytes) == [emucs], "splits \(a), \(b)")
            }
        }
    }

    func testGarbageBeforeBetweenAndAfter() {
        let junk: [UInt8] = Array("noise\r\n!!12AB\r\n\u{00}\u{ff}xx".utf8)
        var f = P1Framer()
        let frames = f.push(junk + emucs + junk + v22 + junk) + f.finish()
        XCTAssertTrue(frames.map(\.bytes) == [emucs, v22])
        XCTAssertEqual(f.counters.discardedBytes, 3 * junk.count)
    }

    /// EasyMeter's gateway appends a trailer after "!": it is not part of the telegram.
    func testEasyMeterTrailerIsDropped() {
        let esy = P1Fixtures.bytes("esy_q3db1024.txt")
        var f = P1Framer()
        let frames = f.push(esy) + f.finish()
        XCTAssertEqual(frames.count, 1)
        let text = String(decoding: frames[0].bytes, as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("0-0:96.1.255*255(1ESY1313002565)\r\n!\r\n"))
        XCTAssertEqual(frames[0].crc, .absent)
    }

    func testLFOnlyLineEndings() {
        let text = String(decoding: emucs, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        var b = Array(text.utf8)
        let bang = b.lastIndex(of: 0x21)!
        b = Array(b[...bang]) + Array(P1CRC16.hex(P1CRC16.checksum(b[...bang])).utf8) + [0x0A]
        var f = P1Framer()
        let frames = f.push(b)
        XCTAssertEqual(frames.count, 1)
        XCTAssertEqual(frames[0].crc, .ok)
        let t = P1Parser.parse(frames[0])
        XCTAssertEqual(t.reading.importKWh[0], 301.548)
        XCTAssertEqual(t.objects.count, 36)
    }

    /// Any single corrupted byte from "/" through the CRC digits is caught: never a good frame.
    func testEveryCorruptedByteIsRejected() {
        let bang = emucs.firstIndex(of: 0x21)!
        for pos in 0...(bang + 4) {
            for flip: UInt8 in [0x01, 0x20, 0x80] {
                var t = emucs
                t[pos] ^= flip
                var f = P1Framer()
                let frames = f.push(t + emucs) + f.finish()
                let good = frames.filter { $0.crc == .ok }
                // The intact copy behind it always comes through; the corrupted one never does.
                XCTAssertEqual(good.count, 1, "byte \(pos) ^ \(flip)")
                XCTAssertTrue(good.first?.bytes == emucs, "byte \(pos) ^ \(flip)")
            }
        }
    }

    func testBadCRCIsReportedWithBothValues() {
        var t = emucs
        let bang = t.firstIndex(of: 0x21)!
        t[bang + 1] = UInt8(ascii: "D")               // C4B0 -> D4B0
        var f = P1Framer()
        XCTAssertEqual(f.push(t).first?.crc, .bad(sent: 0xD4B0, computed: 0xC4B0))
    }

    /// A telegram cut anywhere before its "!" and followed by a new one: only the whole one comes out.
    func testTruncationsAreDroppedAndCounted() {
        let bang = emucs.firstIndex(of: 0x21)!
        for cut in 1...bang {
            var f = P1Framer()
            let frames = f.push(Array(emucs[..<cut]) + emucs)
            XCTAssertTrue(frames.map(\.bytes) == [emucs], "cut at \(cut)")
            XCTAssertEqual(f.counters.truncated, 1, "cut at \(cut)")
        }
    }

    /// Cut inside the CRC: the partial CRC does not match.
    func testTruncatedCRCIsBad() {
        let bang = emucs.firstIndex(of: 0x21)!
        for digits in 1...3 {
            var f = P1Framer()
            let frames = f.push(Array(emucs[...(bang + digits)]) + Array("\r\n".utf8))
            XCTAssertEqual(frames.count, 1)
            guard case .bad = frames[0].crc else { return XCTFail("\(digits) digits: \(frames[0].crc)") }
        }
    }

    func testUnpaddedCRCIsAccepted() {
        let t = P1Fixtures.telegram("warmtelink_unpadded_crc.txt")
        XCTAssertEqual(t.crc, .ok)
    }

    func testEndOfInputCompletesATelegramWithoutLineEnd() {
        let t = Array(emucs.dropLast(2))
        var f = P1Framer()
        XCTAssertEqual(f.push(t).count, 0)
        let frames = f.finish()
        XCTAssertEqual(frames.count, 1)
        XCTAssertEqual(frames[0].crc, .ok)
        XCTAssertTrue(frames[0].bytes == t)
    }

    /// A flood of garbage, or a "/" that never ends, holds at most maxTelegramBytes.
    func testGarbageFloodStaysBounded() {
        var f = P1Framer(maxTelegramBytes: 4096)
        var rng = SystemRandomNumberGenerator()
        var peak = 0
        for round in 0..<400 {
            var chunk = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if round % 3 == 0 { for k in chunk.indices where chunk[k] == 0x21 { chunk[k] = 0x41 } }   // some rounds without "!"
            _ = f.push(chunk)
            peak = max(peak, f.bufferedCount)
        }
        var noBang = [UInt8(ascii: "/")] + [UInt8](repeating: UInt8(ascii: "A"), count: 100_000)
        _ = f.push(noBang)
        peak = max(peak, f.bufferedCount)
        XCTAssertLessThanOrEqual(peak, 4096)
        XCTAssertGreaterThanOrEqual(f.counters.oversize, 1)
        noBang = []
        // Still finds the next real telegram.
        XCTAssertTrue(f.push(emucs).last?.bytes == emucs)
    }

    func testSlashFloodRestartsWithoutGrowing() {
        var f = P1Framer()
        _ = f.push([UInt8](repeating: 0x2F, count: 50_000))
        XCTAssertEqual(f.bufferedCount, 1)
        XCTAssertEqual(f.counters.truncated, 49_999)
        XCTAssertTrue(f.push(emucs).map(\.bytes) == [emucs])
    }

    func testNewSlashInsideCRCLineEndsTelegram() {
        // "!C4B0" directly followed by the next telegram (no CRLF).
        let t = Array(emucs.dropLast(2))
        var f = P1Framer()
        let frames = f.push(t + emucs)
        XCTAssertTrue(frames.map(\.bytes) == [t, emucs])
        XCTAssertEqual(frames.map(\.crc), [.ok, .ok])
    }
}
