import Foundation

/// The human-readable `kwartier simulate` report: Kwartier next to its baselines, then per car.
public enum SimReportText {
    /// Above this many cars the per-car table lists only those Kwartier did not serve fully.
    public static let maxCarRows = 100

    public static func render(_ r: SimReport, scenario: SimScenario, site: String? = nil,
                              timeZone: TimeZone = TimeZone(identifier: "Europe/Brussels")!) -> String {
        var out: [String] = []
        out.append("Scenario \(scenario.name): \(TextFormat.span(hours: r.hours)) from \(scenario.start)" + (scenario.description.map { " — \($0)" } ?? ""))
        if let s = site { out.append("Site: \(s)") }
        out.append("")
        let cols = ["kwartier"] + SimBaseline.allCases.map(\.rawValue).filter { r.baselines?[$0] != nil }
        let reps = [r] + cols.dropFirst().map { r.baselines![$0]! }
        func row(_ name: String, _ f: (SimReport) -> String) -> String {
            name.padding(toLength: 34, withPad: " ", startingAt: 0) + reps.map { f($0).leftPad(14) }.joined()
        }
        out.append("".padding(toLength: 34, withPad: " ", startingAt: 0) + cols.map { $0.leftPad(14) }.joined())
        out.append(row("limit violations (must be 0)") { "\($0.violations)" })
        out.append(row("  by uncontrollable load") { "\($0.violations_uncontrollable) (" + TextFormat.fixed($0.overload_seconds_uncontrollable, 0) + " s)" })
        out.append(row("  overload seconds (any level)") { TextFormat.fixed($0.overload_seconds, 0) })
        out.append(row("  highest level load / limit") { TextFormat.fixed($0.max_load_ratio * 100, 0) + " %" })
        out.append(row("max quarter-hour peak (kW)") { TextFormat.fixed($0.max_quarter_kw, 2) })
        out.append(row("  slider (kW)") { TextFormat.fixed($0.slider_kw, 2) })
        out.append(row("  quarters over the slider") { "\($0.quarters_over_slider)" })
        out.append(row("  over by uncontrollable load") { "\($0.quarters_over_slider_uncontrollable) (" + TextFormat.fixed($0.uncontrollable_over_kwh, 1) + " kWh)" })
        out.append(row("month peak (kW)") { TextFormat.fixed($0.month_peak_kw, 2) })
        out.append(row("energy delivered (kWh)") { TextFormat.fixed($0.energy_delivered_kwh, 1) })
        out.append(row("energy requested (kWh)") { TextFormat.fixed($0.energy_requested_kwh, 1) })
        out.append(row("unmet (kWh)") { TextFormat.fixed($0.unmet_kwh, 1) })
        out.append(row("cars fully served") { "\($0.cars_served_fully)/\($0.cars)" })
        out.append(row("charging starts") { "\($0.starts)" })
        out.append(row("charging stops (car not full)") { "\($0.stops)" })
        out.append(row("setpoint changes / point / hour") { TextFormat.fixed($0.setpoint_changes_per_point_hour, 2) })
        out.append(row("PV produced (kWh)") { TextFormat.fixed($0.pv_kwh, 1) })
        out.append(row("PV self-consumption") { $0.pv_self_consumption.map { TextFormat.fixed($0 * 100, 0) + " %" } ?? "-" })
        out.append(row("grid import / export (kWh)") { TextFormat.fixed($0.import_kwh, 0) + "/" + TextFormat.fixed($0.export_kwh, 0) })
        if r.heat_pump_seconds != nil {
            out.append(row("heat pump off/normal/comfort/boost") { rep in
                guard let hp = rep.heat_pump_seconds else { return "-" }
                let total = max(1, hp.values.reduce(0, +))
                return SGState.allCases.map { TextFormat.fixed((hp[$0.rawValue] ?? 0) / total * 100, 0) }.joined(separator: "/") + " %"
            })
        }
        for (name, rep) in zip(cols, reps) where !rep.violations_by_level.isEmpty {
            out.append("violations (\(name)) by level and phase: "
                       + rep.violations_by_level.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        for (name, rep) in zip(cols, reps) where !rep.violations_uncontrollable_by_level.isEmpty {
            out.append("violations by uncontrollable load (\(name)): "
                       + rep.violations_uncontrollable_by_level.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if let byPoint = r.setpoint_changes_by_point, r.hours > 0 {
            let ids = byPoint.keys.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
            if !ids.isEmpty {
                out.append("setpoint changes / hour per point (kwartier): "
                           + ids.map { "\($0) \(TextFormat.fixed(Double(byPoint[$0]!) / r.hours, 2))" }.joined(separator: ", "))
            }
        }
        out.append(contentsOf: costTable(r))
        out.append(contentsOf: carTable(r, cols: cols, reps: reps, timeZone: timeZone))
        return out.joined(separator: "\n")
    }

    /// With prices: the bill next to the energy baselines (same cars, battery and inverter differ).
    static func costTable(_ r: SimReport) -> [String] {
        guard r.cost_eur != nil else { return [] }
        let cols = ["kwartier"] + SimEnergyBaseline.allCases.map(\.rawValue).filter { r.baselines?[$0] != nil }
        let reps = [r] + cols.dropFirst().map { r.baselines![$0]! }
        func row(_ name: String, _ f: (SimReport) -> String) -> String {
            name.padding(toLength: 34, withPad: " ", startingAt: 0) + reps.map { f($0).leftPad(20) }.joined()
        }
        func eur(_ v: Double?) -> String { v.map { TextFormat.fixed($0, 2) } ?? "-" }
        func kwh(_ v: Double?) -> String { v.map { TextFormat.fixed($0, 1) } ?? "-" }
        return ["", "Cost (the scenario's prices and capacity tariff):",
                "".padding(toLength: 34, withPad: " ", startingAt: 0) + cols.map { $0.leftPad(20) }.joined(),
                row("energy (€)") { eur($0.energy_cost_eur) },
                row("capacity tariff, month peak (€)") { eur($0.capacity_cost_eur) },
                row("total (€)") { eur($0.cost_eur) },
                row("month peak (kW)") { TextFormat.fixed($0.month_peak_kw, 2) },
                row("PV curtailed (kWh)") { kwh($0.curtailed_kwh) },
                row("battery in / out (kWh)") { kwh($0.battery_charged_kwh) + "/" + kwh($0.battery_discharged_kwh) },
                row("battery to the car (kWh)") { kwh($0.battery_to_cars_kwh) }]
    }

    /// Per car: requested energy, what each controller delivered, and Kwartier's starts/stops.
    static func carTable(_ r: SimReport, cols: [String], reps: [SimReport], timeZone: TimeZone) -> [String] {
        guard var cars = r.per_car, !cars.isEmpty else { return [] }
        var out = [""]
        let all = cars.count
        if all > maxCarRows {
            cars = cars.filter { $0.unmet_kwh >= 0.05 }
            out.append("Cars not fully served by Kwartier: \(cars.count) of \(all) (energy in kWh)")
        } else {
            out.append("Per car (energy in kWh; starts/stops under Kwartier):")
        }
        guard !cars.isEmpty else { return out }
        let firstDay = r.per_car?.compactMap(\.arrival).min()
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        func when(_ d: Date?) -> String {
            guard let d = d else { return "-" }
            let c = cal.dateComponents([.hour, .minute], from: d)
            var s = TextFormat.twoDigits(c.hour ?? 0) + ":" + TextFormat.twoDigits(c.minute ?? 0)
            if let f = firstDay {
                let n = cal.dateComponents([.day], from: cal.startOfDay(for: f), to: cal.startOfDay(for: d)).day ?? 0
                if n > 0 { s = "D+\(n) " + s }
            }
            return s
        }
        let byName = reps.map { rep in Dictionary((rep.per_car ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }) }
        out.append("car".padding(toLength: 14, withPad: " ", startingAt: 0) + "ph".leftPad(3) + "arrive".leftPad(12) + "leave".leftPad(12)
                   + "asked".leftPad(8) + cols.map { $0.leftPad(14) }.joined() + "starts".leftPad(8) + "stops".leftPad(7))
        for c in cars {
            var line = c.name.padding(toLength: 14, withPad: " ", startingAt: 0) + "\(c.phases)".leftPad(3)
            line += when(c.arrival).leftPad(12) + when(c.departure).leftPad(12) + TextFormat.fixed(c.requested_kwh, 1).leftPad(8)
            for m in byName { line += (m[c.name].map { TextFormat.fixed($0.delivered_kwh, 1) } ?? "-").leftPad(14) }
            line += "\(c.starts)".leftPad(8) + "\(c.stops)".leftPad(7)
            out.append(line)
        }
        return out
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? " " + self : String(repeating: " ", count: n - count) + self }
}
