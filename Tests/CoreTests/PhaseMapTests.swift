import XCTest
@testable import KwartierCore

final class PhaseMapTests: XCTestCase {
    func testRotationPutsTerminalOneOnL2() {
        let m = PhaseMap(name: "L2L3L1")!
        XCTAssertEqual(m.gridCurrents(amps: 10, carPhases: 1), PhaseValues(0, 10, 0))
        XCTAssertEqual(m.gridCurrents(amps: 10, carPhases: 3), PhaseValues(10, 10, 10))
        XCTAssertEqual(m.gridCurrents(terminalCurrents: PhaseValues(1, 2, 3)), PhaseValues(3, 1, 2))
    }
    func testLineToLineLoadsBothLines() {
        let m = PhaseMap(name: "L3L1")!
        XCTAssertTrue(m.lineToLine)
        XCTAssertEqual(m.gridCurrents(amps: 16, carPhases: 1), PhaseValues(16, 0, 16))
    }
    func testRejectsNonsense() {
        XCTAssertNil(PhaseMap(name: "L1L1L2"))
        XCTAssertNil(PhaseMap(name: "L4"))
    }
}
