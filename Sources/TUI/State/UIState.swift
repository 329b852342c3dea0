import Foundation
import KwartierCore

/// A value the user asked for that the core has not confirmed yet (kept so that pressing `+`
/// twice before the next snapshot gives +0.2, not +0.1 twice).
public struct Pending<T: Equatable & Sendable>: Equatable, Sendable {
    public var value: T
    public var since: Date
}

/// A transient line in the status bar ("slider 9.1 kW sent").
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var role: Role
    public var until: Date
}

/// Everything the dashboard remembers between frames that is not in the snapshot: which screen,
/// what is selected, overlays, pending edits. Pure value; changed only by `handle` and `observe`.
public struct UIState: Equatable, Sendable {
    public var screen: ScreenID = .overview
    public var selectedPoint = 0
    /// Points screen: only points whose id, name, board or state contain this (`/`, Esc clears).
    public var pointFilter = ""
    /// The filter is being typed: characters go into it.
    public var filterEditing = false
    public var selectedRelay = 0
    public var selectedDevice = 0
    public var boardsTop = 0
    /// Lines scrolled back from the newest log line (0 = follow the tail).
    public var logBack = 0
    public var logLevel: LogLine.Level = .info
    /// History screen: days back from the latest day held, and kWh for the month instead of the day.
    public var historyBack = 0
    public var historyMonthly = false
    /// Plan screen: the quarter selected, counted from the plan's first (the running) quarter.
    public var planCursor = 0
    public var showHelp = false
    public var confirmQuit = false
    public var quit = false
    public var repaintRequested = false
    public var message: StatusMessage?

    public var pendingSlider: Pending<Double>?
    public var pendingManual: [String: Pending<Double>] = [:]
    public var pendingPriority: [String: Pending<Int>] = [:]
    public var pendingMode: [String: Pending<ChargeMode>] = [:]

    /// RS485 activity since the previous snapshot (the TX/RX lights).
    public var txActive = false
    public var rxActive = false
    var lastTx: UInt64?
    var lastRx: UInt64?

    /// How long a pending edit waits for the core before it is dropped, and how long a message shows.
    public static let pendingTimeout: TimeInterval = 5
    public static let messageTime: TimeInterval = 4

    public init() {}

    // MARK: snapshots

    /// Takes in a new snapshot: drop pending edits the core now shows, or that timed out;
    /// update the activity lights; keep selections in range.
    public mutating func observe(_ s: SiteSnapshot, now: Date) {
        if let p = pendingSlider, abs(p.value - s.sliderKW) < 0.001 || now.timeIntervalSince(p.since) > Self.pendingTimeout {
            pendingSlider = nil
        }
        for (id, p) in pendingManual {
            let shown = s.points.first { $0.id == id }?.manualA
            if shown.map({ abs($0 - p.value) < 0.001 }) ?? false || now.timeIntervalSince(p.since) > Self.pendingTimeout {
                pendingManual[id] = nil
            }
        }
        for (id, p) in pendingPriority {
            if s.points.first(where: { $0.id == id })?.priority == p.value || now.timeIntervalSince(p.since) > Self.pendingTimeout {
                pendingPriority[id] = nil
            }
        }
        for (id, p) in pendingMode {
            if s.points.first(where: { $0.id == id })?.mode == p.value || now.timeIntervalSince(p.since) > Self.pendingTimeout {
                pendingMode[id] = nil
            }
        }
        let (tx, rx) = Self.busActivity(s)
        txActive = lastTx != nil && tx != lastTx   // the first snapshot has nothing to compare with
        rxActive = lastRx != nil && rx != lastRx
        lastTx = tx; lastRx = rx
        clampSelections(s)
    }

    /// Counters that move when the bus sends (TX) and answers (RX): bytes where the transport
    /// counts them, else requests and good answers (a simulated bus has no bytes).
    static func busActivity(_ s: SiteSnapshot) -> (tx: UInt64, rx: UInt64) {
        var tx: UInt64 = 0, rx: UInt64 = 0
        for d in busDevices(s) {
            tx = tx &+ d.txBytes &+ d.requests
            rx = rx &+ d.rxBytes &+ (d.requests &- min(d.requests, d.failures))
        }
        return (tx, rx)
    }

    /// Devices on an RS485 bus (the TX/RX lights): those with `bus` set, or every Modbus device
    /// when none says which bus it is on.
    static func busDevices(_ s: SiteSnapshot) -> [DeviceHealth] {
        let tagged = s.devices.filter { ($0.bus ?? "").lowercased().contains("rs485") }
        return tagged.isEmpty ? s.devices.filter { $0.id != "p1" } : tagged
    }

    mutating func clampSelections(_ s: SiteSnapshot) {
        selectedPoint = s.points.isEmpty ? 0 : min(max(0, selectedPoint), s.points.count - 1)
        if screen == .points { selectShownPoint(s) }
        selectedRelay = s.relays.isEmpty ? 0 : min(max(0, selectedRelay), s.relays.count - 1)
        selectedDevice = s.devices.isEmpty ? 0 : min(max(0, selectedDevice), s.devices.count - 1)
        boardsTop = min(max(0, boardsTop), max(0, s.levels.count - 1))
    }

    /// Drops an expired status message; true when something changed.
    public mutating func expire(now: Date) -> Bool {
        if let m = message, now >= m.until { message = nil; return true }
        return false
    }

    mutating func say(_ text: String, _ role: Role = .message, now: Date) {
        message = StatusMessage(text: text, role: role, until: now.addingTimeInterval(Self.messageTime))
    }
}
