import Foundation

/// The home energy manager as the site loop runs it: the controller's command at each decision,
/// turned into what goes to the inverter — only a real change (or a refresh a minute on), one
/// write at a time, so a slow inverter is never flooded. Without a fresh meter and inverter
/// reading everything is handed back to the inverter's own control.
public struct LoopEnergy: Sendable {
    public private(set) var controller: HomeEnergyController
    /// The inverter's index in `SiteDevices.inverters`, and its id.
    public let inverter: Int
    public let inverterId: String
    /// The last setting written (or being written).
    public private(set) var sent: InverterSetting?
    var sentMono = -Double.infinity
    var busy = false
    var retryAtMono = -Double.infinity
    var lastMono: Double?
    /// The inverter refused or did not answer the last write (logged once).
    var writeFailing = false
    /// The price source's problem while its alert is raised.
    public private(set) var priceProblem: String?
    /// The weather source's problem while its alert is raised.
    public private(set) var weatherProblem: String?

    /// An unchanged setting is written again this often (an inverter that lost it, restarted).
    public static let refreshS = 60.0
    /// A failed write is tried again after this long.
    public static let retryS = 10.0
    public static let released = InverterSetting(batteryW: nil, pvLimitW: nil)

    public init(controller: HomeEnergyController, inverter: Int, inverterId: String) {
        self.controller = controller; self.inverter = inverter; self.inverterId = inverterId
    }

    /// The manager of `config.energy`, when it has a battery or curtails and its inverter is polled.
    public static func make(config: SiteConfig, devices: SiteDevices) -> LoopEnergy? {
        guard let e = config.energy, e.battery != nil || e.curtail else { return nil }
        guard let id = e.inverter ?? devices.inverters.first, let i = devices.inverters.firstIndex(of: id) else { return nil }
        let tz = TimeZone(identifier: config.site.timeZone) ?? TimeZone(identifier: "UTC")!
        let f = HomeForecaster(arrays: e.pv, latitude: e.latitude, longitude: e.longitude, timeZone: tz)
        let c = HomeEnergyController(mode: e.mode, battery: e.battery, formula: e.formula, tariff: e.capacityTariff,
                                     sliderKW: config.site.sliderKW, canCurtail: e.curtail, forecaster: f, prices: nil,
                                     horizonH: e.horizonH, staleAfterH: e.staleAfterH)
        var l = LoopEnergy(controller: c, inverter: i, inverterId: id)
        l.controller.planHeating(config, timeZone: tz)
        return l
    }

    public mutating func setPrices(_ s: PriceSeries) { controller.prices = s }

    /// The history's load profile, read at start (`SiteLoop.seedLoadProfile`).
    public mutating func seedLoadProfile(_ p: LoadProfile) { controller.forecaster.history = p; controller.invalidatePlan() }

    public mutating func setCars(_ cars: [CarDemand]) { if cars != controller.cars { controller.cars = cars } }

    /// One decision's control: the setting to write now, or nil (no change worth a write, a
    /// write in flight, or waiting to retry). `reading` nil: no fresh meter or inverter.
    public mutating func step(now: Date, mono: Double, reading: HomeEnergyController.Reading?, sliderKW: Double) -> InverterSetting? {
        let dt = lastMono.map { min(5, max(0, mono - $0)) } ?? 1
        lastMono = mono
        controller.sliderKW = sliderKW
        // `off`: the inverter keeps its own control; not even a release is written.
        guard controller.mode != .off else {
            if let r = reading { _ = controller.step(now: now, dt: dt, r) }
            return nil
        }
        var want = Self.released
        if let r = reading {
            let cmd = controller.step(now: now, dt: dt, r)
            want = InverterSetting(batteryW: cmd.batteryW, pvLimitW: cmd.pvLimitW)
        }
        guard !busy, mono >= retryAtMono else { return nil }
        if let s = sent, !Self.differs(s, want) {
            // A released inverter needs no refresh; a held setting does.
            guard s != Self.released, mono - sentMono >= Self.refreshS else { return nil }
        }
        sent = want
        sentMono = mono
        busy = true
        return want
    }

    /// The inverter's answer. Returns a line to log when the state of the writes changes.
    public mutating func answered(_ r: Result<InverterSetting, DeviceFailure>, mono: Double) -> (SiteLogLevel, String)? {
        busy = false
        switch r {
        case .success:
            guard writeFailing else { return nil }
            writeFailing = false
            return (.notice, "energy: \(inverterId) takes the battery and PV settings again")
        case .failure(let e):
            sent = nil
            retryAtMono = mono + Self.retryS
            guard !writeFailing else { return nil }
            writeFailing = true
            return (.warning, "energy: \(inverterId) refused the battery/PV setting: \(e)")
        }
    }

    /// Whether `b` is worth a write over `a`: a part switched on or off, or moved by 100 W and 5 %.
    static func differs(_ a: InverterSetting, _ b: InverterSetting) -> Bool {
        func d(_ x: Double?, _ y: Double?) -> Bool {
            switch (x, y) {
            case (nil, nil): return false
            case let (x?, y?): return abs(x - y) >= max(100, 0.05 * max(abs(x), abs(y)))
            default: return true
            }
        }
        return d(a.batteryW, b.batteryW) || d(a.pvLimitW, b.pvLimitW)
    }

    /// The price source's state as an alert to raise or clear, when it changed.
    public mutating func pricesArrived(_ u: PriceUpdate, now: Date) -> AlertEvent? {
        if let s = u.series { controller.prices = s }
        return Self.sourceAlert("prices", u.problem, &priceProblem, now: now)
    }

    /// New cloud cover: the PV forecast follows it and the plan is made again.
    public mutating func weatherArrived(_ u: WeatherUpdate, now: Date) -> AlertEvent? {
        if let c = u.cloudCover, c != controller.forecaster.cloudCover {
            controller.forecaster.cloudCover = c
            controller.invalidatePlan()
        }
        return Self.sourceAlert("weather", u.problem, &weatherProblem, now: now)
    }

    /// A source's alert: raised on its first problem, cleared when it answers again.
    static func sourceAlert(_ key: String, _ problem: String?, _ active: inout String?, now: Date) -> AlertEvent? {
        if let p = problem {
            defer { active = p }
            return active == nil ? AlertEvent(time: now, key: key, level: .warning, text: p, active: true) : nil
        }
        guard let was = active else { return nil }
        active = nil
        return AlertEvent(time: now, key: key, level: .warning, text: "\(key): the source answers again (was: \(was))", active: false)
    }

    /// "battery +2.0 kW, PV limited to 0.3 kW" for the log.
    public static func describe(_ s: InverterSetting) -> String {
        if s == released { return "battery and PV back to the inverter's own control" }
        let b = s.batteryW.map { String(format: "battery %+.1f kW", $0 / 1000) } ?? "battery on its own"
        let p = s.pvLimitW.map { String(format: "PV limited to %.1f kW", $0 / 1000) } ?? "PV unlimited"
        return "\(b), \(p)"
    }

    /// What kind of setting it is, so only a change of kind is logged (not every 100 W).
    static func kind(_ s: InverterSetting?) -> String {
        guard let s else { return "" }
        let b = s.batteryW.map { $0 > 50 ? "charge" : $0 < -50 ? "discharge" : "hold" } ?? "own"
        return b + (s.pvLimitW == nil ? "" : " curtail")
    }
}
