/// A dynamic contract's price: `market (€/kWh) * a + b` per direction, VAT on top.
/// Belgian dynamic contracts publish exactly these two factors for taking and for injecting.
public struct SupplierFormula: Sendable, Equatable, Codable {
    public struct Direction: Sendable, Equatable, Codable {
        public var a: Double
        /// €/kWh added (negative = deducted).
        public var b: Double
        public init(a: Double, b: Double) { self.a = a; self.b = b }
    }
    public var take: Direction
    public var inject: Direction
    /// VAT (%) on the price of energy taken from the grid.
    public var vatPercent: Double
    /// VAT on injection too (households do not pay VAT on what they inject; some companies do).
    public var vatOnInjection: Bool

    public init(take: Direction = Direction(a: 1, b: 0), inject: Direction = Direction(a: 1, b: 0),
                vatPercent: Double = 0, vatOnInjection: Bool = false) {
        self.take = take; self.inject = inject; self.vatPercent = vatPercent; self.vatOnInjection = vatOnInjection
    }

    /// € per kWh taken at market price `eurPerMWh`.
    public func takePrice(_ eurPerMWh: Double) -> Double {
        (eurPerMWh / 1000 * take.a + take.b) * (1 + vatPercent / 100)
    }

    /// € per kWh paid to the site for injection (negative = injecting costs money).
    public func injectPrice(_ eurPerMWh: Double) -> Double {
        (eurPerMWh / 1000 * inject.a + inject.b) * (vatOnInjection ? 1 + vatPercent / 100 : 1)
    }
}

/// The capacity tariff: € per kW of the month's highest quarter-hour average, never below a
/// minimum peak (Flanders bills at least 2.5 kW).
public struct CapacityTariff: Sendable, Equatable, Codable {
    public var eurPerKWMonth: Double
    public var minimumKW: Double
    public init(eurPerKWMonth: Double, minimumKW: Double = 2.5) { self.eurPerKWMonth = eurPerKWMonth; self.minimumKW = minimumKW }

    /// The month's charge for a month peak of `peakKW`.
    public func monthCost(peakKW: Double) -> Double { max(peakKW, minimumKW) * eurPerKWMonth }

    /// What raising the month peak from `fromKW` to `toKW` adds to the month's bill (0 if it does not rise).
    public func costOfRaising(from fromKW: Double, to toKW: Double) -> Double {
        max(0, monthCost(peakKW: toKW) - monthCost(peakKW: fromKW))
    }
}
