/// Capability interfaces the control side sees (after evcc's small interfaces). Real drivers
/// (Modbus profiles, in IO) and simulated devices implement them. Calls may block: they run on
/// the device's own I/O worker, never on the control loop.

/// How the hub reaches the charger's own safe (fallback) current.
public enum SafeCurrentAccess: String, Sendable, Equatable, Codable {
    /// The hub writes `safe_a` and reads it back.
    case writable
    /// The hub writes it but cannot read it back.
    case writeOnly = "write-only"
    /// Set on the charger itself: the hub reads it and compares.
    case readOnly = "read-only"
}

public struct ChargePointCapabilities: Sendable, Equatable, Codable {
    /// The setpoint is written in watts rather than amperes.
    public var setpointInWatts: Bool = false
    /// The hub must rewrite the setpoint at least this often or the charger falls back to its safe current (s).
    public var watchdogS: Double?
    /// The hub rewrites an unchanged setpoint this often (s); nil = half the watchdog. The control
    /// core is the only one that decides it (the driver never rewrites on its own), so a hub whose
    /// loop stopped lets the charger fall back to its safe current.
    public var refreshS: Double?
    public var phaseSwitching: Bool = false
    public var enableDisable: Bool = false
    /// The charger's own safe current, nil when the hub cannot reach it (the charger falls to
    /// its own default when it loses the hub).
    public var safeCurrent: SafeCurrentAccess? = nil
    public init(setpointInWatts: Bool = false, watchdogS: Double? = nil, refreshS: Double? = nil, phaseSwitching: Bool = false,
                enableDisable: Bool = false, safeCurrent: SafeCurrentAccess? = nil) {
        self.setpointInWatts = setpointInWatts; self.watchdogS = watchdogS; self.refreshS = refreshS
        self.phaseSwitching = phaseSwitching; self.enableDisable = enableDisable; self.safeCurrent = safeCurrent
    }
}

public protocol ChargePointDevice: AnyObject {
    var capabilities: ChargePointCapabilities { get }
    func readStatus() throws -> ChargePointStatus
    /// Writes the current limit (A per phase); 0 pauses charging.
    func writeCurrent(_ amps: Double) throws
    /// Switches between 1 and 3 phases, where supported.
    func switchPhases(_ phases: Int) throws
    /// Writes the charger's own fallback current, where it has one.
    func writeSafeCurrent(_ amps: Double) throws
    /// Reads the charger's own fallback current back (A); nil when it cannot be read.
    func readSafeCurrent() throws -> Double?
}

public extension ChargePointDevice {
    func switchPhases(_ phases: Int) throws { throw DeviceError.unsupported("1p/3p switching") }
    func writeSafeCurrent(_ amps: Double) throws { throw DeviceError.unsupported("safe current") }
    func readSafeCurrent() throws -> Double? { throw DeviceError.unsupported("safe current") }
}

public protocol MeterDevice: AnyObject {
    func readMeter() throws -> MeterMeasurement
}

public protocol InverterDevice: AnyObject {
    func readInverter() throws -> InverterMeasurement
    /// Writes the battery setpoint and the PV limit through the profile's write registers.
    func control(_ setting: InverterSetting) throws
}

public extension InverterDevice {
    func control(_ setting: InverterSetting) throws { throw DeviceError.unsupported("battery and PV limit control") }
}

/// What the energy manager asks of an inverter: nil hands that part back to the inverter's own
/// mode (the battery's self-consumption, no PV limit).
public struct InverterSetting: Sendable, Equatable, Codable {
    /// Battery power (W, + charging).
    public var batteryW: Double?
    /// The PV's active-power limit (W): what the site can use itself. An inverter that limits
    /// its export instead limits that to 0.
    public var pvLimitW: Double?
    public init(batteryW: Double?, pvLimitW: Double?) { self.batteryW = batteryW; self.pvLimitW = pvLimitW }
}

/// A relay contact (GPIO, Modbus coil, command, simulated).
public protocol RelayOutputDevice: AnyObject {
    func set(_ on: Bool) throws
}

/// A pulse counter (S0 input): total pulses counted so far.
public protocol PulseCounterDevice: AnyObject {
    func readCount() throws -> UInt64
}

public enum DeviceError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupported(String)
    case timeout(String)
    case exception(String)
    case io(String)
    public var description: String {
        switch self {
        case .unsupported(let w): return "not supported by this device: \(w)"
        case .timeout(let w): return "timeout: \(w)"
        case .exception(let w): return w
        case .io(let w): return w
        }
    }
}
