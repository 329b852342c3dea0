import Foundation
import KwartierCore

/// A P1 serial port: 115200 8N1 (DSMR 4+/e-MUCS) or 9600 7E1 (DSMR 2.2/3); with `baud: nil`
/// (auto) the reader tries 115200 8N1, 115200 7E1 (some DSMR 4 meters) and 9600 7E1 in turn.
/// Opening fails while the device is unplugged; the reader keeps retrying.
public final class P1SerialSource: P1AutoBaudSource {
    public let path: String
    public let candidates: [SerialSettings]
    public private(set) var current: SerialSettings
    private var port: SerialPort?

    public init(path: String, baud: Int?) {
        self.path = path
        switch baud {
        case nil: candidates = [P1SerialPresets.dsmr4, P1SerialPresets.dsmr4SevenBit, P1SerialPresets.dsmr22]
        case 9600?: candidates = [P1SerialPresets.dsmr22]
        case let b?: candidates = [SerialSettings(baud: b)]
        }
        current = candidates[0]
    }

    public var label: String { "serial \(path) @ \(current)" }

    public func open() throws {
        port = try SerialPort(path: path, settings: current)
    }

    public func use(_ settings: SerialSettings) throws {
        current = settings
        try port?.reconfigure(settings)
    }

    /// Set when the driver kept its own character framing (a pty): worth a line in the log.
    public var framingNote: String? {
        guard let port, !port.framingApplied, current.dataBits == 7 else { return nil }
        return "\(path) keeps 8N1 framing (a pty?): 7E1 parity bits are stripped in software, not checked"
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMs: Int32) throws -> P1ReadResult {
        guard let port else { throw P1SourceError("\(path): not open") }
        let n = try port.read(into: buffer, timeoutMs: timeoutMs)
        if n == 0 {
            // A pty or USB adapter that vanished may not report it through poll: check the node.
            if access(path, F_OK) != 0 { throw P1SourceError("\(path): device removed") }
            return .idle
        }
        return .data(n)
    }

    public func close() {
        port?.close()
        port = nil
    }
}

/// The P1 serial settings.
public enum P1SerialPresets {
    /// DSMR 4+ and e-MUCS: 115200 8N1.
    public static let dsmr4 = SerialSettings(baud: 115200)
    /// Some DSMR 4 meters (and dsmr_parser's V4 preset): 115200 7E1.
    public static let dsmr4SevenBit = SerialSettings(baud: 115200, parity: .even, dataBits: 7)
    /// DSMR 2.2 / 3: 9600 7E1.
    public static let dsmr22 = SerialSettings(baud: 9600, parity: .even, dataBits: 7)
}
