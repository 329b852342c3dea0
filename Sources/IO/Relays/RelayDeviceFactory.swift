import Foundation
import KwartierCore

/// Builds relay outputs and pulse inputs from the configuration.
///
/// Modbus coils and counters are never given a connection of their own: they are the
/// `ModbusSite`'s devices (`outputs`, `pulseCounters`), on the one worker that owns their RS485
/// bus or TCP endpoint. This factory adds the others: command outputs, simulated devices, and a
/// clear refusal for GPIO.
public final class RelayDeviceFactory {
    private let config: SiteConfig
    private let modbus: ModbusSite?

    /// `modbus`: the site's Modbus devices (`DeviceFactory.build`); without it a Modbus coil or
    /// counter is reported unavailable.
    public init(config: SiteConfig, modbus: ModbusSite?) {
        self.config = config; self.modbus = modbus
    }

    public func output(_ o: OutputConfig) throws -> RelayOutputDevice {
        switch o.kind {
        case let .modbusCoil(t, _):
            if t == .simulated { return SimulatedRelayOutput() }
            guard let coil = modbus?.outputs[o.id] else { throw DeviceError.io("output \(o.id): its Modbus module was not built") }
            return coil
        case .command(let cmd):
            return CommandOutput(command: cmd)
        case let .gpio(chip, line):
            throw GPIOSupport.unsupported("relay output \(o.id)", chip: chip, line: line)
        case .simulated:
            return SimulatedRelayOutput()
        }
    }

    public func pulseInput(_ p: PulseInputConfig, clock: @escaping () -> Date = Date.init) throws -> PulseCounterDevice {
        switch p.source {
        case let .modbusCounter(t, _):
            if t == .simulated { return SimulatedPulseCounter(pulsesPerKWh: p.pulsesPerKWh, clock: clock) }
            guard let counter = modbus?.pulseCounters[p.id] else { throw DeviceError.io("pulse input \(p.id): its Modbus module was not built") }
            return counter
        case let .gpio(chip, line):
            throw GPIOSupport.unsupported("pulse input \(p.id)", chip: chip, line: line)
        case .simulated:
            return SimulatedPulseCounter(pulsesPerKWh: p.pulsesPerKWh, clock: clock)
        }
    }

    /// Every configured output; the ones that cannot be made are returned with the reason.
    public func outputs() -> (devices: [String: RelayOutputDevice], errors: [String: String]) {
        var d: [String: RelayOutputDevice] = [:], e: [String: String] = [:]
        for o in config.outputs {
            do { d[o.id] = try output(o) } catch { e[o.id] = "\(error)" }
        }
        return (d, e)
    }
}
