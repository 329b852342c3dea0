import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One process owns the hardware: an exclusive `flock` on `data_dir/kwartier.lock`.
/// The kernel drops the lock when the process dies, so a crash never leaves a stale lock.
public final class InstanceLock: Sendable {
    public struct Busy: Error, CustomStringConvertible {
        public let path: String
        public let holder: String
        public var description: String {
            "another kwartier (\(holder)) already drives this site (lock \(path)); stop it first, or use another data_dir"
        }
    }

    private let fd: Int32
    public let path: String

    public init(dataDir: String) throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        path = (dataDir as NSString).appendingPathComponent("kwartier.lock")
        let f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard f >= 0 else { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
        if flock(f, LOCK_EX | LOCK_NB) != 0 {
            var buf = [UInt8](repeating: 0, count: 64)
            let n = read(f, &buf, 63)
            let holder = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "unknown pid"
            close(f)
            throw Busy(path: path, holder: holder.isEmpty ? "unknown pid" : "pid \(holder)")
        }
        ftruncate(f, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(f, $0, strlen($0)) }
        fd = f
    }

    deinit { flock(fd, LOCK_UN); close(fd) }
}
