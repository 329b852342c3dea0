import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

/// `--tcp HOST[:PORT]` or `--rtu DEV` with line settings, unit id and timeout.
struct ModbusEndpointOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Modbus TCP device.", valueName: "host[:port]")) var tcp: String?
    @Option(help: ArgumentHelp("Modbus RTU serial device (RS485 adapter).", valueName: "device")) var rtu: String?
    @Option(help: "RTU baud rate.") var baud: Int?
    @Option(help: ArgumentHelp("RTU parity: N, E or O.", valueName: "N|E|O")) var parity: String?
    @Option(name: .customLong("stop-bits"), help: "RTU stop bits (1 or 2).") var stopBits: Int?
    @Option(help: "Unit id (TCP) or slave address (RTU).") var unit: Int?
    @Option(help: "Response (and connect) timeout in seconds.") var timeout: Double = 1.0

    func validate() throws {
        if (tcp == nil) == (rtu == nil) { throw ValidationError("give exactly one of --tcp HOST[:PORT] or --rtu DEVICE") }
        if let u = unit, !(0...255).contains(u) { throw ValidationError("--unit must be 0…255") }
        if let p = parity, !["N", "E", "O"].contains(p.uppercased()) { throw ValidationError("--parity must be N, E or O") }
        if let s = stopBits, s != 1 && s != 2 { throw ValidationError("--stop-bits must be 1 or 2") }
        if timeout <= 0 || timeout > 60 { throw ValidationError("--timeout must be between 0 and 60 s") }
    }

    /// The transport, filling what is not given from `defaults` (a profile) or the usual values.
    func transport(tcpDefaults: TCPDefaults? = nil, rtuDefaults: RTUDefaults? = nil) throws -> (Transport, String?) {
        if let t = tcp {
            let (host, port) = try splitHostPort(t, defaultPort: tcpDefaults?.port ?? 502)
            return (.tcp(host: host, port: port, unit: unit ?? tcpDefaults?.unit ?? 1), nil)
        }
        let d = rtuDefaults ?? RTUDefaults()
        let par: Parity = parity.map { $0.uppercased() == "E" ? .even : ($0.uppercased() == "O" ? .odd : .none) } ?? d.parity
        let s = SerialSettings(baud: baud ?? d.baud, parity: par, dataBits: 8, stopBits: stopBits ?? d.stopBits)
        return (.rtu(bus: "cli", address: unit ?? d.address, serial: s), rtu)
    }

    var workerOptions: WorkerOptions {
        var o = WorkerOptions()
        o.connectTimeoutS = timeout; o.responseTimeoutS = timeout
        o.lostAfter = 1_000_000   // one-shot tools: never skip a request
        return o
    }
}

func splitHostPort(_ s: String, defaultPort: Int) throws -> (String, Int) {
    let parts = s.split(separator: ":", omittingEmptySubsequences: false)
    if parts.count == 2 {
        guard let p = Int(parts[1]), (1...65535).contains(p), !parts[0].isEmpty else {
            throw ValidationError("'\(s)' is not host:port")
        }
        return (String(parts[0]), p)
    }
    guard !s.isEmpty, parts.count == 1 else { throw ValidationError("'\(s)' is not host:port") }
    return (s, defaultPort)
}

/// A worker and channel for one device given on the command line.
func cliChannel(_ t: Transport, device: String?, options: WorkerOptions, label: String? = nil,
                hints: [String: String] = [:], fc16: Bool = false) -> ModbusChannel {
    switch t {
    case let .tcp(host, port, unit):
        let w = ModbusWorker(kind: .tcp(host: host, port: port), options: options)
        return ModbusChannel(id: "modbus", label: label ?? "\(host):\(port) unit \(unit)", worker: w, unit: unit,
                             fc16Only: fc16, hints: hints)
    case let .rtu(_, address, serial):
        let w = ModbusWorker(kind: .rtu(bus: "cli", device: device ?? "", interFrameMs: 0), options: options)
        return ModbusChannel(id: "modbus", label: label ?? "\(device ?? "") addr \(address) @ \(serial)", worker: w,
                             unit: address, serial: serial, fc16Only: fc16, hints: hints)
    case .simulated, .ocpp, .cloud:
        fatalError("no simulated or OCPP transport on the command line")
    }
}

