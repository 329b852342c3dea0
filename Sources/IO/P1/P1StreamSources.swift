import Foundation
import KwartierCore

/// Telegrams from a file or stdin (replay). Pacing is done by `P1Reader`.
public final class P1FileSource: P1ByteSource {
    public let path: String?
    private var fd: Int32 = -1

    /// `path` nil = stdin.
    public init(path: String?) { self.path = path }
    public var label: String { path.map { "file \($0)" } ?? "stdin" }

    public func open() throws {
        guard let path else { fd = 0; return }
        let f = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if f < 0 { throw P1SourceError("cannot open \(path): \(String(cString: strerror(errno)))") }
        fd = f
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMs: Int32) throws -> P1ReadResult {
        guard fd >= 0 else { throw P1SourceError("\(label): not open") }
        if fd == 0 {
            var p = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, timeoutMs)
            if r == 0 || (r < 0 && errno == EINTR) { return .idle }
        }
        let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return .idle }
            throw P1SourceError("\(label): \(String(cString: strerror(errno)))")
        }
        return n == 0 ? .end : .data(n)
    }

    public func close() {
        if fd > 0 { Glibc.close(fd) }
        fd = -1
    }
}

/// Bytes pushed from another thread (a simulated meter, tests). `finish()` ends the stream.
// unchecked: the buffer is under its condition lock.
public final class P1MemorySource: P1ByteSource, @unchecked Sendable {
    private let cond = NSCondition()
    private var pending: [UInt8] = []
    private var finished = false
    /// Bytes beyond this are dropped (oldest first) when nobody reads.
    public let capacity: Int

    public init(capacity: Int = 1 << 20) { self.capacity = capacity }
    public var label: String { "memory" }
    public func open() throws {}
    public func close() {}

    public func push(_ bytes: [UInt8]) {
        cond.lock()
        pending.append(contentsOf: bytes)
        if pending.count > capacity { pending.removeFirst(pending.count - capacity) }
        cond.signal()
        cond.unlock()
    }

    public func finish() {
        cond.lock(); finished = true; cond.signal(); cond.unlock()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMs: Int32) throws -> P1ReadResult {
        cond.lock()
        defer { cond.unlock() }
        if pending.isEmpty && !finished {
            _ = cond.wait(until: Date().addingTimeInterval(Double(timeoutMs) / 1000))
        }
        if pending.isEmpty { return finished ? .end : .idle }
        let n = min(buffer.count, pending.count)
        pending.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        pending.removeFirst(n)
        return .data(n)
    }
}
