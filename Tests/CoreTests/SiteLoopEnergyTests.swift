import XCTest
@testable import KwartierCore

/// The energy manager inside the site loop: prices in as events, the inverter's setting out as
/// `controlInverter` effects after each decision — exact values, one write at a time.
final class SiteLoopEnergyTests: XCTestCase {
    let t0 = brussels(2026, 3, 10, 10, 0, 7)

    func loop(_ energy: String, slider: Double = 5) throws -> (SiteLoop, ManualClock) {
        let yaml = """
        site: { slider_kw: \(slider) }
        grid: { fuse_a: 25, meter: p1 }
        meters:
          p1: { type: p1, tcp: 127.0.0.1:2000 }
        inverters:
          roof: { driver: sungrow-shx, tcp: 127.0.0.1:1502, unit: 1 }
        energy:
          prices: { source: file, file: /tmp/prices.csv }
          formula: { take: { a: 1, b: 0.12 }, inject: { a: 1, b: -0.01 } }
        \(energy.contains("mode:") ? "" : "  mode: plan\n")\(energy)
        """
        let config = try ConfigLoader().load(yaml: yaml, file: "k.yaml").0
        let clock = ManualClock(now: t0)
        var options = LoopOptions()
        options.manageEnergy = true
        let l = SiteLoop(site: SiteController(config: config, start: t0), devices: SiteDevices(inverters: ["roof"]), clock: clock, options: options)
        _ = l.handle(.start)
        return (l, clock)
    }

    func prices(_ eurPerMWh: [Double], fetchedAt: Date? = nil) -> SiteEvent {
        .prices(PriceUpdate(series: PriceSeries(start: t0.addingTimeInterval(-7), stepS: 3600, eurPerMWh: eurPerMWh,
                                                fetchedAt: fetchedAt ?? t0), problem: nil))
    }

    func grid(_ w: Double, _ clock: ManualClock) -> SiteEvent {
        .grid(GridMeasurement(meterTime: clock.now, meter: MeterMeasurement(currents: PhaseValues(w / 690, w / 690, w / 690), powerW: w)))
    }

    func controls(_ fx: [SiteEffect]) -> [InverterSetting] {
        fx.compactMap { if case .controlInverter(0, let s) = $0 { return s }; return nil }
    }

    func inverter(pv: Double, battery: Double = 0, soc: Double = 50) -> SiteEvent {
        .inverter(0, .success(InverterMeasurement(pvPowerW: pv, batteryPowerW: battery, batterySoCPercent: soc)))
    }

    /// Curtailment without a battery: the limit is what the site uses; a positive price lifts
    /// it; a stale series never curtails; one write at a time, then only real changes.
    func testNegativePriceCurtailsPositiveRestoresStaleNever() throws {
        let (l, clock) = try loop("  curtail: true")
        _ = l.handle(inverter(pv: 4000))
        _ = l.handle(prices(Array(repeating: -50, count: 26)))
        // 4 kW of PV, 2 kW exported: the house uses 2 kW, so PV is limited to 2 kW.
        XCTAssertEqual(controls(l.handle(grid(-2000, clock))), [InverterSetting(batteryW: nil, pvLimitW: 2000)])
        // A write in flight: nothing more until the inverter answers.
        clock.advance(1)
        XCTAssertEqual(controls(l.handle(grid(-1000, clock))), [])
        _ = l.handle(.inverterControlled(0, .success(InverterSetting(batteryW: nil, pvLimitW: 2000))))
        // 50 W less used: not worth a write. 400 W less: written.
        clock.advance(1)
        XCTAssertEqual(controls(l.handle(grid(-2050, clock))), [])
        clock.advance(1)
        XCTAssertEqual(controls(l.handle(grid(-2400, clock))), [InverterSetting(batteryW: nil, pvLimitW: 1600)])
        _ = l.handle(.inverterControlled(0, .success(InverterSetting(batteryW: nil, pvLimitW: 1600))))
        // A positive price lifts the limit.
        _ = l.handle(prices(Array(repeating: 50, count: 26)))
        clock.advance(1)
        XCTAssertEqual(controls(l.handle(grid(-2400, clock))), [LoopEnergy.released])
        _ = l.handle(.inverterControlled(0, .success(LoopEnergy.released)))
        // Negative again but fetched 37 h ago (stale after 36 h): nothing is curtailed.
        _ = l.handle(prices(Array(repeating: -50, count: 26), fetchedAt: t0.addingTimeInterval(-37 * 3600)))
        clock.advance(1)
        XCTAssertEqual(controls(l.handle(grid(-2400, clock))), [])
        XCTAssertEqual(l.energy?.sent, LoopEnergy.released)
    }

