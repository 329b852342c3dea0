import Foundation

/// A scenario's `energy:` section: the day-ahead prices the simulated days run under, the
/// supplier's formula and the capacity tariff. With it, `kwartier simulate` reports what the
/// energy cost and steers the battery and the inverter.
public struct SimEnergySpec: Sendable, Codable, Equatable {
    public struct Prices: Sendable, Codable, Equatable {
        /// Minutes per price: 15 or 60.
        public var step_min: Int = 60
        /// €/MWh from the first day's local midnight; repeated when the run is longer.
        public var eur_per_mwh: [Double]
    }
    public struct Direction: Sendable, Codable, Equatable { public var a: Double = 1; public var b: Double = 0 }
    public struct Formula: Sendable, Codable, Equatable {
        public var take = Direction()
        public var inject = Direction()
        public var vat_percent: Double = 0
        public var vat_on_injection = false
    }
    public var prices: Prices
    public var formula = Formula()
    /// € per kW of month peak per month.
    public var capacity_tariff: Double?
    /// The battery may cover the cars' load too.
    public var feed_cars = false
    /// The inverter's output can be limited (curtailment).
    public var curtail = true
    /// What Kwartier's own run does: `plan` or `reactive`.
    public var mode: HomeEnergyController.Mode = .plan
    /// The planner's weather forecast: `weather` = each day's weather (`pv.weather`) as the
    /// cloud cover a weather service would forecast for it (the live hub's Open-Meteo source);
    /// `none` = no forecast (the PV of the last day's sky, as a live hub without one).
    public var forecast: Forecast = .weather
    public enum Forecast: String, Sendable, Codable { case weather, none }

    public var supplierFormula: SupplierFormula {
        SupplierFormula(take: .init(a: formula.take.a, b: formula.take.b), inject: .init(a: formula.inject.a, b: formula.inject.b),
                        vatPercent: formula.vat_percent, vatOnInjection: formula.vat_on_injection)
    }
    public var tariff: CapacityTariff? { capacity_tariff.map { CapacityTariff(eurPerKWMonth: $0) } }

    /// The prices from `day0` for `days` days, the given series repeated as needed.
    public func series(day0: Date, days: Int) -> PriceSeries {
        let perDay = 1440 / max(1, prices.step_min)
        let need = max(prices.eur_per_mwh.count, perDay * max(1, days))
        let values = (0..<need).map { prices.eur_per_mwh[$0 % prices.eur_per_mwh.count] }
        return PriceSeries(start: day0, stepS: prices.step_min * 60, eurPerMWh: values)
    }
}

extension SimEnergySpec.Prices {
    enum CodingKeys: String, CodingKey { case step_min, eur_per_mwh }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        step_min = try c.value(.step_min, or: 60)
        eur_per_mwh = try c.decode([Double].self, forKey: .eur_per_mwh)
    }
}
extension SimEnergySpec.Direction {
    enum CodingKeys: String, CodingKey { case a, b }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        a = try c.value(.a, or: 1); b = try c.value(.b, or: 0)
    }
}
extension SimEnergySpec.Formula {
    enum CodingKeys: String, CodingKey { case take, inject, vat_percent, vat_on_injection }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        take = try c.value(.take, or: SimEnergySpec.Direction())
        inject = try c.value(.inject, or: SimEnergySpec.Direction())
        vat_percent = try c.value(.vat_percent, or: 0)
        vat_on_injection = try c.value(.vat_on_injection, or: false)
    }
}
extension SimEnergySpec {
    enum CodingKeys: String, CodingKey { case prices, formula, capacity_tariff, feed_cars, curtail, mode, forecast }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        prices = try c.decode(Prices.self, forKey: .prices)
        formula = try c.value(.formula, or: Formula())
        capacity_tariff = try c.decodeIfPresent(Double.self, forKey: .capacity_tariff)
        feed_cars = try c.value(.feed_cars, or: false)
        curtail = try c.value(.curtail, or: true)
        mode = try c.value(.mode, or: .plan)
        forecast = try c.value(.forecast, or: .weather)
    }
}

/// How a run treats the battery and the inverter: Kwartier's energy manager in one of its
/// modes, or nothing (the battery's own self-consumption, the inverter never limited).
public enum SimEnergyControl: Sendable, Equatable {
    case none
    case manager(HomeEnergyController.Mode)
}

/// Kwartier's energy manager on the simulated site: reads the site as the inverter and the
/// meter report it, writes the battery's setpoint and the inverter's limit for the next second.
public final class SimEnergyManager {
    public private(set) var controller: HomeEnergyController
    public init(controller: HomeEnergyController) { self.controller = controller }

    public static func make(_ spec: SimEnergySpec, mode: HomeEnergyController.Mode, scenario: SimScenario, config: SiteConfig) throws -> SimEnergyManager {
        let tz = SimSiteBuilder.timeZone(config)
        let day0 = try SimSiteBuilder.firstDay(scenario, tz)
        let days = Int((try SimSiteBuilder.startDate(scenario, tz).timeIntervalSince(day0) + scenario.durationS) / 86_400) + 2
        let battery = scenario.battery.map {
            // The simulated battery is lossless and keeps 10 % in reserve.
            HomeBattery(capacityKWh: $0.kwh, maxChargeKW: $0.kw, minSoCPercent: 10, maxSoCPercent: 100,
                        chargeEfficiency: 1, dischargeEfficiency: 1, mayFeedCars: spec.feed_cars)
        }
        // The planner knows the roof's size, not its weather: one south-facing array.
        let arrays = scenario.pv.map { [EnergyConfig.PVArray(kwp: $0.kwp, tilt: 35, azimuth: 180)] } ?? []
        let slider = scenario.slider_kw ?? config.site.sliderKW
        var forecaster = HomeForecaster(arrays: arrays, latitude: 51, longitude: 4.4, timeZone: tz)
        if spec.forecast == .weather, scenario.pv != nil {
            // The forecast of every simulated day at once: the planner looks 36 h ahead at most,
            // which a weather service covers; it never sees the day's passing clouds.
            for d in 0..<days {
                let cover = SimSiteBuilder.weather(scenario, day: d).forecastCloudCover
                for h in 0..<24 { forecaster.cloudCover[day0.timeIntervalSince1970 + Double(d * 86_400 + h * 3600)] = cover }
            }
        }
        var c = HomeEnergyController(mode: mode, battery: battery, formula: spec.supplierFormula, tariff: spec.tariff, sliderKW: slider,
                                     canCurtail: spec.curtail, forecaster: forecaster, prices: spec.series(day0: day0, days: days))
        c.planHeating(config, timeZone: tz)
        return SimEnergyManager(controller: c)
    }

    /// Reads the site after this step's physics and sets the devices for the next.
    public func step(site: SimSite, meter: VirtualMeterState, dt: Double) {
        let f = site.flows
        let r = HomeEnergyController.Reading(gridW: f.gridW, batteryW: f.batteryW, carW: f.chargeParkW, pvW: f.pvW,
                                             socPercent: site.battery?.socPercent ?? 0,
                                             monthPeakKW: max(meter.monthPeakKW, meter.completedQuarters.last?.kw ?? 0),
                                             quarterAllowedKW: meter.allowedKW(sliderKW: controller.sliderKW, at: site.now))
        let cmd = controller.step(now: site.now, dt: dt, r)
        if site.battery != nil { site.battery?.setpointW = cmd.batteryW }
        site.pv?.limitW = cmd.pvLimitW
    }
}
