import Foundation

/// Everything the dashboard shows, as one Sendable value the runtime publishes after each decision.
/// The dashboard never reads the core's state any other way. Codable: an attached dashboard gets
/// it over the control socket (`WireJSON`, snake_case keys).
public struct SiteSnapshot: Sendable, Equatable, Codable {
    public var time: Date
    public var siteName: String
    public var sliderKW: Double
    public var network: NetworkType = .TN
    public var voltage: Double = 230

    public var grid: GridView
    /// Energy flows (W, positive numbers; direction is in the field name). nil = not measured.
    public var pvW: Double?
    /// + charging the battery, - discharging.
    public var batteryW: Double?
    public var batterySoC: Double?
    public var houseW: Double
    public var heatPumpW: Double?
    public var chargeParkW: Double

    public var quarter: QuarterStatus?
    public var points: [PointView]
    public var levels: [LevelView]
    public var relays: [RelayView]
    public var devices: [DeviceHealth]
    public var alerts: [AlertView]
    public var log: [LogLine]
    /// Recent quarter-hour averages (kW), oldest first, for the history strip.
    public var quarterHistory: [Double] = []
    /// The recorded history for the History screen (nil when the shell records none).
    public var history: HistoryView?
    /// The energy plan from the running quarter on (nil when no energy manager runs).
    public var plan: PlanView?
    public var safeState: Bool = false

    public init(time: Date, siteName: String, sliderKW: Double, grid: GridView, houseW: Double, chargeParkW: Double,
                quarter: QuarterStatus? = nil, points: [PointView] = [], levels: [LevelView] = [], relays: [RelayView] = [],
                devices: [DeviceHealth] = [], alerts: [AlertView] = [], log: [LogLine] = []) {
        self.time = time; self.siteName = siteName; self.sliderKW = sliderKW; self.grid = grid; self.houseW = houseW
        self.chargeParkW = chargeParkW; self.quarter = quarter; self.points = points; self.levels = levels
        self.relays = relays; self.devices = devices; self.alerts = alerts; self.log = log
    }
}

public struct GridView: Sendable, Equatable, Codable {
    /// + import, - export (W).
    public var powerW: Double
    public var currents: PhaseValues
    public var voltages: PhaseValues?
    /// Age of the last good telegram (s); nil = never received.
    public var ageS: Double?
    public var stale: Bool
    public var telegrams: Int
    public var crcFailures: Int
    /// The main meter's lifetime registers (kWh, all tariffs), when it sends them.
    public var importKWh: Double? = nil
    public var exportKWh: Double? = nil
    public init(powerW: Double, currents: PhaseValues, voltages: PhaseValues? = nil, ageS: Double?, stale: Bool,
                telegrams: Int = 0, crcFailures: Int = 0) {
        self.powerW = powerW; self.currents = currents; self.voltages = voltages; self.ageS = ageS; self.stale = stale
        self.telegrams = telegrams; self.crcFailures = crcFailures
    }
}

/// What the charge-point table shows.
public enum PointState: String, Sendable, Codable, CaseIterable {
    case noCar = "no car", connected, charging, waiting, error, lost
}

public struct PointView: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var state: PointState
    public var mode: ChargeMode
    public var priority: Int
    public var manualA: Double?
    /// Phases the car draws on (learned), 0 when unknown.
    public var phasesInUse: Int
    /// Per-terminal currents as measured (A).
    public var currents: PhaseValues
    public var powerW: Double
    public var setpointA: Double
    public var sessionKWh: Double
    public var explanation: String
    public var board: String
    /// The point's configured current range (A): the dashboard clamps manual-current edits to it.
    public var minA: Double = 6
    public var maxA: Double = 32
    public init(id: String, name: String, state: PointState, mode: ChargeMode, priority: Int, manualA: Double? = nil,
                phasesInUse: Int, currents: PhaseValues, powerW: Double, setpointA: Double, sessionKWh: Double,
                explanation: String, board: String, minA: Double = 6, maxA: Double = 32) {
        self.id = id; self.name = name; self.state = state; self.mode = mode; self.priority = priority; self.manualA = manualA
        self.phasesInUse = phasesInUse; self.currents = currents; self.powerW = powerW; self.setpointA = setpointA
        self.sessionKWh = sessionKWh; self.explanation = explanation; self.board = board
        self.minA = minA; self.maxA = maxA
    }
}

