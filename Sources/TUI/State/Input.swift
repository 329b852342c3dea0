import Foundation
import KwartierCore

/// Key handling: turns a key into state changes and the commands for the core. Pure; the UI
/// loop passes every resulting command to the `onCommand` callback.
extension UIState {
    public mutating func handle(_ key: Key, snapshot s: SiteSnapshot?, now: Date, drivingHardware: Bool) -> [UserCommand] {
        if confirmQuit {
            if key == .char("y") || key == .char("Y") { quit = true } else { confirmQuit = false; say("still running", now: now) }
            return []
        }
        if showHelp { showHelp = false; return [] }
        if screen == .history, historyKey(key, s) { return [] }
        if screen == .plan, planKey(key, s) { return [] }
        if screen == .points, filterKey(key, s) { return [] }

        switch key {
        case .char("?"), .char("h"), .function(1): showHelp = true
        case .char("q"), .char("Q"), .function(10), .ctrl("c"):
            if drivingHardware { confirmQuit = true } else { quit = true }
        case .ctrl("l"): repaintRequested = true
        case .tab: screen = screen.next
        case .backTab: screen = screen.previous
        case .char(let c) where ("1"..."7").contains(c): screen = ScreenID(rawValue: Int(String(c))!)!
        case .up, .char("k"): move(-1, s)
        case .down, .char("j"): move(1, s)
        case .pageUp: move(-10, s)
        case .pageDown: move(10, s)
        case .home: move(-100_000, s)
        case .end: move(100_000, s)
        case .char("+"), .char("="): return slider(by: KeyMap.sliderSmall, s, now)
        case .char("-"), .char("_"): return slider(by: -KeyMap.sliderSmall, s, now)
        case .char(">"), .char("."): return slider(by: KeyMap.sliderLarge, s, now)
        case .char("<"), .char(","): return slider(by: -KeyMap.sliderLarge, s, now)
        case .char("a"): return mode(.auto, s, now)
        case .char("m"): return mode(.manual, s, now)
        case .char("o"): return mode(.off, s, now)
        case .char("]"): return manual(by: KeyMap.manualStep, s, now)
        case .char("["): return manual(by: -KeyMap.manualStep, s, now)
        case .char("u"): return priority(by: 1, s, now)
        case .char("d"): return priority(by: -1, s, now)
        case .char("r"): cycleRelay(1, s)
        case .char("R"): cycleRelay(-1, s)
        case .char("N"): return relay(.on, s, now)
        case .char("F"): return relay(.off, s, now)
        case .char("A"): return relay(.auto, s, now)
        case .char("l"):
            let all = LogLine.Level.allCases
            logLevel = all[(all.firstIndex(of: logLevel)! + 1) % all.count]
            logBack = 0
            say("log: showing \(logLevel.rawValue) and above", now: now)
        default: break
        }
        return []
    }

    mutating func move(_ d: Int, _ s: SiteSnapshot?) {
        guard let s else { return }
        func clamp(_ v: Int, _ n: Int) -> Int { n == 0 ? 0 : min(max(0, v), n - 1) }
        switch screen {
        case .overview: selectedPoint = clamp(selectedPoint + d, s.points.count)
        case .points:
            // Through the points the filter shows, from the selected one (or where it would be).
            let shown = PointFilter.visible(s, pointFilter)
            guard !shown.isEmpty else { return }
            let at = shown.firstIndex { $0 >= selectedPoint } ?? shown.count - 1
            let from = shown[at] == selectedPoint ? at : (d > 0 ? at - 1 : at)
            selectedPoint = shown[clamp(from + d, shown.count)]
        case .boards: boardsTop = clamp(boardsTop + d, s.levels.count)
        case .devices: selectedDevice = clamp(selectedDevice + d, s.devices.count)
        case .log: logBack = max(0, min(logBack - d, max(0, s.log.count - 1)))
        case .history, .plan: break
        }
    }

    mutating func slider(by step: Double, _ s: SiteSnapshot?, _ now: Date) -> [UserCommand] {
        guard let s else { say("no data from the core yet", .warn, now: now); return [] }
        let base = pendingSlider?.value ?? s.sliderKW
        let v = min(KeyMap.sliderRange.upperBound, max(KeyMap.sliderRange.lowerBound, ((base + step) * 10).rounded() / 10))
        guard v != base else { return [] }
        pendingSlider = Pending(value: v, since: now)
        say("slider \(Fmt.kWv(v)) kW sent", now: now)
        return [.setSlider(kW: v)]
    }

    func point(_ s: SiteSnapshot?) -> PointView? {
        guard let s, selectedPoint >= 0, selectedPoint < s.points.count else { return nil }
        return s.points[selectedPoint]
    }

    mutating func mode(_ m: ChargeMode, _ s: SiteSnapshot?, _ now: Date) -> [UserCommand] {
        guard let p = point(s) else { say("no charge point selected", .warn, now: now); return [] }
        say("\(p.id): mode \(m.rawValue) sent", now: now)
        // The core gives a point switched to manual without a manual current its minimum:
        // remember that, so "]" pressed before the next snapshot builds on it.
        if m == .manual && p.manualA == nil && pendingManual[p.id] == nil {
            pendingManual[p.id] = Pending(value: p.minA, since: now)
        }
        pendingMode[p.id] = Pending(value: m, since: now)
        return [.setMode(point: p.id, mode: m)]
    }

    mutating func manual(by step: Double, _ s: SiteSnapshot?, _ now: Date) -> [UserCommand] {
        guard let p = point(s) else { say("no charge point selected", .warn, now: now); return [] }
        let base = pendingManual[p.id]?.value ?? p.manualA ?? max(p.minA, p.setpointA.rounded())
        let v = min(p.maxA, max(p.minA, base + step))
        guard v != base else { say("\(p.id): manual current stays \(Fmt.ampsInt(v)) A (range \(Fmt.ampsInt(p.minA))-\(Fmt.ampsInt(p.maxA)) A)", .warn, now: now); return [] }
        pendingManual[p.id] = Pending(value: v, since: now)
        let hint = (pendingMode[p.id]?.value ?? p.mode) == .manual ? "" : " (used in manual mode: press m)"
        say("\(p.id): manual current \(Fmt.ampsInt(v)) A sent" + hint, now: now)
        return [.setManualCurrent(point: p.id, amps: v)]
    }

    mutating func priority(by step: Int, _ s: SiteSnapshot?, _ now: Date) -> [UserCommand] {
        guard let p = point(s) else { say("no charge point selected", .warn, now: now); return [] }
        let base = pendingPriority[p.id]?.value ?? p.priority
        let v = min(KeyMap.priorityRange.upperBound, max(KeyMap.priorityRange.lowerBound, base + step))
        guard v != base else { return [] }
        pendingPriority[p.id] = Pending(value: v, since: now)
        say("\(p.id): priority \(v) sent", now: now)
        return [.setPriority(point: p.id, priority: v)]
    }

    mutating func cycleRelay(_ d: Int, _ s: SiteSnapshot?) {
        guard let s, !s.relays.isEmpty else { return }
        selectedRelay = (selectedRelay + d + s.relays.count) % s.relays.count
    }

    mutating func relay(_ o: RuntimeSettings.RelayOverride, _ s: SiteSnapshot?, _ now: Date) -> [UserCommand] {
        guard let s, !s.relays.isEmpty else { say("no relays on this site", .warn, now: now); return [] }
        let r = s.relays[min(selectedRelay, s.relays.count - 1)]
        say("relay \(r.id): override \(o.rawValue) sent", now: now)
        return [.setRelayOverride(relay: r.id, override: o)]
    }
}
