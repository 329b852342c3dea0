import Foundation

/// The human-readable `kwartier simulate` report: Kwartier next to its baselines.
public enum SimReportText {
    public static func render(_ r: SimReport, scenario: SimScenario, days: Int) -> String {
        var out: [String] = []
        out.append("Scenario \(scenario.name): \(days) day\(days == 1 ? "" : "s") from \(scenario.start)" + (scenario.description.map { " — \($0)" } ?? ""))
        out.append("")
        let cols = ["kwartier"] + (r.baselines?.keys.sorted { $0 == "static" ? false : $1 == "static" } ?? [])
        let reps = [r] + cols.dropFirst().map { r.baselines![$0]! }
        func row(_ name: String, _ f: (SimReport) -> String) -> String {
            name.padding(toLength: 34, withPad: " ", startingAt: 0) + reps.map { f($0).leftPad(14) }.joined()
        }
        out.append("".padding(toLength: 34, withPad: " ", startingAt: 0) + cols.map { $0.leftPad(14) }.joined())
        out.append(row("limit violations (must be 0)") { "\($0.violations)" })
        out.append(row("overload seconds (any level)") { fmt($0.overload_seconds, 0) })
        out.append(row("highest level load / limit") { fmt($0.max_load_ratio * 100, 0) + " %" })
        out.append(row("max quarter-hour peak (kW)") { fmt($0.max_quarter_kw, 2) })
        out.append(row("  slider (kW)") { fmt($0.slider_kw, 2) })
        out.append(row("  quarters over the slider") { "\($0.quarters_over_slider)" })
        out.append(row("month peak (kW)") { fmt($0.month_peak_kw, 2) })
        out.append(row("energy delivered (kWh)") { fmt($0.energy_delivered_kwh, 1) })
        out.append(row("energy requested (kWh)") { fmt($0.energy_requested_kwh, 1) })
        out.append(row("unmet (kWh)") { fmt($0.unmet_kwh, 1) })
        out.append(row("cars fully served") { "\($0.cars_served_fully)/\($0.cars)" })
        out.append(row("charging starts") { "\($0.starts)" })
        out.append(row("setpoint changes / point / hour") { fmt($0.setpoint_changes_per_point_hour, 2) })
        out.append(row("PV produced (kWh)") { fmt($0.pv_kwh, 1) })
        out.append(row("PV self-consumption") { $0.pv_self_consumption.map { fmt($0 * 100, 0) + " %" } ?? "-" })
        out.append(row("grid import / export (kWh)") { fmt($0.import_kwh, 0) + "/" + fmt($0.export_kwh, 0) })
        if let hp = r.heat_pump_seconds {
            let total = hp.values.reduce(0, +)
            let parts = SGState.allCases.compactMap { s in hp[s.rawValue].map { "\(s.rawValue) \(fmt($0 / max(total, 1) * 100, 0)) %" } }
            out.append("heat pump time per SG state: " + parts.joined(separator: ", "))
        }
        if !r.violations_by_level.isEmpty {
            out.append("violations by level and phase: " + r.violations_by_level.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        return out.joined(separator: "\n")
    }

    static func fmt(_ v: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", v) }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? " " + self : String(repeating: " ", count: n - count) + self }
}
