import Foundation
import Synchronization
import Logging
import KwartierCore

/// Carries out the site loop's effects that leave the site — settings, state, status, pulse
/// totals, history, the alert hook and the log — the same way for `kwartier run` and `demo`.
///
/// Every file write runs on one serial file queue, off the decision path. `status.json` and
/// `state.json` are written at most once per `minWriteIntervalS` of wall time, the newest value
/// winning: a demo at 1000x real time decides a thousand times a second and must not fsync as
/// often. Everything pending is written at `.stopped`, before the alert hook is drained.
public final class SiteOutputs {
    public let dataDir: String
    let log: Logger
    let settingsStore: SettingsStore
    let statePath: String
    let pulsesPath: String
    let history: HistoryStore?
    let alertHook: AlertHook?
    let fileQueue = DispatchQueue(label: "kwartier.files")
    let timeZone: TimeZone
    private let viewBox = HistoryViewBox()
    let minWriteIntervalS: Double
    private var lastStatusWall = -Double.infinity
    private var pendingStatus: StatusReport?
    private var lastStateWall = -Double.infinity
    private var pendingState: ControllerState?
    /// Every decision as `status.json` has it, unthrottled (the control socket's `explain`).
    public var onStatus: (@Sendable (StatusDocument) -> Void)?

    public init(config: SiteConfig, dataDir: String, logLabel: String, minWriteIntervalS: Double = 1) {
        self.dataDir = dataDir
        log = Logger(label: logLabel)
        settingsStore = SettingsStore(dataDir: dataDir)
        statePath = Self.statePath(dataDir: dataDir)
        pulsesPath = (dataDir as NSString).appendingPathComponent("pulses.json")
        self.minWriteIntervalS = minWriteIntervalS
        history = Self.openHistory(dataDir: dataDir, timeZone: config.site.timeZone, log: log)
        timeZone = TimeZone(identifier: config.site.timeZone) ?? TimeZone(identifier: "UTC")!
        alertHook = config.alerts.hook.map { AlertHook(command: $0) }
        refreshHistoryView(now: Date())
    }

    /// The history store, with what happened at open logged (a corrupt file moved aside), the
    /// site's time zone remembered and old per-quarter detail pruned; nil (logged) when it cannot
    /// be opened at all: the hub runs on without history.
    static func openHistory(dataDir: String, timeZone: String, log: Logger) -> HistoryStore? {
        do {
            let h = try HistoryStore.open(dataDir: dataDir)
            for n in h.notes { log.error("\(n)") }
            try h.setTimeZone(timeZone)
            try h.prune()
            return h
        } catch {
            log.error("history database unavailable: \(error); the hub runs without recording history")
            return nil
        }
    }

    /// Sessions the history holds as open, for the loop to resume (`SiteLoop.resumeSessions`).
    public func openSessions() -> [ChargingSession] {
        guard let h = history else { return [] }
        return fileQueue.sync { (try? h.openSessions()) ?? [] }
    }

    /// The house-load profile of the history's last weeks (`SiteLoop.seedLoadProfile`); nil
    /// without a history or when it cannot be read (logged).
    public func loadProfile(now: Date, carIds: Set<String>) -> LoadProfile? {
        guard let h = history else { return nil }
        let log = log, tz = timeZone
        return fileQueue.sync {
            do { return try h.loadProfile(now: now, timeZone: tz, carIds: carIds) } catch {
                log.error("history: the load profile cannot be read: \(error); the forecast starts flat")
                return nil
            }
        }
    }

    /// The demo replays its simulated day on every start: the history from that day's start on
    /// is cleared first, so a replay is not counted twice.
    public func restartHistory(from start: Date) {
        guard let h = history else { return }
        let log = log
        fileQueue.sync { do { try h.forget(from: start) } catch { log.error("history: \(error)") } }
        refreshHistoryView(now: start)
    }

    /// The History screen's value, refreshed at each quarter's end (nil without a history).
    public var historyView: HistoryView? { viewBox.withLock { $0 } }

    /// Rebuilds the History screen's value on the file queue, after the writes before it.
    func refreshHistoryView(now: Date) {
        guard let h = history else { return }
        let box = viewBox, tz = timeZone, log = log
        fileQueue.async {
            do { let v = try h.view(now: now, timeZone: tz); box.withLock { $0 = v } } catch { log.error("history view: \(error)") }
        }
    }

    public static func statePath(dataDir: String) -> String { (dataDir as NSString).appendingPathComponent("state.json") }

