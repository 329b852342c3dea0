import Foundation

/// TN, TT (3x400 V + N) or IT (3x230 V, no neutral).
public enum NetworkType: String, Sendable, Codable, CaseIterable { case TN, TT, IT }

/// What the user asks of a charge point.
public enum ChargeMode: String, Sendable, Codable, CaseIterable { case auto, manual, off }

/// General site settings (SPEC §5 `site:`), plus the control tunables added beyond the contract.
public struct SiteSettings: Sendable, Equatable, Codable {
    public var name: String = "Kwartier site"
    public var network: NetworkType = .TN
    public var voltage: Double = 230
    public var sliderKW: Double = 9.0
    public var dataDir: String = "/var/lib/kwartier"
    /// Path of the control socket; nil = `<data_dir>/kwartier.sock`.
    public var controlSocket: String? = nil
    public var maxTCPConnections: Int = SiteSettings.measuredTCPConnections
    /// Modbus TCP connections the reference hub (2 cores) is benchmarked with: the default
    /// maximum, and above it `check` warns.
    public static let measuredTCPConnections = 20
    /// Charge points the reference hub is benchmarked with (telegram → last setpoint, CPU); above
    /// it `check` warns.
    public static let measuredPoints = 250
    public var startBufferA: Double = 2
    /// Fair rotation: minimum run time of a car once started while others wait (s).
    public var minRunTimeS: Double = 900
    /// Minimum pause between a car's stop and its next start (s).
    public var minPauseS: Double = 120
    /// 1p/3p switching dwell (s).
    public var phaseSwitchDwellS: Double = 300
    /// No need to stay below a peak the month already reached.
    public var followMonthPeak: Bool = false
    /// Time zone of the meter's clock (quarters are aligned to it).
    public var timeZone: String = "Europe/Brussels"
    public init() {}
}

/// A level's measurement: a configured meter, or the sum of the charge points below it.
public enum LevelMeter: Sendable, Equatable, Codable, CustomStringConvertible {
    case virtual
    case device(String)
    /// Another hub's: a parent's board fed by a child hub (its published draw), or a child hub's
    /// grid (the sum of its own points, under the allowance its parent publishes).
    case remote
    public var description: String {
        switch self { case .virtual: return "virtual"; case .device(let id): return id; case .remote: return "remote" }
    }
}

/// A node of the fuse tree: the grid connection (level 1) or a board (levels 2-3).
public struct LevelConfig: Sendable, Equatable, Codable {
    public var id: String
    /// nil for the grid.
    public var parent: String?
    public var fuseA: Double?
    /// Per-phase limit in force: the configured limit, or the fuse when none is given.
    public var limitA: Double
    public var marginA: Double
    public var meter: LevelMeter
    /// Consumers below this level that the hub does not manage (kW), declared for documentation
    /// and refused under a virtual meter (it could not see them).
    public var unmanagedKW: Double?
    /// The link to another hub over MQTT (`remote:`), nil for a level of this hub's own.
    public var remote: RemoteLink?
    public var line: Int
    public init(id: String, parent: String?, fuseA: Double? = nil, limitA: Double, marginA: Double = 0,
                meter: LevelMeter, unmanagedKW: Double? = nil, remote: RemoteLink? = nil, line: Int = 0) {
        self.id = id; self.parent = parent; self.fuseA = fuseA; self.limitA = limitA
        self.marginA = marginA; self.meter = meter; self.unmanagedKW = unmanagedKW; self.remote = remote; self.line = line
    }
    /// The usable per-phase current: limit minus margin.
    public var usableA: Double { limitA - marginA }
}

