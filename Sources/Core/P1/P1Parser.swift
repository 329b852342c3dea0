/// Parses framed telegrams. Byte-level: lines and value groups are index ranges into the frame,
/// strings are only built for identifiers, texts and unknown shapes. Never fails: unknown codes
/// are kept generically, malformed lines are counted and skipped.
///
/// A `P1Parser` value keeps scratch buffers between telegrams; reuse one on a hot path.
public struct P1Parser: Sendable {
    private struct RawObject: Sendable { var obis: OBISCode; var first: Int; var count: Int }
    private var raws: [RawObject] = []
    private var groups: [Range<Int>] = []

    public init() {
        raws.reserveCapacity(64)
        groups.reserveCapacity(128)
    }

    /// Parses one frame from `P1Framer`.
    public static func parse(_ frame: P1Frame) -> P1Telegram {
        var p = P1Parser()
        return p.parse(frame)
    }

    public mutating func parse(_ frame: P1Frame) -> P1Telegram {
        frame.bytes.withUnsafeBytes { parse($0, crc: frame.crc) }
    }

    /// Parses telegram bytes ("/" ... "!"...) with a CRC verdict computed by the framer.
    public mutating func parse(_ p: UnsafeRawBufferPointer, crc: P1CRCStatus) -> P1Telegram {
        raws.removeAll(keepingCapacity: true)
        groups.removeAll(keepingCapacity: true)
        var header = ""
        var ignored = 0
        let n = p.count
        var i = 0
        var first = true
        while i < n {
            // One line: [i, end) without its CR/LF.
            var j = i
            while j < n && p[j] != 0x0A { j += 1 }
            var end = j
            if end > i && p[end - 1] == 0x0D { end -= 1 }
            defer { i = j + 1 }
            if first {
                first = false
                if end > i && p[i] == 0x2F {
                    header = String(decoding: UnsafeRawBufferPointer(rebasing: p[i..<end]), as: UTF8.self)
                    continue
                }
            }
            if end == i { continue }
            let c0 = p[i]
            if c0 == 0x21 { break }                                   // "!": end of data
            if c0 == 0x28 {                                           // "(": continues the previous object
                if !raws.isEmpty {
                    let added = scanGroups(p, i, end)
                    raws[raws.count - 1].count += added
                } else {
                    ignored += 1
                }
                continue
            }
            guard let (obis, k) = OBISCode.parse(p, from: i, to: end), k < end, p[k] == 0x28 else {
                ignored += 1
                continue
            }
            let firstGroup = groups.count
            let count = scanGroups(p, k, end)
            raws.append(RawObject(obis: obis, first: firstGroup, count: count))
        }

        var objects: [P1Object] = []
        objects.reserveCapacity(raws.count)
        var reading = P1Reading()
        for r in raws {
            let value = interpret(r.obis, p, r.first, r.count)
            P1Parser.apply(r.obis, value, to: &reading)
            objects.append(P1Object(obis: r.obis, value: value))     // its last use: moved, not copied
        }
        return P1Telegram(header: header, crc: crc, objects: objects, reading: reading, ignoredLines: ignored)
    }

