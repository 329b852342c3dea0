import XCTest
@testable import KwartierCore

/// The simulated home battery: its own self-consumption mode follows the meter one step behind,
/// as a steered battery follows a setpoint computed from the step before.
final class SimBatteryTests: XCTestCase {
    func testOwnModeAnswersThePreviousReading() {
        var b = SimBattery(capacityKWh: 10, maxW: 5000, socPercent: 50)
        // First step: nothing read yet, it answers the present balance (2 kW export → charge 2 kW).
        XCTAssertEqual(b.step(netW: -2000, coverW: 500, dt: 1), 2000)
        // The kettle's 2 kW switch on: the battery still charges on the last reading, the grid
        // sees the 2 kW for one second; then it stops charging.
        XCTAssertEqual(b.step(netW: 0, coverW: 2500, dt: 1), 2000)
        XCTAssertEqual(b.step(netW: 0, coverW: 2500, dt: 1), 0)
        // The house needs 1.5 kW: covered from the next step, at most its own needs.
        XCTAssertEqual(b.step(netW: 1500, coverW: 1500, dt: 1), 0)
        XCTAssertEqual(b.step(netW: 1500, coverW: 1500, dt: 1), -1500)
        // A car's load (net above the house's needs) is not covered.
        XCTAssertEqual(b.step(netW: 8000, coverW: 600, dt: 1), -1500)
        XCTAssertEqual(b.step(netW: 8000, coverW: 600, dt: 1), -600)
        // Limited to its power.
        XCTAssertEqual(b.step(netW: -9000, coverW: 300, dt: 1), -600)
        XCTAssertEqual(b.step(netW: -9000, coverW: 300, dt: 1), 5000)
    }

    func testASetpointIsFollowedAsWritten() {
        var b = SimBattery(capacityKWh: 10, maxW: 5000, socPercent: 50)
        b.setpointW = -1200
        XCTAssertEqual(b.step(netW: -3000, coverW: 400, dt: 1), -1200)
        b.setpointW = 7000
        XCTAssertEqual(b.step(netW: -3000, coverW: 400, dt: 1), 5000)
        // Back to its own mode: the last reading (3 kW export) is what it answers first.
        b.setpointW = nil
        XCTAssertEqual(b.step(netW: 200, coverW: 400, dt: 1), 3000)
        XCTAssertEqual(b.step(netW: 200, coverW: 400, dt: 1), -200)
    }
}
