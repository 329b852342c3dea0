import Foundation

/// The plan in one line (`kwartier status`, the dashboard's Plan screen):
/// "plan: battery charging 2.5 kW until 04:00, next discharge 18:00–21:00, price now 0.21 €/kWh".
extension PlanView {
    public enum BatteryKind: String, Sendable { case charge, discharge, idle }

    /// Below this (kW) the battery counts as idle.
    public static let idleKW = 0.05

    public static func kind(_ batteryKW: Double) -> BatteryKind {
        batteryKW > idleKW ? .charge : batteryKW < -idleKW ? .discharge : .idle
    }

    /// Consecutive quarters of one battery kind: indices `from..<to` of `steps`.
    public func runs() -> [(kind: BatteryKind, from: Int, to: Int)] {
        var out: [(kind: BatteryKind, from: Int, to: Int)] = []
        for (i, s) in steps.enumerated() {
            let k = Self.kind(s.batteryKW)
            if let last = out.last, last.kind == k, last.to == i { out[out.count - 1].to = i + 1 } else { out.append((kind: k, from: i, to: i + 1)) }
        }
        return out
    }

    /// The end of the quarters before index `k` (the start of step `k`, or the last step's end).
    func end(_ k: Int) -> Date { k < steps.count ? steps[k].start : steps[steps.count - 1].start.addingTimeInterval(900) }

    /// The index of the step running at `now` (the first one when `now` is before the plan).
    public func index(at now: Date) -> Int? {
        guard !steps.isEmpty else { return nil }
        return steps.firstIndex { $0.start <= now && now < $0.start.addingTimeInterval(900) } ?? (now < steps[0].start ? 0 : nil)
    }

    public func summary(now: Date, timeZone: TimeZone) -> String {
        guard let i = index(at: now) else { return "plan: none (\(reason ?? "the plan ended"))" }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        func hm(_ d: Date) -> String {
            let c = cal.dateComponents([.hour, .minute], from: d)
            return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        }
        let all = runs()
        let r = all.firstIndex { $0.from <= i && i < $0.to }!
        let cur = all[r]
        let kw = TextFormat.fixed(abs(steps[i].batteryKW), 1)
        var parts: [String]
        switch cur.kind {
        case .charge: parts = ["battery charging \(kw) kW until \(hm(end(cur.to)))"]
        case .discharge: parts = ["battery discharging \(kw) kW until \(hm(end(cur.to)))"]
        case .idle: parts = ["battery idle until \(hm(end(cur.to)))"]
        }
        if let n = all[(r + 1)...].first(where: { $0.kind != .idle && $0.kind != cur.kind }) {
            parts.append("next \(n.kind.rawValue) \(hm(steps[n.from].start))–\(hm(end(n.to)))")
        }
        if let from = steps[i...].firstIndex(where: { $0.carKW > Self.idleKW }) {
            let to = steps[from...].firstIndex { $0.carKW <= Self.idleKW } ?? steps.count
            parts.append("car \(hm(steps[from].start))–\(hm(end(to)))")
        }
        parts.append("price now \(TextFormat.fixed(steps[i].takeEurPerKWh, 2)) €/kWh")
        return "plan: " + parts.joined(separator: ", ")
    }
}
