import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

/// `kwartier plan`: the battery plan for the hours the prices are known, from the configured
/// price source, the PV arrays' clear-sky forecast and the house load recorded in the history
/// (per weekday and quarter), or a flat one.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the battery plan per quarter hour from the day-ahead prices (energy: in the configuration).",
        discussion: """
        Fetches the prices from `energy.prices` (ENTSO-E, a file or a command), turns them into \
        the consumer's prices with `energy.formula`, forecasts PV from `energy.pv` (clear sky) and \
        plans the battery of `energy.battery` against the energy bill and the capacity tariff's \
        cost of a new month peak (see docs/ENERGY.md). The house load is the history's profile of the \
        last 4 weeks per weekday and quarter (DATA_DIR/history.sqlite), or a flat --load-kw. The last good prices are kept in the data \
        directory: a failing source uses them and says so (an alert on standard error, `alerts` in \
        the JSON). This command only shows the plan; a running hub (`kwartier run`) with \
        `energy.mode: plan`, the default, plans the same way and steers the battery and the \
        inverter by it (`reactive` and `off`: see docs/ENERGY.md).

        Examples:
          kwartier plan --config /etc/kwartier/kwartier.yaml
          kwartier plan --soc 40 --month-peak-kw 4.2 --json
        """)

    @Option(name: .shortAndLong, help: ArgumentHelp("The configuration (default: ./kwartier.yaml, then /etc/kwartier/kwartier.yaml).", valueName: "file"))
    var config: String?
    @Option(help: ArgumentHelp("The battery's state of charge now (%).", valueName: "pct")) var soc: Double = 50
    @Option(help: ArgumentHelp("The month's highest quarter so far (kW).", valueName: "kw")) var monthPeakKw: Double = 0
    @Option(help: ArgumentHelp("A flat house load (kW) instead of the history's profile (default without a history: 0.5).", valueName: "kw")) var loadKw: Double?
    @Option(help: ArgumentHelp("Plan as if it were this time (ISO 8601), for tests and what-ifs.", valueName: "time")) var at: String?
    @Option(help: ArgumentHelp("Where the last good prices are kept (default: DATA_DIR/prices.json).", valueName: "file")) var cache: String?
    @Flag(help: "Print the plan as one JSON object.") var json = false

    func validate() throws {
        if !(0...100).contains(soc) { throw ValidationError("--soc \(soc) is out of range: give 0 to 100 (%)") }
        if monthPeakKw < 0 || (loadKw ?? 0) < 0 { throw ValidationError("--month-peak-kw and --load-kw must not be negative") }
    }

    func run() throws {
        let (cfg, _) = try loadConfigOrExit(config)
        guard let e = cfg.energy, let prices = e.prices else {
            printErr("kwartier plan: the configuration has no `energy.prices` — see docs/ENERGY.md for the `energy:` section")
            throw ExitCode(2)
        }
        guard let battery = e.battery else {
            printErr("kwartier plan: the configuration has no `energy.battery` to plan — give its kwh and max_charge_kw")
            throw ExitCode(2)
        }
        var now = Date()
        if let a = at {
            guard let d = ISO8601DateFormatter().date(from: a) else { throw ValidationError("--at '\(a)' is not an ISO 8601 time such as 2023-07-30T08:00:00Z") }
            now = d
        }
        let source = PriceSource(prices, cachePath: cache ?? (cfg.site.dataDir as NSString).appendingPathComponent("prices.json"))
        let fetched: PriceSource.Result
        do { fetched = try source.fetch(now: now) } catch {
            printErr("kwartier plan: \(error)")
            throw ExitCode(1)
        }
        var alerts = fetched.alert.map { [$0] } ?? []
        let tz = TimeZone(identifier: cfg.site.timeZone) ?? TimeZone(identifier: "Europe/Brussels")!
        var forecaster = HomeForecaster(arrays: e.pv, latitude: e.latitude, longitude: e.longitude, timeZone: tz)
        if let weather = WeatherSource.make(cfg) {
            do {
                let w = try weather.fetch(now: now)
                forecaster.cloudCover = w.cloudCover ?? [:]
                if let p = w.problem { alerts.append(p) }
            } catch {
                alerts.append("weather: \(error); planned with the clear sky")
            }
        }
        let flatKW = loadKw ?? Self.defaultLoadKW
        var loadSource = "flat \(TextFormat.fixed(flatKW, 1)) kW"
        if loadKw == nil {
            switch Self.historyProfile(dataDir: cfg.site.dataDir, now: now, timeZone: tz, carIds: Set(cfg.chargepoints.map(\.id))) {
            case .success(let p): forecaster.history = p; loadSource = "history (\(p.weeks) weeks)"
            case .failure(let why):
                // A missing or empty history is a note (a new site); one that cannot be read is an alert.
                if why.unreadable { alerts.append("\(why); planned with a \(loadSource) house load") } else {
                    printErr("kwartier plan: \(why); planned with a \(loadSource) house load")
                }
            }
        }
        for a in alerts { printErr("kwartier plan: \(a)") }
        let q0 = PriceSeries.quarterStart(now)
        var quarters: [QuarterForecast] = [], loads: [Double] = []
        for (k, m) in fetched.series.quarters(from: q0, count: Int(e.horizonH * 4)).enumerated() {
            guard let m else { break }
            let t = q0.addingTimeInterval(Double(k) * 900)
            let f = forecaster.forecast(t, fallbackLoadKW: flatKW)
            loads.append(f.loadKW)
            quarters.append(QuarterForecast(start: t, takePrice: e.formula.takePrice(m), injectPrice: e.formula.injectPrice(m), baseKW: f.loadKW - f.pvKW))
        }
        guard !quarters.isEmpty else {
            printErr("kwartier plan: the prices do not cover \(ISO8601DateFormatter().string(from: now)) (they run \(fetched.series.start) to \(fetched.series.end))")
            throw ExitCode(1)
        }
        // Points given a ready-by time (`kwartier set point ID --ready-by`), as if their car were plugged in now.
        let settings = SettingsStore(dataDir: cfg.site.dataDir).load(defaults: RuntimeSettings.defaults(for: cfg))
        let cars = cfg.chargepoints.compactMap { cp in
            settings.points[cp.id]?.readyBy.map {
                CarDemand(pointId: cp.id, deadline: $0.deadline(after: now, timeZone: tz), energyKWh: $0.energyKWh,
                          maxKW: cp.maxA * Double(cp.phases.chargerPhases) * cfg.site.voltage / 1000)
            }
        }
        quarters = CarScheduler.apply(cars, to: quarters, sliderKW: cfg.site.sliderKW)
        let planner = EnergyPlanner(battery: battery, sliderKW: cfg.site.sliderKW, tariff: e.capacityTariff, canCurtail: e.curtail && e.inverter != nil)
        let plan = planner.plan(quarters: quarters, socKWh: soc / 100 * battery.capacityKWh, monthPeakKW: monthPeakKw)
        let heating = HeatingPlanner(cfg, timeZone: tz)?.plan(quarters)
        if json { print(try Self.jsonLine(plan, heating: heating, loads: loads, alerts: alerts, loadSource: loadSource)) } else {
            print(Self.text(plan, heating: heating, tz: tz) + "\nhouse load: \(loadSource)")
        }
    }

    static func r(_ v: Double, _ d: Double = 1000) -> Double { (v * d).rounded() / d }

    static let defaultLoadKW = 0.5

    struct NoProfile: Error, CustomStringConvertible { let description: String; var unreadable = false }

    /// The history's load profile; a reason when there is none to use (no database, unreadable, empty).
    static func historyProfile(dataDir: String, now: Date, timeZone: TimeZone, carIds: Set<String>) -> Result<LoadProfile, NoProfile> {
        let path = HistoryStore.filePath(dataDir: dataDir)
        guard FileManager.default.fileExists(atPath: path) else { return .failure(NoProfile(description: "no history at \(path)")) }
        do {
            let store = try HistoryStore(path: path)
            for n in store.notes { printErr("kwartier plan: \(n)") }
            let p = try store.loadProfile(now: now, timeZone: timeZone, carIds: carIds)
            if p.isEmpty { return .failure(NoProfile(description: "the history at \(path) holds no quarter of the last \(p.weeks) weeks")) }
            return .success(p)
        } catch {
            return .failure(NoProfile(description: "the history at \(path) cannot be read (\(error))", unreadable: true))
        }
    }

    static func jsonLine(_ p: EnergyPlan, heating: [HeatingStep]? = nil, loads: [Double], alerts: [String], loadSource: String) throws -> String {
        let iso = ISO8601DateFormatter()
        let steps: [[String: Any]] = p.steps.enumerated().map { k, s in
            let h = heating.flatMap { k < $0.count ? $0[k] : nil }
            return ["start": iso.string(from: s.start), "load_kw": k < loads.count ? r(loads[k]) : NSNull(), "take_eur_per_kwh": r(s.takePrice, 1e5), "inject_eur_per_kwh": r(s.injectPrice, 1e5),
                    "base_kw": r(s.baseKW), "car_kw": r(s.carKW), "battery_kw": r(s.batteryKW), "grid_kw": r(s.gridKW), "soc_kwh": r(s.socKWh),
                    "curtail": s.curtail, "heat_pump_sg": h?.heatPumpSG.map { $0.rawValue as Any } ?? NSNull(),
                    "boiler_on": h?.boilerOn.map { $0 as Any } ?? NSNull()]
        }
        let obj: [String: Any] = ["steps": steps, "energy_cost_eur": r(p.energyCostEUR), "capacity_cost_eur": r(p.capacityCostEUR),
                                  "cost_eur": r(p.totalCostEUR), "peak_kw": r(p.peakKW), "cap_kw": r(p.capKW), "alerts": alerts,
                                  "load_source": loadSource]
        let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func text(_ p: EnergyPlan, heating: [HeatingStep]? = nil, tz: TimeZone) -> String {
        let f = DateFormatter()
        f.timeZone = tz
        f.dateFormat = "EEE HH:mm"
        let pump = heating?.first?.heatPumpSG != nil, boiler = heating?.first?.boilerOn != nil
        var out = ["time         take €/kWh  inject €/kWh  load-PV kW  car kW  battery kW  grid kW  SoC kWh"
                   + (pump ? "  heat pump" : "") + (boiler ? "  boiler" : "")]
        for (k, s) in p.steps.enumerated() {
            let h = heating.flatMap { k < $0.count ? $0[k] : nil }
            out.append(f.string(from: s.start).padding(toLength: 11, withPad: " ", startingAt: 0)
                + TextFormat.fixed(s.takePrice, 4).padLeft(12) + TextFormat.fixed(s.injectPrice, 4).padLeft(14)
                + TextFormat.fixed(s.baseKW, 2).padLeft(12) + TextFormat.fixed(s.carKW, 2).padLeft(8) + TextFormat.fixed(s.batteryKW, 2).padLeft(12)
                + TextFormat.fixed(s.gridKW, 2).padLeft(9) + TextFormat.fixed(s.socKWh, 2).padLeft(9)
                + (pump ? (h?.heatPumpSG?.rawValue ?? "").padLeft(11) : "") + (boiler ? ((h?.boilerOn ?? false) ? "on" : "-").padLeft(8) : "")
                + (s.curtail ? "  curtail" : ""))
        }
        out.append("")
        out.append("energy \(TextFormat.fixed(p.energyCostEUR, 2)) €, capacity tariff \(TextFormat.fixed(p.capacityCostEUR, 2)) € (peak \(TextFormat.fixed(p.peakKW, 2)) kW)")
        return out.joined(separator: "\n")
    }
}

private extension String {
    func padLeft(_ n: Int) -> String { count >= n ? " " + self : String(repeating: " ", count: n - count) + self }
}
