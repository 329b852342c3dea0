import Foundation
import KwartierCore


/// Tunables of the workers; defaults suit a real site, tests shorten them.
public struct WorkerOptions: Sendable, Equatable {
    public var connectTimeoutS: Double = 2.0
    /// Default response timeout when the profile gives none.
    public var responseTimeoutS: Double = 1.0
    /// Reconnect backoff: first wait, doubling up to the maximum, ± jitter (fraction).
    public var backoffInitialS: Double = 0.5
    public var backoffMaxS: Double = 20
    public var jitter: Double = 0.25
    /// A device with this many silent transactions in a row is `lost`; it is then only probed
    /// after a growing pause (same backoff), so it cannot eat the bus time of the others.
    public var lostAfter: Int = 3
    /// Health turns `slow` above this median round trip (ms).
    public var slowMs: Double = 250
    public init() {}
}

/// One thread that owns one libmodbus context: a TCP endpoint (host:port, shared by every unit
/// id behind it — a gateway, or the two sockets of an Alfen Double) or an RS485 bus (shared by
/// devices at different baud rates; the line is reopened with the next device's settings when
/// they differ). Jobs run one at a time in submission order; each has a deadline: a job still
/// queued at its deadline is not run, and every transaction inside a job waits at most until
/// the deadline. Blocking libmodbus calls therefore never run on the caller's thread (nor on
/// Swift's cooperative pool), and a dead device delays nothing but its own worker.
///
/// Runtime use (the control loop):
/// ```swift
/// let site = try DeviceFactory().build(config)          // workers + devices
/// for (id, cp) in site.chargePoints {
///     site.worker(for: id)!.submit(timeout: 0.8, { try cp.readStatus() }) { result in
///         // on the worker's thread: hand `result` to the control loop's queue
///     }
/// }
/// let health = site.health()                              // [DeviceHealth] for the dashboard
/// ```
/// Calling a device method from any other thread (the CLI) also works: the call is handed to
/// the worker and waited for (`perform`).
// unchecked: owns a libmodbus context on its own thread; the job queue is under its condition lock.
public final class ModbusWorker: @unchecked Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case rtu(bus: String, device: String, interFrameMs: Double)
    }

    public let kind: Kind
    public let name: String
    public let options: WorkerOptions
    public var description: String { name }

    private struct Job {
        let deadline: Double
        let ahead: Bool
        let run: () -> Void
        let expire: (ModbusFailure) -> Void
    }

    private let cond = NSCondition()
    private var jobs: [Job] = []
    private var stopped = false
    private var thread: Thread?
    private var idleTasks: [(interval: Double, task: () -> Void)] = []

    // Owned by the worker thread only.
    private let link: ModbusLink
    private var currentDeadline: Double = .infinity
    private var nextConnectAt: Double = 0
    private var backoff: Double = 0
    private var connectError: String?
    private var lastFrameEnd: Double = 0
    private var lastActivity: Double = Monotonic.now
    /// Longest connect delay any device on this worker asks for (Huawei SDongle).
    var connectDelayS: Double = 0
    private var rng = SystemRandomNumberGenerator()

    public init(kind: Kind, options: WorkerOptions = WorkerOptions()) {
        self.kind = kind
        self.options = options
        switch kind {
        case let .tcp(host, port):
            name = "tcp \(host):\(port)"
            link = ModbusLink(.tcp(host: host, port: port))
        case let .rtu(bus, device, _):
            name = "rtu \(bus) (\(device))"
            link = ModbusLink(.rtu(device: device, serial: SerialSettings(baud: 9600)))
        }
        // The thread keeps the worker alive until `stop()`.
        let t = Thread { self.loop() }
        t.name = "modbus \(name)"
        thread = t
        t.start()
    }

    public var isTCP: Bool { if case .tcp = kind { return true } else { return false } }

    // MARK: submitting work

    /// Runs `work` on the worker thread before `timeout` seconds from now; `completion` gets its
    /// result (on the worker thread). A job not started by then completes with a `.skipped` failure.
    public func submit<T>(timeout: Double, _ work: @escaping () throws -> T, completion: @escaping (Result<T, Error>) -> Void) {
        enqueue(timeout: timeout, ahead: false, work, completion: completion)
    }

    /// `submit`, but the job runs before every job queued with `submit` (after those queued
    /// ahead before it): a setpoint never waits behind reads already queued on the line (a
    /// round's reads of a slow line still queued when the round closed, a meter's poll).
    public func submitAhead<T>(timeout: Double, _ work: @escaping () throws -> T, completion: @escaping (Result<T, Error>) -> Void) {
        enqueue(timeout: timeout, ahead: true, work, completion: completion)
    }

    private func enqueue<T>(timeout: Double, ahead: Bool, _ work: @escaping () throws -> T,
                            completion: @escaping (Result<T, Error>) -> Void) {
        let deadline = Monotonic.now + timeout
        let job = Job(deadline: deadline, ahead: ahead, run: { [unowned self] in
            self.currentDeadline = deadline
            defer { self.currentDeadline = .infinity }
            do { completion(.success(try work())) } catch { completion(.failure(error)) }
        }, expire: { completion(.failure($0)) })
        cond.lock()
        if stopped {
            cond.unlock()
            completion(.failure(ModbusFailure(kind: .skipped, device: name, operation: "job", detail: "the worker is stopped")))
            return
        }
        if ahead {
            jobs.insert(job, at: jobs.firstIndex { !$0.ahead } ?? jobs.endIndex)
        } else {
            jobs.append(job)
        }
        cond.signal()
        cond.unlock()
    }

    /// Runs `work` on the worker thread and waits for it (inline when already on it). For the CLI
    /// and tests; the control loop uses `submit`.
    public func perform<T>(timeout: Double, _ work: @escaping () throws -> T) throws -> T {
        if Thread.current === thread { return try work() }
        let sem = DispatchSemaphore(value: 0)
        var result: Result<T, Error>?
        submit(timeout: timeout, work) { r in result = r; sem.signal() }
        // The job itself respects the deadline; the grace covers one transaction already running.
        if sem.wait(timeout: .now() + timeout + options.connectTimeoutS + 2) == .timedOut {
            throw ModbusFailure(kind: .skipped, device: name, operation: "job", detail: "the worker did not finish in time")
        }
        return try result!.get()
    }

    /// Runs `task` whenever the connection has been idle for `interval` seconds (keep-alive for
    /// devices that drop idle connections, e.g. Alfen after 60 s).
    public func addIdleTask(interval: Double, _ task: @escaping () -> Void) {
        cond.lock(); idleTasks.append((interval, task)); cond.signal(); cond.unlock()
    }

    /// Stops the thread after the running job; queued jobs fail as skipped. Closes the link.
    public func stop() {
        cond.lock()
        stopped = true
        cond.broadcast()
        cond.unlock()
    }

    /// Jobs waiting (not counting the running one).
    public var queued: Int { cond.lock(); defer { cond.unlock() }; return jobs.count }

    private func loop() {
        while true {
            cond.lock()
            while jobs.isEmpty && !stopped {
                if let due = nextIdleDue() {
                    let wait = due - Monotonic.now
                    if wait <= 0 { break }
                    _ = cond.wait(until: Date(timeIntervalSinceNow: wait))
                } else {
                    cond.wait()
                }
            }
            if stopped {
                let left = jobs
                jobs.removeAll()
                cond.unlock()
                for j in left { j.expire(ModbusFailure(kind: .skipped, device: name, operation: "job", detail: "the worker stopped")) }
                link.close()
                return
            }
            if jobs.isEmpty {
                // Idle task due.
                let now = Monotonic.now
                let due = idleTasks.filter { now - lastActivity >= $0.interval }.map(\.task)
                cond.unlock()
                currentDeadline = now + options.connectTimeoutS + options.responseTimeoutS
                for t in due { t() }
                currentDeadline = .infinity
                lastActivity = Monotonic.now   // even a failed keep-alive waits a full interval
                continue
            }
            let job = jobs.removeFirst()
            cond.unlock()
            if Monotonic.now >= job.deadline {
                job.expire(ModbusFailure(kind: .skipped, device: name, operation: "job",
                                         detail: "its deadline passed while the worker was busy"))
            } else {
                job.run()
            }
        }
    }

    private func nextIdleDue() -> Double? {
        idleTasks.map { lastActivity + $0.interval }.min()
    }

    // MARK: transactions (worker thread only)

    /// One request/response for `channel`: deadline clamp, (re)connect with backoff, line
    /// settings and inter-frame silence on RTU, timing, byte counts, health, typed failures.
    func transact<T>(_ ch: ModbusChannel, operation: String, address: Int?, txPDU: Int,
                     rxPDU: @escaping (T) -> Int, _ body: @escaping (ModbusLink, Double) throws -> T) throws -> T {
        if Thread.current !== thread {
            return try perform(timeout: ch.responseTimeoutS + options.connectTimeoutS) {
                try self.transact(ch, operation: operation, address: address, txPDU: txPDU, rxPDU: rxPDU, body)
            }
        }
        let now = Monotonic.now
        if let until = ch.skipUntil, now < until {
            throw ch.failure(.skipped, operation, address, detail: "device lost, next try in \(String(format: "%.1f", until - now)) s"
                             + (ch.lastSilence.map { " (last: \($0))" } ?? ""))
        }
        var remaining = currentDeadline - now
        guard remaining > 0.002 else { throw ch.failure(.skipped, operation, address, detail: "the job's deadline passed") }

        let overhead = FrameSize.overhead(tcp: isTCP)
        var retried = false
        while true {
            try ensureLink(ch, remaining: remaining, operation: operation, address: address)
            if case let .rtu(_, _, interFrameMs) = kind, let s = ch.serial {
                // 3.5 character times at this baud (11 bits a character), or the bus's own silence.
                let silence = max(3.5 * 11 / Double(s.baud), interFrameMs / 1000)
                let wait = lastFrameEnd + silence - Monotonic.now
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            }
            remaining = currentDeadline - Monotonic.now
            guard remaining > 0.002 else { throw ch.failure(.skipped, operation, address, detail: "the job's deadline passed") }
            let timeout = min(ch.responseTimeoutS, remaining)
            let idleBefore = Monotonic.now - lastActivity
            let t0 = Monotonic.now
            do {
                let r = try body(link, timeout)
                let t1 = Monotonic.now
                lastFrameEnd = t1; lastActivity = t1
                ch.health.recordAnswer(rttMs: (t1 - t0) * 1000, txBytes: txPDU + overhead, rxBytes: rxPDU(r) + overhead, now: t1)
                ch.answered()
                return r
            } catch let e as ModbusLink.LinkError {
                let t1 = Monotonic.now
                lastFrameEnd = t1
                switch e.kind {
                case .exception(let code):
                    lastActivity = t1
                    let f = ch.failure(.exception(code), operation, address, detail: nil)
                    ch.health.recordException(f.description, rttMs: (t1 - t0) * 1000, txBytes: txPDU + overhead,
                                              rxBytes: FrameSize.exceptionResponse() + overhead, now: t1)
                    throw f
                case .timeout, .io, .connect:
                    // A late or broken answer must not be read as the next one: drop the TCP
                    // connection (reconnect next time), flush the serial line.
                    if isTCP { link.close() } else { link.flush() }
                    let wasStale = isTCP && idleBefore > 5
                    if case .io = e.kind, wasStale, !retried, currentDeadline - Monotonic.now > 0.05 {
                        retried = true   // the device closed an idle connection: reconnect once
                        continue
                    }
                    let kind: ModbusFailure.Kind = { if case .timeout = e.kind { return .timeout } else { return .io } }()
                    let f = ch.failure(kind, operation, address,
                                       detail: kind == .timeout ? "within \(TextFormat.plain(timeout)) s" : e.text)
                    ch.health.recordFailure(f.description, rttMs: nil, txBytes: txPDU + overhead, rxBytes: 0, now: t1)
                    ch.silent(f, options: options, rng: &rng)
                    throw f
                }
            }
        }
    }

    private func ensureLink(_ ch: ModbusChannel, remaining: Double, operation: String, address: Int?) throws {
        if case let .rtu(_, device, _) = kind, let s = ch.serial {
            link.reconfigure(.rtu(device: device, serial: s))
        }
        if link.connected { return }
        let now = Monotonic.now
        if now < nextConnectAt {
            let f = ch.failure(.connect, operation, address,
                               detail: "\(connectError ?? "not connected"); next try in \(String(format: "%.1f", nextConnectAt - now)) s")
            ch.health.recordFailure(f.description, rttMs: nil, txBytes: 0, rxBytes: 0, now: now, sent: false)
            throw f
        }
        do {
            try link.connect(timeout: min(options.connectTimeoutS, remaining))
            backoff = 0; nextConnectAt = 0; connectError = nil
            lastActivity = Monotonic.now
            if connectDelayS > 0 { Thread.sleep(forTimeInterval: min(connectDelayS, max(0, currentDeadline - Monotonic.now - 0.01))) }
        } catch let e as ModbusLink.LinkError {
            backoff = backoff == 0 ? options.backoffInitialS : min(options.backoffMaxS, backoff * 2)
            let j = 1 + Double.random(in: -options.jitter...options.jitter, using: &rng)
            nextConnectAt = Monotonic.now + backoff * j
            connectError = "\(link.endpoint): \(e.text)"
            let f = ch.failure(.connect, operation, address, detail: "\(connectError!); next try in \(String(format: "%.1f", backoff * j)) s")
            ch.health.recordFailure(f.description, rttMs: nil, txBytes: 0, rxBytes: 0, now: Monotonic.now)
            ch.silent(f, options: options, rng: &rng)
            throw f
        }
    }
}
