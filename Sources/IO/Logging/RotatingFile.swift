import Foundation

/// An append-only log file that rotates at a size limit (kwartier.log → kwartier.log.1 … .N).
public final class RotatingFile: @unchecked Sendable {
    private let lock = NSLock()
    public let path: String
    private let maxBytes: Int
    private let keep: Int
    private var handle: FileHandle?
    private var size: Int = 0

    public init(path: String, maxBytes: Int = 1_000_000, keep: Int = 3) {
        self.path = path; self.maxBytes = maxBytes; self.keep = keep
        open()
    }

    private func open() {
        let fm = FileManager.default
        try? fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !fm.fileExists(atPath: path) { _ = fm.createFile(atPath: path, contents: nil) }
        handle = FileHandle(forWritingAtPath: path)
        size = Int((try? handle?.seekToEnd()) ?? 0)
    }

    private func rotate() {
        try? handle?.close()
        let fm = FileManager.default
        try? fm.removeItem(atPath: "\(path).\(keep)")
        if keep > 1 {
            for i in stride(from: keep - 1, through: 1, by: -1) {
                try? fm.moveItem(atPath: "\(path).\(i)", toPath: "\(path).\(i + 1)")
            }
        }
        try? fm.moveItem(atPath: path, toPath: "\(path).1")
        open()
    }

    public func write(_ line: String) {
        let data = Data((line + "\n").utf8)
        lock.lock(); defer { lock.unlock() }
        if size + data.count > maxBytes { rotate() }
        handle?.write(data)
        size += data.count
    }
}
