import XCTest
@testable import KwartierCore

/// S0 pulse meters: power from the pulse interval (P = pulses × 3 600 000 / (pulses-per-kWh × s)),
/// decaying as 1/t when pulses stop, energy from the persisted pulse total.
final class RelayPulseMeterTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)
    func at(_ s: Double) -> Date { t0.addingTimeInterval(s) }

    func testPowerFromThePulseInterval() {
        var m = PulseMeter(pulsesPerKWh: 1000)
        var r = m.update(count: 100, at: at(0))      // first reading: the reference, no energy
        XCTAssertEqual(r.powerW, 0); XCTAssertEqual(r.energyKWh, 0)
        r = m.update(count: 101, at: at(3.6))        // 1 Wh in 3.6 s = 1000 W
        XCTAssertEqual(r.powerW, 1000, accuracy: 1e-3)
        XCTAssertEqual(r.energyKWh, 0.001, accuracy: 1e-12)
        r = m.update(count: 103, at: at(7.2))        // 2 Wh in 3.6 s = 2000 W
        XCTAssertEqual(r.powerW, 2000, accuracy: 1e-3)
        XCTAssertEqual(r.totalPulses, 3)
        r = m.update(count: 103, at: at(8.2))        // no pulse for 1 s: 2000 W still possible
        XCTAssertEqual(r.powerW, 2000, accuracy: 1e-3)
    }

    func testOtherPulseRates() {
        var m = PulseMeter(pulsesPerKWh: 800)        // 1.25 Wh per pulse
        _ = m.update(count: 0, at: at(0))
        _ = m.update(count: 1, at: at(10))
        let r = m.update(count: 2, at: at(12))       // 1.25 Wh in 2 s = 2250 W
        XCTAssertEqual(r.powerW, 2250, accuracy: 1e-3)
        XCTAssertEqual(r.energyKWh, 0.0025, accuracy: 1e-12)
    }

    func testPowerDecaysWhenPulsesStopThenZero() {
        var m = PulseMeter(pulsesPerKWh: 1000, zeroAfterS: 300)
        _ = m.update(count: 0, at: at(0))
        _ = m.update(count: 1, at: at(1.8))           // 2000 W
        XCTAssertEqual(m.powerW(at: at(1.8 + 1.8)), 2000, accuracy: 1e-3)
        XCTAssertEqual(m.powerW(at: at(1.8 + 7.2)), 500, accuracy: 1e-3)    // at most 1 pulse in 7.2 s
        XCTAssertEqual(m.powerW(at: at(1.8 + 36)), 100, accuracy: 1e-3)
        XCTAssertEqual(m.powerW(at: at(1.8 + 299)), 3600.0 / 299, accuracy: 1e-3)
        XCTAssertEqual(m.powerW(at: at(1.8 + 300)), 0)
        XCTAssertEqual(m.update(count: 1, at: at(400)).powerW, 0)
        XCTAssertEqual(m.energyKWh, 0.001, accuracy: 1e-12)
    }

    func test16BitCounterWraps() {
        var m = PulseMeter(pulsesPerKWh: 1000, counterModulus: 65536)
        _ = m.update(count: 65530, at: at(0))
        let r = m.update(count: 4, at: at(10))       // 10 pulses across the wrap
        XCTAssertEqual(r.totalPulses, 10)
        XCTAssertEqual(r.powerW, 3600, accuracy: 1e-3)
        XCTAssertNil(r.note)
    }

    func testCounterResetIsNotEnergy() {
        var m = PulseMeter(pulsesPerKWh: 1000)
        _ = m.update(count: 5000, at: at(0))
        _ = m.update(count: 5010, at: at(10))
        let r = m.update(count: 3, at: at(20))
        XCTAssertEqual(r.totalPulses, 10)
        XCTAssertEqual(r.powerW, 0)
        XCTAssertNotNil(r.note)
        XCTAssertEqual(m.update(count: 5, at: at(23.6)).powerW, 2000, accuracy: 1e-3)
        XCTAssertEqual(m.state.totalPulses, 12)
    }

    func testRestoredTotalsCarryOnAndCountPulsesWhileStopped() {
        let saved = PulseMeterState(totalPulses: 5000, lastCount: 200)
        var m = PulseMeter(pulsesPerKWh: 1000, state: saved)
        var r = m.update(count: 250, at: at(0))       // 50 pulses came while Kwartier was down
        XCTAssertEqual(r.energyKWh, 5.05, accuracy: 1e-12)
        XCTAssertEqual(r.powerW, 0)                   // no time reference yet
        r = m.update(count: 251, at: at(1.8))
        XCTAssertEqual(r.powerW, 2000, accuracy: 1e-3)
        XCTAssertEqual(m.state, PulseMeterState(totalPulses: 5051, lastCount: 251))
        // The state survives a JSON round trip (the runtime persists it).
        let data = try! JSONEncoder().encode(m.state)
        XCTAssertEqual(try! JSONDecoder().decode(PulseMeterState.self, from: data), m.state)
    }

    func testFromConfig() {
        var c = PulseInputConfig(id: "pv", source: .simulated, pulsesPerKWh: 500)
        c.counterWords = 1; c.zeroAfterS = 60
        let m = PulseMeter(config: c)
        XCTAssertEqual(m.counterModulus, 65536)
        XCTAssertEqual(m.zeroAfterS, 60)
        XCTAssertEqual(m.pulsesPerKWh, 500)
    }
}
