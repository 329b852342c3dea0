import Foundation
import KwartierCore

/// Where a device's blocking calls run: the worker that owns its Modbus line, or a queue for
/// devices on no shared line (a command output, a simulated counter). Later charger kinds (OCPP,
/// cloud) bring their own.
public protocol DeviceExecutor: AnyObject {
    func submit<T>(timeout: Double, _ work: @escaping () throws -> T, completion: @escaping (Result<T, Error>) -> Void)
    /// `submit` ahead of the jobs queued with `submit` (a setpoint before reads on a shared line).
    func submitAhead<T>(timeout: Double, _ work: @escaping () throws -> T, completion: @escaping (Result<T, Error>) -> Void)
}

extension DeviceExecutor {
    /// An executor of one device: nothing to pass.
    public func submitAhead<T>(timeout: Double, _ work: @escaping () throws -> T, completion: @escaping (Result<T, Error>) -> Void) {
        submit(timeout: timeout, work, completion: completion)
    }
}

extension ModbusWorker: DeviceExecutor {}

/// Runs calls one at a time on a dispatch queue (devices that own no shared line).
public final class QueueExecutor: DeviceExecutor {
    let queue: DispatchQueue
    public init(label: String) { queue = DispatchQueue(label: label) }
    public func submit<T>(timeout: Double, _ work: @escaping () throws -> T, completion: @escaping (Result<T, Error>) -> Void) {
        // The device the job touches belongs to this queue: the job is handed over to it.
        let job = HandOver { completion(Result { try work() }) }
        queue.async { job.value() }
    }
}

/// The real site's devices, each with the executor its calls run on, in the order of the
/// loop's `SiteDevices` (so an index in an effect is an index here).
public struct SiteDeviceSet {
    public struct Entry<Device> {
        public var id: String
        public var device: Device
        public var executor: DeviceExecutor
    }
    public var points: [Entry<ChargePointDevice>] = []
    public var meters: [Entry<MeterDevice>] = []
    public var inverters: [Entry<InverterDevice>] = []
    public var pulses: [(config: PulseInputConfig, entry: Entry<PulseCounterDevice>)] = []
    /// Problems met building them (a pulse input that cannot be made…), for the log.
    public var problems: [String] = []

    public init() {}

    /// The loop's view: ids and capabilities only.
    public var loopDevices: SiteDevices {
        SiteDevices(points: points.map { .init(id: $0.id, capabilities: $0.device.capabilities) },
                    meters: meters.map(\.id), inverters: inverters.map(\.id), pulses: pulses.map(\.config))
    }

    /// The Modbus devices of `site` in configuration order, and the pulse inputs.
    /// OCPP points are served by `ocpp`, cloud points come from `cloud`; each of those runs on a
    /// queue of its own (a call may wait on the charger or the cloud).
    public static func build(config: SiteConfig, modbus site: ModbusSite, pulseFactory: RelayDeviceFactory,
                             pulseQueue: QueueExecutor, ocpp: OCPPServer? = nil,
                             cloud: [String: ChargePointDevice] = [:]) -> SiteDeviceSet {
        var set = SiteDeviceSet()
        for cp in config.chargepoints {
            if cp.transport.isOCPP {
                guard let d = ocpp?.device(for: cp) else { set.problems.append("\(cp.id): no OCPP server"); continue }
                set.points.append(Entry(id: cp.id, device: d, executor: QueueExecutor(label: "kwartier.ocpp.\(cp.id)")))
                continue
            }
            if cp.transport.isCloud {
                guard let d = cloud[cp.id] else { set.problems.append("\(cp.id): no cloud client"); continue }
                set.points.append(Entry(id: cp.id, device: d, executor: QueueExecutor(label: "kwartier.cloud.\(cp.id)")))
                continue
            }
            guard let d = site.chargePoints[cp.id], let w = site.worker(for: cp.id) else { continue }
            set.points.append(Entry(id: cp.id, device: d, executor: w))
        }
        for m in config.meters {
            guard let d = site.meters[m.id], let w = site.worker(for: m.id) else { continue }
            set.meters.append(Entry(id: m.id, device: d, executor: w))
        }
        for inv in config.inverters {
            guard let d = site.inverters[inv.id], let w = site.worker(for: inv.id) else { continue }
            set.inverters.append(Entry(id: inv.id, device: d, executor: w))
        }
        for p in config.pulseInputs {
            do {
                let d = try pulseFactory.pulseInput(p)
                set.pulses.append((p, Entry(id: p.id, device: d, executor: site.worker(for: p.id) ?? pulseQueue)))
            } catch {
                set.problems.append("pulse input \(p.id): \(error)")
            }
        }
        return set
    }
}
