import Foundation
import KwartierCore

/// One good telegram as delivered to the consumer.
public struct P1Delivery: Sendable {
    public var telegram: P1Telegram
    /// The telegram's bytes exactly as received ("/" ... CRC line end).
    public var raw: [UInt8]
    /// Host wall clock and monotonic time at reception.
    public var receivedAt: Date
    public var monotonic: Double
}

public struct P1ReaderStats: Sendable {
    /// Telegrams accepted (CRC ok, or none on meters that send none).
    public var telegrams = 0
    /// Telegrams rejected whole: bad CRC, no CRC where the version requires one, or no readable line.
    public var crcFailures = 0
    public var bytesRead = 0
    public var framer = P1FramerCounters()
    /// Connections (re)opened after the first.
    public var reconnects = 0
    public var connected = false
    /// The serial settings in use (auto-baud shows what it found).
    public var serialSettings: String?
    public var lastError: String?
    public var lastGoodAt: Date?
    public var lastGoodMonotonic: Double?
    /// A file or stdin source reached its end.
    public var finished = false
    public var passthrough: [P1OutputStats] = []

    /// Seconds since the last good telegram (nil = none yet).
    public func ageS(nowMonotonic: Double) -> Double? { lastGoodMonotonic.map { nowMonotonic - $0 } }
    /// No good telegram for longer than `staleAfterS` (or never).
    public func isStale(nowMonotonic: Double, staleAfterS: Double) -> Bool {
        guard let age = ageS(nowMonotonic: nowMonotonic) else { return true }
        return age > staleAfterS
    }
}

/// Reads a P1 meter: owns the byte source on its own thread, frames and checks telegrams,
/// forwards good ones byte for byte to the pass-through outputs, then hands them to `onTelegram`
/// (called on the reader thread). Reconnects with back-off, re-opens unplugged serial devices,
/// and with `baud: auto` tries the serial settings in turn until valid telegrams arrive.
public final class P1Reader: @unchecked Sendable {
    public struct Options: Sendable {
        /// How long one serial setting is tried before the next (auto-baud).
        public var autoBaudWindowS: Double = 12
        /// Back-off between reconnect attempts: doubles from `minBackoffS` up to `maxBackoffS`.
        public var minBackoffS: Double = 0.5
        public var maxBackoffS: Double = 30
        /// A TCP stream silent this long is reconnected (half-open connections); nil = 3 x stale, at least 30 s.
        public var idleReconnectS: Double?
        /// File/stdin replay at the meter's pace (from its timestamps; 1 s when it sends none).
        public var paced = false
        public init() {}
    }

    public let sourceLabel: String
    public let staleAfterS: Double
    public let options: Options
    /// Called on the reader thread for every good telegram.
    public var onTelegram: ((P1Delivery) -> Void)?
    /// Connection events and problems, one line each (for logs and `p1 listen`).
    public var onEvent: ((String) -> Void)?

    private let source: P1ByteSource
    private let isStream: Bool
    private let outputs: [P1PassthroughOutput]
    private let lock = NSLock()
    private var stopping = false
    private var thread: Thread?
    private var st = P1ReaderStats()
    private var latestDelivery: P1Delivery?

    /// A reader for a configured source. `.simulated` has no bytes of its own: build the
    /// reader with `init(byteSource:)` and a `P1MemorySource` instead.
    public convenience init(source: P1Source, passthrough: [String], staleAfterS: Double, options: Options = Options()) throws {
        var opts = options
        let bytes: P1ByteSource
        switch source {
        case let .serial(path, baud): bytes = P1SerialSource(path: path, baud: baud)
        case let .tcp(host, port): bytes = P1TCPSource(host: host, port: port)
        case let .file(path, paced):
            bytes = P1FileSource(path: path)
            opts.paced = opts.paced || paced
        case .stdin: bytes = P1FileSource(path: nil)
        case .simulated:
            throw P1SourceError("a simulated P1 meter has no byte stream of its own: feed a P1MemorySource")
        }
        try self.init(byteSource: bytes, passthrough: passthrough, staleAfterS: staleAfterS, options: opts)
    }

