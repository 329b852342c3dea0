import Foundation

/// An electric vehicle as the charger sees it: phases, minimum current, on-board charger limit,
/// battery with taper near full, and a short ramp after every setpoint change.
public struct SimCar: Sendable, Equatable, Codable {
    public var name: String
    public var arrival: Date
    public var departure: Date
    public var batteryKWh: Double
    public var socPercent: Double
    public var targetSocPercent: Double
    /// Phases the on-board charger uses (1, 2 or 3).
    public var phases: Int
    /// Below this current the car does not charge (6 A, some cars 8 A).
    public var minA: Double
    /// On-board charger maximum per phase.
    public var maxA: Double

    /// Energy the owner asked for (kWh) at arrival.
    public var requestedKWh: Double { max(0, (targetSocPercent - initialSoc) / 100 * batteryKWh) }
    public var initialSoc: Double
    public var deliveredKWh: Double = 0
    /// Times charging started (a stop-start cycle counts once more).
    public var starts: Int = 0
    /// Times charging stopped while the car was plugged in and not yet full (interruptions).
    public var stops: Int = 0

    public init(name: String, arrival: Date, departure: Date, batteryKWh: Double, socPercent: Double,
                targetSocPercent: Double = 100, phases: Int, minA: Double = 6, maxA: Double = 16) {
        self.name = name; self.arrival = arrival; self.departure = departure; self.batteryKWh = batteryKWh
        self.socPercent = socPercent; self.targetSocPercent = targetSocPercent; self.phases = phases
        self.minA = minA; self.maxA = maxA; self.initialSoc = socPercent
    }

    public var isFull: Bool { socPercent >= targetSocPercent - 0.01 }

    /// The current the car accepts now: its maximum, tapering linearly above 80 % SoC to 30 %
    /// of it at 100 % (constant-voltage phase), never under its minimum while not full.
    public var acceptA: Double {
        if isFull { return 0 }
        if socPercent <= 80 { return maxA }
        let k = 1 - 0.7 * (socPercent - 80) / 20
        return max(minA, maxA * k)
    }
}