public struct ChargePointConfig: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// Parent level id (`grid` or a board).
    public var board: String
    public var driver: String
    public var transport: Transport
    public var phases: PhaseMap
    public var minA: Double = 6
    public var maxA: Double = 16
    public var safeA: Double = 6
    public var priority: Int = 0
    public var mode: ChargeMode = .auto
    public var manualA: Double?
    /// The charger can switch between 1 and 3 phases (from its profile or the config).
    public var phaseSwitching: Bool = false
    /// Seconds from a lower setpoint (or a stop) being sent until the car draws it: the charger's
    /// apply delay plus the car's ramp. The quarter budget counts what the car still draws
    /// meanwhile, so a car that must stop before a quarter ends is told that much earlier.
    public var rampS: Double = ChargePointConfig.defaultRampS
    public var line: Int = 0
    /// A charger takes a few seconds to apply a new setpoint (Alfen: "processing takes a few
    /// seconds"), and IEC 61851-1 gives the car up to 5 s to follow a lower duty cycle: 10 s.
    public static let defaultRampS: Double = 10
    public init(id: String, name: String? = nil, board: String, driver: String, transport: Transport,
                phases: PhaseMap = .standard, minA: Double = 6, maxA: Double = 16, safeA: Double = 6,
                priority: Int = 0, mode: ChargeMode = .auto, manualA: Double? = nil,
                phaseSwitching: Bool = false, rampS: Double = ChargePointConfig.defaultRampS, line: Int = 0) {
        self.id = id; self.name = name ?? id; self.board = board; self.driver = driver
        self.transport = transport; self.phases = phases; self.minA = minA; self.maxA = maxA
        self.safeA = safeA; self.priority = priority; self.mode = mode; self.manualA = manualA
        self.phaseSwitching = phaseSwitching; self.rampS = rampS; self.line = line
    }
}

/// Where the P1 telegrams come from.
public enum P1Source: Sendable, Equatable, Codable, CustomStringConvertible {
    /// baud nil = auto (115200 8N1, then 9600 7E1).
    case serial(path: String, baud: Int?)
    case tcp(host: String, port: Int)
    case file(path: String, paced: Bool)
    case stdin
    case simulated
    public var description: String {
        switch self {
        case let .serial(path, baud): return "serial \(path) @ \(baud.map(String.init) ?? "auto")"
        case let .tcp(host, port): return "tcp \(host):\(port)"
        case let .file(path, paced): return "file \(path)\(paced ? " (paced)" : "")"
        case .stdin: return "stdin"
        case .simulated: return "simulated"
        }
    }
}

public enum MeterKind: Sendable, Equatable, Codable {
    case p1(source: P1Source, passthrough: [String], staleAfterS: Double)
    case modbus(driver: String, transport: Transport, staleAfterS: Double)
}

public struct MeterConfig: Sendable, Equatable, Codable {
    public var id: String
    public var kind: MeterKind
    public var line: Int = 0
    public init(id: String, kind: MeterKind, line: Int = 0) { self.id = id; self.kind = kind; self.line = line }
    public var staleAfterS: Double {
        switch kind {
        case .p1(_, _, let s): return s
        case .modbus(_, _, let s): return s
        }
    }
}

public struct InverterConfig: Sendable, Equatable, Codable {
    public var id: String
    public var driver: String
    public var transport: Transport
    public var line: Int = 0
}

public struct BusConfig: Sendable, Equatable, Codable {
    public var id: String
    public var device: String
    /// Silence between frames on this bus, beyond the 3.5 characters Modbus requires (ms).
    public var interFrameMs: Double = 0
    public var line: Int = 0
}

public enum SGState: String, Sendable, Codable, CaseIterable, Comparable {
    case off, normal, comfort, boost
    var rank: Int { SGState.allCases.firstIndex(of: self)! }
    public static func < (a: SGState, b: SGState) -> Bool { a.rank < b.rank }
}

/// Dwell-time presets of the seed products.
public enum SGPreset: String, Sendable, Codable, CaseIterable {
    /// Charging hub: hold Normal and Boost 10 min, Comfort 15 min when moving up.
    case chargingHub = "charging-hub"
    /// Home module: 5 and 10 min.
    case home
}

/// Whether a device takes PV surplus before or after the cars.
public enum SurplusOrder: String, Sendable, Codable { case beforeCars = "before-cars", afterCars = "after-cars" }