    public init(byteSource: P1ByteSource, passthrough: [String], staleAfterS: Double, options: Options = Options()) throws {
        guard passthrough.count <= 3 else {
            throw P1SourceError("at most 3 pass-through outputs (got \(passthrough.count))")
        }
        self.source = byteSource
        self.sourceLabel = byteSource.label
        self.staleAfterS = staleAfterS
        self.options = options
        self.isStream = byteSource is P1FileSource || byteSource is P1MemorySource
        self.outputs = try passthrough.map { try P1PassthroughOutput(url: $0) }
    }

    /// Starts the outputs (a TCP port that cannot be bound throws here) and the reader thread.
    public func start() throws {
        var started: [P1PassthroughOutput] = []
        do {
            for o in outputs { try o.start(); started.append(o) }
        } catch {
            for o in started { o.stop() }
            throw error
        }
        let t = Thread { [weak self] in self?.run() }
        t.name = "p1-reader"
        thread = t
        t.start()
    }

    /// Stops reading and closes everything; returns when the thread has ended.
    public func stop() {
        lock.lock(); stopping = true; lock.unlock()
        while let t = thread, !t.isFinished { usleep(2000) }
        thread = nil
        for o in outputs { o.stop() }
    }

    public var stats: P1ReaderStats {
        lock.lock()
        var s = st
        lock.unlock()
        s.passthrough = outputs.map(\.stats)
        return s
    }

    /// The last good telegram with its age, if any.
    public func latest(nowMonotonic: Double = Monotonic.now) -> (delivery: P1Delivery, ageS: Double, stale: Bool)? {
        lock.lock(); defer { lock.unlock() }
        guard let d = latestDelivery else { return nil }
        let age = nowMonotonic - d.monotonic
        return (d, age, age > staleAfterS)
    }

    /// Waits until a file/stdin source has been read to its end (or the timeout passes).
    public func waitUntilFinished(timeoutS: Double) -> Bool {
        let until = Monotonic.now + timeoutS
        while Monotonic.now < until {
            if stats.finished { return true }
            usleep(5000)
        }
        return stats.finished
    }

    // MARK: reader thread

    private var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    private func update(_ f: (inout P1ReaderStats) -> Void) { lock.lock(); f(&st); lock.unlock() }

    private func event(_ s: String) { onEvent?(s) }

    private func run() {
        var backoff = options.minBackoffS
        var opened = 0
        let auto = source as? P1AutoBaudSource
        var candidate = 0
        var locked = false
        while !isStopping {
            do {
                if let auto, !locked { try auto.use(auto.candidates[candidate]) }
                try source.open()
            } catch {
                let msg = "\(error)"
                if stats.lastError != msg { event("cannot open \(source.label): \(msg)") }
                update { $0.lastError = msg; $0.connected = false }
                if isStream { update { $0.finished = true }; return }
                sleepInterruptibly(backoff)
                backoff = min(backoff * 2, options.maxBackoffS)
                continue
            }
            opened += 1
            update {
                $0.connected = true
                if opened > 1 { $0.reconnects += 1 }
                $0.serialSettings = auto.map { $0.current.description }
                $0.lastError = nil
            }
            event("connected: \(source.label)")
            if let note = (source as? P1SerialSource)?.framingNote { event(note) }
            let outcome = session(auto: auto, candidate: &candidate, locked: &locked, backoff: &backoff)
            source.close()
            update { $0.connected = false }
            switch outcome {
            case .finished:
                update { $0.finished = true }
                event("end of \(source.label)")
                return
            case .stopped:
                return
            case .lost(let why):
                update { $0.lastError = why }
                event("lost \(source.label): \(why); retrying")
                sleepInterruptibly(backoff)
                backoff = min(backoff * 2, options.maxBackoffS)
            }
        }
    }

