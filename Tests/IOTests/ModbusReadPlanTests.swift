import XCTest
@testable import KwartierIO

final class ModbusReadPlanTests: XCTestCase {
    func r(_ a: Int, _ t: RegisterType = .u16, count: Int? = nil, fn: RegisterFunction = .holding) -> RegisterSpec {
        RegisterSpec(fn: fn, address: a, type: t, count: count)
    }

    func testContiguousValuesShareABlockGapsSplit() {
        // Alfen socket status: state text 1201+5, applied 1206+2 touch; currents 320/322/324; power 344.
        let specs = [r(1201, .string, count: 5), r(320, .float32), r(322, .float32), r(324, .float32),
                     r(344, .float32), r(1206, .float32), r(1215)]
        XCTAssertEqual(ReadPlan.blocks(specs, maxBlock: 60), [
            ReadBlock(fn: .holding, address: 320, count: 6),
            ReadBlock(fn: .holding, address: 344, count: 2),
            ReadBlock(fn: .holding, address: 1201, count: 7),
            ReadBlock(fn: .holding, address: 1215, count: 1),
        ])
    }

    func testTablesNeverMixAndDuplicatesCollapse() {
        let specs = [r(10, fn: .input), r(11, fn: .input), r(12, fn: .holding), r(10, fn: .input), r(400, fn: .coil), r(401, fn: .coil)]
        XCTAssertEqual(ReadPlan.blocks(specs, maxBlock: 60), [
            ReadBlock(fn: .holding, address: 12, count: 1),
            ReadBlock(fn: .input, address: 10, count: 2),
            ReadBlock(fn: .coil, address: 400, count: 2),
        ])
    }

    func testMaxBlock() {
        let specs = (0..<5).map { r(100 + 2 * $0, .u32) }
        XCTAssertEqual(ReadPlan.blocks(specs, maxBlock: 4), [
            ReadBlock(fn: .holding, address: 100, count: 4),
            ReadBlock(fn: .holding, address: 104, count: 4),
            ReadBlock(fn: .holding, address: 108, count: 2),
        ])
        XCTAssertEqual(ReadPlan.blocks(specs, maxBlock: 1).count, 5)
    }

    func testImageGivesEachValueItsWords() {
        var img = RegisterImage()
        img.store(ReadBlock(fn: .holding, address: 320, count: 4), [1, 2, 3, 4])
        XCTAssertEqual(img.words(for: r(322, .u32)), [3, 4])
        XCTAssertEqual(img.words(for: r(320)), [1])
        XCTAssertNil(img.words(for: r(323, .u32)))
        XCTAssertNil(img.words(for: r(320, fn: .input)))
    }
}
