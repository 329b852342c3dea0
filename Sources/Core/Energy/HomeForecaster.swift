import Foundation

/// The forecasts the planner needs, learnt from the site itself: the house's load per local
/// quarter of the day (yesterday's, smoothed), and PV as the arrays' clear-sky output times the
/// cloud cover's factor where a weather forecast covers the hour, else times the ratio of
/// measured to clear-sky energy over the last day.
public struct HomeForecaster: Sendable {
    public var arrays: [EnergyConfig.PVArray]
    public var latitude: Double
    public var longitude: Double
    public var timeZone: TimeZone
    /// House load (kW, without PV, battery and cars) per local quarter of the day.
    public private(set) var loadProfile: [Double?] = Array(repeating: nil, count: 96)
    /// The history's profile per weekday and quarter (read at start): the forecast of a quarter
    /// not seen since the start, so a restarted hub does not plan on a flat load.
    public var history: LoadProfile?
    /// Mean of every observed quarter: the forecast of a quarter not seen yet (nor in the history).
    public private(set) var meanLoadKW: Double?
    private var observed = 0
    /// Measured PV over clear-sky PV, energy-weighted over about a day.
    public private(set) var pvRatio: Double = 1
    private var pvMeasuredKWh = 0.0, pvClearKWh = 0.0
    /// Cloud cover (0…1) per hour start (s since 1970) from a weather forecast.
    public var cloudCover: [Double: Double] = [:]
    /// Measured PV over the cloud-cover forecast's PV, energy-weighted over about a week: what
    /// the clear-sky model and the weather service get wrong at this site (the arrays' real
    /// shading and losses, a forecast that is too hopeful), learnt where a forecast covered.
    public private(set) var forecastBias: Double = 1
    private var pvForecastMeasuredKWh = 0.0, pvForecastKWh = 0.0

    public init(arrays: [EnergyConfig.PVArray], latitude: Double, longitude: Double, timeZone: TimeZone) {
        self.arrays = arrays; self.latitude = latitude; self.longitude = longitude; self.timeZone = timeZone
    }

    func slot(_ t: Date) -> Int {
        let local = t.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: t))
        let s = Int((local / 900).rounded(.down)) % 96
        return s < 0 ? s + 96 : s
    }

    func clearKW(_ quarterStart: Date) -> Double {
        ClearSky.pvKW(arrays, at: quarterStart.addingTimeInterval(450), latitude: latitude, longitude: longitude)
    }

    /// A completed quarter: the house's average load and the PV's (nil while curtailed: the
    /// inverter's output then says nothing about the sun).
    public mutating func observe(quarter start: Date, loadKW: Double, pvKW: Double?) {
        let k = slot(start)
        loadProfile[k] = loadProfile[k].map { 0.5 * $0 + 0.5 * loadKW } ?? loadKW
        observed += 1
        meanLoadKW = ((meanLoadKW ?? 0) * Double(observed - 1) + loadKW) / Double(observed)
        if let pv = pvKW {
            let decay = exp(-1.0 / 96)
            pvMeasuredKWh = pvMeasuredKWh * decay + pv * 0.25
            pvClearKWh = pvClearKWh * decay + clearKW(start) * 0.25
            if pvClearKWh > 0.5 { pvRatio = pvMeasuredKWh / pvClearKWh }
            if let cover = cloudCover[hourStart(start)] {
                let decay = exp(-1.0 / (96 * 7))
                pvForecastMeasuredKWh = pvForecastMeasuredKWh * decay + pv * 0.25
                pvForecastKWh = pvForecastKWh * decay + clearKW(start) * ClearSky.cloudFactor(cover) * 0.25
                // Bounded: one odd week must not make the forecast useless.
                if pvForecastKWh > 2 { forecastBias = max(0.5, min(1.5, pvForecastMeasuredKWh / pvForecastKWh)) }
            }
        }
    }

    /// The forecast load and PV (kW) of the quarter starting at `start`: the load of that quarter
    /// of the day as learnt since the start, else the history's profile, else the mean of what
    /// was seen; before any quarter was seen or recorded, `fallbackLoadKW` (what the house takes now).
    /// `pvHighKW` is the most the sky may give: the clear-sky output (times the learnt bias where
    /// a weather forecast covers the hour) — the forecast's uncertainty is the room up to it.
    public func forecast(_ start: Date, fallbackLoadKW: Double = 0) -> (loadKW: Double, pvKW: Double, pvHighKW: Double) {
        let load = loadProfile[slot(start)] ?? history?.loadKW(at: start) ?? meanLoadKW ?? fallbackLoadKW
        let clear = clearKW(start)
        if let cover = cloudCover[hourStart(start)] {
            return (load, clear * ClearSky.cloudFactor(cover) * forecastBias, clear * forecastBias)
        }
        return (load, clear * pvRatio, max(clear * pvRatio, clear))
    }

    func hourStart(_ t: Date) -> Double { (t.timeIntervalSince1970 / 3600).rounded(.down) * 3600 }
}
