import Foundation

/// What the relay controller needs from one main-meter reading.
public struct RelayInputs: Sendable, Equatable {
    public var now: Date
    /// Measured injection (export) and import at the grid connection (W, both ≥ 0).
    public var exportW: Double
    public var importW: Double
    /// Surplus power the cars draw right now that a `before-cars` device may take from them (W).
    public var carsSurplusW: Double
    public var meterStale: Bool
    /// What the site may still draw now without the quarter-hour forecast exceeding the slider,
    /// minus what it draws (W); negative = the slider is about to be exceeded. nil = unknown.
    public var peakHeadroomW: Double?
    /// Manual overrides from the dashboard (RuntimeSettings.relays); missing = auto.
    public var overrides: [String: RuntimeSettings.RelayOverride]
    /// What a fresh energy plan asks of a relay in the running quarter, by relay id; empty = no plan.
    public var plan: [String: RelayPlanAsk]

    public init(now: Date, exportW: Double, importW: Double = 0, carsSurplusW: Double = 0, meterStale: Bool = false,
                peakHeadroomW: Double? = nil, overrides: [String: RuntimeSettings.RelayOverride] = [:],
                plan: [String: RelayPlanAsk] = [:]) {
        self.now = now; self.exportW = exportW; self.importW = importW; self.carsSurplusW = carsSurplusW
        self.meterStale = meterStale; self.peakHeadroomW = peakHeadroomW; self.overrides = overrides; self.plan = plan
    }

    /// The export and import the surplus logic works on (W, both ≥ 0): the grid meter's (+ import)
    /// with a discharging home battery's power counted as import. A battery covering the house
    /// holds the grid near 0, so a heat pump put in Comfort on a surplus would otherwise go on
    /// seeing its own extra draw (now taken from the battery) as surplus and stay there, draining
    /// the battery into the tank; the same rule as the cars' (a discharging battery is not headroom).
    /// A charging battery is left as the meter shows it: it keeps priority over the relays.
    public static func surplusBalance(gridW: Double, batteryW: Double?) -> (exportW: Double, importW: Double) {
        let w = gridW + max(0, -(batteryW ?? 0))
        return (max(0, -w), max(0, w))
    }

    /// The peak headroom from the running quarter: the power still allowed minus the present import.
    public static func peakHeadroomW(quarter: QuarterStatus, importW: Double) -> Double {
        quarter.allowedKW * 1000 - importW
    }
}

/// The energy plan's wish for one relay in the running quarter: an extra input to its decision,
/// never above the relay's own rules (dwell, Off limits, the quarter-hour peak).
public struct RelayPlanAsk: Sendable, Equatable {
    public enum Want: Sendable, Equatable {
        /// A heat pump: at least this SG state.
        case sg(SGState)
        /// A switch: on in a planned quarter, off otherwise (instead of its timer windows).
        case switched(Bool)
    }
    public var want: Want
    /// Why, for the relay's reason ("plan: cheapest quarters 02:00–03:00").
    public var why: String
    public init(_ want: Want, why: String) { self.want = want; self.why = why }
}

/// One output's contact, as the decision wants it.
public struct RelayOutputCommand: Sendable, Equatable, Codable {
    /// Output id (`outputs:` in the configuration).
    public var output: String
    public var on: Bool
    public init(output: String, on: Bool) { self.output = output; self.on = on }
}

/// The decision for one relay (a heat pump's pair, or one switch).
public struct RelayDecision: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case sg(SGState)
        case switched(Bool)
        public var text: String {
            switch self {
            case .sg(let s): return s.title
            case .switched(let on): return on ? "on" : "off"
            }
        }
    }
    public var id: String
    public var state: State
    /// Every output of the relay, in the order to write them (for a pump: the order that never
    /// passes through a lock pattern).
    public var outputs: [RelayOutputCommand]
    /// Contacts in configuration order (SG0, SG1 for a pump), for the dashboard.
    public var contacts: [Bool]
    /// Configured power of the state now in force (W): what the relay's device draws.
    public var powerW: Double
    /// The same before this decision (W): `powerW - previousPowerW` is not yet in the meter reading.
    public var previousPowerW: Double
    /// Surplus the relay takes (W): a pump's Comfort/Boost power above Normal, a switch's power when on.
    public var claimW: Double
    /// Whether it takes surplus before or after the cars.
    public var order: SurplusOrder
    /// The contacts changed in this decision.
    public var changed: Bool
    public var override: RuntimeSettings.RelayOverride
    public var reason: String

    public var kind: String { if case .sg = state { return "sg-ready" } else { return "switch" } }

    /// The dashboard's row.
    public var view: RelayView {
        RelayView(id: id, kind: kind, state: state.text, override: override, outputs: contacts, powerW: powerW, reason: reason)
    }
}
