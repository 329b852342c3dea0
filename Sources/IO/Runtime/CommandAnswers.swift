import Foundation
import Synchronization
import KwartierCore

/// Who waits for the answer to each command ticket (a control-socket client), from the moment
/// the command is handed to the loop until its `commandResult` effect.
public final class CommandAnswers: Sendable {
    public typealias Answer = @Sendable (Result<String, ControlProtocol.Refusal>) -> Void
    private let waiting = Mutex<[UInt64: Answer]>([:])
    public init() {}

    public func expect(_ ticket: UInt64, _ a: @escaping Answer) { waiting.withLock { $0[ticket] = a } }

    /// Registers under the lock the ticket is made in, so an answer can never come first.
    public func expect(_ make: () -> UInt64, _ a: @escaping Answer) {
        waiting.withLock { m in m[make()] = a }
    }

    public func take(_ ticket: UInt64) -> Answer? { waiting.withLock { $0.removeValue(forKey: ticket) } }
}
