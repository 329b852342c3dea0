import Foundation

/// Builds the simulated site of a scenario: devices from the configuration, cars from the list
/// or the generator (deterministic for the scenario's seed).
public enum SimSiteBuilder {
    public struct BuildError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func timeZone(_ config: SiteConfig) -> TimeZone {
        TimeZone(identifier: config.site.timeZone) ?? TimeZone(identifier: "Europe/Brussels")!
    }

    /// Local midnight of the scenario's first day (car times "HH:MM" count from it).
    public static func firstDay(_ scenario: SimScenario, _ tz: TimeZone) throws -> Date {
        let datePart = scenario.start.split(separator: " ").first.map(String.init) ?? ""
        let p = datePart.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3, (1...12).contains(p[1]), (1...31).contains(p[2]) else {
            throw BuildError(message: "scenario start '\(scenario.start)' is not YYYY-MM-DD (or YYYY-MM-DD HH:MM)")
        }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        guard let d = cal.date(from: DateComponents(year: p[0], month: p[1], day: p[2])) else {
            throw BuildError(message: "scenario start '\(scenario.start)' is not a date")
        }
        return d
    }

    /// The instant the simulation starts: the first day's midnight, or the time given with it.
    public static func startDate(_ scenario: SimScenario, _ tz: TimeZone) throws -> Date {
        let day0 = try firstDay(scenario, tz)
        let parts = scenario.start.split(separator: " ")
        guard parts.count > 1 else { return day0 }
        guard parts.count == 2, let t = time(String(parts[1]), day0: day0, tz: tz) else {
            throw BuildError(message: "scenario start '\(scenario.start)': the time of day must be HH:MM")
        }
        return t
    }

    /// "HH:MM" or "D+n HH:MM" relative to the first day's local midnight.
    static func time(_ s: String, day0: Date, tz: TimeZone) -> Date? {
        var dayOffset = 0
        var hm = s.trimmingCharacters(in: .whitespaces)
        if hm.hasPrefix("D+"), let sp = hm.firstIndex(of: " ") {
            dayOffset = Int(hm[hm.index(hm.startIndex, offsetBy: 2)..<sp]) ?? 0
            hm = String(hm[hm.index(after: sp)...])
        }
        guard let m = TimeWindow.minutes(hm) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        guard let day = cal.date(byAdding: .day, value: dayOffset, to: day0) else { return nil }
        return cal.date(bySettingHour: m / 60, minute: m % 60, second: 0, of: day)
    }

