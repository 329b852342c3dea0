import XCTest
@testable import KwartierCore

/// The SG-Ready state machine on a simulated clock. Expected values come from the seeds:
/// charging hub (000): up-holds Normal/Boost 10 min, Comfort 15 min; home module (001): 5 / 10 min;
/// both: every state at least 1 min moving down, Off at most 2 h then Normal at least 1 h.
/// Contact patterns from the SG-Ready label table: 10 / 00 / 01 / 11.
final class RelaySGReadyTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)
    func at(_ s: Double) -> Date { t0.addingTimeInterval(s) }

    func config(states: [SGState] = [.off, .normal, .comfort, .boost], preset: SGPreset = .chargingHub) -> SGReadyConfig {
        SGReadyConfig(outputs: ["relay1", "relay2"], states: states, comfortAboveKW: 1.5, boostAboveKW: 3.0,
                      powerKW: ["normal": 1.2, "comfort": 2.0, "boost": 3.5], preset: preset)
    }
    func machine(_ c: SGReadyConfig? = nil) -> SGReadyMachine { SGReadyMachine(id: "hp", config: c ?? config(), start: t0) }

    /// Steps at time `s` with surplus `kW`; returns the state.
    @discardableResult
    func step(_ m: inout SGReadyMachine, _ s: Double, kW: Double, headroomKW: Double? = nil, stale: Bool = false,
              override: RuntimeSettings.RelayOverride = .auto) -> SGState {
        m.step(now: at(s), surplusW: kW * 1000, peakHeadroomW: headroomKW.map { $0 * 1000 }, meterStale: stale, override: override)
        return m.state
    }

    // MARK: contact patterns

    func testContactPatternsFollowTheSGReadyLabel() {
        // (relay 1 = SG0, relay 2 = SG1): 1:0 lock, 0:0 normal, 0:1 recommendation, 1:1 forced on.
        XCTAssertEqual(SGState.off.contacts, [true, false])
        XCTAssertEqual(SGState.normal.contacts, [false, false])
        XCTAssertEqual(SGState.comfort.contacts, [false, true])
        XCTAssertEqual(SGState.boost.contacts, [true, true])
        XCTAssertEqual(SGState.allCases.map(\.labelNumber), [1, 2, 3, 4])
        for s in SGState.allCases { XCTAssertEqual(SGState.from(contacts: s.contacts), s) }
    }

    func testWriteOrderNeverPassesThroughTheLockPattern() {
        XCTAssertEqual(SGRules.writeOrder(from: SGState.normal.contacts, to: SGState.boost.contacts), [1, 0])   // via comfort
        XCTAssertEqual(SGRules.writeOrder(from: SGState.boost.contacts, to: SGState.normal.contacts), [0, 1])   // via comfort
        XCTAssertEqual(SGRules.writeOrder(from: SGState.comfort.contacts, to: SGState.off.contacts), [1, 0])    // via normal
        XCTAssertEqual(SGRules.writeOrder(from: SGState.off.contacts, to: SGState.comfort.contacts), [0, 1])    // via normal
        XCTAssertEqual(SGRules.writeOrder(from: SGState.normal.contacts, to: SGState.comfort.contacts), [1])
        for a in SGState.allCases {
            for b in SGState.allCases where a != b {
                var c = a.contacts
                for i in SGRules.writeOrder(from: a.contacts, to: b.contacts) {
                    c[i] = b.contacts[i]
                    let mid = SGState.from(contacts: c)!
                    if mid != b { XCTAssertNotEqual(mid, .off, "\(a) -> \(b) passes through the lock") }
                }
                XCTAssertEqual(c, b.contacts, "\(a) -> \(b)")
            }
        }
    }

    // MARK: dwell times, to the second

    func testChargingHubClimbsAndDescendsWithTheSeedDwellTimes() {
        var m = machine()
        XCTAssertEqual(m.state, .normal)                    // start: Normal, lasts at least 1 min
        XCTAssertEqual(step(&m, 59, kW: 2.0), .normal)
        XCTAssertTrue(m.reason.contains("held 1s more"), m.reason)
        XCTAssertEqual(step(&m, 60, kW: 2.0), .comfort)     // up: Comfort held 15 min
        XCTAssertEqual(step(&m, 60 + 899, kW: 4.0), .comfort)
        XCTAssertEqual(step(&m, 60 + 900, kW: 4.0), .boost)  // up: Boost held 10 min
        XCTAssertEqual(step(&m, 960 + 599, kW: 0), .boost)
        XCTAssertEqual(step(&m, 960 + 600, kW: 0), .comfort) // down one state at a time, each 1 min
        XCTAssertEqual(step(&m, 1560 + 59, kW: 0), .comfort)
        XCTAssertEqual(step(&m, 1560 + 60, kW: 0), .normal)
        XCTAssertEqual(m.holdS, 60)
    }

    func testChargingHubNormalHeldTenMinutesAfterMovingUpFromOff() {
        var m = machine()
        XCTAssertEqual(step(&m, 0, kW: 0, headroomKW: -1), .normal)    // held: start minute
        XCTAssertEqual(step(&m, 60, kW: 0, headroomKW: -1), .off)      // peak: Off (down)
        XCTAssertEqual(step(&m, 119, kW: 0, headroomKW: 5), .off)      // Off lasts at least 1 min
        XCTAssertEqual(step(&m, 120, kW: 0, headroomKW: 5), .normal)   // released: Off -> Normal is up
        XCTAssertEqual(step(&m, 120 + 599, kW: 9, headroomKW: 5), .normal)   // Normal held 10 min
        XCTAssertEqual(step(&m, 120 + 600, kW: 9, headroomKW: 5), .comfort)
    }

    func testHomePresetHoldsFiveAndTenMinutes() {
        var m = machine(config(preset: .home))
        XCTAssertEqual(step(&m, 60, kW: 2.0), .comfort)
        XCTAssertEqual(step(&m, 60 + 599, kW: 4.0), .comfort)   // Comfort 10 min
        XCTAssertEqual(step(&m, 60 + 600, kW: 4.0), .boost)
        XCTAssertEqual(step(&m, 660 + 299, kW: 0), .boost)      // Boost 5 min
        XCTAssertEqual(step(&m, 660 + 300, kW: 0), .comfort)
        XCTAssertEqual(step(&m, 960 + 60, kW: 0), .normal)
    }

    func testPresetTables() {
        XCTAssertEqual(SGState.allCases.map { SGPreset.chargingHub.upHoldS($0) }, [600, 600, 900, 600])
        XCTAssertEqual([SGState.normal, .comfort, .boost].map { SGPreset.home.upHoldS($0) }, [300, 600, 300])
        XCTAssertEqual(SGRules.downHoldS, 60)
        XCTAssertEqual(SGRules.maxOffS, 7200)
        XCTAssertEqual(SGRules.normalAfterOffS, 3600)
    }

    func testHomeNormalAfterOffFiveMinutesOrOneHourAfterTheLimit() {
        var m = machine(config(preset: .home))
        XCTAssertEqual(step(&m, 60, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&m, 120, kW: 0, headroomKW: 5), .normal)
        XCTAssertEqual(m.holdS, 300)
        var n = machine(config(preset: .home))
        XCTAssertEqual(step(&n, 60, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&n, 7260, kW: 0, headroomKW: -1), .normal)
        XCTAssertEqual(n.holdS, 3600)
    }

    // MARK: thresholds and hysteresis

    func testThresholdsAreStrictAndHysteresisHoldsTheState() {
        var m = machine()
        XCTAssertEqual(step(&m, 60, kW: 1.5), .normal)     // enter only above 1.5 kW
        XCTAssertEqual(step(&m, 61, kW: 1.51), .comfort)
        XCTAssertEqual(step(&m, 61 + 900, kW: 1.2), .comfort)   // 1.5 - 0.3 hysteresis: stays
        XCTAssertTrue(m.reason.contains("hysteresis"), m.reason)
        XCTAssertEqual(step(&m, 61 + 901, kW: 1.19), .normal)
        var b = machine()
        XCTAssertEqual(step(&b, 60, kW: 3.2), .comfort)     // one state at a time
        XCTAssertTrue(b.reason.contains("on the way to Boost"), b.reason)
        XCTAssertEqual(step(&b, 960, kW: 3.2), .boost)
        XCTAssertEqual(step(&b, 1560, kW: 2.7), .boost)     // 3.0 - 0.3: stays
        XCTAssertEqual(step(&b, 1561, kW: 2.69), .comfort)
    }

    // MARK: the 2 h / 1 h Off rule

    func testOffAtMostTwoHoursThenNormalAtLeastOneHour() {
        var m = machine()
        XCTAssertEqual(step(&m, 60, kW: 0, headroomKW: -0.5), .off)
        XCTAssertEqual(step(&m, 60 + 7199, kW: 0, headroomKW: -0.5), .off)
        XCTAssertEqual(step(&m, 60 + 7200, kW: 0, headroomKW: -0.5), .normal)
        XCTAssertTrue(m.reason.contains("2 h limit"), m.reason)
        XCTAssertEqual(step(&m, 7260 + 3599, kW: 0, headroomKW: -0.5), .normal)
        XCTAssertEqual(step(&m, 7260 + 3600, kW: 0, headroomKW: -0.5), .off)     // and again, at most 2 h
        XCTAssertEqual(step(&m, 10860 + 7200, kW: 0, headroomKW: -0.5), .normal)
    }

    func testOffReleasedOnlyWhenTheNormalDrawFitsAgain() {
        var m = machine()
        XCTAssertEqual(step(&m, 60, kW: 0, headroomKW: -0.1), .off)
        // Release needs headroom for Normal's 1.2 kW plus 0.3 kW hysteresis.
        XCTAssertEqual(step(&m, 600, kW: 0, headroomKW: 1.49), .off)
        XCTAssertEqual(step(&m, 601, kW: 0, headroomKW: 1.5), .normal)
        XCTAssertTrue(m.reason.hasPrefix("Normal: quarter-hour peak over"), m.reason)
        XCTAssertNil(m.offLockedUntil)          // a short Off locks nothing
        XCTAssertEqual(m.offUsedS, 541)
        XCTAssertEqual(m.holdS, 600)
    }

    func testShortOffPeriodsCountTogetherTowardTheTwoHours() {
        var m = machine()
        XCTAssertEqual(step(&m, 60, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&m, 3660, kW: 0, headroomKW: 5), .normal)       // 1 h of Off used
        XCTAssertEqual(step(&m, 4260, kW: 0, headroomKW: -1), .off)         // 10 min later: same run
        XCTAssertEqual(step(&m, 4261, kW: 0, headroomKW: -1), .off)
        XCTAssertTrue(m.reason.contains("59m59s of Off left"), m.reason)
        XCTAssertEqual(step(&m, 4260 + 3599, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&m, 4260 + 3600, kW: 0, headroomKW: -1), .normal)   // 2 h in all
        XCTAssertEqual(m.offLockedUntil, at(7860 + 3600))
        XCTAssertEqual(step(&m, 7860 + 3599, kW: 0, headroomKW: -1), .normal)
        XCTAssertEqual(step(&m, 7860 + 3600, kW: 0, headroomKW: -1), .off)      // a fresh 2 h
        XCTAssertEqual(step(&m, 11460 + 7199, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&m, 11460 + 7200, kW: 0, headroomKW: -1), .normal)
    }

    func testOffRunStartsAfreshAfterAnHourOutsideOff() {
        var m = machine()
        XCTAssertEqual(step(&m, 60, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&m, 3660, kW: 0, headroomKW: 5), .normal)       // 1 h used
        XCTAssertEqual(step(&m, 3660 + 3600, kW: 0, headroomKW: -1), .off)  // 1 h outside Off: new run
        XCTAssertEqual(step(&m, 7260 + 7199, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&m, 7260 + 7200, kW: 0, headroomKW: -1), .normal)
    }

    func testManualExitFromOffThenPeakAgain() {
        var m = machine()
        XCTAssertEqual(step(&m, 60, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&m, 70, kW: 0, override: .on), .boost)        // manual: straight to Boost
        XCTAssertEqual(step(&m, 70 + 599, kW: 0, headroomKW: -1), .boost) // Boost's 10 min still count
        XCTAssertEqual(step(&m, 70 + 600, kW: 0, headroomKW: -1), .comfort)
        XCTAssertEqual(step(&m, 730, kW: 0, headroomKW: -1), .normal)
        XCTAssertEqual(step(&m, 790, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(m.offUsedS, 10)                                    // same run: 10 s used before
        XCTAssertEqual(step(&m, 790 + 7189, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&m, 790 + 7190, kW: 0, headroomKW: -1), .normal)
    }

    func testNoPeakShavingWhenDisabledOrHeadroomUnknown() {
        var c = config(); c.shavePeak = false
        var m = machine(c)
        XCTAssertEqual(step(&m, 60, kW: 0, headroomKW: -3), .normal)
        var n = machine()
        XCTAssertEqual(step(&n, 60, kW: 0, headroomKW: nil), .normal)
        XCTAssertEqual(step(&n, 61, kW: 0, headroomKW: 0), .normal)      // 0 is not over
        XCTAssertEqual(step(&n, 62, kW: 0, headroomKW: -0.001), .off)
    }

    // MARK: unsupported states

    func testUnsupportedStatesAreNeverSelected() {
        var m = machine(config(states: [.normal, .boost]))
        XCTAssertEqual(step(&m, 60, kW: 2.0), .normal)        // comfort not supported
        XCTAssertEqual(step(&m, 61, kW: 0, headroomKW: -5), .normal)   // off not supported
        XCTAssertEqual(step(&m, 62, kW: 3.5), .boost)         // straight to Boost, skipping Comfort
        XCTAssertEqual(m.holdS, 600)
        XCTAssertEqual(step(&m, 662, kW: 2.0), .normal)       // down skips Comfort too
        var c = machine(config(states: [.off, .normal, .comfort]))
        XCTAssertEqual(step(&c, 60, kW: 9), .comfort)
        XCTAssertEqual(step(&c, 2000, kW: 9), .comfort)       // never Boost
        XCTAssertEqual(step(&c, 2001, kW: 9, override: .on), .comfort)   // manual on = highest supported
        var n = machine(config(states: [.normal, .comfort]))
        XCTAssertEqual(step(&n, 60, kW: 0, override: .off), .normal)
        XCTAssertTrue(n.reason.contains("no Off state"), n.reason)
        // Normal is always available, even if a hand-built config forgot it.
        XCTAssertEqual(machine(config(states: [.boost])).supported, [.normal, .boost])
    }

    // MARK: stale meter, manual

    func testStaleMeterGivesNormalAtOnce() {
        var m = machine()
        XCTAssertEqual(step(&m, 60, kW: 2), .comfort)
        XCTAssertEqual(step(&m, 960, kW: 4), .boost)
        XCTAssertEqual(step(&m, 961, kW: 4, stale: true), .normal)    // within Boost's 10 min hold
        XCTAssertTrue(m.reason.contains("stale"), m.reason)
        XCTAssertEqual(step(&m, 962, kW: 4, stale: true), .normal)
        XCTAssertEqual(step(&m, 1020, kW: 4), .normal)                // back: 1 min (down) first
        XCTAssertEqual(step(&m, 1021, kW: 4), .comfort)
        var o = machine()
        XCTAssertEqual(step(&o, 60, kW: 0, headroomKW: -1), .off)
        XCTAssertEqual(step(&o, 70, kW: 0, stale: true), .normal)
        XCTAssertEqual(o.holdS, 600)                                  // as any Off -> Normal
    }

    func testManualOverride() {
        var m = machine()
        XCTAssertEqual(step(&m, 1, kW: 0, override: .on), .boost)      // at once, no dwell wait
        XCTAssertTrue(m.reason.hasPrefix("manual"), m.reason)
        XCTAssertEqual(step(&m, 2, kW: 0, override: .off), .off)
        XCTAssertEqual(step(&m, 2 + 7200, kW: 0, override: .off), .normal)   // the 2 h limit still holds
        XCTAssertEqual(step(&m, 2 + 7201, kW: 0, override: .off), .normal)
        XCTAssertTrue(m.reason.contains("locked"), m.reason)
        XCTAssertEqual(step(&m, 2 + 7200 + 3600, kW: 0, override: .off), .off)
        XCTAssertEqual(step(&m, 2 + 7200 + 3601, kW: 0, override: .auto), .off)   // auto: Off lasts its minute
        XCTAssertEqual(step(&m, 2 + 7200 + 3660, kW: 0, override: .auto), .normal)
    }

    func testClockGoingBackRestartsTheHold() {
        var m = machine()
        XCTAssertEqual(step(&m, 60, kW: 2), .comfort)
        XCTAssertEqual(step(&m, 30, kW: 0), .comfort)     // clock back 30 s: hold counts from there
        XCTAssertEqual(step(&m, 30 + 899, kW: 0), .comfort)
        XCTAssertEqual(step(&m, 30 + 900, kW: 0), .normal)
    }

    func testPowerAndClaim() {
        var m = machine()
        XCTAssertEqual(m.powerW(.normal), 1200)
        XCTAssertEqual(m.claimW, 0)
        step(&m, 60, kW: 2)
        XCTAssertEqual(m.claimW, 800, accuracy: 1e-9)          // 2.0 - 1.2 kW
        XCTAssertEqual(m.powerW(.off), 0)                      // not configured
    }
}