/// Exit code for a failure (see `kwartier modbus --help`).
func modbusExitCode(for error: Error) -> ExitCode {
    guard let f = error as? ModbusFailure else { return ExitCode(2) }
    switch f.kind {
    case .exception: return ExitCode(3)
    case .timeout, .connect, .skipped, .io: return ExitCode(4)
    case .invalid: return ExitCode(2)
    }
}

/// `--holding|--input|--coil|--discrete ADDR` with type, word order, scale and count.
struct RegisterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Holding register address (decimal or 0x…).", valueName: "addr")) var holding: String?
    @Option(help: ArgumentHelp("Input register address.", valueName: "addr")) var input: String?
    @Option(help: ArgumentHelp("Coil address.", valueName: "addr")) var coil: String?
    @Option(help: ArgumentHelp("Discrete input address.", valueName: "addr")) var discrete: String?
    @Option(help: "Number of values (strings: number of registers).") var count: Int = 1
    @Option(help: ArgumentHelp("Value type: u16, s16, u32, s32, u64, s64, float32, float64, string.", valueName: "type"))
    var type: String = "u16"
    @Option(name: .customLong("word-order"), help: ArgumentHelp("Word order of 32/64-bit values: big (high word first) or little.", valueName: "big|little"))
    var wordOrder: String = "big"
    @Option(help: "Engineering value = raw × scale.") var scale: Double = 1

    func validate() throws {
        let given = [holding, input, coil, discrete].compactMap { $0 }
        if given.count != 1 { throw ValidationError("give exactly one of --holding, --input, --coil or --discrete ADDR") }
        if RegisterType(rawValue: type) == nil || type == "bit" {
            throw ValidationError("--type must be one of u16, s16, u32, s32, u64, s64, float32, float64, string")
        }
        if WordOrder(rawValue: wordOrder) == nil { throw ValidationError("--word-order must be big or little") }
        if count < 1 || count > 125 { throw ValidationError("--count must be 1…125") }
        if scale == 0 { throw ValidationError("--scale must not be 0") }
        _ = try address()
    }

    var function: RegisterFunction {
        if holding != nil { return .holding }
        if input != nil { return .input }
        if coil != nil { return .coil }
        return .discrete
    }

    func address() throws -> Int {
        let s = (holding ?? input ?? coil ?? discrete ?? "").trimmingCharacters(in: .whitespaces)
        let v = s.lowercased().hasPrefix("0x") ? Int(s.dropFirst(2), radix: 16) : Int(s)
        guard let a = v, (0...65535).contains(a) else { throw ValidationError("'\(s)' is not a register address (0…65535 or 0x0000…0xFFFF)") }
        return a
    }

    func spec() throws -> RegisterSpec {
        let t = RegisterType(rawValue: type)!
        return RegisterSpec(fn: function, address: try address(), type: t, wordOrder: WordOrder(rawValue: wordOrder)!,
                            count: t == .string ? count : nil, scale: scale)
    }
}