public struct SGReadyConfig: Sendable, Equatable, Codable {
    public var outputs: [String]
    public var states: [SGState]
    public var comfortAboveKW: Double
    public var boostAboveKW: Double
    public var powerKW: [String: Double]
    public var preset: SGPreset = .chargingHub
    public var order: SurplusOrder = .afterCars
    public var hysteresisKW: Double = 0.3
    /// Use Off (utility lock) to keep the quarter-hour peak under the slider (when `off` is supported).
    public var shavePeak: Bool = true
    /// State on shutdown (and what a de-energised relay module gives: both contacts open = Normal).
    public var safeState: SGState = .normal
    public init(outputs: [String], states: [SGState] = [.off, .normal, .comfort, .boost], comfortAboveKW: Double,
                boostAboveKW: Double, powerKW: [String: Double], preset: SGPreset = .chargingHub, order: SurplusOrder = .afterCars,
                hysteresisKW: Double = 0.3, shavePeak: Bool = true, safeState: SGState = .normal) {
        self.outputs = outputs; self.states = states; self.comfortAboveKW = comfortAboveKW; self.boostAboveKW = boostAboveKW
        self.powerKW = powerKW; self.preset = preset; self.order = order; self.hysteresisKW = hysteresisKW
        self.shavePeak = shavePeak; self.safeState = safeState
    }
}

public struct SwitchConfig: Sendable, Equatable, Codable {
    public var output: String
    public var onAboveKW: Double
    public var powerKW: Double
    public var hysteresisKW: Double = 0.2
    public var minOnS: Double = 0
    public var minOffS: Double = 0
    /// "HH:MM-HH:MM" windows in the site's time zone.
    public var timers: [String] = []
    public var order: SurplusOrder = .afterCars
    /// Contact state on shutdown.
    public var safeOn: Bool = false
    /// Switch on surplus; false for a timer-only relay (no `on_above_kw`/`power_kw` given).
    public var surplusSwitching: Bool = true
    public init(output: String, onAboveKW: Double, powerKW: Double? = nil, hysteresisKW: Double = 0.2, minOnS: Double = 0,
                minOffS: Double = 0, timers: [String] = [], order: SurplusOrder = .afterCars, safeOn: Bool = false,
                surplusSwitching: Bool = true) {
        self.output = output; self.onAboveKW = onAboveKW; self.powerKW = powerKW ?? onAboveKW
        self.hysteresisKW = hysteresisKW; self.minOnS = minOnS; self.minOffS = minOffS; self.timers = timers
        self.order = order; self.safeOn = safeOn; self.surplusSwitching = surplusSwitching
    }
}

public enum RelayKind: Sendable, Equatable, Codable {
    case sgReady(SGReadyConfig)
    case switched(SwitchConfig)
}

public struct RelayConfig: Sendable, Equatable, Codable {
    public var id: String
    public var kind: RelayKind
    public var line: Int = 0
    public init(id: String, kind: RelayKind, line: Int = 0) { self.id = id; self.kind = kind; self.line = line }
}

/// Where a relay output physically is.
public enum OutputKind: Sendable, Equatable, Codable {
    case modbusCoil(transport: Transport, coil: Int)
    case command(path: String)
    case gpio(chip: String, line: Int)
    case simulated
}

public struct OutputConfig: Sendable, Equatable, Codable {
    public var id: String
    public var kind: OutputKind
    public var line: Int = 0
    public init(id: String, kind: OutputKind, line: Int = 0) { self.id = id; self.kind = kind; self.line = line }
}

public enum PulseSource: Sendable, Equatable, Codable {
    case modbusCounter(transport: Transport, register: Int)
    case gpio(chip: String, line: Int)
    case simulated
}