    private enum Outcome { case finished, stopped, lost(String) }

    private func session(auto: P1AutoBaudSource?, candidate: inout Int, locked: inout Bool, backoff: inout Double) -> Outcome {
        var framer = P1Framer()
        var parser = P1Parser()
        var buf = [UInt8](repeating: 0, count: 8192)
        var windowStart = Monotonic.now
        var lastBytes = Monotonic.now
        var lastMeterTime: Int?
        var nextDue = 0.0
        let idleLimit = options.idleReconnectS ?? max(3 * staleAfterS, 30)
        let isTCP = source is P1TCPSource

        while true {
            if isStopping { return .stopped }
            let result: P1ReadResult
            do {
                result = try buf.withUnsafeMutableBytes { try source.read(into: $0, timeoutMs: 200) }
            } catch {
                return .lost("\(error)")
            }
            let now = Monotonic.now
            switch result {
            case .end:
                framer.finish { self.handle($0, &parser, &lastMeterTime, &nextDue, locked: &locked, auto: auto, backoff: &backoff) }
                update { $0.framer = framer.counters }
                return .finished
            case .idle:
                if isTCP && now - lastBytes > idleLimit { return .lost("no data for \(Int(idleLimit)) s") }
            case .data(let n):
                lastBytes = now
                update { $0.bytesRead += n }
                buf.withUnsafeBytes { b in
                    framer.push(UnsafeRawBufferPointer(rebasing: b[0..<n])) {
                        self.handle($0, &parser, &lastMeterTime, &nextDue, locked: &locked, auto: auto, backoff: &backoff)
                    }
                }
                update { $0.framer = framer.counters }
            }
            // Auto-baud: no valid telegram within the window -> next setting.
            if let auto, !locked, auto.candidates.count > 1, now - windowStart > options.autoBaudWindowS {
                candidate = (candidate + 1) % auto.candidates.count
                do { try auto.use(auto.candidates[candidate]) } catch { return .lost("\(error)") }
                framer.reset()
                windowStart = now
                update { $0.serialSettings = auto.current.description }
                event("no valid telegram yet; trying \(auto.current)")
                if let note = (source as? P1SerialSource)?.framingNote { event(note) }
            }
        }
    }

    private func handle(_ frame: P1Frame, _ parser: inout P1Parser, _ lastMeterTime: inout Int?, _ nextDue: inout Double,
                        locked: inout Bool, auto: P1AutoBaudSource?, backoff: inout Double) {
        let t = parser.parse(frame)
        guard t.isAcceptable else {
            update { $0.crcFailures += 1 }
            return
        }
        if let auto, !locked {
            locked = true
            event("receiving at \(auto.current)")
        }
        backoff = options.minBackoffS
        if options.paced && isStream {
            // Replay at the meter's pace: wait for the gap between its timestamps.
            let meterTime = t.reading.time?.epochSeconds
            var gap = 1.0
            if let m = meterTime, let prev = lastMeterTime { gap = min(max(Double(m - prev), 0), 60) }
            if lastMeterTime != nil || nextDue > 0 {
                let due = nextDue + gap
                while Monotonic.now < due && !isStopping { usleep(10000) }
            }
            nextDue = Monotonic.now
            lastMeterTime = meterTime ?? lastMeterTime
        }
        for o in outputs { o.offer(frame.bytes) }
        let d = P1Delivery(telegram: t, raw: frame.bytes, receivedAt: Date(), monotonic: Monotonic.now)
        lock.lock()
        st.telegrams += 1
        st.lastGoodAt = d.receivedAt
        st.lastGoodMonotonic = d.monotonic
        latestDelivery = d
        lock.unlock()
        onTelegram?(d)
    }

    private func sleepInterruptibly(_ s: Double) {
        let until = Monotonic.now + s
        while Monotonic.now < until && !isStopping { usleep(20000) }
    }
}
