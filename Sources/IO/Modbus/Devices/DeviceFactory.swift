import Foundation
import KwartierCore

/// Every Modbus device of a site, built from its configuration and grouped by worker.
// unchecked: immutable maps of devices that each live on their worker's thread.
public final class ModbusSite: @unchecked Sendable {
    /// One per TCP endpoint (host:port) and one per RS485 bus.
    public let workers: [ModbusWorker]
    public let chargePoints: [String: ProfileChargePoint]
    public let meters: [String: ProfileMeter]
    public let inverters: [String: ProfileInverter]
    public let outputs: [String: ModbusCoilOutput]
    /// S0 counters on Modbus DI modules (`pulse_inputs: … modbus_counter`), on the worker of their module's line.
    public let pulseCounters: [String: ModbusCounterInput]
    /// Device ids in configuration order (charge points, meters, inverters, outputs, pulse counters).
    public let order: [String]
    private let workerOf: [String: ModbusWorker]
    private let channels: [String: ModbusChannel]

    init(workers: [ModbusWorker], chargePoints: [String: ProfileChargePoint], meters: [String: ProfileMeter],
         inverters: [String: ProfileInverter], outputs: [String: ModbusCoilOutput], pulseCounters: [String: ModbusCounterInput],
         order: [String], workerOf: [String: ModbusWorker], channels: [String: ModbusChannel]) {
        self.workers = workers; self.chargePoints = chargePoints; self.meters = meters; self.inverters = inverters
        self.outputs = outputs; self.pulseCounters = pulseCounters; self.order = order; self.workerOf = workerOf
        self.channels = channels
    }

    /// The worker that must run this device's calls.
    public func worker(for deviceId: String) -> ModbusWorker? { workerOf[deviceId] }

    /// Health of every device, in configuration order.
    public func health() -> [DeviceHealth] {
        order.compactMap { channels[$0]?.healthSnapshot() }
    }

    /// Stops every worker thread (queued jobs fail as skipped) and closes the connections.
    public func shutdown() { for w in workers { w.stop() } }
}

public struct FactoryError: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

/// Builds the Modbus devices of a `SiteConfig`: a profile-driven device per configured charge
/// point, Modbus meter and inverter, and every relay coil and pulse counter on a Modbus module,
/// each on the worker of its TCP endpoint or RS485 bus (several unit ids on one gateway share one
/// connection; devices on one bus share one thread and the line is switched to each one's baud
/// rate). This is the only place a site's Modbus connections are made: one owner per line, so
/// no two threads ever put frames on one bus, and a device that takes few TCP connections (an
/// Alfen takes two) is never asked for more. Simulated devices are skipped.
///
/// How the control loop uses the result:
/// ```swift
/// let site = try DeviceFactory().build(config)     // throws FactoryError listing every problem
/// // each cycle, per device, on its own worker, with a deadline shorter than the cycle:
/// site.worker(for: "cp1")!.submit(timeout: 0.8, { () -> ChargePointStatus in
///     try cp.writeCurrent(decision.setpointA)      // 0 pauses (writes 0 or clears the release)
///     return try cp.readStatus()                   // also refreshes setpoint/heartbeat when due
/// }) { result in /* hop to the control queue */ }
/// let health = site.health()                       // [DeviceHealth], configuration order
/// site.shutdown()                                  // on exit
/// ```
/// Failures are `ModbusFailure` (readable text, `.kind`, `.deviceError`) or `DeviceError` for
/// capabilities a profile lacks. A job not started before its deadline fails as `.skipped`;
/// a device silent 3 times is `lost` and its calls fail at once until its next probe, so budget
/// its safe current. `ProfileChargePoint.writeSafeCurrent(_:)` sets the charger's own fallback
/// where the profile has a writable register (e.g. from `ChargePointConfig.safeA` at start-up).
public struct DeviceFactory {
    public var library: ProfileLibrary
    public var options: WorkerOptions

