import Foundation
import KwartierCore

/// The site's S0 pulse inputs: turns counter readings into power and energy, and keeps the
/// energy totals in `data_dir/pulses.json` (atomic writes).
///
/// It never calls a device: whoever reads the counters (`PulseCounterReader` in `kwartier run`,
/// on the Modbus worker that owns each counter's line) hands each result to `record`. Owned by
/// one queue (the control queue in `kwartier run`); not thread-safe.
public final class PulseInputs {
    public struct Input {
        public let config: PulseInputConfig
        public var meter: PulseMeter
    }
    public private(set) var inputs: [Input]
    /// The last result of each input (absent until its first read).
    public private(set) var readings: [String: Result<PulseReading, DeviceError>] = [:]
    public let storePath: String?
    /// What happened when the saved totals were read (unreadable file…), for the log.
    public private(set) var loadMessage: String?

    public init(configs: [PulseInputConfig], dataDir: String?) {
        storePath = dataDir.map { ($0 as NSString).appendingPathComponent("pulses.json") }
        var saved: [String: PulseMeterState] = [:]
        if let p = storePath, let d = FileManager.default.contents(atPath: p) {
            do { saved = try JSONDecoder().decode([String: PulseMeterState].self, from: d) }
            catch { loadMessage = "\(p) is unreadable (\(error)); pulse energy totals start from 0" }
        }
        inputs = configs.map { Input(config: $0, meter: PulseMeter(config: $0, state: saved[$0.id] ?? PulseMeterState())) }
    }

    /// Records one read of input `id`: the count taken at `at`, or why it failed (the meter is
    /// kept, so its power decays until the next good read). Unknown ids are ignored.
    @discardableResult
    public func record(_ id: String, _ result: Result<UInt64, Error>, at: Date) -> Result<PulseReading, DeviceError>? {
        guard let i = inputs.firstIndex(where: { $0.config.id == id }) else { return nil }
        let r: Result<PulseReading, DeviceError>
        switch result {
        case .success(let count): r = .success(inputs[i].meter.update(count: count, at: at))
        case .failure(let e): r = .failure(Self.deviceError(e))
        }
        readings[id] = r
        return r
    }

    static func deviceError(_ e: Error) -> DeviceError {
        if let d = e as? DeviceError { return d }
        if let f = e as? ModbusFailure { return f.deviceError }
        return .io("\(e)")
    }

    public var states: [String: PulseMeterState] {
        Dictionary(uniqueKeysWithValues: inputs.map { ($0.config.id, $0.meter.state) })
    }

    /// Saves the energy totals now (tests, shutdown).
    public func save() throws {
        guard let p = storePath else { return }
        try Self.write(states, to: p)
    }

    /// Takes the totals now and writes them on `queue` (every quarter, off the control queue).
    public func save(on queue: DispatchQueue, onError: @escaping @Sendable (Error) -> Void) {
        guard let p = storePath else { return }
        let s = states
        queue.async { do { try Self.write(s, to: p) } catch { onError(error) } }
    }

    static func write(_ states: [String: PulseMeterState], to path: String) throws {
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try enc.encode(states), to: path)
    }
}
