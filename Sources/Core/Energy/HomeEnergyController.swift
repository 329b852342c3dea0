import Foundation

/// The home's energy manager: keeps a plan for the battery from the prices and forecasts, and
/// turns it, second by second, into a battery setpoint and an inverter limit. The real-time
/// loop stays the authority: the setpoint never takes the grid above the slider and yields to
/// the cars already in the measurement.
public struct HomeEnergyController: Sendable {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// The plan: a dynamic programme over the battery's charge for the hours ahead.
        case plan
        /// No look-ahead: curtail at a negative injection price, charge from the grid while
        /// taking is paid for (a negative take price), otherwise self-consumption.
        case reactive
        /// Hands-off: the battery and the inverter follow their own control; Kwartier only
        /// watches (and never writes their registers).
        case off
    }
    public struct Reading: Sendable, Equatable {
        public var gridW: Double
        public var batteryW: Double
        public var carW: Double
        public var pvW: Double
        public var socPercent: Double
        public var monthPeakKW: Double
        /// The power the site may still draw for the rest of the running quarter without its
        /// average going over the slider (kW); nil = unknown (the slider alone bounds).
        public var quarterAllowedKW: Double?
        public init(gridW: Double, batteryW: Double, carW: Double, pvW: Double, socPercent: Double, monthPeakKW: Double,
                    quarterAllowedKW: Double? = nil) {
            self.gridW = gridW; self.batteryW = batteryW; self.carW = carW; self.pvW = pvW
            self.socPercent = socPercent; self.monthPeakKW = monthPeakKW; self.quarterAllowedKW = quarterAllowedKW
        }
    }
    public struct Command: Sendable, Equatable {
        /// Battery setpoint (W, + charging); nil = no battery.
        public var batteryW: Double?
        /// Inverter active-power limit (W); nil = no limit.
        public var pvLimitW: Double?
    }

    public var mode: Mode
    public let battery: HomeBattery?
    public let formula: SupplierFormula
    public let tariff: CapacityTariff?
    /// The slider in force (the live loop follows the settings).
    public var sliderKW: Double
    public let canCurtail: Bool
    public let horizonQuarters: Int
    public let staleAfterS: Double
    public var prices: PriceSeries?
    public var forecaster: HomeForecaster
    /// Where between the forecast PV (0) and the most the sky may give (1: clear sky, times the
    /// forecast's learnt bias) the plan puts the PV. The errors are not symmetric: a kWh bought
    /// from the grid that the sun then brings anyway is sold back at the injection price (about
    /// 0.15–0.20 € lost), a kWh not bought when the sun fails costs only the spread between the
    /// night and the evening (about 0.05 €); so the plan leans to the sunny side and buys from
    /// the grid only what even a clear sky would not bring. The July 2023 month backtest: 0 →
    /// 336.59 €, 0.5 → 335.05 €, 1 → 334.55 € (docs/ENERGY.md).
    public var pvOptimism: Double = 1
    /// Cars with a deadline ("ready by 07:00 with 30 kWh"): planned into the cheapest quarters
    /// before the battery is planned around them. A new set of cars plans again.
    public var cars: [CarDemand] = [] {
        didSet { if cars.map({ [$0.pointId, "\($0.deadline.timeIntervalSince1970)"] }) != oldValue.map({ [$0.pointId, "\($0.deadline.timeIntervalSince1970)"] }) { plannedAt = nil } }
    }
    public private(set) var plan: EnergyPlan?
    /// The heat pump's and boiler's plan (`energy.heat_pump`, `energy.boiler`), made with the battery's.
    public var heating: HeatingPlanner?
    /// The relays it drives (`energy.heat_pump.relay`, `energy.boiler.relay`).
    public var heatPumpRelay: String?, boilerRelay: String?
    public private(set) var heatingPlan: [HeatingStep] = []
    public private(set) var plans = 0
    /// When the plan was last made.
    public private(set) var plannedAt: Date?
    /// The load and PV forecast (kW) each quarter of the plan was made with, by quarter start
    /// (the plan itself keeps only their difference).
    public private(set) var plannedForecast: [Date: (loadKW: Double, pvKW: Double)] = [:]
    private var plannedPrices: PriceSeries?
    private var curtailer = CurtailmentDecider()
    private var quarter: Date?
    private var qLoadKWh = 0.0, qPVKWh = 0.0, qSeconds = 0.0, qCurtailed = false

    public init(mode: Mode, battery: HomeBattery?, formula: SupplierFormula, tariff: CapacityTariff?, sliderKW: Double,
                canCurtail: Bool, forecaster: HomeForecaster, prices: PriceSeries?, horizonH: Double = 36, staleAfterH: Double = 36) {
        self.mode = mode; self.battery = battery; self.formula = formula; self.tariff = tariff; self.sliderKW = sliderKW
        self.canCurtail = canCurtail; self.forecaster = forecaster; self.prices = prices
        self.horizonQuarters = Int(horizonH * 4); self.staleAfterS = staleAfterH * 3600
    }

    /// Whether the prices may steer the inverter at `now`: known for now and not too old.
    public func pricesFresh(at now: Date) -> Bool {
        guard let p = prices, p.price(at: now) != nil else { return false }
        return p.fetchedAt.map { now.timeIntervalSince($0) <= staleAfterS } ?? true
    }

    /// One second (or `dt`) of control.
    public mutating func step(now: Date, dt: Double, _ r: Reading) -> Command {
        observe(now: now, dt: dt, r)
        // `off` still plans: what the plan would do is shown, never written.
        if mode != .reactive, battery != nil || heating != nil, needsPlan(now) { replan(now: now, r) }
        if mode == .off { return Command(batteryW: nil, pvLimitW: nil) }
        let market = prices?.price(at: now)
        let fresh = pricesFresh(at: now)
        var limit: Double? = nil
        if canCurtail {
            // What the site can take itself: its consumption and what the battery can still store.
            let absorbW = battery.map { b in r.socPercent < b.maxSoCPercent ? b.maxChargeKW * 1000 : 0 } ?? 0
            let useW = r.gridW - r.batteryW + r.pvW + absorbW
            limit = curtailer.decide(injectPrice: market.map(formula.injectPrice), fresh: fresh, siteUseW: useW)
        }
        guard let b = battery else { return Command(batteryW: nil, pvLimitW: limit) }
        var intent: BatteryDispatch.Intent?
        switch mode {
        case .plan: intent = plan?.step(at: now).map(BatteryDispatch.intent)
        case .reactive: intent = market.map(formula.takePrice).flatMap { $0 < 0 && fresh ? .charge(b.maxChargeKW) : nil }
        case .off: intent = nil
        }
        let input = BatteryDispatch.Input(gridW: r.gridW, batteryW: r.batteryW, carW: r.carW, socPercent: r.socPercent, sliderKW: sliderKW,
                                          quarterAllowedKW: r.quarterAllowedKW)
        return Command(batteryW: BatteryDispatch.setpoint(input, intent: intent, battery: b), pvLimitW: limit)
    }

    /// The next step plans again (a new forecast).
    public mutating func invalidatePlan() { plannedAt = nil }

    /// Re-plan each hour, when the prices change, or when the plan ran out.
    func needsPlan(_ now: Date) -> Bool {
        guard let at = plannedAt else { return true }
        if prices != plannedPrices { return true }
        if battery != nil {
            guard let p = plan, p.step(at: now) != nil else { return true }
        } else if heatingPlan.last.map({ now >= $0.start.addingTimeInterval(900) }) ?? true, now.timeIntervalSince(at) >= 60 {
            return true   // heating only: its plan ran out (made again at most each minute)
        }
        return now.timeIntervalSince(at) >= 3600
    }

    mutating func replan(now: Date, _ r: Reading) {
        guard let series = prices else { plan = nil; heatingPlan = []; return }
        let q0 = PriceSeries.quarterStart(now)
        var quarters: [QuarterForecast] = []
        plannedForecast = [:]
        for (k, m) in series.quarters(from: q0, count: horizonQuarters).enumerated() {
            guard let m else { break }
            let start = q0.addingTimeInterval(Double(k) * 900)
            let f = forecaster.forecast(start, fallbackLoadKW: max(0, r.gridW - r.batteryW - r.carW + r.pvW) / 1000)
            plannedForecast[start] = (f.loadKW, f.pvKW)
            let pv = f.pvKW + pvOptimism * (f.pvHighKW - f.pvKW)
            quarters.append(QuarterForecast(start: start, takePrice: formula.takePrice(m), injectPrice: formula.injectPrice(m),
                                            baseKW: f.loadKW - pv))
        }
        plannedAt = now
        plannedPrices = prices
        guard !quarters.isEmpty else { plan = nil; heatingPlan = []; return }
        quarters = CarScheduler.apply(cars, to: quarters, sliderKW: sliderKW)
        heatingPlan = heating?.plan(quarters) ?? []
        guard let b = battery else { return }
        let planner = EnergyPlanner(battery: b, sliderKW: sliderKW, tariff: tariff, canCurtail: canCurtail)
        plan = planner.plan(quarters: quarters, socKWh: r.socPercent / 100 * b.capacityKWh, monthPeakKW: r.monthPeakKW)
        plans += 1
    }

    mutating func observe(now: Date, dt: Double, _ r: Reading) {
        let q = PriceSeries.quarterStart(now.addingTimeInterval(-0.001))
        if let cur = quarter, cur != q {
            if qSeconds > 0 {
                forecaster.observe(quarter: cur, loadKW: qLoadKWh / qSeconds * 3600, pvKW: qCurtailed ? nil : qPVKWh / qSeconds * 3600)
            }
            qLoadKWh = 0; qPVKWh = 0; qSeconds = 0; qCurtailed = false
        }
        quarter = q
        qLoadKWh += (r.gridW - r.batteryW - r.carW + r.pvW) * dt / 3_600_000
        qPVKWh += r.pvW * dt / 3_600_000
        qSeconds += dt
        if curtailer.curtailing { qCurtailed = true }
    }
}
