import Foundation

/// What the alert evaluator looks at, once per decision (SPEC §3.6).
public struct AlertInput: Sendable, Equatable {
    public struct Stale: Sendable, Equatable {
        public var id: String
        public var ageS: Double
        /// The main meter (critical: the core is in its safe state) or another meter.
        public var main: Bool
        public init(id: String, ageS: Double, main: Bool = false) { self.id = id; self.ageS = ageS; self.main = main }
    }
    /// Site consumption (kW): grid import plus own production when known, else grid import.
    public var consumptionKW: Double?
    /// Own production (kW), e.g. PV.
    public var productionKW: Double?
    /// Forecast average of the running quarter (kW).
    public var forecastPeakKW: Double?
    public var staleMeters: [Stale]
    /// Devices (charge points, meters, inverters) the I/O workers have lost.
    public var lostDevices: [String]
    public var sliderKW: Double?
    /// The uncontrollable load alone will take the running quarter above the slider.
    public var quarterOver: UncontrollableForecast?
    /// Start of the running quarter (a quarter-over alert lasts until it ends).
    public var quarterStart: Date?
    /// Lines the uncontrollable load alone holds over or near their limit.
    public var limitOverloads: [LimitOverload] = []

    public init(consumptionKW: Double? = nil, productionKW: Double? = nil, forecastPeakKW: Double? = nil,
                staleMeters: [Stale] = [], lostDevices: [String] = [], sliderKW: Double? = nil,
                quarterOver: UncontrollableForecast? = nil, quarterStart: Date? = nil) {
        self.consumptionKW = consumptionKW; self.productionKW = productionKW; self.forecastPeakKW = forecastPeakKW
        self.staleMeters = staleMeters; self.lostDevices = lostDevices; self.sliderKW = sliderKW
        self.quarterOver = quarterOver; self.quarterStart = quarterStart
    }

    /// From a decision and the readings around it: consumption = grid + PV (or the import alone),
    /// the quarter's forecast, lost points (those the decision explains as lost).
    public static func from(decision d: Decision, gridPowerW: Double?, pvW: Double?, mainMeterId: String = "main meter",
                            gridAgeS: Double? = nil, otherStale: [Stale] = [], otherLost: [String] = [],
                            sliderKW: Double? = nil) -> AlertInput {
        var consumption: Double? = nil
        if let g = gridPowerW { consumption = max(0, g + (pvW ?? 0)) / 1000 }
        var stale = otherStale
        if d.safeState { stale.insert(Stale(id: mainMeterId, ageS: gridAgeS ?? .infinity, main: true), at: 0) }
        let lost = d.points.filter { $0.explanation.kind == .lost }.map(\.id) + otherLost
        return AlertInput(consumptionKW: consumption, productionKW: pvW.map { max(0, $0) / 1000 },
                          forecastPeakKW: d.quarter?.forecastKW, staleMeters: stale, lostDevices: lost, sliderKW: sliderKW,
                          quarterOver: d.uncontrollable, quarterStart: d.quarter?.start)
            .with(limitOverloads: d.limitOverloads)
    }

    func with(limitOverloads l: [LimitOverload]) -> AlertInput { var c = self; c.limitOverloads = l; return c }
}

/// A raised or cleared alert, for the log, the dashboard and the hook (JSON on its stdin).
public struct AlertEvent: Sendable, Equatable, Codable {
    public var time: Date
    public var key: String
    public var level: AlertView.Level
    public var text: String
    /// true = raised, false = cleared.
    public var active: Bool
    public var value: Double?
    public var threshold: Double?
    public init(time: Date, key: String, level: AlertView.Level, text: String, active: Bool, value: Double? = nil, threshold: Double? = nil) {
        self.time = time; self.key = key; self.level = level; self.text = text; self.active = active
        self.value = value; self.threshold = threshold
    }
    public var view: AlertView { AlertView(time: time, level: level, key: key, text: text, active: active) }

    /// One line of JSON: {"active":true,"key":"consumption","level":"warning","text":"…","threshold":10,"time":"2025-…Z","value":12.3}
    public func json() -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        enc.dateEncodingStrategy = .iso8601
        return (try? enc.encode(self)) ?? Data("{}".utf8)
    }
}

/// Raises and clears alerts with hysteresis (SPEC §3.6): a threshold alert rises when its value
/// goes above the threshold and clears only when it falls below threshold − hysteresis; a stale
/// meter or a lost device is an alert while it lasts. Pure: the caller logs the events, shows
/// `active`, and hands the events to the hook.
public struct AlertEvaluator: Sendable {
    public var config: AlertConfig
    public var billedFloorKW: Double
    public private(set) var active: [String: AlertView] = [:]
    /// Recent events, newest last (for the dashboard's alert list).
    public private(set) var recent: [AlertEvent] = []
    /// The quarter the active quarter-over alert is about.
    private var quarterOverStart: Date?
    /// Since when each line has been over its limit from the uncontrollable load alone.
    private var limitOverSince: [String: Date] = [:]
    /// A line must stay over this long before its alert rises: the points' readings lag the
    /// meter's by a round, so a car that just stopped can look like house load for a moment.
    public static let limitOverAfterS = 5.0
    public var recentLimit = 50

    public init(config: AlertConfig, billedFloorKW: Double = 2.5) {
        self.config = config; self.billedFloorKW = billedFloorKW
    }

