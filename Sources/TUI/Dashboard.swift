import Foundation
import KwartierCore
import CNcursesw

/// How the dashboard looks and how often it updates (from `ui:` in the configuration, or
/// command-line options).
public struct DashboardOptions: Sendable, Equatable {
    /// Theme name (`default`, `light`, `mono`, `high-contrast`) or path of a .theme file.
    public var theme: String
    /// Force ASCII drawing even when the locale is UTF-8.
    public var ascii: Bool
    /// Screen updates per second (new numbers appear at most this often; keys answer at once).
    public var refreshHz: Double
    /// Where themes are searched (default: `ThemeLoader.searchDirs()`).
    public var themeDirs: [String]?
    /// The screen shown first.
    public var initialScreen: ScreenID

    public init(theme: String = "default", ascii: Bool = false, refreshHz: Double = 1, themeDirs: [String]? = nil,
                initialScreen: ScreenID = .overview) {
        self.theme = theme; self.ascii = ascii; self.refreshHz = min(20, max(0.1, refreshHz)); self.themeDirs = themeDirs
        self.initialScreen = initialScreen
    }
    public init(ui: UIConfig) { self.init(theme: ui.theme, ascii: ui.ascii, refreshHz: ui.refreshHz) }
}

public enum DashboardExit: Equatable, Sendable {
    /// The user quit (q, confirmed when driving hardware).
    case user
    /// SIGTERM.
    case signal
    /// SIGHUP: the terminal hung up.
    case hangup
    /// The terminal went away (stdin closed).
    case terminalClosed
    /// `stopAfter` elapsed.
    case timeout
}

public enum DashboardError: Error, Equatable, CustomStringConvertible {
    case notATerminal
    case terminal(String)
    case system(String)
    public var description: String {
        switch self {
        case .notATerminal: return "the dashboard needs a terminal on stdin and stdout (use --headless for plain output)"
        case .terminal(let s): return s
        case .system(let s): return s
        }
    }
}

/// The ncurses dashboard (SPEC §4).
///
/// Usage from `kwartier demo` / `kwartier run`:
///
///     let feed = SnapshotFeed()
///     controlLoop.onDecision = { snapshot in feed.publish(snapshot) }     // any thread
///     let exit = try Dashboard(options: DashboardOptions(ui: config.ui))
///         .run(feed: feed, onCommand: { cmd in controlLoop.enqueue(cmd) }, isDrivingHardware: true)
///
/// `run` blocks the calling thread — which becomes the only thread touching ncurses — until
/// the user quits, SIGTERM/SIGHUP arrives or the terminal closes; the terminal is restored
/// before it returns. `onCommand` is called on that thread for every key action, in order:
/// keep it short (queue the command for the core's next decision). What the screen shows
/// always comes from the snapshots; a command shows its effect once a snapshot reflects it.
/// With `isDrivingHardware`, quitting asks for confirmation and says that the chargers fall
/// back to their safe current. Throws `DashboardError` when there is no usable terminal
/// (not a tty, unknown or cursor-less TERM) — the caller can then fall back to headless output.
public final class Dashboard {
    public let options: DashboardOptions
    /// Set when the requested theme could not be used (also shown on screen at start).
    public private(set) var themeWarning: String?

    public init(options: DashboardOptions) { self.options = options }

    public func run(feed: SnapshotFeed, onCommand: @escaping (UserCommand) -> Void, isDrivingHardware: Bool,
                    stopAfter: Double? = nil) throws -> DashboardExit {
        guard TerminalCaps.isInteractive() else { throw DashboardError.notATerminal }
        let utf8 = TerminalCaps.localeIsUTF8()          // also sets the locale before newterm
        let dirs = options.themeDirs ?? ThemeLoader.searchDirs()
        let loaded = ThemeLoader.load(options.theme, searchDirs: dirs)
        themeWarning = loaded.warning
        let mono = ThemeLoader.load("mono", searchDirs: dirs).theme
        let wantColour = !TerminalCaps.noColorRequested() && !loaded.theme.isMonochrome

        let channel = try EventChannel(inputFD: 0)
        // Signals become events. The sources exist before newterm, so ncurses finds SIGWINCH
        // taken and leaves it to us (we query the size and call resizeterm ourselves).
        let sigQueue = DispatchQueue(label: "kwartier.dashboard.signals")
        var sources: [DispatchSourceSignal] = []
        for (sig, ev) in [(SIGWINCH, EventChannel.Event.resize), (SIGINT, .interrupt),
                          (SIGTERM, .terminate(SIGTERM)), (SIGHUP, .terminate(SIGHUP))] {
            let src = DispatchSource.makeSignalSource(signal: sig, queue: sigQueue)
            src.setEventHandler { channel.post(ev) }
            src.resume()
            sources.append(src)
        }
        defer { for s in sources { s.cancel() } }
        let screen = try CursesScreen(theme: loaded.theme, monoTheme: mono, wantColour: wantColour)
        defer { screen.shutdown() }
        // A resize between the terminal's creation and now would be lost: ask once.
        screen.resize(ifChanged: true)
        feed.setListener { channel.post(.snapshot) }
        defer { feed.setListener(nil) }

        var loop = UILoop(screen: screen, glyphs: (options.ascii || !utf8) ? .ascii : .utf8, driving: isDrivingHardware,
                          periodNs: UInt64(1e9 / options.refreshHz), onCommand: onCommand)
        loop.state.screen = options.initialScreen
        if let w = loaded.warning { loop.state.say(w, .warn, now: Date()); loop.state.message?.until = Date().addingTimeInterval(10) }
        let deadline = stopAfter.map { DispatchTime.now().uptimeNanoseconds + UInt64(max(0, $0) * 1e9) }
        return loop.run(channel: channel, feed: feed, stopAt: deadline)
    }
}

