import Foundation

/// A PV plant: clear-sky output from the sun's elevation (latitude, day of year, hour),
/// times a weather factor. Deterministic for a seed.
public struct SimPV: Sendable {
    public enum Weather: String, Sendable, Codable, CaseIterable { case clear, cloudy, mixed, dark }
    public var peakKW: Double
    public var latitude: Double = 51.0
    public var weather: Weather
    /// The inverter's active-power limit (W); nil = none (curtailment).
    public var limitW: Double?
    public var timeZone: TimeZone
    private var rng: SimRandom
    private var cloud: Double = 1
    // Day of year of the UTC day last seen (a Calendar call once a day, not every second).
    private var doyDay = Int.min
    private var doy = 0.0
    public init(peakKW: Double, weather: Weather, timeZone: TimeZone, seed: UInt64) {
        self.peakKW = peakKW; self.weather = weather; self.timeZone = timeZone
        rng = SimRandom(seed: seed)
    }

    /// Sine of the sun's elevation at `date` (≤ 0 at night). Solar noon taken at 12:00 UTC+1 wall time
    /// minus the DST hour; good enough for a simulated roof.
    public func sunSine(_ date: Date) -> Double {
        sunSine(date, dayOfYear: Self.dayOfYear(date))
    }

    static func dayOfYear(_ date: Date) -> Double {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return Double(cal.ordinality(of: .day, in: .year, for: date) ?? 172)
    }

    func sunSine(_ date: Date, dayOfYear doy: Double) -> Double {
        let utcHours = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3600
        let solarHours = utcHours + 4.0 / 60 * 4.4 // ~4.4° E (Belgium): 4 min per degree
        let decl = 23.44 * sin(2 * .pi * (284 + doy) / 365) * .pi / 180
        let phi = latitude * .pi / 180
        let hourAngle = (solarHours - 12) * 15 * .pi / 180
        return sin(phi) * sin(decl) + cos(phi) * cos(decl) * cos(hourAngle)
    }

    /// Output (W) at `date`, advancing the cloud state by `dt` seconds.
    public mutating func power(at date: Date, dt: Double) -> Double {
        let day = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        if day != doyDay { doyDay = day; doy = Self.dayOfYear(date) }
        let s = sunSine(date, dayOfYear: doy)
        guard s > 0 else { return 0 }
        switch weather {
        case .clear: cloud = 1
        case .dark: cloud = 0.12
        case .cloudy: cloud = max(0.1, min(0.5, cloud + rng.range(-0.01, 0.01) * dt)); if cloud > 0.5 { cloud = 0.3 }
        case .mixed:
            // Clouds pass: a slow random walk with occasional sharp shadows.
            cloud = max(0.2, min(1, cloud + rng.range(-0.02, 0.02) * dt))
            if rng.chance(0.002 * dt) { cloud = rng.range(0.2, 1) }
        }
        return peakKW * 1000 * 0.85 * pow(s, 1.2) * cloud
    }
}

extension SimPV.Weather {
    /// The cloud cover (0…1) a weather service forecasts for such a day: the cover whose
    /// Kasten–Czeplak factor is about the day's mean share of clear-sky output (clear 1, mixed
    /// about 0.6, cloudy about 0.3; a dark day's 0.12 is below what the formula reaches).
    public var forecastCloudCover: Double {
        switch self {
        case .clear: return 0
        case .mixed: return 0.83
        case .cloudy: return 0.98
        case .dark: return 1
        }
    }
}

/// House (or building) consumption: a base load per phase plus appliances switched at random.
public struct SimHouse: Sendable {
    public struct Appliance: Sendable { var name: String; var watts: Double; var phase: Phase; var minutes: Double; var perDay: Double }
    public var baseW: PhaseValues
    public var appliances: [Appliance]
    private var running: [(end: Date, watts: Double, phase: Phase)] = []
    private var rng: SimRandom

