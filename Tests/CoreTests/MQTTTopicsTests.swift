import XCTest
@testable import KwartierCore

/// The state topics of a snapshot (exact payloads), the command topics, and the publish policy.
final class MQTTTopicsTests: XCTestCase {
    func snapshot() -> SiteSnapshot {
        var s = SiteSnapshot(time: Date(timeIntervalSince1970: 1_800_000_000), siteName: "T", sliderKW: 9,
                             grid: GridView(powerW: 5432.4, currents: PhaseValues(10.123, -2, 0), ageS: 1, stale: false),
                             houseW: 1200.6, chargeParkW: 4232)
        s.grid.importKWh = 1234.5678
        s.quarter = QuarterStatus(start: s.time, end: s.time + 900, importedKWh: 0.5, averageKW: 4.25, forecastKW: 6.1,
                                  allowedKW: 2.5, targetKW: 9, monthPeakKW: 7.75)
        s.points = [PointView(id: "cp1", name: "Visitor 1", state: .noCar, mode: .manual, priority: 3, manualA: 7.5, phasesInUse: 3,
                              currents: PhaseValues(6.01, 6, 5.99), powerW: 4140, setpointA: 7.5, sessionKWh: 2.25,
                              explanation: "manual 7.5 A", board: "b1")]
        s.levels = [LevelView(id: "grid", parent: nil, depth: 1, currents: .zero, limitA: 40, meter: "p1"),
                    LevelView(id: "b1", parent: "grid", depth: 2, currents: PhaseValues(6, 6, 6), limitA: 32, meter: "virtual")]
        s.relays = [RelayView(id: "boiler", kind: "switch", state: "on", override: .auto, outputs: [true], powerW: 2000, reason: "surplus")]
        s.alerts = [AlertView(time: s.time, level: .warning, key: "peak", text: "forecast 9.5 kW", active: true),
                    AlertView(time: s.time, level: .info, key: "pv", text: "high PV", active: true),
                    AlertView(time: s.time + 60, level: .info, key: "pv", text: "high PV", active: false)]
        return s
    }

    func testStatesExact() {
        let states = Dictionary(uniqueKeysWithValues: MQTTStateTopics.states(snapshot()))
        XCTAssertEqual(states, [
            "site/grid_power_w": "5432", "site/grid_l1_current_a": "10.12", "site/grid_l2_current_a": "-2",
            "site/grid_l3_current_a": "0", "site/grid_import_kwh": "1234.568", "site/meter_stale": "false",
            "site/house_power_w": "1201", "site/charge_park_power_w": "4232", "site/slider_kw": "9",
            "site/quarter_average_kw": "4.25", "site/quarter_forecast_kw": "6.1", "site/allowed_kw": "2.5",
            "site/target_kw": "9", "site/month_peak_kw": "7.75", "site/safe_state": "false",
            "chargepoints/cp1/state": "no_car", "chargepoints/cp1/mode": "manual", "chargepoints/cp1/priority": "3",
            "chargepoints/cp1/setpoint_a": "7.5", "chargepoints/cp1/manual_current_a": "7.5",
            "chargepoints/cp1/l1_current_a": "6.01", "chargepoints/cp1/l2_current_a": "6", "chargepoints/cp1/l3_current_a": "5.99",
            "chargepoints/cp1/phases": "3", "chargepoints/cp1/power_w": "4140", "chargepoints/cp1/session_kwh": "2.25",
            "chargepoints/cp1/explanation": "manual 7.5 A",
            "boards/b1/l1_current_a": "6", "boards/b1/l2_current_a": "6", "boards/b1/l3_current_a": "6", "boards/b1/limit_a": "32",
            "relays/boiler/state": "on", "relays/boiler/override": "auto", "relays/boiler/power_w": "2000",
            "relays/boiler/reason": "surplus",
            "alerts": "[{\"key\":\"peak\",\"level\":\"warning\",\"text\":\"forecast 9.5 kW\",\"time\":\"2027-01-15T08:00:00Z\"}]",
        ])
    }

    func testNumbers() {
        XCTAssertEqual(MQTTStateTopics.num(-0.001, 2), "0")
        XCTAssertEqual(MQTTStateTopics.num(10, 2), "10")
        XCTAssertEqual(MQTTStateTopics.num(.nan, 2), "0")
        XCTAssertEqual(MQTTStateTopics.num(1.005, 1), "1")
    }