    /// A failed write is retried after 10 s and logged once; a held setting is rewritten each minute.
    func testFailedWriteRetriesAndHeldSettingRefreshes() throws {
        let (l, clock) = try loop("  curtail: true")
        _ = l.handle(inverter(pv: 4000))
        _ = l.handle(prices(Array(repeating: -50, count: 26)))
        XCTAssertEqual(controls(l.handle(grid(-2000, clock))).count, 1)
        let fx = l.handle(.inverterControlled(0, .failure(DeviceFailure("timeout"))))
        XCTAssertTrue(fx.contains { if case .log(.warning, let t) = $0 { return t.contains("refused") }; return false }, "\(fx)")
        clock.advance(9)
        XCTAssertEqual(controls(l.handle(grid(-2000, clock))), [])
        clock.advance(1.5)
        XCTAssertEqual(controls(l.handle(grid(-2000, clock))), [InverterSetting(batteryW: nil, pvLimitW: 2000)])
        _ = l.handle(.inverterControlled(0, .success(InverterSetting(batteryW: nil, pvLimitW: 2000))))
        clock.advance(59)
        _ = l.handle(inverter(pv: 4000))
        XCTAssertEqual(controls(l.handle(grid(-2000, clock))), [])
        clock.advance(1.5)
        XCTAssertEqual(controls(l.handle(grid(-2000, clock))), [InverterSetting(batteryW: nil, pvLimitW: 2000)])
    }

    /// A cheap hour before dear ones: the battery charges from the grid — two levels of 0.25 kWh
    /// stored per quarter (three would take 0.75 / 0.95 kWh, above its 3 kW), so 0.5 kWh / 0.95 /
    /// 0.25 h = 2105.26 W; when the house then takes 4 kW, only the 5 kW slider's headroom (1 kW).
    func testCheapHourChargesWithinTheSlider() throws {
        let (l, clock) = try loop("  battery: { inverter: roof, kwh: 10, max_charge_kw: 3 }\n  curtail: false")
        _ = l.handle(inverter(pv: 0, soc: 20))
        _ = l.handle(prices([0] + Array(repeating: 500, count: 25)))
        let first = controls(l.handle(grid(1500, clock)))
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(first.first?.batteryW ?? 0, 500 / 0.95 / 0.25, accuracy: 1e-9)
        XCTAssertNil(first.first?.pvLimitW)
        _ = l.handle(.inverterControlled(0, .success(first[0])))
        // The battery now takes 2105 W and the house 4 kW: the meter sees 6105 W.
        clock.advance(1)
        _ = l.handle(inverter(pv: 0, battery: 2105.26, soc: 20))
        XCTAssertEqual(controls(l.handle(grid(6105.26, clock))), [InverterSetting(batteryW: 1000, pvLimitW: nil)])
    }

    /// `energy.mode: plan` (also the default): the cheap hour charges (2105.26 W).
    func testModePlanChargesInTheCheapHour() throws {
        let (l, clock) = try loop("  mode: plan\n  battery: { inverter: roof, kwh: 10, max_charge_kw: 3 }\n  curtail: false")
        XCTAssertEqual(l.energy?.controller.mode, .plan)
        _ = l.handle(inverter(pv: 0, soc: 20))
        _ = l.handle(prices([0] + Array(repeating: 500, count: 25)))
        let w = controls(l.handle(grid(1500, clock)))
        XCTAssertEqual(w.count, 1)
        XCTAssertEqual(w.first?.batteryW ?? 0, 500 / 0.95 / 0.25, accuracy: 1e-9)
    }

    /// `reactive`: no look-ahead — the same cheap hour (0.12 €/kWh to take) does not charge, the
    /// battery covers the house's 1.5 kW; only a negative take price charges from the grid, at
    /// the battery's 3 kW (within the slider's 3.5 kW headroom).
    func testModeReactiveFollowsTheRealTimeRules() throws {
        let (l, clock) = try loop("  mode: reactive\n  battery: { inverter: roof, kwh: 10, max_charge_kw: 3 }\n  curtail: false")
        _ = l.handle(inverter(pv: 0, soc: 20))
        _ = l.handle(prices([0] + Array(repeating: 500, count: 25)))
        XCTAssertEqual(controls(l.handle(grid(1500, clock))), [InverterSetting(batteryW: -1500, pvLimitW: nil)])
        XCTAssertNil(l.energy?.controller.plan)
        _ = l.handle(.inverterControlled(0, .success(InverterSetting(batteryW: -1500, pvLimitW: nil))))
        _ = l.handle(prices([-200] + Array(repeating: 500, count: 25)))
        clock.advance(1)
        _ = l.handle(inverter(pv: 0, battery: -1500, soc: 20))
        XCTAssertEqual(controls(l.handle(grid(0, clock))), [InverterSetting(batteryW: 3000, pvLimitW: nil)])
    }

    /// `off`: Kwartier never writes the inverter — not at a negative price, not a release — but plans.
    func testModeOffNeverWrites() throws {
        let (l, clock) = try loop("  mode: off\n  battery: { inverter: roof, kwh: 10, max_charge_kw: 3 }\n  curtail: true")
        _ = l.handle(prices(Array(repeating: -200, count: 26)))
        XCTAssertEqual(controls(l.handle(grid(1500, clock))), [])
        for _ in 0..<70 {
            clock.advance(1)
            _ = l.handle(inverter(pv: 4000, soc: 20))
            XCTAssertEqual(controls(l.handle(grid(-2000, clock))), [])
        }
        XCTAssertNil(l.energy?.sent)
        // The plan is still made (for the dashboard and `status`): shown, never written.
        XCTAssertNotNil(l.energy?.controller.plan)
    }

