import Foundation
import Yams

/// A simulation scenario: which site, which days and weather, which cars. YAML in `Scenarios/`.
public struct SimScenario: Sendable, Codable, Equatable {
    public struct PVSpec: Sendable, Codable, Equatable {
        public var kwp: Double
        public init(kwp: Double, weather: [SimPV.Weather] = [.clear]) { self.kwp = kwp; self.weather = weather }
        /// One weather per day, repeated: clear | cloudy | mixed | dark.
        public var weather: [SimPV.Weather] = [.clear]
    }
    public struct HouseSpec: Sendable, Codable, Equatable {
        public var base_w: [Double] = [300, 200, 150]
        public var scale: Double = 1
        public init(base_w: [Double] = [300, 200, 150], scale: Double = 1) { self.base_w = base_w; self.scale = scale }
    }
    public struct BatterySpec: Sendable, Codable, Equatable {
        public var kwh: Double
        public var kw: Double
        /// State of charge at the start (%).
        public var soc: Double? = nil
    }
    public struct BoilerSpec: Sendable, Codable, Equatable {
        public var kw: Double = 2.4
        public var daily_kwh: Double = 6
        public init(kw: Double = 2.4, daily_kwh: Double = 6) { self.kw = kw; self.daily_kwh = daily_kwh }
    }
    public struct CarSpec: Sendable, Codable, Equatable {
        public var point: String
        /// "HH:MM" on the first day, or "D+1 HH:MM".
        public var arrive: String
        public var leave: String
        public var battery_kwh: Double = 60
        public var soc: Double = 30
        public var target: Double = 100
        public var phases: Int = 3
        public var min_a: Double = 6
        public var max_a: Double = 16
        /// "Ready by" for this visit (HH:MM) with `energy_kwh`: set on the point as the car
        /// arrives, removed as it leaves.
        public var ready_by: String? = nil
        public var energy_kwh: Double? = nil
    }
    public struct CarGenerator: Sendable, Codable, Equatable {
        /// Visits per point per day.
        public var per_point_per_day: Double = 1
        /// Arrival window "HH:MM-HH:MM".
        public var arrive: String = "07:30-10:00"
        /// Stay in hours [min, max].
        public var stay_h: [Double] = [4, 9]
        public var battery_kwh: [Double] = [40, 80]
        public var soc: [Double] = [15, 60]
        /// Share of 1-phase and 2-phase cars (rest 3-phase).
        public var one_phase: Double = 0.2
        public var two_phase: Double = 0.1
        /// Share of cars that need 8 A to start.
        public var min_8a: Double = 0.1
        public var max_a: Double = 16
        public init(per_point_per_day: Double = 1, arrive: String = "07:30-10:00", stay_h: [Double] = [4, 9]) {
            self.per_point_per_day = per_point_per_day; self.arrive = arrive; self.stay_h = stay_h
        }
    }

    public var name: String
    public var description: String?
    /// A configuration file (relative to the scenario) or nil for the built-in demo site.
    public var config: String?
    /// First day, "YYYY-MM-DD" (local midnight in the site's time zone), or "YYYY-MM-DD HH:MM"
    /// to begin later that day (car times stay relative to the first day's midnight).
    public var start: String = "2026-06-15"
    public var days: Int = 1
    /// Run only this many hours from the start instead of whole days (short tests, a busy morning).
    public var hours: Double? = nil
    public var seed: UInt64 = 1
    public var slider_kw: Double?
    public var pv: PVSpec?
    public var house: HouseSpec = HouseSpec()
    public var battery: BatterySpec?
    public var boiler: BoilerSpec?
    public var cars: [CarSpec]?
    public var generate: CarGenerator?
    /// Prices, formula and capacity tariff: the run reports its cost and is steered by them.
    public var energy: SimEnergySpec? = nil

    public init(name: String, description: String?, config: String?, start: String, days: Int, seed: UInt64, slider_kw: Double?,
                pv: PVSpec?, house: HouseSpec, battery: BatterySpec?, boiler: BoilerSpec?, cars: [CarSpec]?, generate: CarGenerator?,
                hours: Double? = nil) {
        self.name = name; self.description = description; self.config = config; self.start = start; self.days = days
        self.seed = seed; self.slider_kw = slider_kw; self.pv = pv; self.house = house; self.battery = battery
        self.boiler = boiler; self.cars = cars; self.generate = generate; self.hours = hours
    }

    /// Seconds the scenario runs: `hours` when set, else whole days.
    public var durationS: Double { hours.map { $0 * 3600 } ?? Double(max(1, days)) * 86_400 }

    public static func parse(yaml: String) throws -> SimScenario {
        try YAMLDecoder().decode(SimScenario.self, from: yaml)
    }

    /// The built-in demo: the car park on a sunny June day with visitors and staff.
    public static let demo = SimScenario(
        name: "demo", description: "Built-in car park: 8 points, 2 boards, 40 A, 15 kWp PV, heat pump, boiler",
        config: nil, start: "2026-06-15", days: 1, seed: 42, slider_kw: nil,
        pv: PVSpec(kwp: 15, weather: [.clear, .mixed]), house: HouseSpec(base_w: [600, 500, 400], scale: 1),
        battery: nil, boiler: BoilerSpec(), cars: nil,
        generate: CarGenerator(per_point_per_day: 1.6, arrive: "06:30-18:00", stay_h: [1.5, 8]))
}
