import Foundation
import Yams

extension ConfigLoader {
    static let energyKeys = ["mode", "prices", "formula", "capacity_tariff", "battery", "curtail", "pv", "forecast", "horizon_h", "heat_pump", "boiler"]

    /// `energy:` — prices, the supplier's formula, the capacity tariff, the battery, PV and forecasts.
    func parseEnergy(_ m: YAMLMap, inverters: [String], relays: [RelayConfig] = []) -> EnergyConfig {
        m.rejectUnknown(Self.energyKeys)
        var e = EnergyConfig()
        e.line = m.line
        if m.has("mode"), let mode = m.oneOf("mode", HomeEnergyController.Mode.allCases.map { ($0.rawValue, $0) }) { e.mode = mode }
        if let p = m.map("prices") { parsePrices(p, into: &e) }
        if let f = m.map("formula") { e.formula = parseFormula(f) }
        if let t = m.map("capacity_tariff") {
            t.rejectUnknown(["eur_per_kw_month", "eur_per_kw_year", "minimum_kw"])
            let month = t.double("eur_per_kw_month", unit: "€/kW", min: 0, max: 100)
            let year = t.double("eur_per_kw_year", unit: "€/kW", min: 0, max: 1200)
            if month != nil && year != nil {
                t.ctx.error(t.lineOf("eur_per_kw_year"), t.keyPath("eur_per_kw_year"), "give the tariff per month or per year, not both",
                            fix: "keep one of eur_per_kw_month and eur_per_kw_year")
            } else if let r = month ?? year.map({ $0 / 12 }) {
                e.capacityTariff = CapacityTariff(eurPerKWMonth: r, minimumKW: t.double("minimum_kw", unit: "kW", min: 0, max: 100) ?? 2.5)
            } else if !t.has("eur_per_kw_month") && !t.has("eur_per_kw_year") {
                t.missing("eur_per_kw_month", fix: "give the network operator's rate, e.g. `eur_per_kw_month: 4.37` (or eur_per_kw_year)")
            }
        }
        if let b = m.map("battery") {
            let (battery, inv) = parseHomeBattery(b, inverters: inverters)
            e.battery = battery; e.inverter = inv
        }
        if let c = m.bool("curtail") { e.curtail = c }
        if m.has("pv") { e.pv = parsePVArrays(m) }
        if let f = m.map("forecast") {
            f.rejectUnknown(["weather", "api", "latitude", "longitude", "refresh_s"])
            let w = f.oneOf("weather", [("none", 0), ("open-meteo", 1)]) ?? 0
            let api = f.string("api") ?? EnergyConfig.openMeteoAPI
            checkURL(f, "api", api, fallback: EnergyConfig.openMeteoAPI)
            e.weather = w == 1 ? .openMeteo(api: trimSlash(api)) : .none
            if let v = f.double("latitude", unit: "°", min: -90, max: 90) { e.latitude = v }
            if let v = f.double("longitude", unit: "°", min: -180, max: 180) { e.longitude = v }
            if let r = f.double("refresh_s", unit: "s", min: 1, max: 86_400) { e.weatherRefreshS = r }
        }
        if let h = m.double("horizon_h", unit: "h", min: 1, max: 72) { e.horizonH = h }
        if let hp = m.map("heat_pump") {
            hp.rejectUnknown(["relay"])
            e.heatPumpRelay = planRelay(hp, relays, sgReady: true)?.id
        }
        if let b = m.map("boiler") {
            b.rejectUnknown(["relay", "kw", "kwh_per_day"])
            let relay = planRelay(b, relays, sgReady: false)
            let kw = b.double("kw", unit: "kW", min: 0.1, max: 1000)
            let kwh = b.double("kwh_per_day", unit: "kWh", min: 0.1, max: 10_000)
            if kwh == nil && !b.has("kwh_per_day") { b.missing("kwh_per_day", fix: "give the energy the boiler needs a day, e.g. `kwh_per_day: 5`") }
            if let r = relay, case .switched(let sw) = r.kind, let k = kwh {
                e.boiler = .init(relay: r.id, kw: kw ?? sw.powerKW, kwhPerDay: k)
            }
        }
        return e
    }

    /// The relay a heat_pump (SG-Ready) or boiler (switch) entry names, when it exists and is of
    /// the kind the plan drives.
    func planRelay(_ m: YAMLMap, _ relays: [RelayConfig], sgReady: Bool) -> RelayConfig? {
        let kind = sgReady ? "an sg-ready relay" : "a switch relay"
        guard let id = m.requiredString("relay", fix: "name its relay under `relays:`, e.g. `relay: \(sgReady ? "heatpump" : "boiler")`") else { return nil }
        let fitting = relays.filter { if case .sgReady = $0.kind { return sgReady } else { return !sgReady } }
        let fix = fitting.isEmpty ? "define \(kind) under `relays:` first" : "use one of \(fitting.map(\.id).joined(separator: ", "))"
        guard let r = relays.first(where: { $0.id == id }) else {
            m.ctx.error(m.lineOf("relay"), m.keyPath("relay"), "unknown relay '\(id)'", fix: fix)
            return nil
        }
        guard fitting.contains(where: { $0.id == id }) else {
            m.ctx.error(m.lineOf("relay"), m.keyPath("relay"), "relay '\(id)' is not \(kind)", fix: fix)
            return nil
        }
        return r
    }

    func trimSlash(_ s: String) -> String { s.hasSuffix("/") ? String(s.dropLast()) : s }