    /// No fresh inverter reading: everything goes back to the inverter's own control.
    func testSilentInverterReleases() throws {
        let (l, clock) = try loop("  battery: { inverter: roof, kwh: 10, max_charge_kw: 3 }")
        _ = l.handle(prices([0] + Array(repeating: 500, count: 25)))
        XCTAssertEqual(controls(l.handle(grid(1500, clock))), [LoopEnergy.released])
    }

    /// A failing source raises one alert (kept for the dashboard) and clears it when it answers.
    func testPriceSourceAlertRaisedOnceAndCleared() throws {
        let (l, _) = try loop("  curtail: true")
        let bad = SiteEvent.prices(PriceUpdate(series: nil, problem: "prices: HTTP 503"))
        let alerts = { (fx: [SiteEffect]) in fx.compactMap { if case .alert(let a) = $0 { return a }; return nil } }
        let first = alerts(l.handle(bad))
        XCTAssertEqual(first.map(\.active), [true])
        XCTAssertEqual(first.first?.text, "prices: HTTP 503")
        XCTAssertEqual(alerts(l.handle(bad)), [])
        XCTAssertEqual(alerts(l.handle(prices([50]))).map(\.active), [false])
        XCTAssertEqual(l.site.alertLog.map(\.key), ["prices", "prices"])
    }
}

/// Open-Meteo's answer and the weather in the loop.
final class OpenMeteoTests: XCTestCase {
    func testCloudCoverPerHourWithNullsLeftOut() throws {
        let json = #"{"latitude":50.9,"longitude":4.4,"hourly_units":{"time":"unixtime","cloud_cover":"%"},"hourly":{"time":[1690675200,1690678800,1690682400],"cloud_cover":[0,null,85]}}"#
        XCTAssertEqual(try OpenMeteo.cloudCover(json: Data(json.utf8)), [1690675200: 0, 1690682400: 0.85])
    }

    func testErrorsSaySo() {
        func message(_ s: String) -> String {
            do { _ = try OpenMeteo.cloudCover(json: Data(s.utf8)); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(#"{"error":true,"reason":"Latitude must be in range of -90 to 90°."}"#),
                       "Open-Meteo: Latitude must be in range of -90 to 90°.")
        XCTAssertEqual(message(#"{"hourly":{"time":["2023-07-30T00:00"],"cloud_cover":[10]}}"#),
                       "Open-Meteo: hourly time '2023-07-30T00:00' is not unix seconds (ask timeformat=unixtime)")
        XCTAssertEqual(message(#"{"hourly":{"time":[1,2],"cloud_cover":[10]}}"#), "Open-Meteo: 2 times but 1 cloud_cover values")
        XCTAssertEqual(message("[]"), "Open-Meteo: the answer is not a JSON object")
    }

    func testQueryAsksUTCUnixHoursForThreeDays() {
        let q = OpenMeteo.query(latitude: 50.9, longitude: 4.4, now: Date(timeIntervalSince1970: 1690711200))   // 2023-07-30 10:00Z
        XCTAssertEqual(q.map { "\($0.0)=\($0.1)" }, ["latitude=50.9", "longitude=4.4", "hourly=cloud_cover", "timeformat=unixtime",
                                                       "timezone=GMT", "start_date=2023-07-30", "end_date=2023-08-01"])
    }

    func testWeatherReachesTheForecastAndItsAlert() {
        let c = HomeEnergyController(mode: .plan, battery: nil, formula: SupplierFormula(), tariff: nil, sliderKW: 5, canCurtail: true,
                                     forecaster: HomeForecaster(arrays: [], latitude: 51, longitude: 4.4, timeZone: TimeZone(identifier: "UTC")!),
                                     prices: nil)
        var e = LoopEnergy(controller: c, inverter: 0, inverterId: "roof")
        let t = Date(timeIntervalSince1970: 1690711200)
        XCTAssertNil(e.weatherArrived(WeatherUpdate(cloudCover: [1690711200: 0.5], problem: nil), now: t))
        XCTAssertEqual(e.controller.forecaster.cloudCover, [1690711200: 0.5])
        let raised = e.weatherArrived(WeatherUpdate(cloudCover: [1690711200: 0.5], problem: "weather: HTTP 503"), now: t)
        XCTAssertEqual(raised.map { [$0.key, $0.text] }, ["weather", "weather: HTTP 503"])
        XCTAssertEqual(raised?.active, true)
        XCTAssertEqual(e.weatherArrived(WeatherUpdate(cloudCover: nil, problem: nil), now: t)?.active, false)
        XCTAssertEqual(e.controller.forecaster.cloudCover, [1690711200: 0.5])
    }
}
