import Foundation
import KwartierCore

/// Reads the pulse counters of a site without blocking its control queue and without a line of
/// its own: a Modbus counter is read as a job on the `ModbusWorker` that owns its RS485 bus or
/// TCP endpoint (so its frames take their turn with the chargers' there), a simulated counter on
/// `fallback`. Each result hops back to `queue` with the time it was taken.
///
/// ```swift
/// let reader = PulseCounterReader(counters: [.init(id: "pv", device: c, worker: site.worker(for: "pv"))],
///                                 queue: controlQueue, fallback: ioQueue)
/// reader.poll { id, result, at in pulses.record(id, result, at: at) }   // on controlQueue, every second
/// ```
/// Owned by `queue`: call `poll` there only. A counter whose read is still under way is not
/// asked again, so a silent module never piles up jobs on its worker.
public final class PulseCounterReader {
    public struct Counter {
        public let id: String
        public let device: PulseCounterDevice
        /// The worker of the counter's line; nil for a device that is no Modbus device (simulated).
        public let worker: ModbusWorker?
        public init(id: String, device: PulseCounterDevice, worker: ModbusWorker?) {
            self.id = id; self.device = device; self.worker = worker
        }
    }

    public let counters: [Counter]
    public let queue: DispatchQueue
    public let fallback: DispatchQueue
    /// A read not started within this time is skipped (the next poll asks again).
    public let timeoutS: Double
    private var inFlight = Set<String>()

    public init(counters: [Counter], queue: DispatchQueue, fallback: DispatchQueue, timeoutS: Double = 0.9) {
        self.counters = counters; self.queue = queue; self.fallback = fallback; self.timeoutS = timeoutS
    }

    /// Asks every counter not already being read; `deliver` runs on `queue` once per answer.
    public func poll(_ deliver: @escaping (String, Result<UInt64, Error>, Date) -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        for c in counters where !inFlight.contains(c.id) {
            inFlight.insert(c.id)
            let device = c.device, id = c.id
            let done: (Result<(UInt64, Date), Error>) -> Void = { [weak self] r in
                guard let self else { return }
                self.queue.async {
                    self.inFlight.remove(id)
                    switch r {
                    case .success(let (count, at)): deliver(id, .success(count), at)
                    case .failure(let e): deliver(id, .failure(e), Date())
                    }
                }
            }
            if let w = c.worker {
                w.submit(timeout: timeoutS, { (try device.readCount(), Date()) }, completion: done)
            } else {
                fallback.async { done(Result { (try device.readCount(), Date()) }) }
            }
        }
    }
}
