import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

/// A profile with its flattened register map, as `device list/show --json` print it (the
/// simulated peers in Tests/Peers read exactly this).
struct ExportedProfile: Encodable {
    struct Named: Encodable { let name: String; let spec: RegisterSpec }
    let profile: DeviceProfile
    let registers: [Named]
    init(_ p: DeviceProfile) { profile = p; registers = p.allRegisters.map { Named(name: $0.name, spec: $0.spec) } }
}

func jsonString<T: Encodable>(_ v: T) -> String {
    let e = JSONEncoder()
    e.keyEncodingStrategy = .convertToSnakeCase
    e.outputFormatting = [.sortedKeys]
    return String(data: try! e.encode(v), encoding: .utf8)!
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }

struct ProfileOptions: ParsableArguments {
    @Option(name: .customLong("profiles"), help: ArgumentHelp("Extra directory of profile files (*.yaml).", valueName: "dir"))
    var profiles: [String] = []

    var library: ProfileLibrary {
        if profiles.isEmpty { return ProfileLibrary.shared }
        return ProfileLibrary(directories: ProfileLibrary.defaultDirectories() + profiles)
    }
}

struct DeviceListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the device profiles: driver name, kind, transport, capabilities, verified.",
        discussion: """
        "verified: no" means at least one register could not be checked against a public \
        document: the profile says which, and `kwartier device probe` checks it on site. \
        User profiles are read from /etc/kwartier/profiles, KWARTIER_PROFILES and --profiles.

        Examples:
          kwartier device list
          kwartier device list --json
        """)
    @OptionGroup var profileOptions: ProfileOptions
    @Flag(help: "Print every profile in full as JSON (with its register map).") var json = false

    func run() throws {
        let lib = profileOptions.library
        for p in lib.problems { printErr("profile skipped: \(p)") }
        if json {
            print(jsonString(lib.profiles.map(ExportedProfile.init)))
            return
        }
        print(pad("DRIVER", 24) + pad("KIND", 12) + pad("TRANSPORT", 10) + pad("VERIFIED", 9) + "CAPABILITIES / NAME")
        for p in lib.profiles {
            let name = p.name + (p.aliases.isEmpty ? "" : " (also: \(p.aliases.joined(separator: ", ")))")
            print(pad(p.driver, 24) + pad(p.kind.rawValue, 12) + pad(p.transports.map(\.rawValue).joined(separator: ","), 10)
                  + pad(p.verified ? "yes" : "no", 9) + p.capabilityNames.joined(separator: " "))
            print(String(repeating: " ", count: 55) + name)
        }
        print(pad("simulated", 24) + pad("any", 12) + pad("-", 10) + pad("-", 9) + "the demo's simulated devices")
        print("\(lib.profiles.count) profiles from \(lib.directories.joined(separator: ", "))")
    }
}

struct DeviceShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one profile: defaults, set-up, sources and its register map.",
        discussion: """
        Examples:
          kwartier device show alfen-eve
          kwartier device show sma-stp-se --json
        """)
    @OptionGroup var profileOptions: ProfileOptions
    @Argument(help: "Driver name.") var driver: String
    @Flag(help: "JSON, with the flattened register map.") var json = false

    func run() throws {
        let lib = profileOptions.library
        guard let p = lib.profile(driver) else {
            printErr("no device profile named '\(driver)'; `kwartier device list` shows them all")
            throw ExitCode(2)
        }
        if json { print(jsonString(ExportedProfile(p))); return }
        print("\(p.driver) — \(p.name) (\(p.kind.rawValue))")
        if !p.models.isEmpty { print("models:     \(p.models.joined(separator: ", "))") }
        if let t = p.tcp, p.transports.contains(.tcp) { print("tcp:        port \(t.port), unit \(t.unit)") }
        if let r = p.rtu, p.transports.contains(.rtu) { print("rtu:        \(r.serial), address \(r.address)") }
        print("verified:   \(p.verified ? "yes" : "NO — see the notes")")
        for s in p.sources { print("source:     \(s)") }
        if let n = p.notes { print("notes:      \(n.trimmingCharacters(in: .whitespacesAndNewlines))") }
        for s in p.setup { print("set-up:     \(s)") }
        if let c = p.chargepoint {
            var line = "setpoint:   \(c.setpoint.unit.rawValue)"
            if let m = c.setpoint.minA { line += ", min \(TextFormat.plain(m)) A" }
            line += ", pause by \(c.setpoint.pause == .zero ? "writing 0" : "disabling")"
            if let w = c.setpoint.watchdogS { line += ", charger watchdog \(TextFormat.plain(w)) s" }
            if let r = c.setpoint.refreshS { line += ", rewritten every \(TextFormat.plain(r)) s" }
            if let h = c.heartbeat { line += ", heartbeat \(TextFormat.plain(h.value)) every \(TextFormat.plain(h.intervalS)) s" }
            print(line)
        }
        print("registers:")
        for (name, spec) in p.allRegisters {
            var d = spec.description
            if spec.scale != 1 { d += " ×\(TextFormat.plain(spec.scale))" }
            if let u = spec.unit { d += " \(u)" }
            if spec.writeOnly { d += " (write-only)" } else if spec.writable { d += " (written)" }
            print("  " + pad(name, 34) + d)
        }
    }
}

