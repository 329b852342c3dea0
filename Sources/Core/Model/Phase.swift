/// A line of the three-phase grid connection.
public enum Phase: Int, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case l1 = 0, l2 = 1, l3 = 2
    public var description: String { "L\(rawValue + 1)" }
    public init?(name: String) {
        switch name.uppercased() {
        case "L1": self = .l1
        case "L2": self = .l2
        case "L3": self = .l3
        default: return nil
        }
    }
}

/// One value per grid line (amperes, watts, volts).
public struct PhaseValues: Sendable, Equatable, Codable, CustomStringConvertible {
    public var l1: Double
    public var l2: Double
    public var l3: Double

    public init(_ l1: Double, _ l2: Double, _ l3: Double) {
        self.l1 = l1; self.l2 = l2; self.l3 = l3
    }
    public static let zero = PhaseValues(0, 0, 0)
    public static func all(_ v: Double) -> PhaseValues { PhaseValues(v, v, v) }

    public subscript(phase: Phase) -> Double {
        get {
            switch phase { case .l1: return l1; case .l2: return l2; case .l3: return l3 }
        }
        set {
            switch phase { case .l1: l1 = newValue; case .l2: l2 = newValue; case .l3: l3 = newValue }
        }
    }
    public var max: Double { Swift.max(l1, l2, l3) }
    public var min: Double { Swift.min(l1, l2, l3) }
    public var sum: Double { l1 + l2 + l3 }
    public var values: [Double] { [l1, l2, l3] }

    public static func + (a: PhaseValues, b: PhaseValues) -> PhaseValues {
        PhaseValues(a.l1 + b.l1, a.l2 + b.l2, a.l3 + b.l3)
    }
    public static func - (a: PhaseValues, b: PhaseValues) -> PhaseValues {
        PhaseValues(a.l1 - b.l1, a.l2 - b.l2, a.l3 - b.l3)
    }
    public static func * (a: PhaseValues, k: Double) -> PhaseValues {
        PhaseValues(a.l1 * k, a.l2 * k, a.l3 * k)
    }
    public static func += (a: inout PhaseValues, b: PhaseValues) { a = a + b }
    public static func -= (a: inout PhaseValues, b: PhaseValues) { a = a - b }

    public func map(_ f: (Double) -> Double) -> PhaseValues { PhaseValues(f(l1), f(l2), f(l3)) }

    public var description: String {
        "\(TextFormat.fixed(l1, 1))/\(TextFormat.fixed(l2, 1))/\(TextFormat.fixed(l3, 1))"
    }
}
