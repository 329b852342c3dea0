import Foundation

/// The hub's state as MQTT topics (below the configured root) and their payloads: numbers as
/// plain numbers in the unit the topic names (`_w`, `_a`, `_kw`, `_kwh`, `_pct`), words as words.
/// All of them are retained states. Pure: the MQTT link publishes what changed.
public enum MQTTStateTopics {
    /// Topic (relative to the root) → payload, for one snapshot. A value the hub does not know
    /// (no PV inverter, no quarter yet) has no topic rather than a made-up number.
    public static func states(_ s: SiteSnapshot) -> [(String, String)] {
        var out: [(String, String)] = []
        func put(_ t: String, _ v: String) { out.append((t, v)) }
        put("site/grid_power_w", num(s.grid.powerW, 0))
        put("site/grid_l1_current_a", num(s.grid.currents.l1, 2))
        put("site/grid_l2_current_a", num(s.grid.currents.l2, 2))
        put("site/grid_l3_current_a", num(s.grid.currents.l3, 2))
        if let v = s.grid.importKWh { put("site/grid_import_kwh", num(v, 3)) }
        if let v = s.grid.exportKWh { put("site/grid_export_kwh", num(v, 3)) }
        put("site/meter_stale", s.grid.stale ? "true" : "false")
        if let v = s.pvW { put("site/pv_power_w", num(v, 0)) }
        if let v = s.batteryW { put("site/battery_power_w", num(v, 0)) }
        if let v = s.batterySoC { put("site/battery_soc_pct", num(v, 1)) }
        if let v = s.heatPumpW { put("site/heat_pump_power_w", num(v, 0)) }
        put("site/house_power_w", num(s.houseW, 0))
        put("site/charge_park_power_w", num(s.chargeParkW, 0))
        put("site/slider_kw", num(s.sliderKW, 3))
        if let q = s.quarter {
            put("site/quarter_average_kw", num(q.averageKW, 3))
            put("site/quarter_forecast_kw", num(q.forecastKW, 3))
            put("site/allowed_kw", num(q.allowedKW, 3))
            put("site/target_kw", num(q.targetKW, 3))
            put("site/month_peak_kw", num(q.monthPeakKW, 3))
        }
        put("site/safe_state", s.safeState ? "true" : "false")
        for p in s.points {
            let b = "chargepoints/\(p.id)/"
            put(b + "state", state(p.state))
            put(b + "mode", p.mode.rawValue)
            put(b + "priority", String(p.priority))
            put(b + "setpoint_a", num(p.setpointA, 2))
            if let m = p.manualA { put(b + "manual_current_a", num(m, 2)) }
            put(b + "l1_current_a", num(p.currents.l1, 2))
            put(b + "l2_current_a", num(p.currents.l2, 2))
            put(b + "l3_current_a", num(p.currents.l3, 2))
            put(b + "phases", String(p.phasesInUse))
            put(b + "power_w", num(p.powerW, 0))
            put(b + "session_kwh", num(p.sessionKWh, 3))
            put(b + "explanation", p.explanation)
        }
        for l in s.levels where l.parent != nil {
            let b = "boards/\(l.id)/"
            put(b + "l1_current_a", num(l.currents.l1, 2))
            put(b + "l2_current_a", num(l.currents.l2, 2))
            put(b + "l3_current_a", num(l.currents.l3, 2))
            put(b + "limit_a", num(l.limitA, 2))
        }
        for r in s.relays {
            let b = "relays/\(r.id)/"
            put(b + "state", r.state)
            put(b + "override", r.override.rawValue)
            put(b + "power_w", num(r.powerW, 0))
            put(b + "reason", r.reason)
        }
        put("alerts", alerts(s.alerts))
        return out
    }

    /// Words without spaces, so that they can be a Home Assistant enum's options.
    public static func state(_ p: PointState) -> String {
        p == .noCar ? "no_car" : p.rawValue
    }

    /// The active alerts as a JSON array (`[]` when none), newest last.
    public static func alerts(_ list: [AlertView]) -> String {
        var latest: [String: AlertView] = [:]
        var order: [String] = []
        for a in list {
            if latest[a.key] == nil { order.append(a.key) }
            latest[a.key] = a
        }
        let active = order.compactMap { latest[$0] }.filter(\.active)
        let items = active.map { a in
            "{\"key\":\(ControlProtocol.quote(a.key)),\"level\":\"\(a.level.rawValue)\",\"text\":\(ControlProtocol.quote(a.text)),\"time\":\"\(iso(a.time))\"}"
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    /// A plain decimal with at most `decimals` digits after the point, no trailing zeros, no "-0".
    public static func num(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "0" }
        var t = String(format: "%.\(decimals)f", v)
        if t.contains(".") {
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
        }
        if t == "-0" { t = "0" }
        return t
    }
}
