import Foundation

/// The Smart-Grid-Ready heat pump's state machine (SPEC §3.4), pure, on an injected clock.
///
/// Rules, all from the seeds:
/// - Up (Off → Normal → Comfort → Boost) one supported state at a time, on surplus (injection)
///   above the comfort / boost thresholds; a state reached moving up is held for the preset's
///   time (charging hub 10 / 15 / 10 min, home module 5 / 10 / 5 min for Normal / Comfort / Boost).
/// - Down one supported state at a time when the surplus falls below threshold − hysteresis;
///   a state reached moving down lasts at least 1 min.
/// - Off (utility lock) only to shave the quarter-hour peak, at most 2 h, then Normal for at
///   least 1 h with Off locked. The 2 h count over Off periods that follow each other with less
///   than 1 h outside Off between them, so short peaks cannot chain into a longer lock. A shorter
///   Off simply moves up to Normal, held for Normal's up-time (the seeds' "Arrêt → Normal").
/// - Unsupported states are never selected; Normal (both contacts open) is always available.
/// - Stale main meter: Normal at once (safe state), whatever the hold.
/// - A fresh energy plan (`plan`) raises the target to its state (the higher of the two), only
///   as far as the extra draw fits the quarter-hour peak headroom, never while the peak asks for
///   Off; the dwell and Off rules above still decide when the pump moves.
/// - Manual override: on = the highest supported state, off = Off (or Normal), at once; the
///   2 h / 1 h Off rule still holds.
public struct SGReadyMachine: Sendable, Equatable, Codable {
    public let id: String
    public let config: SGReadyConfig
    public private(set) var state: SGState
    public private(set) var enteredAt: Date
    /// Minimum time in the current state, fixed when it was entered (s).
    public private(set) var holdS: Double
    /// Off may not be entered before this time (1 h after Off reached its 2 h).
    public private(set) var offLockedUntil: Date?
    /// Off time used by earlier Off periods of the present run (s), and when the last one ended.
    public private(set) var offUsedS: Double = 0
    public private(set) var lastOffEndedAt: Date?
    /// Why the pump is in its state, for the dashboard.
    public private(set) var reason: String

    public init(id: String, config: SGReadyConfig, start now: Date) {
        self.id = id; self.config = config
        state = .normal; enteredAt = now; holdS = SGRules.downHoldS
        reason = "start: Normal (the pump's own regulation)"
    }

    /// Supported states, lowest first; Normal is always there.
    public var supported: [SGState] { SGState.allCases.filter { $0 == .normal || config.states.contains($0) } }
    public func supports(_ s: SGState) -> Bool { supported.contains(s) }

    /// Configured power of a state (W); 0 when not configured.
    public func powerW(_ s: SGState) -> Double { (config.powerKW[s.rawValue] ?? 0) * 1000 }
    /// Surplus the current state takes above Normal (W): what Comfort/Boost add to the pump's own draw.
    public var claimW: Double { max(0, powerW(state) - powerW(.normal)) }

    /// Time left in the current state's hold (s), 0 when free to move.
    public func holdLeftS(at now: Date) -> Double { max(0, holdS - now.timeIntervalSince(enteredAt)) }

    /// One decision. `surplusW` is the injection the pump may use, as if it were in Normal;
    /// `peakHeadroomW` what the site may still draw now without the quarter exceeding the slider
    /// (nil = unknown). Returns whether the state changed.
    @discardableResult
    public mutating func step(now: Date, surplusW: Double, peakHeadroomW: Double?, meterStale: Bool,
                              override: RuntimeSettings.RelayOverride = .auto, plan: RelayPlanAsk? = nil) -> Bool {
        if now < enteredAt { enteredAt = now }   // the clock went back: restart the hold from now
        let elapsed = now.timeIntervalSince(enteredAt)

        if state == .off && offUsedS + elapsed >= SGRules.maxOffS {
            leaveOff(to: .normal, now: now, forced: true,
                     reason: "Normal: Off reached its 2 h limit; Normal for at least 1 h")
            return true
        }
        switch override {
        case .on:
            let top = supported.last!
            return jump(to: top, now: now, why: "manual: \(top.title)")
        case .off:
            if supports(.off), offAllowed(now) { return jump(to: .off, now: now, why: "manual: Off") }
            if !supports(.off) { return jump(to: .normal, now: now, why: "manual off: this pump has no Off state; Normal") }
            return jump(to: .normal, now: now, why: "manual off: Off is locked for \(TextFormat.compactDuration(offLockedUntil!.timeIntervalSince(now))) more (Normal 1 h after 2 h Off); Normal")
        case .auto:
            break
        }
        if meterStale {
            if state == .normal { reason = "Normal: main meter stale (safe state)"; return false }
            if state == .off {
                leaveOff(to: .normal, now: now, forced: false, reason: "Normal: main meter stale (safe state)")
            } else {
                enter(.normal, now: now, hold: SGRules.downHoldS, reason: "Normal: main meter stale (safe state)")
            }
            return true
        }

        var (target, why) = target(now: now, surplusW: surplusW, peakHeadroomW: peakHeadroomW)
        if let ask = plan, case .sg(let p) = ask.want { (target, why) = planned(p, why: ask.why, over: (target, why), peakHeadroomW: peakHeadroomW) }
        let desired = supported.filter { $0 <= target }.max() ?? .normal
        if desired == state { reason = "\(state.title): \(why)"; return false }
        let left = holdLeftS(at: now)
        if left > 0 {
            reason = "\(state.title), wants \(desired.title) (\(why)): held \(TextFormat.compactDuration(left)) more"
            return false
        }
        // One supported state at a time, so each state on the way gets its dwell.
        let next = desired > state ? supported.filter { $0 > state }.min()! : supported.filter { $0 < state }.max()!
        let text = next == desired ? "\(next.title): \(why)" : "\(next.title) on the way to \(desired.title): \(why)"
        if state == .off {
            leaveOff(to: next, now: now, forced: false, reason: text)
        } else if next > state {
            enter(next, now: now, hold: config.preset.upHoldS(next), reason: text)
        } else if next == .off {
            enterOff(now: now, reason: text)
        } else {
            enter(next, now: now, hold: SGRules.downHoldS, reason: text)
        }
        return true
    }

