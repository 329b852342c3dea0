import Foundation

/// A device the loop wants read, by its index in `SiteDevices`.
public enum DeviceRef: Sendable, Hashable {
    case point(Int)
    case meter(Int)
    case inverter(Int)
    case pulse(Int)
}

/// A setpoint to write to a charger, then read back (the read acknowledges the write).
public struct SetpointWrite: Sendable, Equatable {
    public var point: Int
    public var amps: Double
    /// 1 or 3 when the phases must be switched first.
    public var phases: Int?
    public init(point: Int, amps: Double, phases: Int? = nil) { self.point = point; self.amps = amps; self.phases = phases }
}

/// The point's `safe_a` to the charger's own fallback register (`write` false: only read, the
/// charger's is set on the charger itself), then read back; answered with `.safeCurrent`.
public struct SafeCurrentJob: Sendable, Equatable {
    public var point: Int
    public var amps: Double
    public var write: Bool
    public init(point: Int, amps: Double, write: Bool) { self.point = point; self.amps = amps; self.write = write }
}

public enum SiteLogLevel: String, Sendable {
    case debug, info, notice, warning, error
}

/// What `status.json` holds besides the process id and the time of writing.
public struct StatusReport: Sendable {
    public var site: String
    public var sliderKW: Double
    public var meterAgeS: Double?
    public var decision: Decision
    /// The energy plan (nil when no energy manager runs).
    public var plan: PlanView? = nil
}

/// Everything the loop asks its shell to do. The shell carries them out in order; device effects
/// answer with events (`read` → `.point`/`.meter`/…, `write` → `.point`).
/// The large, rare payloads are `indirect` (boxed): an effect is as small as a read or a write,
/// and a backtest moves tens of them a simulated second.
public enum SiteEffect: Sendable {
    case read(DeviceRef)
    case write(SetpointWrite)
    indirect case safeCurrent(SafeCurrentJob)
    /// The battery setpoint and PV limit to the inverter (its index); answered by `.inverterControlled`.
    indirect case controlInverter(Int, InverterSetting)
    /// Drive the relay contacts of these decisions (changed ones, or all at start).
    case driveRelays([RelayDecision])
    /// At stop: every relay output to its safe state.
    case relaysSafe([RelayOutputCommand])
    /// A decision was taken: publish the snapshot (dashboard, clients), print, trace.
    indirect case decided(SiteStep)
    indirect case writeStatus(StatusReport)
    indirect case saveSettings(RuntimeSettings)
    indirect case saveState(ControllerState)
    case savePulses([String: PulseMeterState])
    indirect case recordQuarter(ClosedQuarter)
    /// Energy per measuring point in the quarter starting at `quarter` (local day `day`,
    /// yyyy-MM-dd), added to what was recorded for it before.
    indirect case recordEnergy(quarter: Date, day: String, kwh: [String: Double])
    /// A charging session started, progressed (at each quarter's end) or ended.
    indirect case recordSession(ChargingSession)
    /// A gas or water reading from P1 (the latest of a quarter).
    indirect case recordMeterReading(GasWaterReading)
    indirect case alert(AlertEvent)
    /// A commissioning run of `kwartier commission phases` finished.
    indirect case phasesFound(PhaseProbe.Report)
    case log(SiteLogLevel, String)
    case schedule(SiteTimer, afterS: Double)
    indirect case commandResult(ticket: UInt64, Result<String, SiteController.CommandError>)
    /// The last effect of a stop: drain queues (alert hook, files) and release the site.
    case stopped
}
