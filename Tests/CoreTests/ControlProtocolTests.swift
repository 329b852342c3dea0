import XCTest
@testable import KwartierCore

/// The control socket's protocol v1: requests parsed from lines, answers written, and the
/// snapshot's JSON (snake_case) read back into the same value.
final class ControlProtocolTests: XCTestCase {
    func parse(_ s: String) -> Result<ControlProtocol.ParsedLine, ControlProtocol.ParseError> {
        ControlProtocol.parse(Data(s.utf8))
    }

    func request(_ s: String) throws -> ControlProtocol.Request { try parse(s).get().request }

    func error(_ s: String) -> String? {
        if case .failure(let e) = parse(s) { return e.description }
        return nil
    }

    func testRequests() throws {
        XCTAssertEqual(try parse(#"{"id": 3, "status": {}}"#).get(), .init(id: .number(3), request: .status))
        XCTAssertEqual(try parse(#"{"id": "x", "explain": {}}"#).get(), .init(id: .text("x"), request: .explain))
        XCTAssertEqual(try request(#"{"subscribe": {}}"#), .subscribe)
        XCTAssertEqual(try request(#"{"unsubscribe": null}"#), .unsubscribe)
        XCTAssertEqual(try request(#"{"hello": {"protocol": 1}}"#), .hello(protocol: 1))
        XCTAssertEqual(try request(#"{"set_slider": {"kw": 12.5}}"#), .commands([.setSlider(kW: 12.5)]))
        XCTAssertEqual(try request(#"{"set_point": {"point": "cp1", "mode": "manual", "current_a": 10, "priority": -3}}"#),
                       .commands([.setMode(point: "cp1", mode: .manual), .setManualCurrent(point: "cp1", amps: 10),
                                  .setPriority(point: "cp1", priority: -3)]))
        XCTAssertEqual(try request(#"{"set_point": {"point": "cp1", "ready_by": "07:00", "energy_kwh": 30}}"#),
                       .commands([.setReadyBy(point: "cp1", ReadyBy(minuteOfDay: 420, energyKWh: 30))]))
        XCTAssertEqual(try request(#"{"set_point": {"point": "cp1", "ready_by": null}}"#), .commands([.setReadyBy(point: "cp1", nil)]))
        XCTAssertEqual(try request(#"{"set_relay": {"relay": "boiler", "override": "off"}}"#),
                       .commands([.setRelayOverride(relay: "boiler", override: .off)]))
    }

    func testBadRequestsSayWhy() {
        XCTAssertEqual(error("hello"), "not a JSON object: each request is one JSON object on one line")
        XCTAssertEqual(error("[1]"), "not a JSON object: each request is one JSON object on one line")
        XCTAssertEqual(error("{}"), "no request in the object; one of: hello, status, explain, subscribe, unsubscribe, set_slider, set_point, set_relay")
        XCTAssertEqual(error(#"{"status": {}, "explain": {}}"#), "one request per line, got explain, status")
        XCTAssertEqual(error(#"{"id": 1.5, "status": {}}"#), "\"id\" must be an integer or a string")
        XCTAssertEqual(error(#"{"reboot": {}}"#), "unknown request \"reboot\"; one of: hello, status, explain, subscribe, unsubscribe, set_slider, set_point, set_relay")
        XCTAssertEqual(error(#"{"status": 3}"#), "\"status\" takes an object (use {} for none)")
        XCTAssertEqual(error(#"{"set_slider": {"kw": "12"}}"#), "\"kw\" must be a number")
        XCTAssertEqual(error(#"{"set_slider": {}}"#), "set_slider needs \"kw\"")
        XCTAssertEqual(error(#"{"set_slider": {"kw": 1, "force": true}}"#), "set_slider has no field \"force\" (fields: kw)")
        XCTAssertEqual(error(#"{"set_point": {"mode": "auto"}}"#), "set_point needs \"point\" (the charge point's id)")
        XCTAssertEqual(error(#"{"set_point": {"point": "cp1"}}"#), "set_point needs at least one of \"mode\", \"current_a\", \"priority\", \"ready_by\"")
        XCTAssertEqual(error(#"{"set_point": {"point": "cp1", "ready_by": "7h"}}"#), "\"ready_by\" must be a time of day HH:MM, or null")
        XCTAssertEqual(error(#"{"set_point": {"point": "cp1", "ready_by": "07:00"}}"#), "\"ready_by\" needs \"energy_kwh\" (the energy to have by then)")
        XCTAssertEqual(error(#"{"set_point": {"point": "cp1", "energy_kwh": 30}}"#), "\"energy_kwh\" goes with \"ready_by\" (HH:MM)")
        XCTAssertEqual(error(#"{"set_point": {"point": "cp1", "mode": "fast"}}"#), "\"mode\" must be one of auto, manual, off")
        XCTAssertEqual(error(#"{"set_point": {"point": "cp1", "priority": 2.5}}"#), "\"priority\" must be an integer")
        XCTAssertEqual(error(#"{"set_relay": {"relay": "r", "override": "maybe"}}"#), "\"override\" must be one of on, off, auto")
        // The id of a well-formed object comes back with its error.
        if case .failure(let e) = parse(#"{"id": 9, "set_slider": {}}"#) { XCTAssertEqual(e.id, .number(9)) } else { XCTFail() }
    }

    func testEveryCommandTravelsAndComesBackTheSame() throws {
        let cmds: [UserCommand] = [.setSlider(kW: 7.5), .setMode(point: "cp \"1\"", mode: .off), .setManualCurrent(point: "cp1", amps: 13.2),
                                   .setPriority(point: "cp2", priority: 4), .setRelayOverride(relay: "hp", override: .auto),
                                   .setReadyBy(point: "cp1", ReadyBy(minuteOfDay: 390, energyKWh: 12.5)), .setReadyBy(point: "cp1", nil)]
        for (i, c) in cmds.enumerated() {
            let line = ControlProtocol.requestLine(c, id: i)
            XCTAssertEqual(try parse(line).get(), .init(id: .number(i), request: .commands([c])), line)
        }
    }

    func testAnswers() {
        XCTAssertEqual(ControlProtocol.answer(.number(4), .success("slider set to 9.0 kW")), #"{"id":4,"ok":"slider set to 9.0 kW"}"#)
        XCTAssertEqual(ControlProtocol.answer(.text("a\"b"), .failure("no relay 'x'")), #"{"id":"a\"b","error":"no relay 'x'"}"#)
        XCTAssertEqual(ControlProtocol.answer(nil, .failure("bad")), #"{"error":"bad"}"#)
        XCTAssertEqual(ControlProtocol.hello(site: "Erpe", mode: "run", version: "0.1.0", timeZone: "Europe/Brussels"),
                       #"{"hello":{"mode":"run","protocol":1,"server":"kwartier","site":"Erpe","time_zone":"Europe/Brussels","version":"0.1.0"}}"#)
    }

    func testKeyNamesBothWays() {
        let names = ["sliderKW": "slider_kw", "monthPeakKW": "month_peak_kw", "rttP50Ms": "rtt_p50_ms", "sessionKWh": "session_kwh", "importedKWh": "imported_kwh",
                     "batterySoC": "battery_soc", "pvW": "pv_w", "l1": "l1", "minA": "min_a", "crcFailures": "crc_failures",
                     "meterAverageKW": "meter_average_kw", "headroomAfterCarsW": "headroom_after_cars_w", "time": "time"]
        for (camel, snake) in names {
            XCTAssertEqual(WireJSON.snakeCase(camel), snake)
            XCTAssertEqual(WireJSON.camelCase(snake), camel)
        }
    }

    func testSnapshotRoundTripsWithSnakeCaseKeys() throws {
        let t = Date(timeIntervalSince1970: 1_781_000_000)
        var s = SiteSnapshot(time: t, siteName: "Erpe", sliderKW: 9.5,
                             grid: GridView(powerW: 5400, currents: PhaseValues(10, 8, 6), voltages: PhaseValues(231, 230, 229), ageS: 0.4,
                                            stale: false, telegrams: 12, crcFailures: 1),
                             houseW: 1200, chargeParkW: 4200,
                             quarter: QuarterStatus(start: t, end: t.addingTimeInterval(900), importedKWh: 0.5, averageKW: 6, forecastKW: 7,
                                                    allowedKW: 3, targetKW: 9.5, monthPeakKW: 8, monthPeakTime: t),
                             points: [PointView(id: "cp1", name: "Garage", state: .charging, mode: .manual, priority: 2, manualA: 10, phasesInUse: 3,
                                                currents: PhaseValues(10, 10, 10), powerW: 6900, setpointA: 10, sessionKWh: 3.2,
                                                explanation: "manual 10 A", board: "grid")],
                             levels: [LevelView(id: "grid", parent: nil, depth: 0, currents: PhaseValues(10, 8, 6), limitA: .infinity, meter: "p1")],
                             relays: [RelayView(id: "boiler", kind: "switch", state: "on", override: .auto, outputs: [true], powerW: 2000, reason: "surplus")],
                             devices: [DeviceHealth(id: "cp1", description: "Alfen", status: .ok, rttP50Ms: 12, requests: 5, bus: "tcp")],
                             alerts: [AlertView(time: t, level: .warning, key: "k", text: "meter stale", active: true)],
                             log: [LogLine(time: t, level: .notice, text: "started")])
        s.pvW = 3000
        s.batterySoC = 55
        s.quarterHistory = [5, 6.5]
        // Point ids are dictionary keys in the history view: they travel unchanged both ways.
        s.history = HistoryView(timeZone: "Europe/Brussels",
                                days: [.init(day: "2026-06-09", peakKW: 7.5, peakStart: t, sliderKW: 9.5, energy: ["cp_1": 3.5, "Garage": 1])])
        let data = try WireJSON.encoder().encode(s)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"slider_kw\":9.5", "\"month_peak_kw\":8", "\"battery_soc\":55", "\"rtt_p50_ms\":12", "\"setpoint_a\":10",
                    "\"limit_a\":\"inf\"", "\"site_name\":\"Erpe\"", "\"quarter_history\":[5,6.5]", "\"cp_1\":3.5", "\"Garage\":1"] {
            XCTAssertTrue(text.contains(key), "\(key) not in \(text)")
        }
        XCTAssertNil(text.replacingOccurrences(of: "\"Garage\"", with: "").range(of: "\"[a-z0-9_]*[A-Z][A-Za-z0-9_]*\":", options: .regularExpression),
                     "a camelCase key in \(text)")
        XCTAssertEqual(try WireJSON.decoder().decode(SiteSnapshot.self, from: data), s)
    }
}
