import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

/// Hidden technician and test tools for the relays: switch one coil or command output, put a
/// heat pump's two coils on an SG-Ready pattern, read a pulse counter, and replay the relay
/// logic on a simulated clock against the configured outputs.
struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Relay tools: switch an output, set an SG-Ready pattern, read a pulse counter, replay the relay logic.",
        discussion: """
        Examples:
          kwartier relay set --tcp 192.168.1.40:502 --unit 9 --coil 2 on
          kwartier relay set --command /usr/local/bin/boiler off
          kwartier relay sg --tcp 192.168.1.40:502 --unit 9 --coils 0,1 comfort
          kwartier relay counter --tcp 192.168.1.41:502 --unit 2 --register 16
          kwartier relay replay --config kwartier.yaml --profile sunny-day.txt
        """,
        shouldDisplay: false,
        subcommands: [RelaySet.self, RelaySG.self, RelayCounter.self, RelayReplay.self])
}

struct ModbusTarget: ParsableArguments {
    @Option(help: "Modbus TCP relay/DI module, HOST:PORT.") var tcp: String?
    @Option(help: "Modbus RTU serial device of the module (instead of --tcp).") var rtu: String?
    @Option(help: "RTU baud rate.") var baud: Int = 9600
    @Option(help: "RTU parity: N, E or O.") var parity: String = "N"
    @Option(help: "Unit id (slave address).") var unit: Int = 1
    @Option(help: "Response timeout (s).") var timeout: Double = 1.0

    /// The module's channel on a worker of its own: the tools use the same Modbus path as `kwartier run`.
    func channel() throws -> ModbusChannel {
        var o = WorkerOptions()
        o.connectTimeoutS = timeout; o.responseTimeoutS = timeout
        o.lostAfter = 1_000_000   // one-shot tools: never skip a request
        if let dev = rtu {
            guard let p = Parity(rawValue: parity.uppercased()) else { throw ValidationError("--parity must be N, E or O") }
            return cliChannel(.rtu(bus: "cli", address: unit, serial: SerialSettings(baud: baud, parity: p)), device: dev, options: o)
        }
        guard let t = tcp else { throw ValidationError("give the module with --tcp HOST:PORT or --rtu DEVICE") }
        let parts = t.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port), !parts[0].isEmpty else {
            throw ValidationError("'\(t)' is not HOST:PORT")
        }
        return cliChannel(.tcp(host: String(parts[0]), port: port, unit: unit), device: nil, options: o)
    }
}

/// Runs a device call; a device or Modbus error is printed and exits with 1.
func relayTry<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as DeviceError {
        printErr("error: \(e)")
        throw ExitCode(1)
    } catch let e as ModbusFailure {
        printErr("error: \(e)")
        throw ExitCode(1)
    }
}

struct RelaySet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Switch one coil or command output on or off.")
    @OptionGroup var target: ModbusTarget
    @Option(help: "Coil address on the module (with --tcp).") var coil: Int?
    @Option(help: "Program to run with the argument on/off (instead of a coil).") var command: String?
    @Argument(help: "on or off") var state: String

    func run() throws {
        guard let on = ["on": true, "off": false][state.lowercased()] else { throw ValidationError("state must be on or off") }
        let out: RelayOutputDevice
        if let cmd = command {
            out = CommandOutput(command: cmd, timeoutS: target.timeout)
        } else {
            guard let c = coil else { throw ValidationError("give --coil N (with --tcp) or --command PROGRAM") }
            out = ModbusCoilOutput(id: "coil \(c)", channel: try target.channel(), coil: c)
        }
        try relayTry { try out.set(on) }
        print("\(command ?? "coil \(coil!)"): \(on ? "on" : "off")")
    }
}