    public init(baseW: PhaseValues, scale: Double = 1, seed: UInt64) {
        self.baseW = baseW
        rng = SimRandom(seed: seed)
        appliances = [
            Appliance(name: "kettle", watts: 2000 * scale, phase: .l1, minutes: 3, perDay: 4),
            Appliance(name: "oven", watts: 2500 * scale, phase: .l2, minutes: 45, perDay: 0.8),
            Appliance(name: "washing machine", watts: 2000 * scale, phase: .l3, minutes: 60, perDay: 0.6),
            Appliance(name: "dishwasher", watts: 1800 * scale, phase: .l1, minutes: 50, perDay: 0.8),
            Appliance(name: "hob", watts: 3000 * scale, phase: .l2, minutes: 25, perDay: 1),
        ]
    }

    /// Per-phase consumption (W) at `date`; appliances start at random during the day.
    public mutating func power(at date: Date, dt: Double, hour: Double) -> PhaseValues {
        running.removeAll { $0.end <= date }
        let daytime = hour >= 7 && hour < 22
        for a in appliances where daytime {
            let p = a.perDay / (15 * 3600) * dt
            if rng.chance(p) { running.append((date.addingTimeInterval(a.minutes * 60), a.watts, a.phase)) }
        }
        var w = baseW
        for r in running { w[r.phase] += r.watts }
        return w
    }
}

/// A home battery in self-consumption mode: charges from export, discharges to cover the house.
public struct SimBattery: Sendable {
    public var capacityKWh: Double
    public var maxW: Double
    public var socPercent: Double
    /// A controller's setpoint (W, + charging); nil = the battery's own self-consumption mode.
    public var setpointW: Double?
    /// What the own mode read at its last step: the site balance before the battery and the house's
    /// needs (W). A hybrid inverter in its own mode follows its meter, so it answers the previous
    /// reading, one step behind — the lag a controller's setpoint has too (it is computed from the
    /// step before), so both modes see the same transients at the grid.
    var seen: (netW: Double, coverW: Double)?
    public init(capacityKWh: Double, maxW: Double, socPercent: Double = 50) {
        self.capacityKWh = capacityKWh; self.maxW = maxW; self.socPercent = socPercent
    }
    /// Battery power (W, + charging) for a net site balance `netW` (+ import) before the battery;
    /// it discharges at most `coverW` (the house's own needs, not the cars'). The own mode answers
    /// the previous step's balance (`seen`), the present one on the first step.
    public mutating func step(netW: Double, coverW: Double, dt: Double) -> Double {
        var p: Double
        if let s = setpointW { p = max(-maxW, min(maxW, s)) }
        else {
            let (net, cover) = seen ?? (netW, coverW)
            p = net < 0 ? min(-net, maxW) : -min(net, cover, maxW)
        }
        if dt > 0 { seen = (netW, coverW) }
        if p > 0 && socPercent >= 100 { p = 0 }
        if p < 0 && socPercent <= 10 { p = 0 }
        socPercent = max(0, min(100, socPercent + p * dt / 3600 / 1000 / capacityKWh * 100))
        return p
    }
}

/// A heat pump answering its SG-Ready state with the configured powers; in Normal it cycles.
public struct SimHeatPump: Sendable {
    public var powerKW: [SGState: Double]
    public var state: SGState = .normal
    public var secondsInCycle: Double = 0
    public init(powerKW: [SGState: Double]) { self.powerKW = powerKW }
    public mutating func power(dt: Double) -> Double {
        secondsInCycle = (secondsInCycle + dt).truncatingRemainder(dividingBy: 1800)
        switch state {
        case .off: return 0
        case .normal: return secondsInCycle < 1200 ? (powerKW[.normal] ?? 1.2) * 1000 : 80
        case .comfort: return (powerKW[.comfort] ?? 2) * 1000
        case .boost: return (powerKW[.boost] ?? 3.5) * 1000
        }
    }
}

/// An electric boiler on a relay: draws its power while on and not yet hot; water use each morning.
public struct SimBoiler: Sendable {
    public var watts: Double
    public var needKWh: Double
    public var dailyKWh: Double
    public var on = false
    public init(watts: Double, dailyKWh: Double) { self.watts = watts; self.dailyKWh = dailyKWh; needKWh = dailyKWh }
    public mutating func power(dt: Double) -> Double {
        guard on, needKWh > 0 else { return 0 }
        needKWh = max(0, needKWh - watts * dt / 3_600_000)
        return watts
    }
    public mutating func useWater() { needKWh = dailyKWh }
}
