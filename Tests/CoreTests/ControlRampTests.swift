import XCTest
@testable import KwartierCore

/// A car follows a lower setpoint (or a stop) only `ramp_s` after it was sent: the quarter budget
/// counts what it draws meanwhile, so a car that must stop before the quarter ends is told a
/// ramp earlier and the quarter still closes under the slider.
final class ControlRampTests: XCTestCase {
    typealias Q = ControlQuarterTests

    struct Run {
        /// Seconds into the quarter when the controller first sent cp1 a setpoint of 0 after the
        /// house rose, and the quarter's average as the meter closes it (kW).
        var stopSentS: Int?
        var closedKW: Double
        /// When the energy ran out (s into the quarter): had the car drawn on at its last power
        /// past the end of its draw, from then on the quarter would close over the slider.
        var energyRunsOutS: Double
    }

    /// Quarter 10:15 under a 9 kW slider, one car, on a manual clock, a decision per second. The
    /// car draws the setpoint the controller sent `carDelayS` earlier (0 below its 6 A minimum).
    /// A 3 kW house (the car fills the quarter to its target) until `riseAt`, then `houseW`.
    func run(rampS: Double, carDelayS: Int, houseW: Double, riseAt: Int) -> Run {
        var b = SiteBuilder(gridA: 63, sliderKW: 9, bufferA: 0)
        b.point("cp1")
        b.config.chargepoints[0].rampS = rampS
        let c = Controller(config: b.config)
        let t0 = brussels(2025, 5, 6, 10, 15)
        var m = Q.Meter()
        var sent: [Double] = []          // setpoint sent at each second
        var stopSentS: Int? = nil
        var energyKWh = 0.0
        var drawEndS = 0, lastCarW = 0.0
        for s in 0..<900 {
            let t = t0.addingTimeInterval(Double(s))
            let applied = s >= carDelayS ? sent[s - carDelayS] : 0
            let amps = applied >= 6 ? min(applied, 16) : 0
            let house = s < riseAt ? 3000.0 : houseW
            let st = s == 0 ? car(0, state: .connected) : car(amps)
            let carW = st.powerW ?? 0
            var input = ControlInput.make(site: c.site, grid: m.sample(at: t, powerW: house + carW), gridAgeS: 0,
                                          points: ["cp1": PointReading(status: st)])
            input.grid!.meter.currents = .all(house / 690) + .all(amps)
            let sp = c.decide(input, now: t).point("cp1")!.setpointA
            sent.append(sp)
            if s >= riseAt && sp == 0 && stopSentS == nil { stopSentS = s }
            // The draw holds for the second that starts now.
            energyKWh += (house + carW) / 3_600_000
            if carW > 0 { drawEndS = s + 1; lastCarW = carW }
        }
        let slackKWh = 9 * 0.25 - energyKWh
        return Run(stopSentS: stopSentS, closedKW: energyKWh / 0.25, energyRunsOutS: Double(drawEndS) + slackKWh * 3_600_000 / lastCarW)
    }

    /// 820 s into the quarter the house rises from 3 to 6 kW; the car, filling the quarter to its
    /// target, must drop to its 6 A minimum (4.14 kW): 10.14 kW against 9 allowed. Its 60 s grace
    /// would end 20 s before the quarter does. The car takes 10 s to follow a setpoint.
    func testACarThatMustStopIsToldARampEarlierAndTheQuarterClosesUnder() throws {
        // ramp_s 10: the grace and the 10 s the car draws after it do not fit the quarter's
        // energy: the stop goes out at once, 45 s before the energy would run out (the car still
        // draws its 8.7 A of before the rise for its 10 s).
        let r = run(rampS: 10, carDelayS: 10, houseW: 6000, riseAt: 820)
        let stop = try XCTUnwrap(r.stopSentS)
        XCTAssertEqual(stop, 820)
        XCTAssertGreaterThanOrEqual(r.energyRunsOutS - Double(stop), 10)
        XCTAssertEqual(r.energyRunsOutS, 864.9, accuracy: 0.1)
        XCTAssertLessThanOrEqual(r.closedKW, 9)
        XCTAssertEqual(r.closedKW, 8.743, accuracy: 0.001)
        // Without the ramp (the controller as it was: a car follows at once) the grace is given and
        // the stop goes out at its end, 880 s: the car draws on to 890 s, past the energy, and the
        // quarter closes over the slider.
        let old = run(rampS: 0, carDelayS: 10, houseW: 6000, riseAt: 820)
        XCTAssertEqual(old.stopSentS, 880)
        XCTAssertLessThan(old.energyRunsOutS - 880, 10)
        XCTAssertEqual(old.closedKW, 9.019, accuracy: 0.001)
        XCTAssertGreaterThan(old.closedKW, 9.01)
    }

    /// Earlier in the quarter (house up at 780 s to 7.25 kW) the same: without the ramp the grace
    /// runs to 840 s and the quarter closes at 9.025 kW; with it the car stops at 780 s.
    func testTheGraceCountsTheRampAfterIt() throws {
        let r = run(rampS: 10, carDelayS: 10, houseW: 7250, riseAt: 780)
        XCTAssertEqual(r.stopSentS, 780)
        XCTAssertLessThanOrEqual(r.closedKW, 9)
        let old = run(rampS: 0, carDelayS: 10, houseW: 7250, riseAt: 780)
        XCTAssertEqual(old.stopSentS, 840)
        XCTAssertEqual(old.closedKW, 9.025, accuracy: 0.001)
    }

    /// A quarter the car fills to its target with no rise: the ramp holds the car back a little
    /// only where its own 10 s lag makes the import overshoot the pace (8.985 against 8.989 kW).
    func testSteadyQuarterCostsLittle() {
        let a = run(rampS: 10, carDelayS: 10, houseW: 3000, riseAt: 900)
        let b = run(rampS: 0, carDelayS: 10, houseW: 3000, riseAt: 900)
        XCTAssertNil(a.stopSentS)
        XCTAssertEqual(a.closedKW, 8.985, accuracy: 0.001)
        XCTAssertEqual(b.closedKW, 8.989, accuracy: 0.001)
    }

    /// `ramp_s` on a point: 10 s when not given, bounded, and the quarter uses the longest.
    func testRampSFromTheConfiguration() throws {
        func yaml(_ extra: String) -> String {
            """
            site: { name: Ramp, network: TN, voltage: 230, slider_kw: 9 }
            grid: { fuse_a: 25, meter: p1 }
            meters:
              p1: { type: p1, simulated: true, stale_after_s: 10 }
            chargepoints:
              cp1: { board: grid, driver: simulated, simulated: true\(extra) }
              cp2: { board: grid, driver: simulated, simulated: true, ramp_s: 4 }
            """
        }
        let c = try ConfigLoader().load(yaml: yaml(""), file: "ramp.yaml").0
        XCTAssertEqual(c.chargepoints.map(\.rampS), [10, 4])
        XCTAssertEqual(Controller(config: c).engine.tracker.rampS, 10)
        let c2 = try ConfigLoader().load(yaml: yaml(", ramp_s: 2.5"), file: "ramp.yaml").0
        XCTAssertEqual(Controller(config: c2).engine.tracker.rampS, 4)
        XCTAssertThrowsError(try ConfigLoader().load(yaml: yaml(", ramp_s: -1"), file: "ramp.yaml")) { e in
            XCTAssertEqual((e as? ConfigErrors)?.errors.map(\.description) ?? [],
                           ["ramp.yaml:6: chargepoints.cp1.ramp_s: -1 s is below the minimum of 0 s — set ramp_s to 0 or more"])
        }
    }
}
