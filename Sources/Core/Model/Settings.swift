import Foundation

/// What the user changes at run time (dashboard, CLI); persisted in `data_dir`.
public struct RuntimeSettings: Sendable, Equatable, Codable {
    public struct PointSettings: Sendable, Equatable, Codable {
        public var mode: ChargeMode
        public var priority: Int
        public var manualA: Double?
        /// "Ready by 07:00 with 30 kWh": the plan puts this energy in the cheapest quarters.
        public var readyBy: ReadyBy?
        public init(mode: ChargeMode = .auto, priority: Int = 0, manualA: Double? = nil, readyBy: ReadyBy? = nil) {
            self.mode = mode; self.priority = priority; self.manualA = manualA; self.readyBy = readyBy
        }
    }
    public enum RelayOverride: String, Sendable, Codable, CaseIterable { case auto, on, off }

    public var version: Int = 1
    public var sliderKW: Double
    public var points: [String: PointSettings] = [:]
    public var relays: [String: RelayOverride] = [:]

    public init(sliderKW: Double, points: [String: PointSettings] = [:], relays: [String: RelayOverride] = [:]) {
        self.sliderKW = sliderKW; self.points = points; self.relays = relays
    }

    /// Defaults taken from the configuration file.
    public static func defaults(for config: SiteConfig) -> RuntimeSettings {
        var s = RuntimeSettings(sliderKW: config.site.sliderKW)
        for cp in config.chargepoints {
            s.points[cp.id] = PointSettings(mode: cp.mode, priority: cp.priority, manualA: cp.manualA)
        }
        for r in config.relays { s.relays[r.id] = .auto }
        return s
    }

    /// Settings for a point, falling back to the configuration.
    public func point(_ cp: ChargePointConfig) -> PointSettings {
        points[cp.id] ?? PointSettings(mode: cp.mode, priority: cp.priority, manualA: cp.manualA)
    }
}