struct DeviceProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Read every capability of a device through its profile and print it with units (the commissioning check).",
        discussion: """
        Each value is read on its own, so one refused register does not hide the others. Exit \
        code 0 when every value answered, 1 when some did not. A register the profile marks \
        optional (only some firmware has it) that answers "illegal data address" shows as \
        "not on this firmware" and does not fail the probe. Missing line settings come from \
        the profile's defaults.

        Examples:
          kwartier device probe --driver alfen-eve --tcp 192.168.1.50 --unit 1
          kwartier device probe --driver abb-terra-ac --rtu /dev/ttyUSB0 \\
              --baud 115200 --unit 2
          kwartier device probe --driver peblar --tcp 192.168.1.70 --write-current 10
          kwartier device probe --driver alfen-eve --tcp 192.168.1.50 --phases 1
          kwartier device probe --driver peblar --tcp 192.168.1.70 --safe-current 6
        """)
    @OptionGroup var profileOptions: ProfileOptions
    @Option(help: "Driver name (see `kwartier device list`).") var driver: String
    @OptionGroup var endpoint: ModbusEndpointOptions
    @Option(name: .customLong("write-current"), help: ArgumentHelp("Charge points: write this setpoint (A) first, then read back.", valueName: "amps"))
    var writeCurrent: Double?
    @Option(help: ArgumentHelp("Charge points that can: switch to 1 or 3 phases first.", valueName: "1|3")) var phases: Int?
    @Option(name: .customLong("safe-current"), help: ArgumentHelp(
        "Charge points: the point's safe_a. Written to the charger's own safe current where the profile can, read back and compared (a mismatch fails the probe).",
        valueName: "amps"))
    var safeCurrent: Double?
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let lib = profileOptions.library
        guard let p = lib.profile(driver) else {
            printErr("no device profile named '\(driver)'; `kwartier device list` shows them all")
            throw ExitCode(2)
        }
        let (t, dev) = try endpoint.transport(tcpDefaults: p.tcp, rtuDefaults: p.rtu)
        var opts = endpoint.workerOptions
        if let r = p.timing.responseTimeoutS, endpoint.timeout == 1.0 { opts.responseTimeoutS = r }
        let factory = DeviceFactory(library: lib, options: opts)
        let device: ProfileDevice
        do { device = try factory.single(id: p.driver, driver: p.driver, transport: t, busDevice: dev) } catch {
            printErr("\(error)"); throw ExitCode(2)
        }
        defer { device.channel.worker.stop() }
        var lines: [ProbeLine] = []
        if let n = phases {
            guard let cp = device as? ProfileChargePoint else { printErr("--phases is for charge points"); throw ExitCode(2) }
            do {
                try cp.switchPhases(n)
                lines.append(ProbeLine(name: "switch phases", value: "\(n)", unit: nil, error: nil,
                                       register: cp.spec.phases?.register.description ?? ""))
            } catch {
                lines.append(ProbeLine(name: "switch phases", value: nil, unit: nil, error: "\(error)", register: ""))
            }
        }
        if let w = writeCurrent {
            guard let cp = device as? ProfileChargePoint else { printErr("--write-current is for charge points"); throw ExitCode(2) }
            do {
                try cp.writeCurrent(w)
                lines.append(ProbeLine(name: "write setpoint", value: TextFormat.plain(cp.effectiveSetpoint(w)), unit: "A", error: nil,
                                       register: cp.spec.setpoint.registers.map(\.description).joined(separator: ", ")))
            } catch {
                lines.append(ProbeLine(name: "write setpoint", value: nil, unit: "A", error: "\(error)", register: ""))
            }
        }
        if let a = safeCurrent {
            guard let cp = device as? ProfileChargePoint else { printErr("--safe-current is for charge points"); throw ExitCode(2) }
            lines.append(SafeCurrentProbe.line(cp, safeA: a))
        }
        switch device {
        case let cp as ProfileChargePoint: lines += cp.probe()
        case let m as ProfileMeter: lines += m.probe()
        case let i as ProfileInverter: lines += i.probe()
        default: break
        }
        let failed = lines.filter { $0.error != nil }.count
        if json {
            print(jsonString(lines))
        } else {
            print("\(p.driver) — \(p.name) at \(device.channel.label)" + (p.verified ? "" : "  [profile not verified]"))
            for l in lines {
                let v = l.error.map { "FAILED: \($0)" } ?? "\(l.value ?? "")\(l.unit.map { " \($0)" } ?? "")"
                print("  " + pad(l.name, 30) + pad(v, 28) + l.register)
            }
            let absent = lines.filter { $0.absent == true }.count
            print("\(lines.count - failed - absent) of \(lines.count) values read\(failed > 0 ? ", \(failed) failed" : "")"
                  + (absent > 0 ? ", \(absent) not on this firmware (optional)" : ""))
        }
        if failed > 0 { throw ExitCode(1) }
    }
}

