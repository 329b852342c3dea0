import Foundation

/// A relay that switches one device on surplus (boiler, PV contact, accumulator, socket),
/// with timer windows in parallel (SPEC §3.5). Pure, on an injected clock.
///
/// - On when the surplus (as if the device were off) exceeds `on_above_kw + hysteresis_kw`,
///   off when it falls below `on_above_kw`.
/// - Minimum on and off times hold the contact; the first off time counts from the start
///   (the device may have run just before a restart).
/// - Timer windows force the contact on, like the seed's virtual timer wired in parallel; they
///   wait for the minimum off time and work without a meter.
/// - A fresh energy plan (`plan`) takes the timer windows' place: on in its planned quarters
///   (when the device's draw fits the quarter-hour peak headroom and the meter is fresh), else
///   the surplus rule.
/// - Stale main meter: off at once (unless a timer window or a manual override holds it on).
/// - Manual override: on / off at once.
public struct SwitchMachine: Sendable, Equatable, Codable {
    public let id: String
    public let config: SwitchConfig
    public let windows: [TimeWindow]
    public let timeZone: TimeZone
    public private(set) var on: Bool
    public private(set) var changedAt: Date
    public private(set) var reason: String

    /// Windows that do not parse are left out (the configuration loader refuses them first).
    public init(id: String, config: SwitchConfig, timeZone: TimeZone, start now: Date) {
        self.id = id; self.config = config; self.timeZone = timeZone
        windows = config.timers.compactMap { TimeWindow(parse: $0) }
        on = false; changedAt = now
        reason = "start: off"
    }

    public var powerW: Double { config.powerKW * 1000 }
    /// Power the contact takes while on (W).
    public var claimW: Double { on ? powerW : 0 }

    /// The timer window `now` falls in, if any (read on the wall clock of the site's zone).
    public func activeWindow(at now: Date) -> TimeWindow? { windows.first { $0.contains(now, timeZone: timeZone) } }

    /// One decision; `surplusW` is the injection available as if this device were off.
    /// Returns whether the contact changed.
    @discardableResult
    public mutating func step(now: Date, surplusW: Double, meterStale: Bool,
                              override: RuntimeSettings.RelayOverride = .auto, plan: RelayPlanAsk? = nil,
                              peakHeadroomW: Double? = nil) -> Bool {
        if now < changedAt { changedAt = now }
        switch override {
        case .on: return set(true, now: now, reason: "on: manual")
        case .off: return set(false, now: now, reason: "off: manual")
        case .auto: break
        }
        let onAt = (config.onAboveKW + config.hysteresisKW) * 1000, offBelow = config.onAboveKW * 1000
        var planOn: Bool?, planWhy = ""
        if let ask = plan, case .switched(let v) = ask.want {
            // Planned on only while its draw fits what the quarter may still take.
            let fits = peakHeadroomW.map { $0 >= (on ? 0 : powerW) } ?? true
            planOn = v && fits
            planWhy = v && !fits ? "\(ask.why) held back: quarter-hour peak" : ask.why
        }
        let want: Bool, why: String
        if planOn == true && !meterStale {   // unlike a timer, the plan does not hold it on blind
            want = true; why = planWhy
        } else if planOn == nil, let w = activeWindow(at: now) {
            want = true; why = "timer \(w)"
        } else if !config.surplusSwitching {
            want = false; why = planOn == nil ? "outside its timer windows" : planWhy
        } else if meterStale {
            return set(false, now: now, reason: "off: main meter stale (safe state)")
        } else if on {
            want = surplusW >= offBelow
            why = want ? "surplus \(TextFormat.kW(watts: surplusW)) ≥ \(TextFormat.kW(watts: offBelow))"
                       : "surplus \(TextFormat.kW(watts: surplusW)) < \(TextFormat.kW(watts: offBelow))"
        } else {
            want = surplusW > onAt
            why = want ? "surplus \(TextFormat.kW(watts: surplusW)) > \(TextFormat.kW(watts: onAt))"
                       : "surplus \(TextFormat.kW(watts: surplusW)) ≤ \(TextFormat.kW(watts: onAt))" + (planOn == nil ? "" : "; \(planWhy)")
        }
        let word = on ? "on" : "off"
        if want == on { reason = "\(word): \(why)"; return false }
        let minHold = on ? config.minOnS : config.minOffS
        let left = minHold - now.timeIntervalSince(changedAt)
        if left > 0 {
            reason = "\(word), wants \(want ? "on" : "off") (\(why)): minimum \(word) time, \(TextFormat.compactDuration(left)) more"
            return false
        }
        return set(want, now: now, reason: "\(want ? "on" : "off"): \(why)")
    }

    mutating func set(_ v: Bool, now: Date, reason: String) -> Bool {
        self.reason = reason
        guard v != on else { return false }
        on = v; changedAt = now
        return true
    }
}
