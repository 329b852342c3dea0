import Foundation

/// The heating plan turned into what it asks of the heat pump's and the boiler's relays in the
/// running quarter, with the stretch of quarters it belongs to for the reason text.
public enum HeatingRelayAsks {
    /// The asks at `now` by relay id; empty when the plan does not cover the running quarter.
    public static func at(_ now: Date, plan: [HeatingStep], heatPump: String?, boiler: String?,
                          timeZone: TimeZone) -> [String: RelayPlanAsk] {
        guard let i = plan.firstIndex(where: { $0.start <= now && now < $0.start.addingTimeInterval(900) }) else { return [:] }
        var out: [String: RelayPlanAsk] = [:]
        if let id = heatPump, let s = plan[i].heatPumpSG {
            let (a, b) = run(plan, around: i) { $0.heatPumpSG == s }
            out[id] = RelayPlanAsk(.sg(s), why: "plan: \(s.title) \(span(plan, a, b, timeZone))")
        }
        if let id = boiler, let on = plan[i].boilerOn {
            if on {
                let (a, b) = run(plan, around: i) { $0.boilerOn == true }
                out[id] = RelayPlanAsk(.switched(true), why: "plan: cheapest quarters \(span(plan, a, b, timeZone))")
            } else if let n = plan[i...].firstIndex(where: { $0.boilerOn == true }) {
                let (a, b) = run(plan, around: n) { $0.boilerOn == true }
                out[id] = RelayPlanAsk(.switched(false), why: "plan: next cheapest quarters \(span(plan, a, b, timeZone))")
            } else {
                out[id] = RelayPlanAsk(.switched(false), why: "plan: no quarter planned ahead")
            }
        }
        return out
    }

    /// The first and last index of the stretch around `i` where `same` holds.
    static func run(_ plan: [HeatingStep], around i: Int, _ same: (HeatingStep) -> Bool) -> (Int, Int) {
        var a = i, b = i
        while a > 0 && same(plan[a - 1]) && plan[a - 1].start.addingTimeInterval(900) == plan[a].start { a -= 1 }
        while b + 1 < plan.count && same(plan[b + 1]) && plan[b].start.addingTimeInterval(900) == plan[b + 1].start { b += 1 }
        return (a, b)
    }

    /// "02:00–03:30" on the site's wall clock.
    static func span(_ plan: [HeatingStep], _ a: Int, _ b: Int, _ tz: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = tz; f.dateFormat = "HH:mm"
        return "\(f.string(from: plan[a].start))–\(f.string(from: plan[b].start.addingTimeInterval(900)))"
    }
}

extension HomeEnergyController {
    /// Plans the heat pump and the boiler of `config.energy` with the battery, for their relays.
    public mutating func planHeating(_ config: SiteConfig, timeZone: TimeZone) {
        heating = HeatingPlanner(config, timeZone: timeZone)
        heatPumpRelay = heating?.heatPump == nil ? nil : config.energy?.heatPumpRelay
        boilerRelay = heating?.boiler == nil ? nil : config.energy?.boiler?.relay
    }

    /// What the heating plan asks of its relays now; empty unless the mode is `plan` and the
    /// prices are fresh (the relays then keep their own surplus and timer rules).
    public func relayAsks(now: Date) -> [String: RelayPlanAsk] {
        guard mode == .plan, pricesFresh(at: now), let h = heating else { return [:] }
        return HeatingRelayAsks.at(now, plan: heatingPlan, heatPump: heatPumpRelay, boiler: boilerRelay, timeZone: h.timeZone)
    }
}
