import XCTest
@testable import KwartierCore

/// A car follows a lower setpoint (or a stop) only `ramp_s` after it was sent: the quarter budget
/// counts what it draws meanwhile, so a car that must stop before the quarter ends is told a
/// ramp earlier and the quarter still closes under the slider.
final class ControlRampTests: XCTestCase {
    typealias Q = ControlQuarterTests

    struct Run {
        /// When the controller first sent cp1 a setpoint of 0 after the house rose, and the
        /// quarter's average as the meter closes it (kW).
        var stopSentAt: Date?
        var closedKW: Double
        /// What the car drew (kWh) from the house's rise to the quarter's end.
        var carKWhAfterRise: Double
    }

    /// Quarter 10:15 under a 9 kW slider, one car, on a manual clock, a decision per second. The
    /// car draws the setpoint the controller sent `carDelayS` earlier (0 below its 6 A minimum).
    /// A 3 kW house for 600 s (the car fills the quarter to its target), then `houseW` to the end.
    func run(rampS: Double, carDelayS: Int, houseW: Double) -> Run {
        var b = SiteBuilder(gridA: 63, sliderKW: 9, bufferA: 0)
        b.point("cp1")
        b.config.chargepoints[0].rampS = rampS
        let c = Controller(config: b.config)
        let t0 = brussels(2025, 5, 6, 10, 15)
        var m = Q.Meter()
        var sent: [Double] = []          // setpoint sent at each second
        var stopSentAt: Date? = nil
        var energyKWh = 0.0, carKWh = 0.0
        for s in 0..<900 {
            let t = t0.addingTimeInterval(Double(s))
            let applied = s - carDelayS >= 0 && s - carDelayS < sent.count ? sent[s - carDelayS] : 0
            let amps = applied >= 6 ? min(applied, 16) : 0
            let house = s < 600 ? 3000.0 : houseW
            let st = s == 0 ? car(0, state: .connected) : car(amps)
            let carW = st.powerW ?? 0
            var input = ControlInput.make(site: c.site, grid: m.sample(at: t, powerW: house + carW), gridAgeS: 0,
                                          points: ["cp1": PointReading(status: st)])
            input.grid!.meter.currents = .all(house / 690) + .all(amps)
            let d = c.decide(input, now: t)
            let sp = d.point("cp1")!.setpointA
            sent.append(sp)
            if s >= 600 && sp == 0 && stopSentAt == nil { stopSentAt = t }
            // Energy of the second that starts now (the draw holds for it).
            energyKWh += (house + carW) / 3_600_000
            if s >= 600 { carKWh += carW / 3_600_000 }
        }
        return Run(stopSentAt: stopSentAt, closedKW: energyKWh / 0.25, carKWhAfterRise: carKWh)
    }

    func testPlaceholder() {
        for (r, d, h) in [(10.0, 10, 8100.0), (0, 10, 8100), (10, 10, 7900), (0, 10, 7900), (0, 0, 8100), (10, 0, 8100)] {
            let x = run(rampS: r, carDelayS: d, houseW: h)
            print("RAMP \(r) delay \(d) house \(h): stop \(x.stopSentAt.map { $0.timeIntervalSince(brussels(2025, 5, 6, 10, 15)) } ?? -1) closed \(x.closedKW) car \(x.carKWhAfterRise)")
        }
    }
}