struct ModbusReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read registers, coils or discrete inputs and print them decoded.",
        discussion: """
        Several values of the chosen type are read in one request (--count). Raw registers are \
        shown in hex next to each value.

        Examples:
          kwartier modbus read --tcp 192.168.1.50 --unit 1 --holding 1201 \\
              --type string --count 5
          kwartier modbus read --tcp 192.168.1.50 --unit 1 --holding 320 \\
              --type float32 --count 3
          kwartier modbus read --tcp 10.0.0.7 --unit 1 --input 70 --type s32 \\
              --word-order little
          kwartier modbus read --rtu /dev/ttyUSB0 --baud 38400 --unit 5 \\
              --holding 0xC568 --type s32 --scale 10
        """)
    @OptionGroup var endpoint: ModbusEndpointOptions
    @OptionGroup var register: RegisterOptions

    func run() throws {
        let (t, dev) = try endpoint.transport()
        let ch = cliChannel(t, device: dev, options: endpoint.workerOptions)
        defer { ch.worker.stop() }
        let spec = try register.spec()
        do {
            if spec.fn.isBit {
                let bits = try ch.readBits(spec.fn, address: spec.address, count: register.count)
                for (i, b) in bits.enumerated() { print("\(spec.fn) \(spec.address + i) = \(b ? 1 : 0)") }
                return
            }
            let per = spec.length
            let n = spec.type == .string ? 1 : register.count
            let words = try ch.readRegisters(spec.fn, address: spec.address, count: per * n)
            for i in 0..<n {
                var s = spec
                s.address = spec.address + i * per
                let w = Array(words[(i * per)..<((i + 1) * per)])
                let v = try RegisterCodec.decode(w, as: s)
                let raw = w.map { String(format: "0x%04X", $0) }.joined(separator: " ")
                print("\(s) = \(v) (raw \(raw))")
            }
        } catch {
            printErr("\(error)")
            throw modbusExitCode(for: error)
        }
    }
}

struct ModbusWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write one value to a holding register or a coil.",
        discussion: """
        16-bit values go with function 6 (or 16 with --fc16), 32/64-bit values always with one \
        function-16 request covering all their registers, coils with function 5. The value is \
        in engineering units: raw = value / scale.

        Examples:
          kwartier modbus write --tcp 192.168.1.50 --unit 1 --holding 1210 \\
              --type float32 --value 10
          kwartier modbus write --tcp 192.168.1.60 --unit 1 --holding 0x4100 \\
              --type u32 --scale 0.001 --value 16
          kwartier modbus write --tcp 192.168.1.70 --unit 255 --coil 400 --value 1
          kwartier modbus write --rtu /dev/ttyUSB0 --baud 57600 --stop-bits 2 \\
              --unit 50 --holding 0x0D00 --value 0x55AA
        """)
    @OptionGroup var endpoint: ModbusEndpointOptions
    @OptionGroup var register: RegisterOptions
    @Option(help: "The value to write (number, 0x… or on/off for a coil).") var value: String
    @Flag(help: "Write one 16-bit register with function 16 instead of 6.") var fc16 = false

    func run() throws {
        let (t, dev) = try endpoint.transport()
        let ch = cliChannel(t, device: dev, options: endpoint.workerOptions, fc16: fc16)
        defer { ch.worker.stop() }
        let spec = try register.spec()
        guard spec.fn == .holding || spec.fn == .coil else {
            printErr("\(spec.fn) registers are read-only; write a --holding register or a --coil")
            throw ExitCode(2)
        }
        guard spec.type != .string else { printErr("writing text is not supported"); throw ExitCode(2) }
        let v: Double
        switch value.lowercased() {
        case "on", "true": v = 1
        case "off", "false": v = 0
        default:
            if value.lowercased().hasPrefix("0x"), let i = Int(value.dropFirst(2), radix: 16) { v = Double(i) }
            else if let d = Double(value) { v = d }
            else { printErr("'\(value)' is not a number"); throw ExitCode(2) }
        }
        do {
            try ch.write(v, to: spec)
            print("wrote \(spec) = \(TextFormat.plain(v))")
        } catch {
            printErr("\(error)")
            throw modbusExitCode(for: error)
        }
    }
}

