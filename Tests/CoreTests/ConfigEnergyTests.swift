import XCTest
@testable import KwartierCore

/// The `energy:` section: what is read, and each mistake's own message.
final class ConfigEnergyTests: XCTestCase {
    let head = """
    grid: { fuse_a: 25, meter: virtual }
    inverters:
      roof: { driver: sma-stp, tcp: 192.168.1.20:502, unit: 3 }

    """

    func load(_ energy: String) throws -> SiteConfig {
        try ConfigLoader().load(yaml: head + energy, file: "k.yaml").0
    }

    func problems(_ energy: String) -> [String] {
        do {
            _ = try ConfigLoader().load(yaml: head + energy, file: "k.yaml")
            XCTFail("accepted")
            return []
        } catch let e as ConfigErrors {
            return e.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    func testReadsEverything() throws {
        let c = try load("""
        energy:
          prices: { source: entsoe, zone: 10YBE----------2, token_file: /etc/kwartier/entsoe.token, api: "http://127.0.0.1:8999/api/", refresh_s: 1800, stale_after_h: 30 }
          formula:
            take: { a: 1.1, b: 0.12 }
            inject: { a: 0.9, b: -0.01 }
            vat_percent: 6
          capacity_tariff: { eur_per_kw_year: 48 }
          battery: { inverter: roof, kwh: 10, max_charge_kw: 5, max_discharge_kw: 4, min_soc: 15, efficiency: 0.9, feed_cars: true }
          curtail: false
          pv:
            - { kwp: 5, tilt: 30, azimuth: 135 }
            - { kwp: 3 }
          forecast: { weather: open-meteo, api: "http://127.0.0.1:8998/v1/forecast", latitude: 50.9, longitude: 4.7, refresh_s: 900 }
          horizon_h: 24
        """)
        let e = try XCTUnwrap(c.energy)
        XCTAssertEqual(e.prices, .entsoe(zone: "10YBE----------2", tokenFile: "/etc/kwartier/entsoe.token", api: "http://127.0.0.1:8999/api"))
        XCTAssertEqual(e.refreshS, 1800)
        XCTAssertEqual(e.staleAfterH, 30)
        XCTAssertEqual(e.formula, SupplierFormula(take: .init(a: 1.1, b: 0.12), inject: .init(a: 0.9, b: -0.01), vatPercent: 6))
        XCTAssertEqual(e.capacityTariff, CapacityTariff(eurPerKWMonth: 4, minimumKW: 2.5))
        XCTAssertEqual(e.battery, HomeBattery(capacityKWh: 10, maxChargeKW: 5, maxDischargeKW: 4, minSoCPercent: 15, maxSoCPercent: 100,
                                              chargeEfficiency: 0.9, dischargeEfficiency: 0.9, mayFeedCars: true))
        XCTAssertEqual(e.inverter, "roof")
        XCTAssertFalse(e.curtail)
        XCTAssertEqual(e.pv, [.init(kwp: 5, tilt: 30, azimuth: 135), .init(kwp: 3, tilt: 35, azimuth: 180)])
        XCTAssertEqual(e.weather, .openMeteo(api: "http://127.0.0.1:8998/v1/forecast"))
        XCTAssertEqual(e.latitude, 50.9)
        XCTAssertEqual(e.longitude, 4.7)
        XCTAssertEqual(e.weatherRefreshS, 900)
        XCTAssertEqual(EnergyConfig().weatherRefreshS, 3600)
        XCTAssertEqual(e.horizonH, 24)
    }

    func testFileAndCommandSources() throws {
        XCTAssertEqual(try load("energy: { prices: { source: file, file: /var/lib/kwartier/prices.csv } }").energy?.prices,
                       .file("/var/lib/kwartier/prices.csv"))
        XCTAssertEqual(try load("energy: { prices: { source: command, command: /usr/local/bin/prices } }").energy?.prices,
                       .command("/usr/local/bin/prices"))
        XCTAssertNil(try load("ui: { theme: default }").energy)
    }

    func testMistakes() {
        XCTAssertEqual(problems("energy: { prices: { source: entsoe } }"), [
            "k.yaml:4: energy.prices.token_file: required key 'token_file' is missing — give the file that holds your ENTSO-E security token (never the token itself)"])
        XCTAssertEqual(problems("energy: { prices: { source: web } }"), [
            "k.yaml:4: energy.prices.source: 'web' is not one of entsoe | file | command — use one of entsoe, file, command"])
        XCTAssertEqual(problems("energy: { battery: { inverter: attic, kwh: 10, max_charge_kw: 5 } }"), [
            "k.yaml:4: energy.battery.inverter: unknown inverter 'attic' — use one of roof"])
        XCTAssertEqual(problems("energy: { battery: { kwh: 10, max_charge_kw: 5, min_soc: 50, max_soc: 40 } }"), [
            "k.yaml:4: energy.battery.max_soc: max_soc 40 % is not above min_soc 50 % — e.g. `min_soc: 10` and `max_soc: 100`"])
        XCTAssertEqual(problems("energy: { capacity_tariff: { eur_per_kw_month: 4, eur_per_kw_year: 48 } }"), [
            "k.yaml:4: energy.capacity_tariff.eur_per_kw_year: give the tariff per month or per year, not both — keep one of eur_per_kw_month and eur_per_kw_year"])
        XCTAssertEqual(problems("energy: { forecast: { weather: open-meteo, api: ftp://x } }"), [
            "k.yaml:4: energy.forecast.api: 'ftp://x' is not an http(s) URL — leave `api` out to use https://api.open-meteo.com/v1/forecast"])
        XCTAssertEqual(problems("energy: { forecast: { weather: open-meteo, refresh_s: 0 } }"), [
            "k.yaml:4: energy.forecast.refresh_s: 0 s is below the minimum of 1 s — set refresh_s to 1 or more"])
        XCTAssertEqual(problems("energy: { pv: [ { tilt: 30 } ] }"), [
            "k.yaml:4: energy.pv[1].kwp: required key 'kwp' is missing — give the array's peak power, e.g. `kwp: 5`"])
    }

    func testMode() throws {
        // The default: the plan, cheapest over the July 2023 month backtest once the relays stopped
        // taking a discharging battery for surplus (issue 19; `off` before).
        XCTAssertEqual(try load("energy: { prices: { source: file, file: p.csv } }").energy?.mode, .plan)
        for m in ["plan", "reactive", "off"] {
            XCTAssertEqual(try load("energy: { mode: \(m), prices: { source: file, file: p.csv } }").energy?.mode.rawValue, m)
        }
        XCTAssertEqual(problems("energy:\n  prices: { source: file, file: p.csv }\n  mode: planned\n"), [
            "k.yaml:6: energy.mode: 'planned' is not one of plan | reactive | off — did you mean 'plan'? use one of plan, reactive, off"])
        let tree = SiteTreeReport.render(try load("energy: { mode: off, battery: { inverter: roof, kwh: 10, max_charge_kw: 5 } }"))
        XCTAssertTrue(tree.contains("Energy: mode off (battery and inverter left to their own control, nothing written), battery 10 kWh behind roof\n"), tree)
        XCTAssertTrue(SiteTreeReport.render(try load("energy: { mode: reactive, curtail: false }"))
            .contains("Energy: mode reactive (real-time rules, no plan), never curtails\n"))
    }

    let relays = """
    outputs:
      r1: { simulated: true }
      r2: { simulated: true }
      r3: { simulated: true }
    relays:
      heatpump: { type: sg-ready, outputs: [r1, r2], comfort_above_kw: 1.5, boost_above_kw: 3 }
      boiler: { type: switch, output: r3, on_above_kw: 2.5 }

    """

    func testHeatPumpAndBoiler() throws {
        let e = try XCTUnwrap(try load(relays + "energy: { heat_pump: { relay: heatpump }, boiler: { relay: boiler, kw: 3, kwh_per_day: 6 } }").energy)
        XCTAssertEqual(e.heatPumpRelay, "heatpump")
        XCTAssertEqual(e.boiler, .init(relay: "boiler", kw: 3, kwhPerDay: 6))
        XCTAssertEqual(problems(relays + "energy: { heat_pump: { relay: boiler } }"), [
            "k.yaml:11: energy.heat_pump.relay: relay 'boiler' is not an sg-ready relay — use one of heatpump"])
        XCTAssertEqual(problems(relays + "energy: { boiler: { relay: geyser, kwh_per_day: 5 } }"), [
            "k.yaml:11: energy.boiler.relay: unknown relay 'geyser' — use one of boiler"])
        XCTAssertEqual(problems(relays + "energy: { boiler: { relay: boiler } }"), [
            "k.yaml:11: energy.boiler.kwh_per_day: required key 'kwh_per_day' is missing — give the energy the boiler needs a day, e.g. `kwh_per_day: 5`"])
    }
}