/// The UI loop: one thread, one channel, one canvas.
struct UILoop {
    let screen: CursesScreen
    let glyphs: Glyphs
    let driving: Bool
    let periodNs: UInt64
    let onCommand: (UserCommand) -> Void
    var state = UIState()
    var memory = ViewMemory()
    var snapshot: SiteSnapshot?
    var version: UInt64 = 0
    var drawnVersion: UInt64 = .max
    var awaitingEffect = false
    var noticeVersion: UInt64 = 0
    var shownNotice: String?
    /// `.input` events in a row that gave no key: a terminal that polls readable but yields
    /// nothing is gone.
    var emptyInputs = 0

    init(screen: CursesScreen, glyphs: Glyphs, driving: Bool, periodNs: UInt64, onCommand: @escaping (UserCommand) -> Void) {
        self.screen = screen; self.glyphs = glyphs; self.driving = driving; self.periodNs = periodNs; self.onCommand = onCommand
    }

    mutating func run(channel: EventChannel, feed: SnapshotFeed, stopAt: UInt64?) -> DashboardExit {
        take(feed)
        draw()
        var nextTick = DispatchTime.now().uptimeNanoseconds + periodNs
        while true {
            let until = min(nextTick, stopAt ?? .max)
            var drawNow = false
            for e in channel.wait(until: until) {
                switch e {
                case .input:
                    let keys = screen.readKeys()
                    if keys.isEmpty { emptyInputs += 1; if emptyInputs >= 50 { return .terminalClosed } } else { emptyInputs = 0 }
                    for k in keys {
                        if case .unknown(let code) = k, code == KEY_RESIZE { screen.resize(); drawNow = true; continue }
                        let cmds = state.handle(k, snapshot: snapshot, now: Date(), drivingHardware: driving)
                        for c in cmds { onCommand(c) }
                        if !cmds.isEmpty { awaitingEffect = true }
                        drawNow = true
                    }
                case .interrupt:
                    _ = state.handle(.ctrl("c"), snapshot: snapshot, now: Date(), drivingHardware: driving)
                    drawNow = true
                case .resize:
                    screen.resize(); drawNow = true
                case .snapshot:
                    take(feed)
                    if awaitingEffect { awaitingEffect = false; drawNow = true }
                case .tick:
                    // Belt and braces for a SIGWINCH lost in a race: one ioctl per tick.
                    if screen.resize(ifChanged: true) { drawNow = true }
                    let now = DispatchTime.now().uptimeNanoseconds
                    if let stop = stopAt, now >= stop { return .timeout }
                    if now >= nextTick {
                        nextTick += periodNs
                        if nextTick < now { nextTick = now + periodNs }   // fell behind: no burst
                        if state.expire(now: Date()) { drawNow = true }
                        if version != drawnVersion { drawNow = true }
                    }
                case .terminate(let sig):
                    return sig == SIGHUP ? .hangup : .signal
                case .inputClosed:
                    return .terminalClosed
                }
            }
            if state.quit { return .user }
            if state.repaintRequested { state.repaintRequested = false; screen.repaintAll(); drawNow = true }
            if drawNow { draw() }
        }
    }

    mutating func take(_ feed: SnapshotFeed) {
        let (n, nv) = feed.latestNotice()
        if nv != noticeVersion {
            noticeVersion = nv
            if let tz = feed.latestTimeZone() { Fmt.useTimeZone(tz) }
            if let n {
                state.say(n, .warn, now: Date())
                state.message?.until = .distantFuture
            } else if let m = state.message, m.text == shownNotice {
                state.message = nil
            }
            shownNotice = n
            drawnVersion = .max
        }
        let (s, v) = feed.latest()
        guard v != version, let s else { return }
        snapshot = s; version = v
        state.observe(s, now: Date())
    }

    mutating func draw() {
        var c = Canvas(width: screen.cols, height: screen.rows, glyphs: glyphs)
        DashboardView.render(&c, snapshot: snapshot, state: state, memory: &memory)
        screen.blit(c)
        drawnVersion = version
    }
}
