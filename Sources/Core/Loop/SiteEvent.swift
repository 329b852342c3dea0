import Foundation

/// What a device read or write failed with, as text (the shell turns its own error types into it
/// so events stay plain Sendable values).
public struct DeviceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The loop's timers: the shell schedules them when the loop asks and hands them back when due.
public enum SiteTimer: Sendable, Hashable {
    /// The periodic tick: polls devices between telegrams, decides when the meter went quiet.
    case tick
    /// A decision round waited long enough for the chargers' answers (the round's serial).
    case roundTimeout(Int)
}

/// Everything that can happen to the site loop. Device results carry the device's index in
/// `SiteDevices` (the order the loop asked for them in). Payloads larger than a charger's status
/// are `indirect` (boxed), so the frequent events stay small to copy.
public enum SiteEvent: Sendable {
    /// Start: first reads, relays to their defined state, the first tick.
    case start
    /// A main-meter reading (a P1 telegram or a polled Modbus main meter).
    indirect case grid(GridMeasurement)
    /// A charger's status: from a read, or read back after a write.
    case point(Int, Result<ChargePointStatus, DeviceFailure>)
    indirect case meter(Int, Result<MeterMeasurement, DeviceFailure>)
    /// A charger's own safe current as read back after a `SafeCurrentJob` (nil: it cannot be read).
    indirect case safeCurrent(Int, Result<Double?, DeviceFailure>)
    indirect case inverter(Int, Result<InverterMeasurement, DeviceFailure>)
    /// The inverter's answer to a `controlInverter` effect: the setting written, or why not.
    indirect case inverterControlled(Int, Result<InverterSetting, DeviceFailure>)
    /// Day-ahead prices fetched off the loop (or the source's failure).
    indirect case prices(PriceUpdate)
    /// The weather forecast (hourly cloud cover) fetched off the loop (or the source's failure).
    indirect case weather(WeatherUpdate)
    /// A pulse counter's total.
    case pulse(Int, Result<UInt64, DeviceFailure>)
    case timer(SiteTimer)
    /// A message from another hub of the fleet (over MQTT): an allowance opens a decision round.
    indirect case hub(HubIncoming)
    /// A user command (dashboard, control socket, CLI); answered with `commandResult(ticket:)`.
    indirect case command(UserCommand, ticket: UInt64)
    /// Stop: state saved, relays to their safe state, the alert queue drained.
    case stop
}

/// What a price fetch brought: the series in force (fresh, or the last good one when the source
/// failed) and the source's problem, if any.
public struct PriceUpdate: Sendable, Equatable {
    public var series: PriceSeries?
    public var problem: String?
    public init(series: PriceSeries?, problem: String?) { self.series = series; self.problem = problem }
}
