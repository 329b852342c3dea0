import Foundation
import KwartierCore

/// The site's S0 pulse inputs: reads each counter and turns it into power and energy, and
/// keeps the energy totals in `data_dir/pulses.json` (atomic writes).
public final class PulseInputs {
    public struct Input {
        public let config: PulseInputConfig
        public let device: PulseCounterDevice
        public var meter: PulseMeter
    }
    public private(set) var inputs: [Input]
    public let storePath: String?
    /// What happened when the saved totals were read (unreadable file…), for the log.
    public private(set) var loadMessage: String?

    public init(inputs: [(PulseInputConfig, PulseCounterDevice)], dataDir: String?) {
        storePath = dataDir.map { ($0 as NSString).appendingPathComponent("pulses.json") }
        var saved: [String: PulseMeterState] = [:]
        if let p = storePath, let d = FileManager.default.contents(atPath: p) {
            do { saved = try JSONDecoder().decode([String: PulseMeterState].self, from: d) }
            catch { loadMessage = "\(p) is unreadable (\(error)); pulse energy totals start from 0" }
        }
        self.inputs = inputs.map { cfg, dev in
            Input(config: cfg, device: dev, meter: PulseMeter(config: cfg, state: saved[cfg.id] ?? PulseMeterState()))
        }
    }

    /// Reads every counter once; a failed read keeps the meter (its power decays) and gives the error.
    public func poll(now: Date) -> [String: Result<PulseReading, DeviceError>] {
        var out: [String: Result<PulseReading, DeviceError>] = [:]
        for i in inputs.indices {
            do {
                let count = try inputs[i].device.readCount()
                out[inputs[i].config.id] = .success(inputs[i].meter.update(count: count, at: now))
            } catch {
                out[inputs[i].config.id] = .failure(error as? DeviceError ?? .io("\(error)"))
            }
        }
        return out
    }

    public var states: [String: PulseMeterState] {
        Dictionary(uniqueKeysWithValues: inputs.map { ($0.config.id, $0.meter.state) })
    }

    /// Saves the energy totals (call every few minutes and at shutdown).
    public func save() throws {
        guard let p = storePath else { return }
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try enc.encode(states), to: p)
    }
}