    func checkURL(_ m: YAMLMap, _ key: String, _ url: String, fallback: String) {
        if !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            m.ctx.error(m.lineOf(key), m.keyPath(key), "'\(url)' is not an http(s) URL", fix: "leave `\(key)` out to use \(fallback)")
        }
    }

    func parsePrices(_ p: YAMLMap, into e: inout EnergyConfig) {
        p.rejectUnknown(["source", "zone", "token_file", "api", "file", "command", "refresh_s", "stale_after_h"])
        if let r = p.double("refresh_s", unit: "s", min: 60, max: 86_400) { e.refreshS = r }
        if let s = p.double("stale_after_h", unit: "h", min: 1, max: 168) { e.staleAfterH = s }
        guard p.has("source") else {
            p.missing("source", fix: "write `source: entsoe` (with zone and token_file), `source: file` (with file) or `source: command` (with command)")
            return
        }
        switch p.oneOf("source", [("entsoe", 0), ("file", 1), ("command", 2)]) {
        case 0?:
            let zone = p.string("zone") ?? "10YBE----------2"
            let token = p.requiredString("token_file", fix: "give the file that holds your ENTSO-E security token (never the token itself)")
            let api = p.string("api") ?? EnergyConfig.entsoeAPI
            checkURL(p, "api", api, fallback: EnergyConfig.entsoeAPI)
            if let t = token { e.prices = .entsoe(zone: zone, tokenFile: t, api: trimSlash(api)) }
        case 1?:
            if let f = p.requiredString("file", fix: "give the CSV (time,eur_per_mwh) or JSON file's path") { e.prices = .file(f) }
        case 2?:
            if let c = p.requiredString("command", fix: "give the command that prints the prices as CSV or JSON") { e.prices = .command(c) }
        default: break
        }
    }

    func parseFormula(_ f: YAMLMap) -> SupplierFormula {
        f.rejectUnknown(["take", "inject", "vat_percent", "vat_on_injection"])
        var s = SupplierFormula()
        func direction(_ key: String) -> SupplierFormula.Direction? {
            guard let d = f.map(key) else { return nil }
            d.rejectUnknown(["a", "b"])
            let a = d.double("a", min: -10, max: 10) ?? 1
            let b = d.double("b", unit: "€/kWh", min: -5, max: 5) ?? 0
            return .init(a: a, b: b)
        }
        if let t = direction("take") { s.take = t }
        if let i = direction("inject") { s.inject = i }
        if let v = f.double("vat_percent", unit: "%", min: 0, max: 50) { s.vatPercent = v }
        if let v = f.bool("vat_on_injection") { s.vatOnInjection = v }
        return s
    }

    func parseHomeBattery(_ b: YAMLMap, inverters: [String]) -> (HomeBattery?, String?) {
        b.rejectUnknown(["inverter", "kwh", "max_charge_kw", "max_discharge_kw", "min_soc", "max_soc", "efficiency", "feed_cars"])
        let inv = b.string("inverter")
        if let i = inv, !inverters.contains(i) {
            b.ctx.error(b.lineOf("inverter"), b.keyPath("inverter"), "unknown inverter '\(i)'",
                        fix: inverters.isEmpty ? "define the inverter under `inverters:` first" : "use one of \(inverters.joined(separator: ", "))")
        }
        let kwh = b.double("kwh", unit: "kWh", min: 0.5, max: 10_000)
        if kwh == nil && !b.has("kwh") { b.missing("kwh", fix: "give the battery's usable capacity, e.g. `kwh: 10`") }
        let charge = b.double("max_charge_kw", unit: "kW", min: 0.1, max: 10_000)
        if charge == nil && !b.has("max_charge_kw") { b.missing("max_charge_kw", fix: "give the battery's charging power, e.g. `max_charge_kw: 5`") }
        let discharge = b.double("max_discharge_kw", unit: "kW", min: 0.1, max: 10_000)
        let lo = b.double("min_soc", unit: "%", min: 0, max: 100) ?? 10
        let hi = b.double("max_soc", unit: "%", min: 0, max: 100) ?? 100
        if hi <= lo {
            b.ctx.error(b.lineOf("max_soc"), b.keyPath("max_soc"), "max_soc \(TextFormat.plain(hi)) % is not above min_soc \(TextFormat.plain(lo)) %",
                        fix: "e.g. `min_soc: 10` and `max_soc: 100`")
        }
        let eff = b.double("efficiency", min: 0.5, max: 1) ?? 0.95
        guard let k = kwh, let c = charge, hi > lo else { return (nil, inv) }
        return (HomeBattery(capacityKWh: k, maxChargeKW: c, maxDischargeKW: discharge ?? c, minSoCPercent: lo, maxSoCPercent: hi,
                            chargeEfficiency: eff, dischargeEfficiency: eff, mayFeedCars: b.bool("feed_cars") ?? false), inv)
    }

    func parsePVArrays(_ m: YAMLMap) -> [EnergyConfig.PVArray] {
        guard case .sequence(let seq)? = m.node("pv") else {
            m.ctx.error(m.lineOf("pv"), m.keyPath("pv"), "expected a list of arrays", fix: "write `pv: [{ kwp: 5, tilt: 35, azimuth: 180 }]`")
            return []
        }
        var out: [EnergyConfig.PVArray] = []
        for (n, item) in seq.enumerated() {
            guard let a = YAMLMap(item, path: m.keyPath("pv[\(n + 1)]"), ctx: m.ctx) else { continue }
            a.rejectUnknown(["kwp", "tilt", "azimuth"])
            guard let kwp = a.double("kwp", unit: "kWp", min: 0.1, max: 100_000) else {
                if !a.has("kwp") { a.missing("kwp", fix: "give the array's peak power, e.g. `kwp: 5`") }
                continue
            }
            out.append(.init(kwp: kwp, tilt: a.double("tilt", unit: "°", min: 0, max: 90) ?? 35,
                             azimuth: a.double("azimuth", unit: "°", min: 0, max: 360) ?? 180))
        }
        return out
    }
}