struct DeviceWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Poll every Modbus device of a configuration in cycles and show readings and health.",
        discussion: """
        Each device is read on its own worker (one per TCP endpoint, one per RS485 bus), like \
        the control loop does; a dead device only costs its own worker time. --set writes a \
        charge point's setpoint in every cycle (which also feeds its watchdog).

        Examples:
          kwartier device watch --config kwartier.yaml --cycles 5
          kwartier device watch --config kwartier.yaml --interval 0.5 --duration 30 \\
              --set cp1=10 --json
        """)
    @OptionGroup var options: ConfigOptions
    @OptionGroup var profileOptions: ProfileOptions
    @Option(help: "Seconds between cycles.") var interval: Double = 1
    @Option(help: "Stop after this many cycles.") var cycles: Int?
    @Option(help: "Stop after this many seconds.") var duration: Double?
    @Option(help: ArgumentHelp("Write a setpoint every cycle: ID=AMPS (repeatable).", valueName: "id=amps")) var set: [String] = []
    @Option(help: "Response timeout (s) for devices whose profile sets none.") var timeout: Double = 1
    @Option(name: .customLong("backoff-max"), help: "Longest reconnect / lost-device pause (s).") var backoffMax: Double = 20
    @Flag(help: "One JSON object per cycle.") var json = false

    func run() throws {
        let lib = profileOptions.library
        let config: SiteConfig
        do {
            // Driver names are checked against the profiles in use (including --profiles).
            let (c, warnings) = try ConfigFile.load(options.config, knownDrivers: lib.names.union(["simulated"]))
            for w in warnings { printErr(w.description) }
            config = c
        } catch let e as ConfigErrors {
            for p in e.problems { printErr(p.description) }
            printErr("\(e.errors.count) error(s) in the configuration; nothing will be driven until fixed.")
            throw ExitCode(2)
        } catch {
            printErr("\(error)"); throw ExitCode(2)
        }
        var o = WorkerOptions()
        o.responseTimeoutS = timeout
        o.connectTimeoutS = max(timeout, 0.5)
        o.backoffMaxS = backoffMax
        o.backoffInitialS = min(o.backoffInitialS, backoffMax)
        let site: ModbusSite
        do { site = try DeviceFactory(library: lib, options: o).build(config) } catch {
            printErr("\(error)"); throw ExitCode(2)
        }
        defer { site.shutdown() }
        var setpoints: [String: Double] = [:]
        for s in set {
            let kv = s.split(separator: "=")
            guard kv.count == 2, let a = Double(kv[1]), site.chargePoints[String(kv[0])] != nil else {
                printErr("--set '\(s)': write ID=AMPS with the id of a Modbus charge point"); throw ExitCode(2)
            }
            setpoints[String(kv[0])] = a
        }
        if site.order.isEmpty { printErr("no Modbus devices in \(config.file)"); throw ExitCode(2) }
        let start = Monotonic.now
        var n = 0
        while true {
            n += 1
            let cycleStart = Monotonic.now
            let results = runCycle(site, setpoints: setpoints, budget: interval * 0.9)
            let elapsed = Monotonic.now - cycleStart
            let health = site.health()
            if json {
                let obj = WatchCycle(cycle: n, t: cycleStart - start, cycleMs: elapsed * 1000, devices: results,
                                     health: health.map(HealthJSON.init))
                print(jsonString(obj))
            } else {
                print("cycle \(n) (\(String(format: "%.1f", elapsed * 1000)) ms)")
                for id in site.order {
                    guard let r = results[id] else { continue }
                    print("  " + pad(id, 12) + pad(String(format: "%6.1f ms", r.ms), 11) + (r.error.map { "ERROR \($0)" } ?? r.summary ?? ""))
                }
            }
            flushStandardOutput()
            if let c = cycles, n >= c { break }
            if let d = duration, Monotonic.now - start >= d { break }
            let wait = interval - (Monotonic.now - cycleStart)
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
        if !json {
            print("health:")
            for h in site.health() {
                print("  " + pad(h.id, 12) + pad(h.status.rawValue, 8)
                      + pad("p50 \(h.rttP50Ms.map { String(format: "%.1f", $0) } ?? "-") ms p99 \(h.rttP99Ms.map { String(format: "%.1f", $0) } ?? "-") ms", 30)
                      + "req \(h.requests) fail \(h.failures) tx \(h.txBytes) B rx \(h.rxBytes) B"
                      + (h.lastError.map { "  last error: \($0)" } ?? ""))
            }
        }
    }

    struct DeviceResult: Encodable {
        var ms: Double
        var error: String?
        var summary: String?
        var state: String?
        var currents: [Double]?
        var powerW: Double?
        var values: [String: Double]?
    }

    struct HealthJSON: Encodable {
        let id: String, status: String, lastError: String?, rttP50Ms: Double?, rttP99Ms: Double?
        let txBytes: UInt64, rxBytes: UInt64, requests: UInt64, failures: UInt64
        init(_ h: DeviceHealth) {
            id = h.id; status = h.status.rawValue; lastError = h.lastError; rttP50Ms = h.rttP50Ms; rttP99Ms = h.rttP99Ms
            txBytes = h.txBytes; rxBytes = h.rxBytes; requests = h.requests; failures = h.failures
        }
    }

    struct WatchCycle: Encodable {
        let cycle: Int, t: Double, cycleMs: Double
        let devices: [String: DeviceResult]
        let health: [HealthJSON]
    }

    /// One job per device on its worker; waits for all (each bounded by the budget).
    func runCycle(_ site: ModbusSite, setpoints: [String: Double], budget: Double) -> [String: DeviceResult] {
        let group = DispatchGroup()
        let lock = NSLock()
        var out: [String: DeviceResult] = [:]
        func job(_ id: String, _ work: @escaping () throws -> DeviceResult) {
            guard let w = site.worker(for: id) else { return }
            group.enter()
            let t0 = Monotonic.now
            w.submit(timeout: budget, work) { r in
                var res: DeviceResult
                switch r {
                case .success(let v): res = v
                case .failure(let e): res = DeviceResult(ms: 0, error: "\(e)")
                }
                res.ms = (Monotonic.now - t0) * 1000
                lock.lock(); out[id] = res; lock.unlock()
                group.leave()
            }
        }
        for id in site.order {
            if let cp = site.chargePoints[id] {
                let sp = setpoints[id]
                job(id) {
                    if let a = sp { try cp.writeCurrent(a) }
                    let s = try cp.readStatus()
                    let sum = "\(s.state.rawValue) \(s.currents) A" + (s.powerW.map { " \(Int($0)) W" } ?? "")
                        + (s.appliedSetpointA.map { " applied \(TextFormat.plain($0)) A" } ?? "")
                    return DeviceResult(ms: 0, summary: sum, state: s.state.rawValue, currents: s.currents.values, powerW: s.powerW,
                                        values: s.appliedSetpointA.map { ["applied_a": $0] })
                }
            } else if let m = site.meters[id] {
                job(id) {
                    let r = try m.readMeter()
                    var v: [String: Double] = ["power_w": r.powerW]
                    if let i = r.importKWh { v["import_kwh"] = i }
                    if let e = r.exportKWh { v["export_kwh"] = e }
                    return DeviceResult(ms: 0, summary: "\(r.currents) A \(Int(r.powerW)) W", currents: r.currents.values, powerW: r.powerW, values: v)
                }
            } else if let inv = site.inverters[id] {
                job(id) {
                    let r = try inv.readInverter()
                    var v: [String: Double] = ["pv_w": r.pvPowerW]
                    if let b = r.batteryPowerW { v["battery_w"] = b }
                    if let s = r.batterySoCPercent { v["soc"] = s }
                    if let g = r.gridPowerW { v["grid_w"] = g }
                    return DeviceResult(ms: 0, summary: "pv \(Int(r.pvPowerW)) W", values: v)
                }
            } else if let counter = site.pulseCounters[id] {
                job(id) {
                    let n = try counter.readCount()
                    return DeviceResult(ms: 0, summary: "\(n) pulses", values: ["count": Double(n)])
                }
            }
        }
        _ = group.wait(timeout: .now() + budget + 5)
        lock.lock(); defer { lock.unlock() }
        return out
    }
}
