import Foundation

/// What the charger reports about its car (SPEC §2.1: no car / connected / charging / error).
public enum ChargeState: String, Sendable, Codable, CaseIterable {
    case noCar = "no-car"
    case connected
    case charging
    case error
}

/// A charge point's latest reading, in its own terminal order (terminal 1..3, before the phase map).
public struct ChargePointStatus: Sendable, Equatable, Codable {
    public var state: ChargeState
    /// Per-terminal currents (A), terminal 1..3.
    public var currents: PhaseValues
    public var powerW: Double?
    /// Energy meter of the charger (kWh, lifetime) and of the running session, when known.
    public var energyKWh: Double?
    public var sessionKWh: Double?
    /// The setpoint the charger reports it applies (A), when it can be read back.
    public var appliedSetpointA: Double?
    /// Phases the charger is switched to (1 or 3) when it supports switching.
    public var activePhases: Int?
    public var errorText: String?
    public init(state: ChargeState, currents: PhaseValues = .zero, powerW: Double? = nil, energyKWh: Double? = nil,
                sessionKWh: Double? = nil, appliedSetpointA: Double? = nil, activePhases: Int? = nil, errorText: String? = nil) {
        self.state = state; self.currents = currents; self.powerW = powerW; self.energyKWh = energyKWh
        self.sessionKWh = sessionKWh; self.appliedSetpointA = appliedSetpointA; self.activePhases = activePhases
        self.errorText = errorText
    }
}

/// A meter's reading in grid-line order. Currents are signed: negative = export on that line.
public struct MeterMeasurement: Sendable, Equatable, Codable {
    public var currents: PhaseValues
    public var voltages: PhaseValues?
    /// Per-line active power (W), signed: positive = import.
    public var powers: PhaseValues?
    /// Total active power (W), signed: positive = import, negative = export.
    public var powerW: Double
    public var importKWh: Double?
    public var exportKWh: Double?
    public init(currents: PhaseValues, voltages: PhaseValues? = nil, powers: PhaseValues? = nil, powerW: Double,
                importKWh: Double? = nil, exportKWh: Double? = nil) {
        self.currents = currents; self.voltages = voltages; self.powers = powers; self.powerW = powerW
        self.importKWh = importKWh; self.exportKWh = exportKWh
    }
}

/// The main meter's reading as the control core uses it (from P1 or a Modbus meter).
public struct GridMeasurement: Sendable, Equatable, Codable {
    /// The meter's own clock (P1 0-0:1.0.0), or the host's when the meter has none.
    public var meterTime: Date
    public var meter: MeterMeasurement
    /// 1-0:1.4.0: the meter's running quarter-hour average import (kW), when it sends one.
    public var quarterAverageKW: Double?
    /// 1-0:1.6.0: this month's highest quarter (kW) and when it was reached.
    public var monthPeakKW: Double?
    public var monthPeakTime: Date?
    /// The gas and water meters' latest readings on the P1 M-Bus channels (m3), for the history.
    public var gasM3: Double?
    public var waterM3: Double?
    public init(meterTime: Date, meter: MeterMeasurement, quarterAverageKW: Double? = nil,
                monthPeakKW: Double? = nil, monthPeakTime: Date? = nil, gasM3: Double? = nil, waterM3: Double? = nil) {
        self.meterTime = meterTime; self.meter = meter; self.quarterAverageKW = quarterAverageKW
        self.monthPeakKW = monthPeakKW; self.monthPeakTime = monthPeakTime; self.gasM3 = gasM3; self.waterM3 = waterM3
    }
}

/// PV inverter / home battery reading (SPEC §1.4). Signs: battery + = charging.
public struct InverterMeasurement: Sendable, Equatable, Codable {
    public var pvPowerW: Double
    public var batteryPowerW: Double?
    public var batterySoCPercent: Double?
    /// Grid power as the inverter's own meter sees it (+ import).
    public var gridPowerW: Double?
    public init(pvPowerW: Double, batteryPowerW: Double? = nil, batterySoCPercent: Double? = nil, gridPowerW: Double? = nil) {
        self.pvPowerW = pvPowerW; self.batteryPowerW = batteryPowerW; self.batterySoCPercent = batterySoCPercent
        self.gridPowerW = gridPowerW
    }
}

/// A value with the instant it was last read successfully (host monotonic seconds).
public struct Timed<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    /// When the value was received, in the control loop's clock (seconds).
    public var at: Double
    public init(_ value: Value, at: Double) { self.value = value; self.at = at }
    public func age(now: Double) -> Double { now - at }
}
