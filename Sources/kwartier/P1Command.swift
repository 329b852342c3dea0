import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

struct P1Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "p1",
        abstract: "Read and decode P1 smart-meter telegrams (DSMR 2.2-5, Belgian e-MUCS).",
        discussion: """
        Examples:
          kwartier p1 decode telegrams.txt
          kwartier p1 decode - --json < capture.bin
          kwartier p1 listen --serial /dev/ttyUSB0 --baud auto
          kwartier p1 listen --tcp 192.168.1.50:2000 --passthrough tcp://0.0.0.0:2001
          kwartier p1 sample --style emucs --count 10 > virtual-meter.txt
        """,
        subcommands: [P1DecodeCommand.self, P1ListenCommand.self, P1SampleCommand.self])
}

struct P1DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode every telegram in a file or stdin (exit 1 if any failed its CRC).",
        discussion: """
        Telegrams are found anywhere in the input (garbage between them is skipped). With \
        --json, one object per telegram per line, like this (shown folded):

          {"header": "/FLU5\\\\253769484_A", "crc": "ok"|"bad"|"absent",
           "values": {"1-0:1.8.1": {"value": 301.548, "unit": "kWh"},
             "0-1:24.2.3": {"time": "2023-11-02T12:10:02+01:00", "value": 92.287,
                            "unit": "m3"},
             "0-0:98.1.0": [{"start": "...", "peak_time": "...", "kw": 4.927}],
             ...}}

        Timestamps are ISO-8601 with the meter's offset (S = +02:00, W = +01:00); \
        placeholder times (an empty month) are null.

        Examples:
          kwartier p1 decode capture.txt
          kwartier p1 decode capture.txt --json | jq '.values["1-0:1.7.0"].value'
          nc 192.168.1.50 2000 | kwartier p1 decode - --json
        """)

    @Argument(help: "Telegram file, or - for stdin.") var input: String = "-"
    @Flag(help: "One JSON object per telegram per line.") var json = false

    func run() throws {
        let fd: Int32
        if input == "-" {
            fd = 0
        } else {
            fd = open(input, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                printErr("kwartier p1 decode: cannot open \(input): \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
        }
        defer { if fd != 0 { close(fd) } }
        var framer = P1Framer()
        var parser = P1Parser()
        var out = OutputBuffer()
        var count = 0, failures = 0, missing = 0
        let handle: (P1Frame) -> Void = { frame in
            let t = parser.parse(frame)
            count += 1
            if case .bad = t.crc { failures += 1 } else if !t.isValid { failures += 1; missing += 1 }
            if json {
                P1JSON.append(t, to: &out.bytes)
                out.bytes.append(0x0A)
            } else {
                out.write(P1TextTable.render(t, index: count))
            }
            out.flushIfLarge()
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                printErr("kwartier p1 decode: read error: \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
            if n == 0 { break }
            chunk.withUnsafeBytes { framer.push(UnsafeRawBufferPointer(rebasing: $0[0..<n]), handle) }
        }
        framer.finish(handle)
        out.flush()
        if count == 0 { printErr("kwartier p1 decode: no telegram found in \(input == "-" ? "stdin" : input)") }
        if failures > 0 {
            let extra = missing > 0 ? " (\(missing) without the CRC their DSMR version requires)" : ""
            printErr("\(failures) of \(count) telegram\(count == 1 ? "" : "s") failed the CRC check\(extra)")
            throw ExitCode(1)
        }
    }
}

/// Buffered stdout writes (one write per ~64 KiB, not per line).
struct OutputBuffer {
    var bytes: [UInt8] = []
    mutating func write(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func flushIfLarge() { if bytes.count >= 65536 { flush() } }
    mutating func flush() {
        writeAll(1, bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}

/// The readable table of `p1 decode` without --json.
enum P1TextTable {
    static func render(_ t: P1Telegram, index: Int) -> String {
        var s = "telegram \(index)  \(t.header)  CRC \(t.crc.label)"
        if case .bad(let sent, let computed) = t.crc {
            s += " (sent \(P1CRC16.hex(sent)), computed \(P1CRC16.hex(computed)))"
        } else if !t.isValid {
            s += " (required for P1 version \(t.reading.version ?? "?"))"
        }
        s += "\n"
        for o in t.objects {
            let code = o.obis.description
            let name = OBISNames.name(o.obis) ?? ""
            s += "  " + code.padding(toLength: 13, withPad: " ", startingAt: 0)
                + name.padding(toLength: 30, withPad: " ", startingAt: 0) + o.value.display + "\n"
        }
        if t.ignoredLines > 0 { s += "  (\(t.ignoredLines) unreadable line\(t.ignoredLines == 1 ? "" : "s") skipped)\n" }
        return s + "\n"
    }
}

/// Set by the SIGINT/SIGTERM handler, read by the listen loop: the one kind of shared state a C
/// signal handler may touch, hence unsafe to the compiler.
nonisolated(unsafe) private var p1ListenInterrupted: sig_atomic_t = 0

struct P1ListenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Live readings from a meter, one line per telegram, with optional pass-through.",
        discussion: """
        Reads a P1 port (serial), a P1 dongle or ser2net bridge (TCP), or a capture file, and \
        prints one line per good telegram: meter time, net power, per-line current and voltage, \
        the quarter-hour average and month peak (e-MUCS) and gas. Connection events, CRC failures \
        and staleness go to stderr; a summary is printed on exit (Ctrl-C).

        --baud auto tries 115200 8N1, 115200 7E1 and 9600 7E1 until valid telegrams arrive.

        --passthrough forwards every good telegram byte for byte to up to three outputs: \
        tcp://HOST:PORT (a listener, several clients) or serial:/dev/X[@9600]; a slow client \
        never delays the hub or the other clients (its telegrams are dropped instead).

        Examples:
          kwartier p1 listen --serial /dev/ttyUSB0 --baud auto
          kwartier p1 listen --tcp 192.168.1.50:2000 \\
              --passthrough tcp://0.0.0.0:2001 --passthrough serial:/dev/ttyUSB1
          kwartier p1 listen --file capture.txt --paced --json
        """)

    @Option(help: "Serial device of the P1 port, e.g. /dev/ttyUSB0.") var serial: String?
    @Option(help: "Serial speed: auto, 115200 (8N1) or 9600 (7E1).") var baud: String = "auto"
    @Option(help: "P1 dongle or ser2net bridge as HOST:PORT.") var tcp: String?
    @Option(help: "Replay a capture file (- for stdin).") var file: String?
    @Flag(help: "Replay the file at the meter's pace.") var paced = false
    @Option(name: .customLong("passthrough"), help: "Forward telegrams to tcp://HOST:PORT or serial:/dev/X[@9600] (up to 3).")
    var passthrough: [String] = []
    @Flag(help: "Print each telegram as a JSON line (the `p1 decode --json` shape).") var json = false
    @Option(help: "Exit after this many telegrams.") var count: Int?
    @Option(help: "Exit after this many seconds.") var duration: Double?
    @Option(help: "Seconds without a good telegram before the meter counts as stale.") var staleAfter: Double = 10
    @Option(help: "Seconds each serial setting is tried with --baud auto.") var autoWindow: Double = 12

    func validate() throws {
        let sources = [serial, tcp, file].compactMap { $0 }
        if sources.count != 1 { throw ValidationError("give exactly one of --serial DEV, --tcp HOST:PORT or --file FILE") }
        if !["auto", "115200", "9600"].contains(baud) { throw ValidationError("--baud must be auto, 115200 or 9600") }
        if passthrough.count > 3 { throw ValidationError("at most 3 --passthrough outputs") }
        if let tcp, P1ListenCommand.hostPort(tcp) == nil { throw ValidationError("--tcp expects HOST:PORT, e.g. 192.168.1.50:2000") }
    }

    static func hostPort(_ s: String) -> (String, Int)? {
        guard let c = s.lastIndex(of: ":"), let p = Int(s[s.index(after: c)...]), (1...65535).contains(p), c > s.startIndex else { return nil }
        return (String(s[..<c]), p)
    }

    func run() throws {
        let source: P1Source
        if let serial {
            source = .serial(path: serial, baud: baud == "auto" ? nil : Int(baud))
        } else if let tcp, let (h, p) = P1ListenCommand.hostPort(tcp) {
            source = .tcp(host: h, port: p)
        } else if let file {
            source = file == "-" ? .stdin : .file(path: file, paced: paced)
        } else {
            throw ExitCode(2)
        }
        var options = P1Reader.Options()
        options.autoBaudWindowS = autoWindow
        options.paced = paced
        let reader: P1Reader
        do {
            reader = try P1Reader(source: source, passthrough: passthrough, staleAfterS: staleAfter, options: options)
        } catch {
            printErr("kwartier p1 listen: \(error)")
            throw ExitCode(2)
        }
        let printer = P1LinePrinter(json: json, limit: count)
        reader.onEvent = { printErr("p1: \($0)") }
        reader.onTelegram = { printer.print($0) }
        do { try reader.start() } catch {
            printErr("kwartier p1 listen: \(error)")
            throw ExitCode(2)
        }
        signal(SIGINT) { _ in p1ListenInterrupted = 1 }
        signal(SIGTERM) { _ in p1ListenInterrupted = 1 }
        signal(SIGPIPE, SIG_IGN)

        let started = Monotonic.now
        var staleReported = false
        while p1ListenInterrupted == 0 {
            usleep(50_000)
            let s = reader.stats
            if count != nil && printer.done { break }
            if let duration, Monotonic.now - started >= duration { break }
            if s.finished { break }
            let stale = s.isStale(nowMonotonic: Monotonic.now, staleAfterS: staleAfter) && Monotonic.now - started > staleAfter
            if stale && !staleReported {
                let age = s.ageS(nowMonotonic: Monotonic.now).map { "\(Int($0)) s" } ?? "ever"
                printErr("p1: STALE: no good telegram for \(age) (stale after \(Int(staleAfter)) s)")
            } else if !stale && staleReported {
                printErr("p1: receiving again")
            }
            staleReported = stale
        }
        reader.stop()
        let s = reader.stats
        var summary = "p1: \(s.telegrams) telegram\(s.telegrams == 1 ? "" : "s"), \(s.crcFailures) CRC failure\(s.crcFailures == 1 ? "" : "s")"
        summary += ", \(s.bytesRead) bytes, \(s.reconnects) reconnect\(s.reconnects == 1 ? "" : "s")"
        if let ss = s.serialSettings { summary += ", serial \(ss)" }
        printErr(summary)
        for o in s.passthrough {
            let what = o.target.hasPrefix("serial:") ? "opened \(o.accepted) time\(o.accepted == 1 ? "" : "s")"
                                                      : "\(o.accepted) client\(o.accepted == 1 ? "" : "s") served"
            printErr("p1: pass-through \(o.target): \(what), \(o.sent) telegrams sent, \(o.dropped) dropped"
                     + (o.lastError.map { " (last problem: \($0))" } ?? ""))
        }
        if count != nil && !printer.done { throw ExitCode(1) }
    }
}

/// Prints one line per telegram from the reader thread (a line is one write: no interleaving).
// unchecked: used only from the P1 reader thread.
final class P1LinePrinter: @unchecked Sendable {
    let json: Bool
    let limit: Int?
    private let lock = NSLock()
    private var printed = 0
    init(json: Bool, limit: Int?) { self.json = json; self.limit = limit }

    /// The requested number of telegrams has been printed.
    var done: Bool { lock.lock(); defer { lock.unlock() }; return limit.map { printed >= $0 } ?? false }

    func print(_ d: P1Delivery) {
        lock.lock()
        if let limit, printed >= limit { lock.unlock(); return }
        printed += 1
        lock.unlock()
        var out: [UInt8] = []
        if json {
            P1JSON.append(d.telegram, to: &out)
        } else {
            out.append(contentsOf: P1LinePrinter.summary(d).utf8)
        }
        out.append(0x0A)
        writeAll(1, out)
    }

    static func summary(_ d: P1Delivery) -> String {
        let r = d.telegram.reading
        let g = r.gridMeasurement(hostTime: d.receivedAt)
        func f(_ v: Double, _ digits: Int = 2) -> String { TextFormat.fixed(v, digits) }
        var s = r.time?.iso8601 ?? "(no meter time)"
        s += "  P \(g.meter.powerW >= 0 ? "+" : "")\(f(g.meter.powerW / 1000, 3)) kW"
        for ph in Phase.allCases {
            s += "  \(ph) \(g.meter.currents[ph] >= 0 ? "+" : "")\(f(g.meter.currents[ph])) A"
            if let v = g.meter.voltages?[ph], v > 0 { s += " \(f(v, 1)) V" }
        }
        if let q = r.quarterAverageKW { s += "  quarter \(f(q, 3)) kW" }
        if let p = r.monthPeakKW { s += "  month peak \(f(p, 3)) kW" }
        if let gas = r.gas, let v = gas.value { s += "  gas \(f(v, 3)) \(gas.unit?.description ?? "")" }
        if let t = r.tariff { s += "  tariff \(t)" }
        return s
    }
}

struct P1SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write telegrams of a virtual meter (valid CRC), for tests and demos.",
        discussion: """
        A deterministic three-phase household with a car and PV export on L3, gas on M-Bus \
        channel 1 and (e-MUCS) 13 months of peak history, one telegram per --interval seconds \
        of meter time starting 2023-11-02 12:00 CET.

        Examples:
          kwartier p1 sample --style emucs --count 5 | kwartier p1 decode
          kwartier p1 sample --style dsmr5 --count 3600 > hour.txt
        """)

    @Option(help: "emucs (Belgian Fluvius) or dsmr5 (Dutch DSMR 5.0).") var style: String = "emucs"
    @Option(help: "Number of telegrams.") var count: Int = 1
    @Option(help: "Seconds of meter time between telegrams.") var interval: Double = 1

    func validate() throws {
        if TelegramEncoder.Style(rawValue: style) == nil { throw ValidationError("--style must be emucs or dsmr5") }
        if count < 0 { throw ValidationError("--count must be 0 or more") }
    }

    func run() throws {
        let encoder = TelegramEncoder(style: TelegramEncoder.Style(rawValue: style)!)
        let meter = P1SampleMeter(intervalS: interval)
        var out = OutputBuffer()
        for k in 0..<count {
            out.bytes.append(contentsOf: encoder.encode(meter.state(at: k)))
            out.flushIfLarge()
        }
        out.flush()
    }
}
