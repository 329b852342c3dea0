import Foundation

/// What the plan asks of the heat pump and the boiler in one quarter hour.
public struct HeatingStep: Sendable, Equatable, Codable {
    public var start: Date
    /// The heat pump's SG-Ready state; nil = no heat pump in the plan.
    public var heatPumpSG: SGState?
    /// The boiler heats this quarter; nil = no boiler in the plan.
    public var boilerOn: Bool?
    public init(start: Date, heatPumpSG: SGState?, boilerOn: Bool?) { self.start = start; self.heatPumpSG = heatPumpSG; self.boilerOn = boilerOn }
}

/// Plans the heat pump's SG-Ready state and the boiler's on-quarters from the same prices and
/// forecast the battery is planned on:
///
/// - **Boiler**: its daily energy in the quarters where heating costs least — a quarter's cost is
///   the forecast PV surplus it uses at the injection price (what is given up) and the rest at
///   the take price; the cheaper quarter first, the earlier on a tie. Each local day the horizon
///   covers whole gets the full daily need; the day in progress the share still ahead of it (what
///   was heated earlier today is not known); a day the prices only partly cover is planned once
///   they are known.
/// - **Heat pump**: Boost where the surplus left after the boiler covers Boost's extra draw over
///   Normal or where taking is paid for (a negative take price), Comfort ("recommended on") where
///   it covers Comfort's extra draw or the take price is among the horizon's cheapest
///   (`cheapShare`), Normal otherwise — only states the pump supports. The plan never asks for
///   Off: the utility lock is the real-time peak shaver's, bounded by its 2 h / 1 h rule.
public struct HeatingPlanner: Sendable, Equatable {
    public struct HeatPump: Sendable, Equatable {
        public var states: [SGState]
        /// Draw per state (kW).
        public var normalKW: Double, comfortKW: Double, boostKW: Double
        public init(states: [SGState], normalKW: Double, comfortKW: Double, boostKW: Double) {
            self.states = states; self.normalKW = normalKW; self.comfortKW = comfortKW; self.boostKW = boostKW
        }
        /// The SG-Ready relay's states and powers (the relay's defaults where `power_kw` leaves one out).
        public init(_ sg: SGReadyConfig) {
            self.init(states: sg.states, normalKW: sg.powerKW["normal"] ?? 1.2, comfortKW: sg.powerKW["comfort"] ?? 2,
                      boostKW: sg.powerKW["boost"] ?? 3.5)
        }
    }
    public struct Boiler: Sendable, Equatable {
        public var kw: Double
        public var kwhPerDay: Double
        public init(kw: Double, kwhPerDay: Double) { self.kw = kw; self.kwhPerDay = kwhPerDay }
    }
    public var heatPump: HeatPump?
    public var boiler: Boiler?
    public var timeZone: TimeZone
    /// The share of the horizon's quarters, cheapest first, that counts as cheap for Comfort.
    public var cheapShare: Double = 0.25

    public init(heatPump: HeatPump?, boiler: Boiler?, timeZone: TimeZone) {
        self.heatPump = heatPump; self.boiler = boiler; self.timeZone = timeZone
    }

    public func plan(_ quarters: [QuarterForecast]) -> [HeatingStep] {
        let boilerOn = boiler.map { boilerQuarters($0, quarters) }
        let hp = heatPump.map { pumpStates($0, quarters, boilerOn: boilerOn) }
        return quarters.indices.map { HeatingStep(start: quarters[$0].start, heatPumpSG: hp?[$0], boilerOn: boilerOn?[$0]) }
    }

    /// The forecast PV surplus of a quarter after the house and the cars (kW).
    static func surplusKW(_ q: QuarterForecast) -> Double { max(0, -(q.baseKW + q.carKW)) }

    func boilerQuarters(_ b: Boiler, _ quarters: [QuarterForecast]) -> [Bool] {
        var on = [Bool](repeating: false, count: quarters.count)
        guard b.kw > 0, b.kwhPerDay > 0 else { return on }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let perDay = b.kwhPerDay / (b.kw * 0.25)
        var days: [Date: [Int]] = [:]
        for (i, q) in quarters.enumerated() { days[cal.startOfDay(for: q.start), default: []].append(i) }
        for (day, idx) in days {
            guard let dayEnd = cal.date(byAdding: .day, value: 1, to: day),
                  quarters[idx.last!].start.addingTimeInterval(900) >= dayEnd else { continue }    // prices not known to its end
            let dayQuarters = dayEnd.timeIntervalSince(day) / 900
            // The day in progress: its share still ahead; a whole day: all of it.
            let share = idx.first == 0 ? Double(idx.count) / dayQuarters : 1
            let need = Int((perDay * share - 1e-9).rounded(.up))
            let cost: (Int) -> Double = { i in
                let q = quarters[i], used = min(b.kw, Self.surplusKW(q))
                return used * q.injectPrice + (b.kw - used) * q.takePrice
            }
            for i in idx.sorted(by: { (cost($0), $0) < (cost($1), $1) }).prefix(need) { on[i] = true }
        }
        return on
    }

    func pumpStates(_ p: HeatPump, _ quarters: [QuarterForecast], boilerOn: [Bool]?) -> [SGState] {
        let sorted = quarters.map(\.takePrice).sorted()
        let cheapLimit = sorted.isEmpty ? -Double.infinity : sorted[max(0, Int((Double(sorted.count) * cheapShare).rounded(.up)) - 1)]
        let boost = p.states.contains(.boost), comfort = p.states.contains(.comfort)
        return quarters.indices.map { i in
            let q = quarters[i]
            let surplus = Self.surplusKW(q) - ((boilerOn?[i] ?? false) ? boiler?.kw ?? 0 : 0)
            if boost && (surplus >= p.boostKW - p.normalKW - 1e-9 || q.takePrice < 0) { return .boost }
            if comfort && (surplus >= p.comfortKW - p.normalKW - 1e-9 || q.takePrice <= cheapLimit) { return .comfort }
            if boost && q.takePrice <= cheapLimit { return .boost }
            return .normal
        }
    }
}

extension HeatingPlanner {
    /// The heating plan of `config.energy` (`heat_pump`, `boiler`); nil when it names neither.
    public init?(_ config: SiteConfig, timeZone: TimeZone) {
        guard let e = config.energy else { return nil }
        let pump = e.heatPumpRelay.flatMap { id in config.relays.first { $0.id == id } }.flatMap { r -> HeatPump? in
            if case .sgReady(let sg) = r.kind { return HeatPump(sg) }
            return nil
        }
        let boiler = e.boiler.map { Boiler(kw: $0.kw, kwhPerDay: $0.kwhPerDay) }
        guard pump != nil || boiler != nil else { return nil }
        self.init(heatPump: pump, boiler: boiler, timeZone: timeZone)
    }
}
