import Foundation
import KwartierCore

/// What one read from a P1 byte source gave.
public enum P1ReadResult: Sendable, Equatable {
    case data(Int)
    /// Nothing within the timeout.
    case idle
    /// The source has no more bytes, ever (end of a file or of stdin).
    case end
}

/// A stream of raw P1 bytes: serial port, TCP connection, file, stdin or memory. `P1Reader`
/// owns one and calls it from its own thread only. `read` throws when the connection is lost;
/// the reader then closes it and calls `open` again after a back-off.
public protocol P1ByteSource: AnyObject {
    var label: String { get }
    func open() throws
    func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMs: Int32) throws -> P1ReadResult
    func close()
}

/// Serial settings the auto-detection can switch between (only serial sources have any).
public protocol P1AutoBaudSource: P1ByteSource {
    /// The settings to try in turn; one element = fixed.
    var candidates: [SerialSettings] { get }
    var current: SerialSettings { get }
    func use(_ settings: SerialSettings) throws
}


struct P1SourceError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
