/// A home battery as the planner and the dispatcher see it (AC side, kW and kWh).
public struct HomeBattery: Sendable, Equatable, Codable {
    public var capacityKWh: Double
    public var maxChargeKW: Double
    public var maxDischargeKW: Double
    public var minSoCPercent: Double
    public var maxSoCPercent: Double
    /// One-way efficiencies: energy stored per kWh charged, and delivered per kWh taken out.
    public var chargeEfficiency: Double
    public var dischargeEfficiency: Double
    /// A discharging battery looks like free headroom to the balancer; by default it never
    /// covers the cars' load (the grid or the sun does), only the house's.
    public var mayFeedCars: Bool

    public init(capacityKWh: Double, maxChargeKW: Double, maxDischargeKW: Double? = nil, minSoCPercent: Double = 10,
                maxSoCPercent: Double = 100, chargeEfficiency: Double = 0.95, dischargeEfficiency: Double = 0.95,
                mayFeedCars: Bool = false) {
        self.capacityKWh = capacityKWh; self.maxChargeKW = maxChargeKW; self.maxDischargeKW = maxDischargeKW ?? maxChargeKW
        self.minSoCPercent = minSoCPercent; self.maxSoCPercent = maxSoCPercent
        self.chargeEfficiency = chargeEfficiency; self.dischargeEfficiency = dischargeEfficiency; self.mayFeedCars = mayFeedCars
    }

    public var minKWh: Double { capacityKWh * minSoCPercent / 100 }
    public var maxKWh: Double { capacityKWh * maxSoCPercent / 100 }
}
