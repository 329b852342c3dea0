import Foundation
import Yams

extension SimScenario {
    /// A scenario value that cannot be simulated, with the key and the fix.
    public struct Invalid: Error, CustomStringConvertible {
        public let key: String
        public let message: String
        public var description: String { "\(key): \(message)" }
    }

    /// Keys each part of a scenario file may hold (a typo would otherwise be ignored silently).
    static let knownKeys: [String: Set<String>] = [
        "": ["name", "description", "config", "start", "days", "hours", "seed", "slider_kw", "pv", "house", "battery", "boiler", "cars", "generate", "energy"],
        "pv": ["kwp", "weather"],
        "house": ["base_w", "scale"],
        "battery": ["kwh", "kw", "soc"],
        "energy": ["prices", "formula", "capacity_tariff", "feed_cars", "curtail", "mode", "forecast"],
        "boiler": ["kw", "daily_kwh"],
        "cars": ["point", "arrive", "leave", "battery_kwh", "soc", "target", "phases", "min_a", "max_a", "ready_by", "energy_kwh"],
        "generate": ["per_point_per_day", "arrive", "stay_h", "battery_kwh", "soc", "one_phase", "two_phase", "min_8a", "max_a"],
    ]

    /// Parses a scenario and refuses unknown keys (with the nearest known one) and bad values.
    public static func load(yaml: String) throws -> SimScenario {
        try checkKeys(yaml: yaml)
        let s = try parse(yaml: yaml)
        try s.validate()
        return s
    }

    static func checkKeys(yaml: String) throws {
        guard let root = try Yams.compose(yaml: yaml) else { throw Invalid(key: "(file)", message: "the file is empty") }
        guard let map = root.mapping else { throw Invalid(key: "(file)", message: "a scenario is a mapping of keys (name:, start:, days:, …)") }
        func check(_ m: Node.Mapping, section: String, path: String) throws {
            let known = knownKeys[section] ?? []
            for (k, _) in m {
                guard let key = k.string, !known.contains(key) else { continue }
                let hint = known.min { levenshtein(key, $0) < levenshtein(key, $1) }.flatMap { levenshtein(key, $0) <= 3 ? " — did you mean '\($0)'?" : nil } ?? ""
                throw Invalid(key: path.isEmpty ? key : "\(path).\(key)", message: "unknown key (line \(k.mark?.line ?? 0))\(hint)")
            }
        }
        try check(map, section: "", path: "")
        for (k, v) in map {
            guard let key = k.string, knownKeys[key] != nil else { continue }
            if let m = v.mapping { try check(m, section: key, path: key) }
            if let seq = v.sequence {
                for (i, item) in seq.enumerated() { if let m = item.mapping { try check(m, section: key, path: "\(key)[\(i + 1)]") } }
            }
        }
    }