    public init(library: ProfileLibrary = .shared, options: WorkerOptions = WorkerOptions()) {
        self.library = library; self.options = options
    }

    public func build(_ config: SiteConfig) throws -> ModbusSite {
        var problems: [String] = []
        var workers: [String: ModbusWorker] = [:]
        var workerList: [ModbusWorker] = []
        var workerOf: [String: ModbusWorker] = [:]
        var channels: [String: ModbusChannel] = [:]
        var order: [String] = []
        var cps: [String: ProfileChargePoint] = [:], meters: [String: ProfileMeter] = [:]
        var invs: [String: ProfileInverter] = [:], outs: [String: ModbusCoilOutput] = [:]
        var counters: [String: ModbusCounterInput] = [:]
        var keepAlive: [ObjectIdentifier: (Double, ProfileChargePoint)] = [:]

        func worker(for t: Transport, id: String) -> ModbusWorker? {
            switch t {
            case let .tcp(host, port, _):
                let key = "tcp \(host):\(port)"
                if let w = workers[key] { return w }
                let w = ModbusWorker(kind: .tcp(host: host, port: port), options: options)
                workers[key] = w; workerList.append(w)
                return w
            case let .rtu(bus, _, _):
                let key = "rtu \(bus)"
                if let w = workers[key] { return w }
                guard let b = config.buses.first(where: { $0.id == bus }) else {
                    problems.append("\(id): bus '\(bus)' is not defined under `buses:`")
                    return nil
                }
                let w = ModbusWorker(kind: .rtu(bus: bus, device: b.device, interFrameMs: b.interFrameMs), options: options)
                workers[key] = w; workerList.append(w)
                return w
            case .simulated, .ocpp, .cloud:
                return nil
            }
        }

        func channel(id: String, profile: DeviceProfile?, transport t: Transport) -> ModbusChannel? {
            if channels[id] != nil {
                problems.append("\(id): the id is used by another Modbus device; give each device its own id")
                return nil
            }
            guard let w = worker(for: t, id: id) else { return nil }
            let vendor = profile?.shortName ?? "Modbus"
            let label: String, unit: Int, serial: SerialSettings?
            switch t {
            case let .tcp(host, port, u):
                label = "\(id) (\(vendor) \(host)\(port == 502 ? "" : ":\(port)") unit \(u))"; unit = u; serial = nil
            case let .rtu(bus, address, s):
                label = "\(id) (\(vendor) \(bus) addr \(address) @ \(s))"; unit = address; serial = s
            case .simulated, .ocpp, .cloud: return nil
            }
            let ch = ModbusChannel(id: id, label: label, worker: w, unit: unit, serial: serial,
                                   responseTimeoutS: profile?.timing.responseTimeoutS, fc16Only: profile?.timing.fc16Only ?? false,
                                   hints: profile?.hints ?? [:])
            if let d = profile?.timing.connectDelayS { w.connectDelayS = max(w.connectDelayS, d) }
            workerOf[id] = w; channels[id] = ch; order.append(id)
            return ch
        }

        func profile(_ driver: String, kind: DeviceProfile.Kind, id: String, transport: Transport) -> DeviceProfile? {
            guard let p = library.profile(driver) else {
                problems.append("\(id): no device profile named '\(driver)' (see `kwartier device list`)")
                return nil
            }
            guard p.kind == kind else {
                problems.append("\(id): '\(driver)' is a \(p.kind.rawValue) profile, not a \(kind.rawValue)")
                return nil
            }
            let link: DeviceProfile.Link = transport.isTCP ? .tcp : .rtu
            guard p.transports.contains(link) else {
                problems.append("\(id): \(p.name) is not reachable over Modbus \(link.rawValue.uppercased()) (profile '\(p.driver)': \(p.transports.map(\.rawValue).joined(separator: ", ")))")
                return nil
            }
            return p
        }

        for cp in config.chargepoints where cp.driver != "simulated" && cp.transport != .simulated && !cp.transport.isRemote {
            guard let p = profile(cp.driver, kind: .chargepoint, id: cp.id, transport: cp.transport),
                  let ch = channel(id: cp.id, profile: p, transport: cp.transport) else { continue }
            let dev = ProfileChargePoint(id: cp.id, profile: p, channel: ch)
            dev.voltage = config.site.voltage
            cps[cp.id] = dev
            if let k = p.timing.keepAliveS, cp.transport.isTCP {
                let key = ObjectIdentifier(ch.worker)
                if keepAlive[key] == nil || keepAlive[key]!.0 > k { keepAlive[key] = (k, dev) }
            }
        }
        for m in config.meters {
            guard case let .modbus(driver, t, _) = m.kind, driver != "simulated", t != .simulated else { continue }
            guard let p = profile(driver, kind: .meter, id: m.id, transport: t),
                  let ch = channel(id: m.id, profile: p, transport: t) else { continue }
            meters[m.id] = ProfileMeter(id: m.id, profile: p, channel: ch)
        }
        for inv in config.inverters where inv.driver != "simulated" && inv.transport != .simulated {
            guard let p = profile(inv.driver, kind: .inverter, id: inv.id, transport: inv.transport),
                  let ch = channel(id: inv.id, profile: p, transport: inv.transport) else { continue }
            let d = ProfileInverter(id: inv.id, profile: p, channel: ch)
            if let e = config.energy, e.inverter == inv.id, let b = e.battery { d.batteryRatedW = (b.maxChargeKW * 1000, b.maxDischargeKW * 1000) }
            invs[inv.id] = d
        }
        for o in config.outputs {
            guard case let .modbusCoil(t, coil) = o.kind, t != .simulated else { continue }
            guard let ch = channel(id: o.id, profile: nil, transport: t) else { continue }
            outs[o.id] = ModbusCoilOutput(id: o.id, channel: ch, coil: coil)
        }
        for p in config.pulseInputs {
            guard case let .modbusCounter(t, register) = p.source, t != .simulated else { continue }
            guard let ch = channel(id: p.id, profile: nil, transport: t) else { continue }
            counters[p.id] = ModbusCounterInput(id: p.id, channel: ch, register: register, words: p.counterWords,
                                                function: p.counterFunction == "holding" ? .holding : .input)
        }
        if !problems.isEmpty {
            for w in workerList { w.stop() }
            throw FactoryError(problems: problems)
        }
        for (_, (interval, dev)) in keepAlive {
            dev.channel.worker.addIdleTask(interval: interval) { [weak dev] in try? dev?.keepAlive() }
        }
        return ModbusSite(workers: workerList, chargePoints: cps, meters: meters, inverters: invs, outputs: outs,
                          pulseCounters: counters, order: order, workerOf: workerOf, channels: channels)
    }

    /// A single device for the technician tools (`kwartier device probe`), on its own worker.
    public func single(id: String, driver: String, transport: Transport, busDevice: String? = nil) throws -> ProfileDevice {
        var config = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, limitA: 1000, meter: .virtual))
        var t = transport
        if case let .rtu(_, address, serial) = transport {
            t = .rtu(bus: "bus", address: address, serial: serial)
            config.buses = [BusConfig.make(id: "bus", device: busDevice ?? "/dev/null")]
        }
        guard let p = library.profile(driver) else {
            throw FactoryError(problems: ["no device profile named '\(driver)' (see `kwartier device list`)"])
        }
        switch p.kind {
        case .chargepoint: config.chargepoints = [ChargePointConfig(id: id, board: "grid", driver: driver, transport: t)]
        case .meter: config.meters = [MeterConfig(id: id, kind: .modbus(driver: driver, transport: t, staleAfterS: 10))]
        case .inverter: config.inverters = [InverterConfig.make(id: id, driver: driver, transport: t)]
        }
        let site = try build(config)
        return site.chargePoints[id] ?? site.meters[id] ?? site.inverters[id]!
    }
}
