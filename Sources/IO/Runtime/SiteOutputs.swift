import Foundation
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
        do { history = try HistoryStore.open(dataDir: dataDir) } catch {
            history = nil
            log.error("history database unavailable: \(error)")
        }
        alertHook = config.alerts.hook.map { AlertHook(command: $0) }
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
            guard let h = history else { break }
            let log = log
            fileQueue.async {
                do { try h.recordQuarter(HistoryStore.Quarter(start: q.start, averageKW: q.averageKW, importKWh: q.importKWh)) }
                catch { log.error("history: \(error)") }
            }
        case let .recordEnergy(day, kwh):
            guard let h = history else { break }
            let log = log
            fileQueue.async {
                for (id, v) in kwh.sorted(by: { $0.key < $1.key }) where v > 0 {
                    do { try h.addEnergy(day: day, id: id, kwh: v) } catch { log.error("history: \(error)") }
                }
            }
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
        StatusDocument(pid: getpid(), written: Date(), site: r.site, sliderKW: r.sliderKW, meterAgeS: r.meterAgeS, decision: r.decision)
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
