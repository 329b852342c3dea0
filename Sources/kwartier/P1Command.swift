import ArgumentParser
import Foundation
import KwartierCore

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
        """,
        subcommands: [P1DecodeCommand.self, P1ListenCommand.self])
}

struct P1DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode every telegram in a file or stdin (exit 1 if any failed its CRC).",
        discussion: """
        Telegrams are found anywhere in the input (garbage between them is skipped). With
        --json, one object per telegram per line:
          {"header": "/FLU5\\\\253769484_A", "crc": "ok"|"bad"|"absent",
           "values": {"1-0:1.8.1": {"value": 301.548, "unit": "kWh"},
                      "0-1:24.2.3": {"time": "2023-11-02T12:10:02+01:00", "value": 92.287, "unit": "m3"},
                      "0-0:98.1.0": [{"start": "...", "peak_time": "...", "kw": 4.927}], ...}}
        Timestamps are ISO-8601 with the meter's offset (S = +02:00, W = +01:00); placeholder
        times (an empty month) are null.

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
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(1, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { if errno == EINTR { continue }; break }
            off += n
        }
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

struct P1ListenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "listen", abstract: "Live readings from a meter.")
    func run() throws { throw ExitCode(1) }
}