    /// Records the `(...)` groups of p[from..<to]; a group missing its ")" runs to the line end.
    private mutating func scanGroups(_ p: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> Int {
        var i = from
        var count = 0
        while i < to {
            if p[i] != 0x28 { i += 1; continue }
            var j = i + 1
            while j < to && p[j] != 0x29 { j += 1 }
            groups.append((i + 1)..<j)
            count += 1
            i = j + 1
        }
        return count
    }

    // MARK: value shapes

    private func interpret(_ obis: OBISCode, _ p: UnsafeRawBufferPointer, _ first: Int, _ count: Int) -> P1Value {
        let g = groups[first..<(first + count)]
        if count == 0 { return .empty }
        switch obis.cde {
        case OBISCode.cde(98, 1, 0):
            if let h = P1Parser.peakHistory(p, g) { return .peakHistory(h) }
        case OBISCode.cde(99, 97, 0):
            if let l = P1Parser.log(p, g) { return .log(l) }
        case OBISCode.cde(24, 3, 0) where count >= 7:
            // DSMR 2.2/3 gas: (time)(00)(60)(1)(0-1:24.2.1)(m3) then the value on the next line.
            let gi = g.startIndex
            let ts = P1Timestamp.parse(p, from: g[gi].lowerBound, to: g[gi].upperBound)
            let unitRange = g[gi + 5]
            let unit: P1Unit? = unitRange.isEmpty ? nil : P1Unit.parse(p, from: unitRange.lowerBound, to: unitRange.upperBound)
            let valueRange = g[gi + 6]
            let (num, u2) = P1Parser.numberAndUnit(p, valueRange)
            return .timed(ts, num, u2 ?? unit)
        default:
            if count == 1 && P1Parser.isTextCode(obis) {
                let r = g[g.startIndex]
                return r.isEmpty ? .empty : .text(P1Parser.string(p, r))
            }
        }
        if count == 1 { return P1Parser.single(p, g[g.startIndex]) }
        if count == 2 {
            let r0 = g[g.startIndex], r1 = g[g.startIndex + 1]
            if let ts = P1Timestamp.parse(p, from: r0.lowerBound, to: r0.upperBound) {
                if r1.isEmpty { return .timed(ts, nil, nil) }
                let (num, unit) = P1Parser.numberAndUnit(p, r1)
                if let num { return .timed(ts, num, unit) }
            }
        }
        return .groups(g.map { P1Parser.group(p, $0) })
    }

    /// Codes whose value is an identifier or text even when it looks numeric.
    static func isTextCode(_ o: OBISCode) -> Bool {
        switch (o.c, o.d) {
        case (0, 2): return true          // x-x:0.2.8 version
        case (96, 1): return true         // 96.1.x equipment ids, BE version 96.1.4
        case (96, 13): return true        // text messages
        case (42, 0): return true         // logical device name
        case (0, 0): return true          // ESY device address 1-0:0.0.0
        case (96, 5): return true         // ESY status word (hex)
        default: return false
        }
    }

    static func string(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: p[r]), as: UTF8.self)
    }

    /// Splits `value*unit` and parses the value as a number (nil when it is not one).
    static func numberAndUnit(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> (P1Number?, P1Unit?) {
        var star = r.lowerBound
        while star < r.upperBound && p[star] != 0x2A { star += 1 }
        let unit: P1Unit? = star < r.upperBound - 1 ? P1Unit.parse(p, from: star + 1, to: r.upperBound) : nil
        return (P1Number.parse(p, from: r.lowerBound, to: star), unit)
    }

    static func single(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> P1Value {
        if r.isEmpty { return .empty }
        let (num, unit) = numberAndUnit(p, r)
        if let num { return .number(num, unit) }
        if r.count == 13, let ts = P1Timestamp.parse(p, from: r.lowerBound, to: r.upperBound), ts.season != .unspecified {
            return .timestamp(ts)
        }
        return .text(string(p, r))
    }

    static func group(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> P1Group {
        var star = r.lowerBound
        while star < r.upperBound && p[star] != 0x2A { star += 1 }
        if star < r.upperBound - 1, P1Number.parse(p, from: r.lowerBound, to: star) != nil {
            return P1Group(text: string(p, r.lowerBound..<star), unit: P1Unit.parse(p, from: star + 1, to: r.upperBound))
        }
        return P1Group(text: string(p, r))
    }

    static func smallInt(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int? {
        guard !r.isEmpty, r.count <= 6 else { return nil }
        var v = 0
        for k in r {
            let ch = p[k]
            guard ch >= 48 && ch <= 57 else { return nil }
            v = v * 10 + Int(ch - 48)
        }
        return v
    }

    /// `(count)(1-0:1.6.0)(1-0:1.6.0)` + count x `(month start)(peak time)(kW)`; also `()` = none.
    /// A meter with no month yet sends `(0)`, `(0)(1-0:1.6.0)(1-0:1.6.0)`, or (Belgian meters
    /// with an empty history) `(0)(1-0:1.6.0)(1-0:1.6.0)()`: all an empty history.
    static func peakHistory(_ p: UnsafeRawBufferPointer, _ g: ArraySlice<Range<Int>>) -> [P1MonthPeak]? {
        let s = g.startIndex
        if g.count == 1 && g[s].isEmpty { return [] }
        guard let n = smallInt(p, g[s]), n <= 64, g.count >= 1 else { return nil }
        if n == 0 && (g.count == 1 || g.count == 3 || (g.count == 4 && g[s + 3].isEmpty)) { return [] }
        guard g.count == 3 + 3 * n else { return nil }
        var out: [P1MonthPeak] = []
        out.reserveCapacity(n)
        for k in 0..<n {
            let a = g[s + 3 + 3 * k], b = g[s + 4 + 3 * k], c = g[s + 5 + 3 * k]
            let start = P1Timestamp.parse(p, from: a.lowerBound, to: a.upperBound)
            let peak = P1Timestamp.parse(p, from: b.lowerBound, to: b.upperBound)
            guard let kw = numberAndUnit(p, c).0 else { return nil }
            out.append(P1MonthPeak(start: start, peakTime: peak, kw: kw))
        }
        return out
    }

    /// `(count)(buffer OBIS)` + count x `(time)(value*unit)`; also `()` = none.
    static func log(_ p: UnsafeRawBufferPointer, _ g: ArraySlice<Range<Int>>) -> [P1LogEntry]? {
        let s = g.startIndex
        if g.count == 1 && g[s].isEmpty { return [] }
        guard let n = smallInt(p, g[s]), n <= 64 else { return nil }
        if n == 0 && g.count <= 2 { return [] }
        guard g.count == 2 + 2 * n else { return nil }
        var out: [P1LogEntry] = []
        out.reserveCapacity(n)
        for k in 0..<n {
            let a = g[s + 2 + 2 * k], b = g[s + 3 + 2 * k]
            let (num, unit) = numberAndUnit(p, b)
            out.append(P1LogEntry(time: P1Timestamp.parse(p, from: a.lowerBound, to: a.upperBound), value: num, unit: unit))
        }
        return out
    }
}