    public static func build(config: SiteConfig, scenario: SimScenario) throws -> SimSite {
        let tz = timeZone(config)
        let day0 = try firstDay(scenario, tz)
        let start = try startDate(scenario, tz)
        var rng = SimRandom(seed: scenario.seed)
        var cars: [(Int, SimCar)] = []
        let ids = config.chargepoints.map(\.id)
        for (n, spec) in (scenario.cars ?? []).enumerated() {
            guard let i = ids.firstIndex(of: spec.point) else {
                throw BuildError(message: "scenario car \(n + 1): unknown point '\(spec.point)' (points: \(ids.joined(separator: ", ")))")
            }
            guard let a = time(spec.arrive, day0: day0, tz: tz), let l = time(spec.leave, day0: day0, tz: tz), l > a else {
                throw BuildError(message: "scenario car \(n + 1): arrive/leave must be \"HH:MM\" or \"D+1 HH:MM\" with leave after arrive")
            }
            cars.append((i, SimCar(name: "car\(n + 1)@\(spec.point)", arrival: a, departure: l, batteryKWh: spec.battery_kwh,
                                   socPercent: spec.soc, targetSocPercent: spec.target, phases: spec.phases,
                                   minA: spec.min_a, maxA: spec.max_a)))
        }
        if let g = scenario.generate {
            guard let w = TimeWindow(parse: g.arrive) else { throw BuildError(message: "generate.arrive '\(g.arrive)' is not HH:MM-HH:MM") }
            var count = 0
            // Enough days to cover the run (a run of `hours` may cross midnight).
            let genDays = max(1, Int((start.timeIntervalSince(day0) + scenario.durationS - 1) / 86_400) + 1)
            for d in 0..<genDays {
                for i in ids.indices {
                    var cal = Calendar(identifier: .gregorian)
                    cal.timeZone = tz
                    let day = cal.date(byAdding: .day, value: d, to: day0)!
                    var free = day.addingTimeInterval(Double(w.startMinute) * 60)
                    let windowEnd = day.addingTimeInterval(Double(w.endMinute) * 60)
                    // Visits per point per day: whole part always, fraction by chance.
                    var visits = Int(g.per_point_per_day)
                    if rng.chance(g.per_point_per_day - Double(visits)) { visits += 1 }
                    for _ in 0..<visits {
                        let a = free.addingTimeInterval(rng.range(0, max(60, windowEnd.timeIntervalSince(free))))
                        if a >= windowEnd { break }
                        let stay = rng.range(g.stay_h[0], g.stay_h.count > 1 ? g.stay_h[1] : g.stay_h[0]) * 3600
                        let r = rng.unit()
                        let phases = r < g.one_phase ? 1 : (r < g.one_phase + g.two_phase ? 2 : 3)
                        count += 1
                        let car = SimCar(name: "car\(count)@\(ids[i])", arrival: a, departure: a.addingTimeInterval(stay),
                                         batteryKWh: rng.range(g.battery_kwh[0], g.battery_kwh.count > 1 ? g.battery_kwh[1] : g.battery_kwh[0]),
                                         socPercent: rng.range(g.soc[0], g.soc.count > 1 ? g.soc[1] : g.soc[0]),
                                         targetSocPercent: 100, phases: phases, minA: rng.chance(g.min_8a) ? 8 : 6, maxA: g.max_a)
                        cars.append((i, car))
                        free = car.departure.addingTimeInterval(600)
                    }
                }
            }
        }
        let base = scenario.house.base_w
        let house = SimHouse(baseW: PhaseValues(base[0], base.count > 1 ? base[1] : base[0], base.count > 2 ? base[2] : base[0]),
                             scale: scenario.house.scale, seed: scenario.seed &+ 7)
        var pv: SimPV? = nil
        if let p = scenario.pv { pv = SimPV(peakKW: p.kwp, weather: p.weather.first ?? .clear, timeZone: tz, seed: scenario.seed &+ 11) }
        var hp: SimHeatPump? = nil
        var boiler: SimBoiler? = nil
        for r in config.relays {
            switch r.kind {
            case .sgReady(let sg):
                var powers: [SGState: Double] = [:]
                for (k, v) in sg.powerKW { if let s = SGState(rawValue: k) { powers[s] = v } }
                hp = SimHeatPump(powerKW: powers)
            case .switched(let sw):
                if boiler == nil {
                    boiler = SimBoiler(watts: (scenario.boiler?.kw ?? sw.powerKW) * 1000, dailyKWh: scenario.boiler?.daily_kwh ?? 6)
                }
            }
        }
        let battery = scenario.battery.map { SimBattery(capacityKWh: $0.kwh, maxW: $0.kw * 1000, socPercent: $0.soc ?? 50) }
        return SimSite(config: config, start: start, cars: cars.map { (point: $0.0, car: $0.1) }, house: house, pv: pv,
                       battery: battery, heatPump: hp, boiler: boiler)
    }

    /// The weather of day `n` of the scenario.
    public static func weather(_ scenario: SimScenario, day: Int) -> SimPV.Weather {
        guard let w = scenario.pv?.weather, !w.isEmpty else { return .clear }
        return w[day % w.count]
    }

    /// A configuration with every device replaced by a simulated one (`kwartier demo --config`).
    public static func simulated(_ config: SiteConfig) -> SiteConfig {
        var c = config
        for i in c.chargepoints.indices { c.chargepoints[i].transport = .simulated }
        for i in c.meters.indices {
            switch c.meters[i].kind {
            case let .p1(_, _, stale): c.meters[i].kind = .p1(source: .simulated, passthrough: [], staleAfterS: stale)
            case let .modbus(d, _, stale): c.meters[i].kind = .modbus(driver: d, transport: .simulated, staleAfterS: stale)
            }
        }
        for i in c.inverters.indices { c.inverters[i].transport = .simulated }
        for i in c.outputs.indices { c.outputs[i].kind = .simulated }
        return c
    }
}