public struct LevelView: Sendable, Equatable, Codable {
    public var id: String
    public var parent: String?
    public var depth: Int
    public var currents: PhaseValues
    public var limitA: Double
    public var meter: String
    public init(id: String, parent: String?, depth: Int, currents: PhaseValues, limitA: Double, meter: String) {
        self.id = id; self.parent = parent; self.depth = depth; self.currents = currents; self.limitA = limitA; self.meter = meter
    }
}

public struct RelayView: Sendable, Equatable, Codable {
    public var id: String
    /// "sg-ready" or "switch".
    public var kind: String
    /// "Boost", "Normal", "on", "off" …
    public var state: String
    public var override: RuntimeSettings.RelayOverride
    /// Contact state of each output, in order (SG0, SG1 for a pump).
    public var outputs: [Bool]
    public var powerW: Double
    public var reason: String
    public init(id: String, kind: String, state: String, override: RuntimeSettings.RelayOverride, outputs: [Bool],
                powerW: Double, reason: String) {
        self.id = id; self.kind = kind; self.state = state; self.override = override; self.outputs = outputs
        self.powerW = powerW; self.reason = reason
    }
}

/// Communication health of one device (SPEC §4 devices screen; the seed's RS485 TX/RX lights).
public struct DeviceHealth: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case ok, slow, failing, lost }
    public var id: String
    public var description: String
    public var status: Status
    public var lastError: String?
    public var rttP50Ms: Double?
    public var rttP99Ms: Double?
    public var txBytes: UInt64
    public var rxBytes: UInt64
    public var requests: UInt64
    public var failures: UInt64
    /// The link it is reached over ("rs485", "tcp", "p1" …); the dashboard's RS485 TX/RX lights
    /// follow the devices whose bus contains "rs485". nil = not said.
    public var bus: String? = nil
    /// A charge point's own safe current against its `safe_a` ("safe current 6 A (charger
    /// confirms)"); `safeCurrentProblem` when it differs or could not be set. nil = not a charger.
    public var safeCurrent: String? = nil
    public var safeCurrentProblem: Bool? = nil
    public init(id: String, description: String, status: Status, lastError: String? = nil, rttP50Ms: Double? = nil,
                rttP99Ms: Double? = nil, txBytes: UInt64 = 0, rxBytes: UInt64 = 0, requests: UInt64 = 0, failures: UInt64 = 0,
                bus: String? = nil) {
        self.id = id; self.description = description; self.status = status; self.lastError = lastError
        self.rttP50Ms = rttP50Ms; self.rttP99Ms = rttP99Ms; self.txBytes = txBytes; self.rxBytes = rxBytes
        self.requests = requests; self.failures = failures; self.bus = bus
    }
}

public struct AlertView: Sendable, Equatable, Codable {
    public enum Level: String, Sendable, Codable { case info, warning, critical }
    public var time: Date
    public var level: Level
    public var key: String
    public var text: String
    public var active: Bool
    public init(time: Date, level: Level, key: String, text: String, active: Bool) {
        self.time = time; self.level = level; self.key = key; self.text = text; self.active = active
    }
}

public struct LogLine: Sendable, Equatable, Codable {
    public enum Level: String, Sendable, Codable, CaseIterable, Comparable {
        case trace, debug, info, notice, warning, error, critical
        public static func < (a: Level, b: Level) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }
    public var time: Date
    public var level: Level
    public var text: String
    public init(time: Date, level: Level, text: String) { self.time = time; self.level = level; self.text = text }
}

/// What the user asks through the dashboard or the CLI; applied by the control loop in its next decision.
public enum UserCommand: Sendable, Equatable {
    case setSlider(kW: Double)
    case setMode(point: String, mode: ChargeMode)
    case setManualCurrent(point: String, amps: Double)
    case setPriority(point: String, priority: Int)
    /// nil: no deadline any more.
    case setReadyBy(point: String, ReadyBy?)
    case setRelayOverride(relay: String, override: RuntimeSettings.RelayOverride)
}