    /// Active alerts, oldest first.
    public var activeAlerts: [AlertView] { active.values.sorted { ($0.time, $0.key) < ($1.time, $1.key) } }

    public mutating func evaluate(_ input: AlertInput, now: Date) -> [AlertEvent] {
        var events: [AlertEvent] = []
        let h = config.hysteresisKW
        threshold("consumption", "consumption", input.consumptionKW, config.consumptionAboveKW, h, .warning, now, &events)
        threshold("production", "production", input.productionKW, config.productionAboveKW, h, .info, now, &events)
        threshold("forecast-peak", "forecast quarter peak", input.forecastPeakKW, config.forecastPeakAboveKW, h, .warning, now, &events)

        var present = Set<String>()
        for s in input.staleMeters {
            let key = "stale:" + s.id
            present.insert(key)
            if active[key] == nil {
                let age = s.ageS.isFinite ? "stale \(secs(s.ageS)) s" : "no reading"
                let text = "meter \(s.id) \(age)" + (s.main ? ": charge points at their minimum (safe state)" : "")
                raise(key, s.main ? .critical : .warning, text, nil, nil, now, &events)
            }
        }
        for id in input.lostDevices {
            let key = "lost:" + id
            present.insert(key)
            if active[key] == nil { raise(key, .warning, "device \(id) lost", nil, nil, now, &events) }
        }
        if let s = input.sliderKW {
            let key = "slider-floor"
            if s < billedFloorKW {
                present.insert(key)
                if active[key] == nil {
                    raise(key, .info, "slider \(fmt1(s)) kW is below the \(fmt1(billedFloorKW)) kW Flanders bills at least", s, billedFloorKW, now, &events)
                }
            }
        }
        // Once per quarter: raised when the forecast first says so, cleared when that quarter is
        // over (the forecast moves with the house every second; the alert does not).
        if let q = input.quarterOver {
            let key = "quarter-over:" + q.quarterLabel
            present.insert(key)
            if active[key] == nil { raise(key, .warning, q.text, q.closeKW, q.targetKW, now, &events); quarterOverStart = q.quarterStart }
        } else if let s = quarterOverStart, s == input.quarterStart {
            for key in active.keys where key.hasPrefix("quarter-over:") { present.insert(key) }
        }
        // A fuse the uncontrollable load holds over its limit: raised after it lasted, kept while
        // the load stays within the hysteresis under the limit.
        var over = Set<String>()
        for o in input.limitOverloads {
            if active[o.key] != nil { present.insert(o.key); continue }
            guard o.amps > o.limitA else { continue }
            over.insert(o.key)
            let since = limitOverSince[o.key] ?? now
            limitOverSince[o.key] = since
            if now.timeIntervalSince(since) >= Self.limitOverAfterS {
                present.insert(o.key)
                raise(o.key, .warning, o.text, o.amps, o.limitA, now, &events)
            }
        }
        if !limitOverSince.isEmpty { limitOverSince = limitOverSince.filter { over.contains($0.key) } }
        for key in active.keys.sorted() where (key.hasPrefix("stale:") || key.hasPrefix("lost:") || key == "slider-floor"
                                               || key.hasPrefix("quarter-over:") || key.hasPrefix("limit-over:")) && !present.contains(key) {
            let text: String
            if key.hasPrefix("stale:") { text = "meter \(key.dropFirst(6)) fresh again" }
            else if key.hasPrefix("lost:") { text = "device \(key.dropFirst(5)) back" }
            else if key.hasPrefix("quarter-over:") { text = "quarter \(key.dropFirst(13)) closed" }
            else if key.hasPrefix("limit-over:") { text = "\(key.dropFirst(11)) back under its limit" }
            else { text = "slider back at or above \(fmt1(billedFloorKW)) kW" }
            clear(key, text, nil, nil, now, &events)
        }
        return events
    }

    private mutating func threshold(_ key: String, _ name: String, _ value: Double?, _ limit: Double?, _ h: Double,
                                    _ level: AlertView.Level, _ now: Date, _ events: inout [AlertEvent]) {
        guard let limit else {
            if active[key] != nil { clear(key, "\(name) alert removed from the configuration", nil, nil, now, &events) }
            return
        }
        guard let v = value else { return }
        if active[key] == nil {
            if v > limit { raise(key, level, "\(name) \(fmt1(v)) kW above \(fmt1(limit)) kW", v, limit, now, &events) }
        } else if v < limit - h {
            clear(key, "\(name) back to \(fmt1(v)) kW (below \(fmt1(limit - h)) kW)", v, limit, now, &events)
        }
    }

    private mutating func raise(_ key: String, _ level: AlertView.Level, _ text: String, _ v: Double?, _ limit: Double?,
                                _ now: Date, _ events: inout [AlertEvent]) {
        let e = AlertEvent(time: now, key: key, level: level, text: text, active: true, value: v, threshold: limit)
        active[key] = e.view
        record(e, &events)
    }

    private mutating func clear(_ key: String, _ text: String, _ v: Double?, _ limit: Double?, _ now: Date, _ events: inout [AlertEvent]) {
        let level = active[key]?.level ?? .info
        active[key] = nil
        record(AlertEvent(time: now, key: key, level: level, text: text, active: false, value: v, threshold: limit), &events)
    }

    private mutating func record(_ e: AlertEvent, _ events: inout [AlertEvent]) {
        events.append(e)
        recent.append(e)
        if recent.count > recentLimit { recent.removeFirst(recent.count - recentLimit) }
    }
}
