import XCTest
@testable import KwartierIO

/// Register decoding/encoding with hand-computed words (IEEE-754 and two's complement by hand).
final class ModbusCodecTests: XCTestCase {
    func spec(_ t: RegisterType, _ order: WordOrder = .big, scale: Double = 1, count: Int? = nil,
              shift: Int = 0, mask: UInt64? = nil, nan: [UInt64] = []) -> RegisterSpec {
        RegisterSpec(fn: .holding, address: 100, type: t, wordOrder: order, count: count, scale: scale, shift: shift, mask: mask, nan: nan)
    }

    func num(_ w: [UInt16], _ s: RegisterSpec) throws -> Double? { try RegisterCodec.decode(w, as: s).number }

    func testSixteenBit() throws {
        XCTAssertEqual(try num([0x1234], spec(.u16)), 4660)
        XCTAssertEqual(try num([0xFFFE], spec(.s16)), -2)
        XCTAssertEqual(try num([0xFFFE], spec(.u16)), 65534)
        XCTAssertEqual(try num([0x8000], spec(.s16)), -32768)
    }

    func testThirtyTwoBitWordOrders() throws {
        XCTAssertEqual(try num([0x0001, 0x0002], spec(.u32)), 65538)
        XCTAssertEqual(try num([0x0002, 0x0001], spec(.u32, .little)), 65538)
        XCTAssertEqual(try num([0xFFFF, 0xFB2E], spec(.s32)), -1234)
        XCTAssertEqual(try num([0xFB2E, 0xFFFF], spec(.s32, .little)), -1234)
        XCTAssertEqual(try num([0x8000, 0x0000], spec(.s32)), -2147483648)
    }

    func testSixtyFourBit() throws {
        XCTAssertEqual(try num([0, 0, 1, 0], spec(.u64)), 65536)
        XCTAssertEqual(try num([0, 1, 0, 0], spec(.u64, .little)), 65536)
        XCTAssertEqual(try num([0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF], spec(.s64)), -1)
        XCTAssertEqual(try num([0x0000, 0x0000, 0x0012, 0xD687], spec(.s64, scale: 0.001)), 1234.567)
    }

    func testFloats() throws {
        // 230.5 = 0x43668000
        XCTAssertEqual(try num([0x4366, 0x8000], spec(.float32)), 230.5)
        XCTAssertEqual(try num([0x8000, 0x4366], spec(.float32, .little)), 230.5)
        // -16.0 = 0xC1800000
        XCTAssertEqual(try num([0xC180, 0x0000], spec(.float32)), -16)
        // 1234.5 = 0x40934A0000000000
        XCTAssertEqual(try num([0x4093, 0x4A00, 0x0000, 0x0000], spec(.float64)), 1234.5)
        XCTAssertEqual(try num([0x0000, 0x0000, 0x4A00, 0x4093], spec(.float64, .little)), 1234.5)
        XCTAssertEqual(try num([0x4093, 0x4A00, 0x0000, 0x0000], spec(.float64, scale: 0.001)), 1.2345)
    }

    func testScales() throws {
        XCTAssertEqual(try num([0x0000, 0x3E80], spec(.u32, scale: 0.001)), 16)            // 16000 mA
        XCTAssertEqual(try num([0xFFFF, 0xFF9A], spec(.s32, scale: 10)), -1020)            // Socomec: -102 × 10 W
        XCTAssertEqual(try num([0x0960], spec(.u16, scale: 0.1)), 240)                     // 2400 × 0.1 V
        XCTAssertEqual(try num([0x0000, 0x04B0], spec(.s32, scale: -1)), -1200)            // export-positive meter negated
    }

    func testBitFieldAndNaN() throws {
        // ABB Terra AC charging state: second register's high byte, low 7 bits.
        let abb = spec(.u32, shift: 8, mask: 0x7F)
        XCTAssertEqual(try num([0x0000, 0x0400], abb), 4)
        XCTAssertEqual(try num([0x0000, 0x8400], abb), 4)                                  // bit 7: below commanded current
        XCTAssertEqual(try num([0x1234, 0x0211], abb), 2)
        XCTAssertEqual(try RegisterCodec.decode([0xFFFF, 0xFFFF], as: spec(.u32, nan: [0xFFFFFFFF])), .unavailable)
        XCTAssertEqual(try RegisterCodec.decode([0x8000, 0x0000], as: spec(.s32, nan: [0x80000000])), .unavailable)
        XCTAssertEqual(try RegisterCodec.decode([0x7FC0, 0x0000], as: spec(.float32)), .unavailable)
        XCTAssertEqual(try num([0x0000, 0x0001], spec(.u32, nan: [0xFFFFFFFF])), 1)
    }

    func testStrings() throws {
        XCTAssertEqual(try RegisterCodec.decode([0x4332, 0, 0, 0, 0], as: spec(.string, count: 5)), .text("C2"))
        XCTAssertEqual(try RegisterCodec.decode([0x0041], as: spec(.string, count: 1)), .text("A"))
        XCTAssertEqual(try RegisterCodec.decode([0x534F, 0x434F, 0x2020], as: spec(.string, count: 3)), .text("SOCO"))
        XCTAssertEqual(try RegisterCodec.encodeText("B1", registers: 2), [0x4231, 0x0000])
        XCTAssertThrowsError(try RegisterCodec.encodeText("TOO LONG", registers: 2))
    }

    func testWrongLengthIsAnError() {
        XCTAssertThrowsError(try RegisterCodec.decode([1], as: spec(.u32))) { e in
            XCTAssertEqual(e as? RegisterCodecError, .wrongLength(expected: 2, got: 1))
        }
    }

    func testEncode() throws {
        XCTAssertEqual(try RegisterCodec.encode(10, as: spec(.float32)), [0x4120, 0x0000])
        XCTAssertEqual(try RegisterCodec.encode(10, as: spec(.float32, .little)), [0x0000, 0x4120])
        XCTAssertEqual(try RegisterCodec.encode(10, as: spec(.u32, scale: 0.001)), [0x0000, 0x2710])       // ABB mA
        XCTAssertEqual(try RegisterCodec.encode(16, as: spec(.u16, scale: 0.1)), [160])                    // Hager 0.1 A
        XCTAssertEqual(try RegisterCodec.encode(-0.001, as: spec(.s16, scale: 0.001)), [0xFFFF])
        XCTAssertEqual(try RegisterCodec.encode(-2, as: spec(.s32, .little)), [0xFFFE, 0xFFFF])
        XCTAssertEqual(try RegisterCodec.encode(0x55AA, as: spec(.u16)), [0x55AA])
        XCTAssertEqual(try RegisterCodec.encode(6.5, as: spec(.u64, scale: 0.001)), [0, 0, 0, 6500])
        XCTAssertThrowsError(try RegisterCodec.encode(70000, as: spec(.u16)))
        XCTAssertThrowsError(try RegisterCodec.encode(-1, as: spec(.u32)))
        XCTAssertThrowsError(try RegisterCodec.encode(.nan, as: spec(.float32)))
    }

    func testEncodeDecodeRoundTrip() throws {
        for (v, s) in [(230.1, spec(.u32, scale: 0.01)), (-1031.85, spec(.float32)), (12345.67, spec(.float64, .little)),
                       (-4.5, spec(.s32, .little, scale: 0.001))] {
            let back = try num(RegisterCodec.encode(v, as: s), s)!
            XCTAssertEqual(back, v, accuracy: 1e-3)
        }
    }
}
