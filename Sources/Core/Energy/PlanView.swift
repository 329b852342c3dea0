import Foundation

/// The energy plan as the snapshot (control socket, dashboard) and status.json carry it: the
/// quarters from now on, at most `maxHours`, numbers rounded — a dashboard gets it every second.
/// Each quarter's values are columns of `Step`; a new one (a heat pump's SG state, a boiler
/// window) is one more optional property there and in `PlanView.of`.
public struct PlanView: Sendable, Equatable, Codable {
    public struct Step: Sendable, Equatable, Codable {
        public var start: Date
        /// The consumer's take price (€/kWh), `take_eur_per_kwh` as in `kwartier plan --json`.
        public var takeEurPerKWh: Double
        /// Battery AC power (kW, + charging).
        public var batteryKW: Double
        /// The cars' planned load (kW).
        public var carKW: Double
        public var pvForecastKW: Double?
        public var loadForecastKW: Double?
        /// The battery's state of charge at the quarter's end (%).
        public var socPercent: Double?
        public init(start: Date, takeEurPerKWh: Double, batteryKW: Double, carKW: Double, pvForecastKW: Double? = nil,
                    loadForecastKW: Double? = nil, socPercent: Double? = nil) {
            self.start = start; self.takeEurPerKWh = takeEurPerKWh; self.batteryKW = batteryKW; self.carKW = carKW
            self.pvForecastKW = pvForecastKW; self.loadForecastKW = loadForecastKW; self.socPercent = socPercent
        }
    }
    /// When the plan was made (nil: none yet).
    public var generatedAt: Date?
    /// The energy manager's mode (`plan`, `reactive`).
    public var mode: String
    public var steps: [Step]
    /// Why there are no steps; nil when there are.
    public var reason: String?

    public init(generatedAt: Date?, mode: String, steps: [Step], reason: String? = nil) {
        self.generatedAt = generatedAt; self.mode = mode; self.steps = steps; self.reason = reason
    }

    /// How far ahead the view reaches (h).
    public static let maxHours = 36.0

    /// The controller's plan from the quarter running at `now` on.
    public static func of(_ c: HomeEnergyController, now: Date, hours: Double = maxHours) -> PlanView {
        let mode = c.mode.rawValue
        guard let battery = c.battery else {
            return PlanView(generatedAt: nil, mode: mode, steps: [], reason: "no battery to plan (energy.battery not configured): curtailment only")
        }
        guard c.prices != nil else { return PlanView(generatedAt: nil, mode: mode, steps: [], reason: "no prices yet") }
        guard c.mode == .plan else { return PlanView(generatedAt: nil, mode: mode, steps: [], reason: "the reactive mode makes no plan") }
        guard let plan = c.plan else {
            return PlanView(generatedAt: c.plannedAt, mode: mode, steps: [],
                            reason: c.plannedAt == nil ? "waiting for the battery's first reading" : "the prices do not cover this quarter")
        }
        let end = now.addingTimeInterval(hours * 3600)
        let steps = plan.steps.filter { $0.start.addingTimeInterval(900) > now && $0.start < end }.map { s in
            let f = c.plannedForecast[s.start]
            return Step(start: s.start, takeEurPerKWh: trim(s.takePrice, 4), batteryKW: trim(s.batteryKW, 2), carKW: trim(s.carKW, 2),
                        pvForecastKW: f.map { trim($0.pvKW, 2) }, loadForecastKW: f.map { trim($0.loadKW, 2) },
                        socPercent: battery.capacityKWh > 0 ? trim(s.socKWh / battery.capacityKWh * 100, 0) : nil)
        }
        return PlanView(generatedAt: c.plannedAt, mode: mode, steps: steps, reason: steps.isEmpty ? "the plan ended: the prices do not reach this quarter" : nil)
    }

    static func trim(_ v: Double, _ decimals: Int) -> Double {
        let f = pow(10, Double(decimals))
        let r = (v * f).rounded() / f
        return r == 0 ? 0 : r   // no "-0"
    }
}
