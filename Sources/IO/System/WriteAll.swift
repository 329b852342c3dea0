#if canImport(Glibc)
import Glibc
#endif

/// Writes every byte to `fd`: a short write continues where it stopped, EINTR is retried.
/// Returns 0 when all was written, else the errno that stopped it (EPIPE, ENOSPC, …; a write
/// that takes nothing counts as EIO). The one write loop of the hub: files, pipes, stdout.
@discardableResult
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    guard let base = bytes.baseAddress else { return 0 }
    var off = 0
    while off < bytes.count {
        let n = write(fd, base + off, bytes.count - off)
        if n > 0 { off += n; continue }
        if n < 0 && errno == EINTR { continue }
        return n < 0 ? errno : EIO
    }
    return 0
}

/// `writeAll` for a byte array.
@discardableResult
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    bytes.withUnsafeBytes { writeAll(fd, $0) }
}
