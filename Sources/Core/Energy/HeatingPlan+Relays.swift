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
