import Foundation

/// What the planner expects of one quarter hour: prices (€/kWh, consumer side) and the
/// forecast load the battery does not control (kW averages, + import).
public struct QuarterForecast: Sendable, Equatable, Codable {
    public var start: Date
    public var takePrice: Double
    public var injectPrice: Double
    /// House, heat pump and boiler less PV (negative = surplus).
    public var baseKW: Double
    /// The cars' expected load.
    public var carKW: Double
    public init(start: Date, takePrice: Double, injectPrice: Double, baseKW: Double, carKW: Double = 0) {
        self.start = start; self.takePrice = takePrice; self.injectPrice = injectPrice; self.baseKW = baseKW; self.carKW = carKW
    }
}

/// One planned quarter: the battery's average power and what the grid sees.
public struct PlanStep: Sendable, Equatable, Codable {
    public var start: Date
    public var takePrice: Double
    public var injectPrice: Double
    public var baseKW: Double
    public var carKW: Double
    /// Battery AC power (kW, + charging).
    public var batteryKW: Double
    /// Grid average (kW, + import) with the battery as planned and curtailment applied.
    public var gridKW: Double
    /// State of charge at the quarter's end (kWh).
    public var socKWh: Double
    /// Export is limited this quarter (a negative injection price).
    public var curtail: Bool
}

/// A plan for the next quarters and what it costs.
public struct EnergyPlan: Sendable, Equatable, Codable {
    public var steps: [PlanStep]
    public var energyCostEUR: Double
    /// What the plan's highest quarter adds to the month's capacity charge.
    public var capacityCostEUR: Double
    /// The plan's highest quarter-hour average (kW).
    public var peakKW: Double
    /// The peak cap the planner chose (kW).
    public var capKW: Double
    /// The energy the plan leaves in the battery beyond what it started with, valued at the
    /// planner's end value (€; what the next plan inherits).
    public var storedValueEUR: Double = 0
    public var totalCostEUR: Double { energyCostEUR + capacityCostEUR }

    /// The step covering `t`, if the plan reaches it.
    public func step(at t: Date) -> PlanStep? {
        steps.last { $0.start <= t && t < $0.start.addingTimeInterval(900) }
    }
}