    /// What the surplus and the quarter-hour peak ask for, with the reason in words.
    func target(now: Date, surplusW: Double, peakHeadroomW: Double?) -> (SGState, String) {
        let hyst = config.hysteresisKW * 1000
        if config.shavePeak, supports(.off), let h = peakHeadroomW {
            if state == .off {
                // The pump's Normal draw must fit again before it is released.
                let need = powerW(.normal) + hyst
                if h < need {
                    let left = SGRules.maxOffS - offUsedS - now.timeIntervalSince(enteredAt)
                    return (.off, "quarter-hour peak: headroom \(TextFormat.kW(watts: h)) < \(TextFormat.kW(watts: need)) needed to release; \(TextFormat.compactDuration(left)) of Off left")
                }
            } else if h < 0 {
                if offAllowed(now) {
                    return (.off, "quarter-hour peak: \(TextFormat.kW(watts: -h)) over the slider budget")
                }
            }
        }
        let comfort = config.comfortAboveKW * 1000, boost = config.boostAboveKW * 1000
        let s = TextFormat.kW(watts: surplusW)
        if surplusW > boost { return (.boost, "surplus \(s) > boost \(TextFormat.kW(watts: boost))") }
        if state == .boost && surplusW >= boost - hyst {
            return (.boost, "surplus \(s) within the hysteresis of boost \(TextFormat.kW(watts: boost))")
        }
        if surplusW > comfort { return (.comfort, "surplus \(s) > comfort \(TextFormat.kW(watts: comfort))") }
        if state >= .comfort && surplusW >= comfort - hyst {
            return (.comfort, "surplus \(s) within the hysteresis of comfort \(TextFormat.kW(watts: comfort))")
        }
        if state == .off { return (.normal, "quarter-hour peak over") }
        return (.normal, "surplus \(s) below comfort \(TextFormat.kW(watts: comfort))")
    }

    /// The plan's state when above the surplus target: the highest supported state up to it whose
    /// extra draw over the present state fits the quarter-hour peak headroom.
    func planned(_ p: SGState, why planWhy: String, over t: (SGState, String), peakHeadroomW: Double?) -> (SGState, String) {
        guard t.0 != .off, p > t.0 else { return t }
        let fits = supported.filter { $0 > t.0 && $0 <= p }
            .filter { s in peakHeadroomW.map { powerW(s) - powerW(state) <= $0 } ?? true }
        guard let s = fits.max() else { return (t.0, "\(t.1); \(planWhy) held back: quarter-hour peak") }
        return (s, planWhy)
    }

    func offAllowed(_ now: Date) -> Bool { offLockedUntil.map { now >= $0 } ?? true }

    /// Manual move: straight to the state, no dwell wait; the dwell of the new state still counts.
    mutating func jump(to s: SGState, now: Date, why: String) -> Bool {
        if s == state { reason = why; return false }
        if state == .off {
            leaveOff(to: s, now: now, forced: false, reason: why)
        } else if s == .off {
            enterOff(now: now, reason: why)
        } else {
            enter(s, now: now, hold: s > state ? config.preset.upHoldS(s) : SGRules.downHoldS, reason: why)
        }
        return true
    }

    mutating func enterOff(now: Date, reason: String) {
        // A new run of Off periods once the pump had an hour outside Off.
        if let end = lastOffEndedAt, now.timeIntervalSince(end) < SGRules.normalAfterOffS {} else { offUsedS = 0 }
        enter(.off, now: now, hold: SGRules.downHoldS, reason: reason)
    }

    /// `forced`: Off used its 2 h: Normal for at least 1 h, Off locked as long.
    mutating func leaveOff(to s: SGState, now: Date, forced: Bool, reason: String) {
        offUsedS += max(0, now.timeIntervalSince(enteredAt))
        lastOffEndedAt = now
        if forced {
            offLockedUntil = now.addingTimeInterval(SGRules.normalAfterOffS)
            enter(.normal, now: now, hold: max(SGRules.normalAfterOffS, config.preset.upHoldS(.normal)), reason: reason)
        } else {
            enter(s, now: now, hold: config.preset.upHoldS(s), reason: reason)
        }
    }

    mutating func enter(_ s: SGState, now: Date, hold: Double, reason: String) {
        state = s; enteredAt = now; holdS = hold; self.reason = reason
    }
}
