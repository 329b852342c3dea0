import XCTest
@testable import KwartierIO

/// The requests of a charge point's status read, per shipped profile: what a round costs on a
/// shared bus, and what the energy counters add now and then.
final class ModbusStatusPlanTests: XCTestCase {
    func plan(_ driver: String) throws -> StatusReadPlan {
        ProfileChargePoint.statusPlan(try XCTUnwrap(ProfileLibrary.shared.profile(driver)))
    }

    func testCountersThatFitTheRoundsRequestAreReadEveryTime() throws {
        // ABB Terra AC: session energy 0x401E touches power 0x401C: one request of 20 registers.
        let abb = try plan("abb-terra-ac")
        XCTAssertFalse(abb.countersApart)
        XCTAssertEqual(abb.every, [ReadBlock(fn: .holding, address: 0x400C, count: 20)])
        XCTAssertEqual(abb.round, abb.every)
    }

    func testCountersThatCostRequestsOfTheirOwnAreApart() throws {
        // AMTRON Compact: state, applied current, currents (+ voltages), power, active phases in
        // 5 requests; session energy 0x0B02 and energy 0x1000 would add 2.
        let compact = try plan("mennekes-amtron-compact")
        XCTAssertTrue(compact.countersApart)
        XCTAssertEqual(compact.round, [ReadBlock(fn: .holding, address: 0x0100, count: 1), ReadBlock(fn: .holding, address: 0x0114, count: 2),
                                       ReadBlock(fn: .holding, address: 0x0500, count: 6), ReadBlock(fn: .holding, address: 0x0512, count: 2),
                                       ReadBlock(fn: .holding, address: 0x0E02, count: 1)])
        XCTAssertEqual(compact.counters, [ReadBlock(fn: .holding, address: 0x0B02, count: 2), ReadBlock(fn: .holding, address: 0x1000, count: 2)])
        XCTAssertEqual(compact.every.count, 7)
        // AMTRON 4You: energy 218 lies inside the currents' and power's request (fresh every
        // time); only session energy 716 is apart.
        let you = try plan("mennekes-4you")
        XCTAssertEqual(you.counters, [ReadBlock(fn: .holding, address: 716, count: 2)])
        XCTAssertTrue(you.round.contains(ReadBlock(fn: .holding, address: 212, count: 10)))
        // AMTRON Pro: the energy registers 200-205 touch power and currents: one request.
        XCTAssertFalse(try plan("mennekes-amtron-pro").countersApart)
    }

    /// Requests per status read, every round / with the counters (before: always the second).
    func testRequestsPerRoundOfEveryShippedCharger() throws {
        let want: [String: (round: Int, every: Int)] = [
            "abb-terra-ac": (1, 1), "alfen-eve": (3, 4), "alfen-eve-scn": (2, 2), "enovates": (3, 4),
            "hager-witty": (4, 5), "mennekes-4you": (4, 5), "mennekes-amtron-compact": (5, 7),
            "mennekes-amtron-pro": (4, 4), "peblar": (4, 5), "phoenix-occi": (2, 3), "tq-dm100": (5, 6), "veton": (2, 4),
        ]
        var got: [String: (round: Int, every: Int)] = [:]
        for p in ProfileLibrary.shared.profiles where p.chargepoint != nil {
            let s = ProfileChargePoint.statusPlan(p)
            got[p.driver] = (s.round.count, s.every.count)
        }
        XCTAssertEqual(got.keys.sorted(), want.keys.sorted())
        for (d, w) in want { XCTAssertTrue(got[d]! == w, "\(d): \(got[d]!) != \(w)") }
    }
}
