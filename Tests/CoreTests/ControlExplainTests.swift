import XCTest
@testable import KwartierCore

/// The explanation formatters and the per-point reuse of unchanged explanation texts.
final class ControlExplainTests: XCTestCase {
    func testFmtTenthsExactTexts() {
        XCTAssertEqual(fmtTenths(0), "0.0")
        XCTAssertEqual(fmtTenths(5), "0.5")
        XCTAssertEqual(fmtTenths(-5), "-0.5")
        XCTAssertEqual(fmtTenths(10), "1.0")
        XCTAssertEqual(fmtTenths(-10), "-1.0")
        XCTAssertEqual(fmtTenths(316), "31.6")
        XCTAssertEqual(fmtTenths(-316), "-31.6")
        XCTAssertEqual(fmtTenths(1_000_000_000_001), "100000000000.1")
        XCTAssertEqual(fmtTenths(Int.max), "922337203685477580.7")
        XCTAssertEqual(fmtTenths(Int.min), "-922337203685477580.8")
    }

    func testFmt1RoundsAndSigns() {
        XCTAssertEqual(fmt1(7), "7.0")
        XCTAssertEqual(fmt1(31.64), "31.6")
        XCTAssertEqual(fmt1(0.25), "0.3")          // halves away from zero
        XCTAssertEqual(fmt1(-0.25), "-0.3")
        XCTAssertEqual(fmt1(-0.04), "0.0")         // no "-0.0"
        XCTAssertEqual(fmt1(-0.05), "-0.1")
        XCTAssertEqual(fmt1(0), "0.0")
        XCTAssertEqual(fmt1(-0.0), "0.0")
        XCTAssertEqual(fmt1(9.96), "10.0")
        XCTAssertEqual(fmt1(-12.34), "-12.3")
        XCTAssertEqual(fmt1(123456.78), "123456.8")
        XCTAssertEqual(fmt1(1e14), "100000000000000.0")
        XCTAssertEqual(fmt1(-1e14), "-100000000000000.0")
        XCTAssertEqual(fmt1(1e15), "1000000000000000.0")   // String(x) from here on
        XCTAssertEqual(fmt1(-2.5e20), "-2.5e+20")
        XCTAssertEqual(fmt1(.infinity), "inf")
        XCTAssertEqual(fmt1(-.infinity), "-inf")
        XCTAssertEqual(fmt1(.nan), "nan")
    }

    func testDurationKeyGivesFmtDurationText() {
        let cases: [(Double, String)] = [(0, "0 s"), (45, "45 s"), (44.2, "45 s"), (119.2, "120 s"), (120, "2 min"),
                                         (720, "12 min"), (721, "13 min"), (-5, "0 s"), (.infinity, "0 s"),
                                         (.nan, "0 s"), (1e12, "16666667 min")]
        for (s, text) in cases {
            XCTAssertEqual(fmtDuration(s), text, "fmtDuration(\(s))")
            XCTAssertEqual(durationText(durationKey(s)), text, "durationKey(\(s))")
        }
    }

    func testExplainKeyTenthsMatchFmt1() {
        let values: [Double] = [0, -0.0, 0.04, -0.04, -0.05, 0.25, 31.64, -31.64, 1e14, 1e15, -3e20, .infinity, -.infinity, .nan]
        for x in values {
            var k = ExplainKey()
            for j in 0..<4 { k.setTenths(j, x) }
            for j in 0..<4 { XCTAssertEqual(k.tenths(j), fmt1(x), "slot \(j), x = \(x)") }
        }
        // Keys hold the numbers as printed: 31.61 and 31.64 both print "31.6".
        var a = ExplainKey(), b = ExplainKey(), c = ExplainKey()
        a.setTenths(2, 31.61); b.setTenths(2, 31.64); c.setTenths(2, 31.66)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    /// Random sequences (as in ControlPropertyTests) decided twice, with reused explanations and
    /// with every text built afresh: every decision must be identical, texts included.
    func testReusedExplanationsEqualFreshOnes() {
        let t0 = brussels(2025, 6, 3, 14, 0)
        var kinds = Set<String>()
        var decisions = 0
        for seed in (0..<UInt64(60)).map({ 0xE4_0001 &+ $0 }) {
            var rng = SimRandom(state: seed)
            let rs = RandomSite(rng: &rng)
            rs.staleBoard = -1
            let memo = Controller(config: rs.config)
            let fresh = Controller(config: rs.config)
            fresh.engine.memoizeExplanations = false
            let site = memo.site
            var now = t0
            var setpoints = [Double](repeating: 0, count: rs.status.count)
            for step in 0..<40 {
                now = now.addingTimeInterval(rng.chance(0.7) ? 1 : rng.double(1...200))
                for l in 0..<rs.levelCount where rs.direct[l] != [0, 0, 0] {
                    for p in 0..<3 { rs.direct[l][p] = max(l == 0 ? -25 : 0, rs.direct[l][p] + rng.double(-0.3...0.3)) }
                }
                for i in rs.status.indices {
                    if rng.chance(0.03) {
                        rs.carPhases[i] = rs.carPhases[i] == 0 ? (rs.cps[i].phases.terminals.count == 3 ? rng.pick([1, 2, 3]) : 1) : 0
                    }
                    if rng.chance(0.02) { rs.lost[i].toggle() }
                    if rs.lost[i] { continue }
                    let cp = rs.carPhases[i]
                    if cp == 0 { rs.status[i] = ChargePointStatus(state: .noCar); continue }
                    let a = setpoints[i]
                    rs.status[i] = ChargePointStatus(state: a > 0.5 ? .charging : .connected,
                                                     currents: PhaseValues(a, cp >= 2 ? a : 0, cp >= 3 ? a : 0),
                                                     powerW: a * Double(cp) * 230)
                }
                let stale = step > 5 && rng.chance(0.1)
                let input = rs.input(site: site, at: now, gridAge: stale ? 15 : 0.4)
                let d1 = memo.decide(input, now: now)
                let d2 = fresh.decide(input, now: now)
                decisions += 1
                XCTAssertEqual(d1, d2, "seed \(seed) step \(step)")
                if d1 != d2 { return }
                for (i, p) in d1.points.enumerated() where !rs.lost[i] { setpoints[i] = p.setpointA }
                for p in d1.points { kinds.insert(p.explanation.kind.rawValue) }
            }
        }
        // The comparison covered most kinds of explanation, not just one.
        XCTAssertGreaterThanOrEqual(kinds.count, 7, "kinds seen: \(kinds.sorted())")
        print("explanation reuse: \(decisions) decisions identical; kinds \(kinds.sorted())")
    }
}