    func testCommands() {
        func ok(_ t: String, _ p: String) -> UserCommand? { try? MQTTCommandTopics.parse(topic: t, payload: p).get() }
        func refused(_ t: String, _ p: String) -> String? {
            if case .failure(let e) = MQTTCommandTopics.parse(topic: t, payload: p) { return e.reason }
            return nil
        }
        XCTAssertEqual(ok("site/slider_kw/set", " 7.5\n"), .setSlider(kW: 7.5))
        XCTAssertEqual(ok("chargepoints/cp1/mode/set", "Manual"), .setMode(point: "cp1", mode: .manual))
        XCTAssertEqual(ok("chargepoints/cp1/manual_current_a/set", "8"), .setManualCurrent(point: "cp1", amps: 8))
        XCTAssertEqual(ok("chargepoints/cp1/priority/set", "-3"), .setPriority(point: "cp1", priority: -3))
        XCTAssertEqual(ok("chargepoints/cp1/ready_by/set", "07:00 30"), .setReadyBy(point: "cp1", ReadyBy(minuteOfDay: 420, energyKWh: 30)))
        XCTAssertEqual(ok("chargepoints/cp1/ready_by/set", "none"), .setReadyBy(point: "cp1", nil))
        XCTAssertEqual(ok("relays/boiler/override/set", "on"), .setRelayOverride(relay: "boiler", override: .on))
        XCTAssertEqual(refused("site/slider_kw/set", "0x10"), "slider_kw '0x10' is not a number")
        XCTAssertEqual(refused("site/slider_kw/set", "inf"), "slider_kw 'inf' is not a number")
        XCTAssertEqual(refused("chargepoints/cp1/priority/set", "2.5"), "priority '2.5' is not an integer")
        XCTAssertEqual(refused("chargepoints/cp1/ready_by/set", "7am"), "ready_by '7am' is not 'HH:MM kWh' (e.g. '07:00 30') or none")
        XCTAssertEqual(refused("relays/boiler/override/set", "maybe"), "override 'maybe' is not one of auto, on, off")
        XCTAssertEqual(refused("site/grid_power_w/set", "1")?.hasPrefix("no command topic 'site/grid_power_w/set'; the command topics are site/slider_kw/set (kW), "), true)
        XCTAssertEqual(MQTTCommandTopics.subscriptions(root: "k/a"), ["k/a/site/+/set", "k/a/chargepoints/+/+/set", "k/a/relays/+/+/set"])
        XCTAssertEqual(MQTTCommandTopics.result(topic: "k/a/site/slider_kw/set", payload: "7", .failure("too \"low\"")),
                       "{\"topic\":\"k/a/site/slider_kw/set\",\"payload\":\"7\",\"error\":\"too \\\"low\\\"\"}")
    }

    func testPolicyCeilingAndFloor() {
        var p = MQTTPublishPolicy(minIntervalS: 1, maxIntervalS: 60)
        let a = [("x", "1"), ("y", "a")]
        XCTAssertEqual(p.due(a, mono: 0).map(\.0), ["x", "y"])
        for (t, v) in a { p.markSent(t, v, mono: 0) }
        XCTAssertEqual(p.due(a, mono: 0.5).map(\.0), [])                          // unchanged
        XCTAssertEqual(p.due([("x", "2"), ("y", "a")], mono: 0.5).map(\.0), [])   // changed, but within the ceiling
        XCTAssertEqual(p.due([("x", "2"), ("y", "a")], mono: 1.0).map(\.0), ["x"])
        p.markSent("x", "2", mono: 1.0)
        XCTAssertEqual(p.due([("x", "2"), ("y", "a")], mono: 59.9).map(\.0), [])
        XCTAssertEqual(p.due([("x", "2"), ("y", "a")], mono: 60.0).map(\.0), ["y"]) // the floor: y again after 60 s
        XCTAssertEqual(p.due([("x", "2"), ("y", "a")], mono: 61.0).map(\.0), ["x", "y"])
        p.reset()
        XCTAssertEqual(p.due(a, mono: 61.1).map(\.0), ["x", "y"])
    }
}
