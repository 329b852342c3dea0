import KwartierCore

/// The `?` help overlay, the quit confirmation and the too-small notice.
enum Overlays {
    static func help(_ c: inout Canvas, _ area: Rect) {
        var lines: [(String, Role)] = []
        // A blank line between sections only when the whole help still fits with them.
        let needed = KeyMap.sections.reduce(0) { $0 + 1 + $1.entries.count } + 2
        let blanks = area.h >= needed + KeyMap.sections.count - 1
        for (i, sec) in KeyMap.sections.enumerated() {
            if i > 0 && blanks { lines.append(("", .overlay)) }
            lines.append((sec.title, .overlayTitle))
            for e in sec.entries { lines.append(("  " + Fmt.rpad(e.keys, 13) + e.action, .overlay)) }
        }
        let w = min(area.w - 2, max(60, (lines.map(\.0.count).max() ?? 0) + 4))
        let h = min(area.h, lines.count + 2)
        let box = area.centered(w: w, h: h)
        let inner = Box.draw(&c, box, title: "Kwartier keys", right: "any key closes")
        for (i, (t, role)) in lines.prefix(inner.h).enumerated() { c.textFit(inner, dx: 1, row: i, t, role) }
    }

    static func confirmQuit(_ c: inout Canvas, _ area: Rect) {
        let lines = [
            ("Kwartier is driving this site. If you quit, the control", Role.overlay),
            ("loop stops: the charge points fall back to their safe", .overlay),
            ("current when their watchdog expires, and the relays", .overlay),
            ("return to their default state.", .overlay),
            ("", .overlay),
            ("y = quit        any other key = keep running", .overlayTitle),
        ]
        let box = area.centered(w: 62, h: lines.count + 2)
        let inner = Box.draw(&c, box, title: "Quit Kwartier?", titleRole: .warn)
        for (i, (t, role)) in lines.enumerated() { c.textFit(inner, dx: 2, row: i, t, role) }
    }

    static func tooSmall(_ c: inout Canvas) {
        c.clear()
        // Short lines, so the message still reads on a tiny window.
        let msg = [
            "Kwartier needs at least",
            "\(Layout.minWidth)x\(Layout.minHeight) characters;",
            "this terminal is \(c.width)x\(c.height).",
            "Enlarge it, or press q.",
        ]
        let top = max(0, (c.height - msg.count) / 2)
        for (i, m) in msg.enumerated() {
            let t = Canvas.truncate(m, c.width, glyphs: c.glyphs)
            c.text(max(0, (c.width - t.count) / 2), top + i, t, i == 0 ? .warn : .normal)
        }
    }
}