    /// The control core's saved memory, or nil; an unreadable file is moved aside with a message.
    public static func loadState(dataDir: String, log: Logger) -> ControllerState? {
        let path = statePath(dataDir: dataDir)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let dec = JSONDecoder(); dec.dateDecodingStrategy = .iso8601
        if let s = try? dec.decode(ControllerState.self, from: data) { return s }
        let aside = path + ".corrupt"
        try? FileManager.default.removeItem(atPath: aside)
        try? FileManager.default.moveItem(atPath: path, toPath: aside)
        log.error("control state \(path) is unreadable; moved aside to \(aside), the month peak starts again from the meter")
        return nil
    }

    /// The saved pulse totals, or none; an unreadable file is reported and totals start from 0.
    public static func loadPulses(dataDir: String, log: Logger) -> [String: PulseMeterState] {
        let path = (dataDir as NSString).appendingPathComponent("pulses.json")
        guard let d = FileManager.default.contents(atPath: path) else { return [:] }
        do { return try JSONDecoder().decode([String: PulseMeterState].self, from: d) } catch {
            log.error("\(path) is unreadable (\(error)); pulse energy totals start from 0")
            return [:]
        }
    }

    /// Carries out one effect; returns false for effects that are not about outputs.
    @discardableResult
    public func carryOut(_ e: SiteEffect) -> Bool {
        switch e {
        case let .log(level, text):
            log.log(level: Self.level(level), "\(text)")
        case .alert(let a):
            alertHook?.fire(a)
        case .saveSettings(let s):
            let path = settingsStore.path, log = log
            fileQueue.async { do { try SettingsStore.save(s, to: path) } catch { log.error("settings not saved: \(error)") } }
        case .saveState(let s):
            if Self.wallNow - lastStateWall >= minWriteIntervalS { writeState(s) } else { pendingState = s }
        case .writeStatus(let r):
            onStatus?(Self.document(r))
            if Self.wallNow - lastStatusWall >= minWriteIntervalS { writeStatus(r) } else { pendingStatus = r }
        case .savePulses(let states):
            let path = pulsesPath, log = log
            fileQueue.async {
                let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys, .prettyPrinted]
                do { try AtomicFile.write(try enc.encode(states), to: path) } catch { log.error("pulse totals not saved: \(error)") }
            }
        case .recordQuarter(let q):
            writeHistory { try $0.record(q) }
            refreshHistoryView(now: q.start.addingTimeInterval(900))
        case let .recordEnergy(quarter, day, kwh):
            writeHistory { try $0.addEnergy(quarter: quarter, day: day, kwh: kwh) }
        case .recordSession(let s):
            writeHistory { try $0.record(s) }
        case .recordMeterReading(let r):
            writeHistory { try $0.record(r) }
        case .stopped:
            flush()
        default:
            return false
        }
        return true
    }

    /// Writes what is pending, waits for the file queue, and drains the alert hook.
    public func flush() {
        if let s = pendingState { writeState(s) }
        if let r = pendingStatus { writeStatus(r) }
        fileQueue.sync {}
        alertHook?.drain()
    }

    /// One history write on the file queue (never on the decision path); a failure is logged.
    private func writeHistory(_ w: @escaping @Sendable (HistoryStore) throws -> Void) {
        guard let h = history else { return }
        let log = log
        fileQueue.async {
            do { try w(h) } catch { log.error("history: \(error)") }
        }
    }

    private func writeState(_ s: ControllerState) {
        lastStateWall = Self.wallNow
        pendingState = nil
        let path = statePath, log = log
        fileQueue.async {
            let enc = JSONEncoder(); enc.dateEncodingStrategy = .iso8601
            do { try AtomicFile.write(try enc.encode(s), to: path) } catch { log.error("control state not saved: \(error)") }
        }
    }

    private func writeStatus(_ r: StatusReport) {
        lastStatusWall = Self.wallNow
        pendingStatus = nil
        let doc = Self.document(r)
        let dir = dataDir
        fileQueue.async { try? StatusFile.write(doc, dataDir: dir) }
    }

    static func document(_ r: StatusReport) -> StatusDocument {
        StatusDocument(pid: getpid(), written: Date(), site: r.site, sliderKW: r.sliderKW, meterAgeS: r.meterAgeS, decision: r.decision, plan: r.plan)
    }

    static var wallNow: Double { Monotonic.now }

    static func level(_ l: SiteLogLevel) -> Logger.Level {
        switch l {
        case .debug: return .debug
        case .info: return .info
        case .notice: return .notice
        case .warning: return .warning
        case .error: return .error
        }
    }
}

/// The History screen's value, shared between the file queue and the threads that publish snapshots.
final class HistoryViewBox: Sendable {
    private let value = Mutex<HistoryView?>(nil)
    func withLock<R>(_ f: (inout HistoryView?) -> R) -> R { value.withLock { f(&$0) } }
}
