import Foundation
import CNcursesw

/// The only code that talks to ncurses. Owned by the UI thread. It copies a `Canvas` to the
/// terminal cell by cell — only the cells that differ from the previous frame, never a clear
/// per frame — and lets ncurses' own diff and cursor optimisation produce the bytes.
final class CursesScreen {
    private var screen: OpaquePointer?
    private let win: UnsafeMutablePointer<WINDOW>
    private var previous: Canvas?
    private var attrs: [attr_t] = []
    private var pairs: [Int16] = []
    let colour: Bool
    let theme: Theme
    private(set) var rows: Int
    private(set) var cols: Int
    private var closed = false

    /// Opens the terminal named by $TERM on stdin/stdout. `wantColour` false (NO_COLOR, mono)
    /// never starts colour.
    init(theme requested: Theme, monoTheme: Theme, wantColour: Bool) throws {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty else { throw DashboardError.terminal("TERM is not set; set it to your terminal type (e.g. TERM=vt100 on a serial console)") }
        // Own FILE streams on fds 1 and 0 (the C library's `stdout`/`stdin` globals are shared
        // mutable state to Swift 6).
        guard let sp = newterm(nil, fdopen(STDOUT_FILENO, "w"), fdopen(STDIN_FILENO, "r")) else {
            throw DashboardError.terminal("unknown terminal type TERM=\(term) (no terminfo entry); try TERM=vt100 or TERM=xterm-256color")
        }
        guard kw_has_string_cap("cup") != 0 else {
            endwin(); delscreen(sp)
            throw DashboardError.terminal("terminal TERM=\(term) cannot move the cursor; the dashboard needs a real terminal (use --headless for plain output)")
        }
        screen = sp
        win = kw_stdscr()
        cbreak(); noecho(); nonl()
        intrflush(win, false)
        keypad(win, true)
        nodelay(win, true)
        leaveok(win, true)          // do not move the cursor back after updates: fewer bytes
        set_escdelay(25)
        curs_set(0)
        var useColour = false
        if wantColour && has_colors() {
            useColour = start_color() == OK
        }
        colour = useColour
        theme = useColour ? requested : (requested.isMonochrome ? requested : monoTheme)
        rows = Int(kw_lines()); cols = Int(kw_cols())
        setupStyles()
    }

    deinit { shutdown() }

    /// Restores the terminal (idempotent).
    func shutdown() {
        guard !closed else { return }
        closed = true
        curs_set(1)
        endwin()
        if let sp = screen { delscreen(sp); screen = nil }
    }

    /// One attribute value per role: colour pair plus attributes.
    private func setupStyles() {
        var defaultColours = false
        if colour { defaultColours = use_default_colors() == OK }
        let ncol = Int(kw_colors()), maxPairs = Int(kw_color_pairs())
        var pairIndex: [String: Int16] = [:]
        attrs = []; pairs = []
        for role in Role.allCases {
            let st = theme[role]
            var a: attr_t = KW_A_NORMAL
            if st.bold { a |= KW_A_BOLD }
            if st.dim { a |= KW_A_DIM }
            if st.reverse { a |= KW_A_REVERSE }
            if st.underline { a |= KW_A_UNDERLINE }
            var pair: Int16 = 0
            if colour && st.hasColour {
                var fg = Palette.downgrade(st.fg, colours: ncol), bg = Palette.downgrade(st.bg, colours: ncol)
                if !defaultColours { if fg < 0 { fg = 7 }; if bg < 0 { bg = 0 } }
                let key = "\(fg)/\(bg)"
                if let p = pairIndex[key] { pair = p }
                else if pairIndex.count + 1 < maxPairs {
                    pair = Int16(pairIndex.count + 1)
                    init_pair(pair, Int16(fg), Int16(bg))
                    pairIndex[key] = pair
                }
            }
            attrs.append(a)
            pairs.append(pair)
        }
    }

    /// The terminal's size now (after SIGWINCH): tells ncurses, forgets the previous frame.
    /// With `ifChanged`, does nothing when the size is what ncurses already has. Returns whether
    /// it resized.
    @discardableResult
    func resize(ifChanged: Bool = false) -> Bool {
        var r: Int32 = 0, c: Int32 = 0
        guard kw_winsize(1, &r, &c) == 0 || kw_winsize(0, &r, &c) == 0 else {
            if !ifChanged { repaintAll() }
            return !ifChanged
        }
        if ifChanged && Int(r) == rows && Int(c) == cols { return false }
        resizeterm(r, c)
        rows = Int(kw_lines()); cols = Int(kw_cols())
        repaintAll()
        return true
    }

    /// The next frame redraws every cell after clearing (Ctrl-L, resize).
    func repaintAll() {
        previous = nil
        clearok(kw_curscr(), true)
    }

    /// Copies the cells that changed since the last frame, in runs of one role, then one update.
    func blit(_ c: Canvas) {
        let full = previous == nil || previous!.width != c.width || previous!.height != c.height
        var buf: [wchar_t] = []
        buf.reserveCapacity(c.width)
        for y in 0..<c.height {
            var x = 0
            while x < c.width {
                let cell = c[x, y]
                if !full && previous![x, y] == cell { x += 1; continue }
                // A run: consecutive changed cells with this role.
                let role = cell.role
                let start = x
                buf.removeAll(keepingCapacity: true)
                while x < c.width {
                    let cc = c[x, y]
                    guard cc.role == role, full || previous![x, y] != cc else { break }
                    buf.append(wchar_t(bitPattern: cc.ch.value))
                    x += 1
                }
                let i = Int(role.rawValue)
                wattr_set(win, attrs[i], pairs[i], nil)
                buf.withUnsafeBufferPointer { p in
                    _ = mvwaddnwstr(win, Int32(y), Int32(start), p.baseAddress, Int32(p.count))
                }
            }
        }
        wattr_set(win, KW_A_NORMAL, 0, nil)
        wnoutrefresh(win)
        doupdate()
        previous = c
    }

    /// Keys waiting on the terminal (non-blocking).
    func readKeys() -> [Key] {
        var out: [Key] = []
        var ch: wint_t = 0
        while true {
            let r = wget_wch(win, &ch)
            if r == ERR { break }
            if r == KEY_CODE_YES { out.append(Self.decode(function: Int32(ch))) }
            else { out.append(Self.decode(char: UInt32(ch))) }
            if out.count > 256 { break }
        }
        return out
    }

    static func decode(function k: Int32) -> Key {
        switch k {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_F0 + 1...KEY_F0 + 24: return .function(Int(k - KEY_F0))
        default: return .unknown(k)
        }
    }

    static func decode(char c: UInt32) -> Key {
        switch c {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 127, 8: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(c + 96)!))
        default:
            guard let s = Unicode.Scalar(c) else { return .unknown(Int32(bitPattern: c)) }
            return .char(Character(s))
        }
    }
}