struct ModbusScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find the slave ids answering on an RS485 bus, at the common baud rates.",
        discussion: """
        For every line setting and slave id, one register is read; any answer (a value or a \
        Modbus exception) means a device is there. Progress goes to stderr, findings to stdout. \
        A full scan of 247 ids at 5 baud rates and 2 parities takes a few minutes: narrow it \
        with --bauds, --parities and --ids.

        Examples:
          kwartier modbus scan --rtu /dev/ttyUSB0
          kwartier modbus scan --rtu /dev/ttyUSB0 --bauds 9600,57600 --parities N \\
              --ids 1-60
          kwartier modbus scan --rtu /dev/ttyUSB0 --register 0x0100 --timeout 0.2
        """)
    @Option(help: ArgumentHelp("Serial device of the bus.", valueName: "device")) var rtu: String
    @Option(help: "Baud rates to try, comma-separated.") var bauds: String = "9600,19200,38400,57600,115200"
    @Option(help: "Parities to try, comma-separated (N, E, O).") var parities: String = "N,E"
    @Option(name: .customLong("stop-bits"), help: "Stop bits.") var stopBits: Int = 1
    @Option(help: ArgumentHelp("Slave ids: a range or list, e.g. 1-247 or 1,2,50.", valueName: "ids")) var ids: String = "1-247"
    @Option(help: ArgumentHelp("Holding register to read at each id (decimal or 0x…).", valueName: "addr")) var register: String = "0"
    @Option(help: "Answer timeout per id in seconds.") var timeout: Double = 0.1

    func run() throws {
        guard FileManager.default.fileExists(atPath: rtu) else { printErr("\(rtu): no such device"); throw ExitCode(4) }
        let baudList = bauds.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let parityList: [Parity] = try parities.split(separator: ",").map {
            switch $0.trimmingCharacters(in: .whitespaces).uppercased() {
            case "N": return .none
            case "E": return .even
            case "O": return .odd
            default: throw ValidationError("--parities: '\($0)' is not N, E or O")
            }
        }
        let idList = try parseIDs(ids)
        let reg = register.lowercased().hasPrefix("0x") ? Int(register.dropFirst(2), radix: 16) : Int(register)
        guard let address = reg, (0...65535).contains(address) else { throw ValidationError("--register: '\(register)' is not an address") }
        var o = WorkerOptions()
        o.connectTimeoutS = 1; o.responseTimeoutS = timeout; o.lostAfter = 1_000_000
        let w = ModbusWorker(kind: .rtu(bus: "scan", device: rtu, interFrameMs: 0), options: o)
        defer { w.stop() }
        var found = 0
        let tty = isatty(2) != 0
        for baud in baudList {
            for p in parityList {
                let s = SerialSettings(baud: baud, parity: p, dataBits: 8, stopBits: stopBits)
                var here = 0
                for (i, id) in idList.enumerated() {
                    if tty { FileHandle.standardError.write("\r\(s): id \(id) (\(i + 1)/\(idList.count)), found \(here)   ".data(using: .utf8)!) }
                    let ch = ModbusChannel(id: "scan", label: "\(rtu) addr \(id) @ \(s)", worker: w, unit: id, serial: s)
                    do {
                        _ = try ch.readRegisters(.holding, address: address, count: 1)
                        print("found: id \(id) at \(s) (read holding \(address) answered)")
                        here += 1
                    } catch let f as ModbusFailure {
                        if case .exception(let c) = f.kind {
                            print("found: id \(id) at \(s) (answered \(ModbusFailure.exceptionName(c)))")
                            here += 1
                        } else if f.kind == .connect {
                            if tty { printErr("") }
                            printErr("\(f)")
                            throw ExitCode(4)
                        }
                    }
                }
                if tty { FileHandle.standardError.write("\r".data(using: .utf8)!) }
                printErr("\(s): \(idList.count) ids tried, \(here) found")
                found += here
            }
        }
        printErr("scan done: \(found) device\(found == 1 ? "" : "s") found")
    }

    func parseIDs(_ s: String) throws -> [Int] {
        var out: [Int] = []
        for part in s.split(separator: ",") {
            let r = part.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if r.count == 1, let a = r[0] { out.append(a) }
            else if r.count == 2, let a = r[0], let b = r[1], a <= b { out += Array(a...b) }
            else { throw ValidationError("--ids: '\(part)' is not an id or a range like 1-247") }
        }
        guard out.allSatisfy({ (1...247).contains($0) }), !out.isEmpty else { throw ValidationError("--ids must be within 1…247") }
        return out
    }
}
