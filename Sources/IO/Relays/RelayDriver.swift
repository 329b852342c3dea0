import KwartierCore

/// Drives the relay outputs from the controller's decisions.
///
/// - `start`: writes every output (each relay in a defined state from the first second).
/// - `apply`: writes the outputs whose contact differs from the last successful write, so a
///   failed write is tried again at the next decision.
/// - `shutdown`: writes the configured safe state of every output.
/// Within one relay the outputs are written in the decision's order, and a failure stops that
/// relay's remaining writes: a pump must not be left on a half-written (e.g. lock) pattern.
/// Writes block (Modbus timeout, command timeout): call from an I/O worker. One queue owns a
/// driver (the runtime's relay queue, or the CLI's own thread), hence unchecked Sendable.
public final class RelayDriver: @unchecked Sendable {
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public var output: String
        public var message: String
        public var description: String { "relay output \(output): \(message)" }
    }
    private let devices: [String: RelayOutputDevice]
    private let unavailable: [String: String]
    /// Contact of each output as last written successfully.
    public private(set) var written: [String: Bool] = [:]
    /// Last error of each output, cleared by a successful write (for the devices screen).
    public private(set) var lastError: [String: String] = [:]

    /// `unavailable`: outputs that could not be built, with the reason (reported on every write).
    public init(devices: [String: RelayOutputDevice], unavailable: [String: String] = [:]) {
        self.devices = devices; self.unavailable = unavailable
    }

    @discardableResult
    public func start(_ decisions: [RelayDecision]) -> [Failure] {
        written = [:]
        return write(decisions.map(\.outputs), force: true)
    }

    @discardableResult
    public func apply(_ decisions: [RelayDecision]) -> [Failure] {
        write(decisions.map(\.outputs), force: false)
    }

    @discardableResult
    public func shutdown(_ safe: [RelayOutputCommand]) -> [Failure] {
        write(safe.map { [$0] }, force: true)
    }

    /// Each inner list is one relay's outputs in write order.
    func write(_ groups: [[RelayOutputCommand]], force: Bool) -> [Failure] {
        var failures: [Failure] = []
        for group in groups {
            for cmd in group {
                if !force, written[cmd.output] == cmd.on { continue }
                guard let dev = devices[cmd.output] else {
                    let why = unavailable[cmd.output] ?? "no such output"
                    failures.append(Failure(output: cmd.output, message: why)); lastError[cmd.output] = why
                    written[cmd.output] = nil
                    break
                }
                do {
                    try dev.set(cmd.on)
                    written[cmd.output] = cmd.on
                    lastError[cmd.output] = nil
                } catch {
                    let why = "\(error)"
                    failures.append(Failure(output: cmd.output, message: why)); lastError[cmd.output] = why
                    written[cmd.output] = nil
                    break   // leave the relay's other contacts as they are
                }
            }
        }
        return failures
    }
}
