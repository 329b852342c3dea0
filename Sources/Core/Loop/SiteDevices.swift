import Foundation

/// What the loop knows of the site's devices: ids and capabilities, never driver types. A real,
/// simulated or test shell maps each index to its own device object.
public struct SiteDevices: Sendable {
    public struct Point: Sendable {
        public var id: String
        public var capabilities: ChargePointCapabilities
        public init(id: String, capabilities: ChargePointCapabilities) { self.id = id; self.capabilities = capabilities }
    }
    public var points: [Point]
    /// Polled meters: board meters, and the main meter when it is a Modbus device.
    public var meters: [String]
    public var inverters: [String]
    /// Pulse (S0) inputs, read once a tick.
    public var pulses: [PulseInputConfig]

    public init(points: [Point] = [], meters: [String] = [], inverters: [String] = [], pulses: [PulseInputConfig] = []) {
        self.points = points; self.meters = meters; self.inverters = inverters; self.pulses = pulses
    }

    public func pointIndex(_ id: String) -> Int? { points.firstIndex { $0.id == id } }
    public func meterIndex(_ id: String) -> Int? { meters.firstIndex(of: id) }
}

/// Wall time (for quarters, timers of day, the log) and a monotonic clock (for ages, rounds).
/// The real shell reads the system's; the simulation and the tests drive their own.
public protocol SiteClock: AnyObject {
    var now: Date { get }
    var mono: Double { get }
}

/// A clock moved by hand (tests), or by the simulation (its time is the site's time).
public final class ManualClock: SiteClock {
    // Read on nearly every event of a simulated step; one owner sets and reads it (the thread
    // that steps the loop), so the run-time exclusivity check of each access is dropped.
    @exclusivity(unchecked) public var now: Date
    @exclusivity(unchecked) public var mono: Double
    public init(now: Date, mono: Double = 1000) { self.now = now; self.mono = mono }
    public func advance(_ s: Double) { now = now.addingTimeInterval(s); mono += s }
}

/// How the loop paces its rounds; defaults suit a real site.
public struct LoopOptions: Sendable, Equatable {
    /// A round waits at most this long for the chargers' fresh readings after a telegram.
    public var roundWaitS = 0.3
    /// The first round waits longer: a car's draw must not be taken for house load at start-up.
    public var firstRoundWaitS = 3.0
    public var tickS = 1.0
    /// The tick decides itself when no decision came for this long (meter silent or slow).
    public var decideWhenIdleS = 1.5
    /// The tick re-reads a device last asked at least this long ago.
    public var pollEveryS = 0.9
    public var statusEveryS = 1.0
    /// A backtest publishes no status: nobody reads it, and a month is 2.6 M decisions.
    public var publishStatus = true
    public var stateEveryS = 60.0
    public var pulsesEveryS = 300.0
    /// Run the home energy manager (`energy:` with a battery or curtailment) in the loop: the
    /// real shell does; the simulation runs its own beside the site.
    public var manageEnergy = false
    public init() {}
}
