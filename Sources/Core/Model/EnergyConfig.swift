import Foundation

/// The `energy:` section: where prices come from, the contract's formula, the capacity tariff,
/// the home battery, the PV arrays and the forecasts. Absent = Kwartier plans nothing.
public struct EnergyConfig: Sendable, Equatable, Codable {
    public enum PriceSource: Sendable, Equatable, Codable {
        /// ENTSO-E transparency platform: day-ahead prices of a bidding zone (EIC code).
        case entsoe(zone: String, tokenFile: String, api: String)
        /// A CSV (`time,eur_per_mwh`) or JSON file, re-read when it changes.
        case file(String)
        /// A command whose standard output is such a CSV or JSON document.
        case command(String)
    }
    public struct PVArray: Sendable, Equatable, Codable {
        public var kwp: Double
        /// Degrees from horizontal.
        public var tilt: Double
        /// Degrees from north: 90 east, 180 south, 270 west.
        public var azimuth: Double
        public init(kwp: Double, tilt: Double = 35, azimuth: Double = 180) { self.kwp = kwp; self.tilt = tilt; self.azimuth = azimuth }
    }
    public enum WeatherSource: Sendable, Equatable, Codable {
        /// Clear sky scaled by the last days' measured ratio.
        case none
        /// Open-Meteo's hourly cloud cover.
        case openMeteo(api: String)
    }

    public static let entsoeAPI = "https://web-api.tp.entsoe.eu/api"
    public static let openMeteoAPI = "https://api.open-meteo.com/v1/forecast"

    /// What the live hub does with the battery and the inverter (`energy.mode`).
    public var mode: HomeEnergyController.Mode = EnergyConfig.defaultMode
    public static let defaultMode: HomeEnergyController.Mode = .plan
    public var prices: PriceSource?
    /// Re-fetch interval of the prices (s).
    public var refreshS: Double = 3600
    /// A price series older than this is stale: it still plans, it never curtails (h).
    public var staleAfterH: Double = 36
    public var formula = SupplierFormula()
    public var capacityTariff: CapacityTariff?
    public var battery: HomeBattery?
    /// The inverter (under `inverters:`) the battery and the PV hang behind.
    public var inverter: String?
    /// Limit the inverter's export at a negative injection price.
    public var curtail: Bool = true
    public var pv: [PVArray] = []
    public var weather: WeatherSource = .none
    /// Re-fetch interval of the weather forecast (s).
    public var weatherRefreshS: Double = 3600
    public var latitude: Double = 51.0
    public var longitude: Double = 4.4
    /// How far ahead to plan (h).
    public var horizonH: Double = 36
    /// The SG-Ready relay (under `relays:`) whose state the plan sets per quarter.
    public var heatPumpRelay: String?
    /// The boiler the plan gives on-quarters: its switched relay, power and daily energy.
    public var boiler: BoilerPlan?
    public struct BoilerPlan: Sendable, Equatable, Codable {
        public var relay: String
        public var kw: Double
        public var kwhPerDay: Double
        public init(relay: String, kw: Double, kwhPerDay: Double) { self.relay = relay; self.kw = kw; self.kwhPerDay = kwhPerDay }
    }
    public var line: Int = 0
    public init() {}
}
