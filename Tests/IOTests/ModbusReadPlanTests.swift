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

    /// ABB Terra AC: state+applied+currents 0x400C+10 and power+session 0x401C+4; the voltages
    /// 0x4016/18/1A lie between. Known registers bridge the gap, a hole or a missing one does not.
    func testAGapOfKnownRegistersIsReadThrough() {
        let status = [r(0x400C, .u32), r(0x400E, .u32), r(0x4010, .u32), r(0x4012, .u32), r(0x4014, .u32),
                      r(0x401C, .u32), r(0x401E, .u32)]
        let volts = [r(0x4016, .u32), r(0x4018, .u32), r(0x401A, .u32)]
        XCTAssertEqual(ReadPlan.blocks(status, maxBlock: 60, bridge: volts), [ReadBlock(fn: .holding, address: 0x400C, count: 20)])
        XCTAssertEqual(ReadPlan.blocks(status, maxBlock: 60), [ReadBlock(fn: .holding, address: 0x400C, count: 10),
                                                               ReadBlock(fn: .holding, address: 0x401C, count: 4)])
        // One voltage unknown: a hole stays a hole.
        XCTAssertEqual(ReadPlan.blocks(status, maxBlock: 60, bridge: [volts[0], volts[2]]).count, 2)
        // Another table's registers do not bridge; nor does a block that would pass max_block.
        XCTAssertEqual(ReadPlan.blocks(status, maxBlock: 60, bridge: volts.map { r($0.address, .u32, fn: .input) }).count, 2)
        XCTAssertEqual(ReadPlan.blocks(status, maxBlock: 19, bridge: volts).count, 2)
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
