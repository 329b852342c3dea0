import Foundation
import Synchronization

/// An append-only log file that rotates at a size limit (kwartier.log → kwartier.log.1 … .N).
public final class RotatingFile: Sendable {
    public let path: String
    private let maxBytes: Int
    private let keep: Int
    /// The open file and its size, used under the lock by whichever thread logs.
    private struct Open {
        var handle: FileHandle?
        var size = 0
    }
    private let file: Mutex<Open>

    public init(path: String, maxBytes: Int = 1_000_000, keep: Int = 3) {
        self.path = path; self.maxBytes = maxBytes; self.keep = keep
        file = Mutex(Self.open(path))
    }

    private static func open(_ path: String) -> Open {
        let fm = FileManager.default
        try? fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !fm.fileExists(atPath: path) { _ = fm.createFile(atPath: path, contents: nil) }
        let h = FileHandle(forWritingAtPath: path)
        return Open(handle: h, size: Int((try? h?.seekToEnd()) ?? 0))
    }

    private static func rotate(_ f: inout Open, path: String, keep: Int) {
        try? f.handle?.close()
        let fm = FileManager.default
        try? fm.removeItem(atPath: "\(path).\(keep)")
        if keep > 1 {
            for i in stride(from: keep - 1, through: 1, by: -1) {
                try? fm.moveItem(atPath: "\(path).\(i)", toPath: "\(path).\(i + 1)")
            }
        }
        try? fm.moveItem(atPath: path, toPath: "\(path).1")
        f = open(path)
    }

    public func write(_ line: String) {
        let data = Data((line + "\n").utf8)
        let path = path, keep = keep, maxBytes = maxBytes
        file.withLock { f in
            if f.size + data.count > maxBytes { Self.rotate(&f, path: path, keep: keep) }
            f.handle?.write(data)
            f.size += data.count
        }
    }
}