    /// Checks the values a simulation cannot run with.
    public func validate() throws {
        func bad(_ key: String, _ message: String) -> Invalid { Invalid(key: key, message: message) }
        if name.isEmpty { throw bad("name", "must not be empty") }
        if !(1...366).contains(days) { throw bad("days", "\(days) is out of range (1 to 366)") }
        if let h = hours, !(h > 0 && h <= 366 * 24) { throw bad("hours", "\(h) is out of range (more than 0, at most 8784)") }
        if let s = slider_kw, !(s >= 0.5 && s <= 10_000) { throw bad("slider_kw", "\(s) kW is out of range (0.5 to 10000)") }
        if let p = pv {
            if !(p.kwp >= 0 && p.kwp <= 10_000) { throw bad("pv.kwp", "\(p.kwp) is out of range (0 to 10000)") }
            if p.weather.isEmpty { throw bad("pv.weather", "give at least one day: clear, cloudy, mixed or dark") }
        }
        if house.base_w.isEmpty || house.base_w.contains(where: { !($0 >= 0 && $0 < 1_000_000) }) {
            throw bad("house.base_w", "give 1 to 3 non-negative watt values (L1, L2, L3)")
        }
        if !(house.scale >= 0 && house.scale <= 100) { throw bad("house.scale", "\(house.scale) is out of range (0 to 100)") }
        if let b = battery, !(b.kwh > 0 && b.kw > 0) { throw bad("battery", "kwh and kw must both be above 0") }
        if let s = battery?.soc, !(s >= 0 && s <= 100) { throw bad("battery.soc", "\(s) % is out of range (0 to 100)") }
        if let e = energy {
            if ![15, 60].contains(e.prices.step_min) { throw bad("energy.prices.step_min", "\(e.prices.step_min) is not 15 or 60 (minutes per price)") }
            if e.prices.eur_per_mwh.isEmpty || e.prices.eur_per_mwh.contains(where: { !$0.isFinite || abs($0) > 10_000 }) {
                throw bad("energy.prices.eur_per_mwh", "give at least one price in €/MWh (each between -10000 and 10000)")
            }
            if let t = e.capacity_tariff, !(t >= 0 && t <= 100) { throw bad("energy.capacity_tariff", "\(t) €/kW per month is out of range (0 to 100)") }
        }
        if let b = boiler, !(b.kw > 0 && b.daily_kwh >= 0) { throw bad("boiler", "kw must be above 0 and daily_kwh not negative") }
        for (i, c) in (cars ?? []).enumerated() {
            let k = "cars[\(i + 1)]"
            if !(c.battery_kwh > 0 && c.battery_kwh <= 500) { throw bad("\(k).battery_kwh", "\(c.battery_kwh) is out of range (above 0, at most 500)") }
            if !(0...100).contains(c.soc) || !(0...100).contains(c.target) { throw bad("\(k).soc", "soc and target are percentages (0 to 100)") }
            if !(1...3).contains(c.phases) { throw bad("\(k).phases", "\(c.phases): a car charges on 1, 2 or 3 phases") }
            if !(c.min_a > 0 && c.min_a <= c.max_a && c.max_a <= 80) { throw bad("\(k).min_a", "need 0 < min_a ≤ max_a ≤ 80 A") }
            if let r = c.ready_by, ReadyBy.minute(r) == nil { throw bad("\(k).ready_by", "'\(r)' is not a time of day HH:MM") }
            if (c.ready_by == nil) != (c.energy_kwh == nil) { throw bad("\(k).ready_by", "ready_by and energy_kwh go together") }
            if let e = c.energy_kwh, !(e > 0 && e <= 200) { throw bad("\(k).energy_kwh", "\(e) is out of range (above 0, at most 200)") }
        }
        if let g = generate {
            guard let w = TimeWindow(parse: g.arrive), w.startMinute < w.endMinute else {
                throw bad("generate.arrive", "'\(g.arrive)' must be HH:MM-HH:MM within one day, e.g. 07:30-10:00")
            }
            func range(_ key: String, _ v: [Double], _ lo: Double, _ hi: Double) throws {
                guard (1...2).contains(v.count), v.allSatisfy({ $0 >= lo && $0 <= hi }), v.first! <= v.last! else {
                    throw bad("generate.\(key)", "give [min, max] with \(lo) ≤ min ≤ max ≤ \(hi)")
                }
            }
            try range("stay_h", g.stay_h, 0.1, 24 * 14)
            try range("battery_kwh", g.battery_kwh, 1, 500)
            try range("soc", g.soc, 0, 100)
            if !(g.per_point_per_day >= 0 && g.per_point_per_day <= 48) { throw bad("generate.per_point_per_day", "out of range (0 to 48)") }
            for (k, v) in [("one_phase", g.one_phase), ("two_phase", g.two_phase), ("min_8a", g.min_8a)] where !(0...1).contains(v) {
                throw bad("generate.\(k)", "\(v) is a share: 0 to 1")
            }
            if g.one_phase + g.two_phase > 1 { throw bad("generate.one_phase", "one_phase + two_phase must not exceed 1") }
            if !(g.max_a >= 8 && g.max_a <= 80) { throw bad("generate.max_a", "out of range (8 to 80 A)") }
        }
    }

    /// A decoding error in words: the key path and what was wrong.
    public static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            c.map { k in k.intValue.map { "[\($0 + 1)]" } ?? ".\(k.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch e {
        case let .keyNotFound(k, ctx):
            let p = path(ctx.codingPath + [k])
            return "missing key '\(p)'"
        case let .typeMismatch(t, ctx): return "'\(path(ctx.codingPath))' should be \(typeName(t))"
        case let .valueNotFound(t, ctx): return "'\(path(ctx.codingPath))' is empty; it should be \(typeName(t))"
        case let .dataCorrupted(ctx):
            let p = path(ctx.codingPath)
            return (p.isEmpty ? "" : "'\(p)': ") + ctx.debugDescription
        @unknown default: return "\(e)"
        }
    }

    static func typeName(_ t: Any.Type) -> String {
        let n = "\(t)"
        if n.hasPrefix("Double") || n.hasPrefix("Int") || n.hasPrefix("UInt") { return "a number" }
        if n.hasPrefix("String") { return "text" }
        if n.hasPrefix("Array") { return "a list" }
        if n.hasPrefix("Bool") { return "true or false" }
        return "a mapping (\(n))"
    }
}