struct RelaySG: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sg", abstract: "Put a heat pump's SG0/SG1 coils on an SG-Ready state.")
    @OptionGroup var target: ModbusTarget
    @Option(help: "Coil of relay 1 (SG0) and relay 2 (SG1), e.g. 0,1.") var coils: String = "0,1"
    @Argument(help: "off | normal | comfort | boost") var state: String

    func run() throws {
        guard let s = SGState(rawValue: state.lowercased()) else { throw ValidationError("state must be off, normal, comfort or boost") }
        let c = coils.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard c.count == 2 else { throw ValidationError("--coils takes two coil addresses, SG0 first: e.g. 0,1") }
        let ch = try target.channel()
        // Write in the order that never shows the pump a lock pattern on the way.
        let from = (try? ch.readBits(.coil, address: c[0], count: 1)).flatMap { a in
            (try? ch.readBits(.coil, address: c[1], count: 1)).map { a + $0 } } ?? SGState.normal.contacts
        let to = s.contacts
        let order = SGRules.writeOrder(from: from, to: to)
        try relayTry { for i in order { try ch.writeCoil(address: c[i], value: to[i]) } }
        print("SG-Ready \(s.title) (state \(s.labelNumber)): SG0 coil \(c[0]) \(to[0] ? "on" : "off"), SG1 coil \(c[1]) \(to[1] ? "on" : "off")")
    }
}

struct RelayCounter: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "counter", abstract: "Read an S0 pulse counter register of a DI module.")
    @OptionGroup var target: ModbusTarget
    @Option(help: "Counter register address.") var register: Int
    @Option(help: "1 (16-bit) or 2 registers (32-bit, high word first).") var words: Int = 2
    @Option(help: "input (function 4) or holding (function 3).") var function: String = "input"
    @Option(help: "Also print the energy for this many pulses per kWh.") var pulsesPerKwh: Double?

    func run() throws {
        guard let f = ModbusCounterInput.Function(rawValue: function) else { throw ValidationError("function must be input or holding") }
        guard words == 1 || words == 2 else { throw ValidationError("words must be 1 or 2") }
        let dev = ModbusCounterInput(id: "counter", channel: try target.channel(), register: register, words: words, function: f)
        let n = try relayTry { try dev.readCount() }
        if let p = pulsesPerKwh, p > 0 { print("\(n) pulses = \(String(format: "%.3f", Double(n) / p)) kWh") } else { print(n) }
    }
}

