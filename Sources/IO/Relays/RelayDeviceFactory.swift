import Foundation
import KwartierCore

/// Builds relay outputs and pulse inputs from the configuration.
///
/// Modbus coils and counters go through a `CoilBus`: by default one `LibmodbusCoilBus` per
/// TCP endpoint or per serial line, shared by every coil/counter of that module. The runtime may
/// pass its own provider to route them through the shared Modbus worker instead (an RS485 bus
/// that also carries charge points must have a single owner).
public final class RelayDeviceFactory {
    public typealias BusProvider = (Transport) throws -> CoilBus
    private let config: SiteConfig
    private let provider: BusProvider?
    private var buses: [String: CoilBus] = [:]
    public let timeoutS: Double

    public init(config: SiteConfig, timeoutS: Double = 1.0, busProvider: BusProvider? = nil) {
        self.config = config; self.timeoutS = timeoutS; provider = busProvider
    }

    public func output(_ o: OutputConfig) throws -> RelayOutputDevice {
        switch o.kind {
        case let .modbusCoil(t, coil):
            if t == .simulated { return SimulatedRelayOutput() }
            return CoilBusOutput(bus: try bus(for: t), unit: unit(t), coil: coil)
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
        case let .modbusCounter(t, register):
            if t == .simulated { return SimulatedPulseCounter(pulsesPerKWh: p.pulsesPerKWh, clock: clock) }
            return ModbusCounterInput(bus: try bus(for: t), unit: unit(t), register: register, words: p.counterWords,
                                      function: p.counterFunction == "holding" ? .holding : .input)
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

    func unit(_ t: Transport) -> Int {
        switch t {
        case let .tcp(_, _, unit): return unit
        case let .rtu(_, address, _): return address
        case .simulated: return 1
        }
    }

    func bus(for t: Transport) throws -> CoilBus {
        if let p = provider { return try p(t) }
        let endpoint: LibmodbusCoilBus.Endpoint
        switch t {
        case let .tcp(host, port, _):
            endpoint = .tcp(host: host, port: port)
        case let .rtu(busID, _, serial):
            guard let b = config.buses.first(where: { $0.id == busID }) else {
                throw DeviceError.io("RS485 bus '\(busID)' is not defined under `buses:`")
            }
            endpoint = .rtu(device: b.device, serial: serial)
        case .simulated:
            throw DeviceError.unsupported("a simulated transport has no Modbus bus")
        }
        let key = endpoint.description
        if let b = buses[key] { return b }
        let b = LibmodbusCoilBus(endpoint, timeoutS: timeoutS)
        buses[key] = b
        return b
    }
}