public struct PulseInputConfig: Sendable, Equatable, Codable {
    public var id: String
    public var source: PulseSource
    public var pulsesPerKWh: Double
    /// What it measures: production (PV) or consumption.
    public var measures: String = "consumption"
    public var line: Int = 0
    /// Power is reported as 0 when no pulse came for this long (s); before that it decays.
    public var zeroAfterS: Double = 300
    /// `modbus_counter`: 1 (16-bit, wraps at 65536) or 2 registers (32-bit, high word first).
    public var counterWords: Int = 2
    /// `modbus_counter`: read with function 4 (`input`) or 3 (`holding`).
    public var counterFunction: String = "input"
    public init(id: String, source: PulseSource, pulsesPerKWh: Double, measures: String = "consumption", line: Int = 0,
                zeroAfterS: Double = 300, counterWords: Int = 2, counterFunction: String = "input") {
        self.id = id; self.source = source; self.pulsesPerKWh = pulsesPerKWh; self.measures = measures; self.line = line
        self.zeroAfterS = zeroAfterS; self.counterWords = counterWords; self.counterFunction = counterFunction
    }
}

/// SPEC §3.6 thresholds; nil = no alert.
public struct AlertConfig: Sendable, Equatable, Codable {
    public var consumptionAboveKW: Double?
    public var productionAboveKW: Double?
    public var forecastPeakAboveKW: Double?
    public var hysteresisKW: Double = 0.5
    public var hook: String?
    public init() {}
}

public struct UIConfig: Sendable, Equatable, Codable {
    public var theme: String = "default"
    public var refreshHz: Double = 1
    public var ascii: Bool = false
    public init() {}
}

/// A whole validated configuration.
public struct SiteConfig: Sendable, Equatable, Codable {
    public var file: String = "kwartier.yaml"
    public var site = SiteSettings()
    public var grid: LevelConfig
    public var boards: [LevelConfig] = []
    public var meters: [MeterConfig] = []
    public var buses: [BusConfig] = []
    public var chargepoints: [ChargePointConfig] = []
    /// The OCPP central system; nil = off.
    public var ocpp: OCPPServerConfig?
    /// The MQTT link (publishing, commands, Home Assistant); nil = off.
    public var mqtt: MQTTConfig?
    public var inverters: [InverterConfig] = []
    public var relays: [RelayConfig] = []
    public var outputs: [OutputConfig] = []
    public var pulseInputs: [PulseInputConfig] = []
    public var alerts = AlertConfig()
    public var ui = UIConfig()
    /// Prices, battery, curtailment and the plan (`energy:`); nil = none.
    public var energy: EnergyConfig?

    public init(grid: LevelConfig) { self.grid = grid }

    /// Grid first, then boards in configuration order.
    public var levels: [LevelConfig] { [grid] + boards }
    public func level(_ id: String) -> LevelConfig? { levels.first { $0.id == id } }
    public func meter(_ id: String) -> MeterConfig? { meters.first { $0.id == id } }
    public func chargepoint(_ id: String) -> ChargePointConfig? { chargepoints.first { $0.id == id } }

    /// Level ids from the point's board up to the grid (nearest first).
    public func ancestors(ofLevel id: String) -> [String] {
        var out: [String] = []
        var current: String? = id
        var guardCount = 0
        while let c = current, guardCount < 16 {
            out.append(c)
            current = level(c)?.parent
            guardCount += 1
        }
        return out
    }
    /// Depth of a level: grid = 1, its boards 2, and so on.
    public func depth(ofLevel id: String) -> Int { ancestors(ofLevel: id).count }

    /// This hub takes its grid limit from a parent hub (`grid: { meter: remote, remote: { parent: … } }`).
    public var parentHub: RemoteLink? { grid.meter == .remote ? grid.remote : nil }
    /// Boards that are a child hub's whole tree (`remote: { hub: … }`).
    public var remoteBoards: [LevelConfig] { boards.filter { $0.remote?.hub != nil } }
    /// Part of a fleet of hubs sharing one connection over MQTT.
    public var inFleet: Bool { levels.contains { $0.remote != nil || $0.meter == .remote } }
}