struct RelayReplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run the configured relays on a simulated clock over a profile, driving their outputs.",
        discussion: """
        Each line of the profile is one segment:

          DURATION_S EXPORT_KW [import=KW] [headroom=KW] [cars=KW] [stale=1]
                     [override.ID=on|off|auto]

        EXPORT_KW is the export with every relay at rest (pumps Normal, switches off); the \
        relays' own draw is taken off it as they switch, as a real meter would show. `#` \
        starts a comment. One line is printed per relay change:

          t=SECONDS relay=ID state=STATE contacts=BITS power_w=W | reason
        """)
    @OptionGroup var options: ConfigOptions
    @Option(help: "Profile file.") var profile: String
    @Option(help: "Start time (ISO 8601), for the timer windows.") var start: String = "2025-06-21T06:00:00Z"
    @Option(help: "Decision interval (s).") var step: Double = 1
    @Flag(help: "Leave the outputs as they are at the end instead of writing the safe state.") var keep = false

    struct Segment { var seconds: Double; var exportW: Double; var importW = 0.0; var headroomW: Double?; var carsW = 0.0
                     var stale = false; var overrides: [String: RuntimeSettings.RelayOverride] = [:] }

    func run() throws {
        let (config, _) = try loadConfigOrExit(options.config)
        guard let t0 = ISO8601DateFormatter().date(from: start) else { throw ValidationError("--start '\(start)' is not ISO 8601") }
        guard step > 0 else { throw ValidationError("--step must be positive") }
        let segments = try Self.parse(profile)
        // The coils on the same Modbus path as `kwartier run` (one worker per module line).
        var outputsOnly = config
        outputsOnly.chargepoints = []; outputsOnly.meters = []; outputsOnly.inverters = []; outputsOnly.pulseInputs = []
        let site: ModbusSite
        do { site = try DeviceFactory().build(outputsOnly) } catch {
            printErr("error: \(error)")
            throw ExitCode(1)
        }
        defer { site.shutdown() }
        let (devices, unavailable) = RelayDeviceFactory(config: config, modbus: site).outputs()
        let driver = RelayDriver(devices: devices, unavailable: unavailable)
        var controller = RelayController(config: config, start: t0)
        var failures = 0
        // An output that keeps failing is reported once (its retry text changes with the
        // worker's backoff), and again if it fails after having worked.
        var failing = Set<String>()
        func report(_ f: [RelayDriver.Failure]) {
            for x in f where failing.insert(x.output).inserted { printErr("error: \(x)") }
            failures += f.count
            for o in failing where driver.lastError[o] == nil { failing.remove(o) }
        }
        func show(_ t: Double, _ d: RelayDecision) {
            let bits = d.contacts.map { $0 ? "1" : "0" }.joined()
            print("t=\(Int(t.rounded())) relay=\(d.id) state=\(d.state.text) contacts=\(bits) power_w=\(Int(d.powerW.rounded())) | \(d.reason)")
        }
        let startDecisions = controller.startDecisions
        for d in startDecisions { show(0, d) }
        report(driver.start(startDecisions))
        var claims = startDecisions.map(\.claimW).reduce(0, +)
        var t = 0.0, segEnd = 0.0
        for seg in segments {
            segEnd += seg.seconds
            while t < segEnd {
                // What the meter shows: the export at rest minus what the relays draw above rest.
                let net = seg.exportW - seg.importW - claims
                let input = RelayInputs(now: t0.addingTimeInterval(t), exportW: max(0, net), importW: max(0, -net),
                                        carsSurplusW: seg.carsW, meterStale: seg.stale, peakHeadroomW: seg.headroomW,
                                        overrides: seg.overrides)
                let decisions = controller.step(input)
                for d in decisions where d.changed { show(t, d) }
                report(driver.apply(decisions))
                claims = decisions.map(\.claimW).reduce(0, +)
                t += step
            }
        }
        if !keep { report(driver.shutdown(controller.safeCommands)); print("t=\(Int(t.rounded())) shutdown: safe state written") }
        if failures > 0 { throw ExitCode(1) }
    }

    static func parse(_ path: String) throws -> [Segment] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("\(path): cannot be read") }
        var out: [Segment] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if f.isEmpty { continue }
            func bad(_ why: String) -> ValidationError { ValidationError("\(path):\(n + 1): \(why)") }
            guard f.count >= 2, let s = Double(f[0]), s > 0, let e = Double(f[1]) else { throw bad("expected DURATION_S EXPORT_KW") }
            var seg = Segment(seconds: s, exportW: e * 1000)
            for kv in f.dropFirst(2) {
                let p = kv.split(separator: "=", maxSplits: 1).map(String.init)
                guard p.count == 2 else { throw bad("'\(kv)' is not key=value") }
                switch p[0] {
                case "import": guard let v = Double(p[1]) else { throw bad("import=\(p[1])") }; seg.importW = v * 1000
                case "headroom": guard let v = Double(p[1]) else { throw bad("headroom=\(p[1])") }; seg.headroomW = v * 1000
                case "cars": guard let v = Double(p[1]) else { throw bad("cars=\(p[1])") }; seg.carsW = v * 1000
                case "stale": seg.stale = p[1] == "1" || p[1] == "true"
                case let k where k.hasPrefix("override."):
                    guard let o = RuntimeSettings.RelayOverride(rawValue: p[1]) else { throw bad("override must be on, off or auto") }
                    seg.overrides[String(k.dropFirst("override.".count))] = o
                default: throw bad("unknown key '\(p[0])'")
                }
            }
            out.append(seg)
        }
        return out
    }
}
