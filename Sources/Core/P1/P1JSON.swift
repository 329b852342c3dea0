/// The JSON line `kwartier p1 decode --json` prints for a telegram:
/// `{"header": "...", "crc": "ok"|"bad"|"absent", "values": {OBIS: value}}` where a value is
/// `{"value": number|string|null, "unit": u}` (unit omitted when none), a timed value (M-Bus,
/// 1-0:1.6.0) `{"time": ISO, "value": n, "unit": u}`, 0-0:98.1.0 a list of
/// `{"start": ISO, "peak_time": ISO, "kw": n}`, a log (1-0:99.97.0) a list of
/// `{"time": ISO, "value": n, "unit": u}`, other multi-group lines a list of `{"value", "unit"}`.
/// Numbers keep the meter's decimals; timestamps carry their offset; invalid placeholder times
/// are null. A code sent twice is reported once (its first value).
public enum P1JSON {
    public static func line(_ t: P1Telegram) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        append(t, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func append(_ t: P1Telegram, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"header":"#.utf8)
        appendString(t.header, to: &out)
        out.append(contentsOf: #","crc":""#.utf8)
        out.append(contentsOf: t.crc.label.utf8)
        out.append(contentsOf: #"","values":{"#.utf8)
        var firstValue = true
        let objects = t.objects
        // A code sent twice is reported once: a telegram has a few dozen codes, so looking back
        // costs less than hashing each into a set (a set only for unusually long telegrams).
        var seen: Set<OBISCode>? = objects.count > 64 ? Set() : nil
        for (k, o) in objects.enumerated() {
            if seen != nil {
                guard seen!.insert(o.obis).inserted else { continue }
            } else {
                var dup = false
                var j = 0
                while j < k { if objects[j].obis == o.obis { dup = true; break }; j += 1 }
                if dup { continue }
            }
            if !firstValue { out.append(0x2C) }
            firstValue = false
            out.append(0x22)
            o.obis.appendText(to: &out)
            out.append(0x22)
            out.append(0x3A)
            appendValue(o.value, textCode: P1Parser.isTextCode(o.obis), to: &out)
        }
        out.append(contentsOf: "}}".utf8)
    }

    static func appendValue(_ v: P1Value, textCode: Bool, to out: inout [UInt8]) {
        switch v {
        case .empty:
            out.append(contentsOf: (textCode ? #"{"value":""}"# : #"{"value":null}"#).utf8)
        case .number(let n, let u):
            out.append(contentsOf: #"{"value":"#.utf8)
            n.append(to: &out)
            appendUnit(u, to: &out)
            out.append(0x7D)
        case .text(let s):
            out.append(contentsOf: #"{"value":"#.utf8)
            appendString(s, to: &out)
            out.append(0x7D)
        case .timestamp(let t):
            out.append(contentsOf: #"{"value":"#.utf8)
            appendTime(t, to: &out)
            out.append(0x7D)
        case .timed(let t, let n, let u):
            appendTimed(t, n, u, to: &out)
        case .peakHistory(let h):
            out.append(0x5B)
            for (k, m) in h.enumerated() {
                if k > 0 { out.append(0x2C) }
                out.append(contentsOf: #"{"start":"#.utf8)
                appendTime(m.start, to: &out)
                out.append(contentsOf: #","peak_time":"#.utf8)
                appendTime(m.peakTime, to: &out)
                out.append(contentsOf: #","kw":"#.utf8)
                m.kw.append(to: &out)
                out.append(0x7D)
            }
            out.append(0x5D)
        case .log(let l):
            out.append(0x5B)
            for (k, e) in l.enumerated() {
                if k > 0 { out.append(0x2C) }
                appendTimed(e.time, e.value, e.unit, to: &out)
            }
            out.append(0x5D)
        case .groups(let g):
            out.append(0x5B)
            for (k, e) in g.enumerated() {
                if k > 0 { out.append(0x2C) }
                out.append(contentsOf: #"{"value":"#.utf8)
                let bytes = Array(e.text.utf8)
                if e.unit != nil, let n = bytes.withUnsafeBytes({ P1Number.parse($0, from: 0, to: $0.count) }) {
                    n.append(to: &out)
                } else if e.unit == nil, bytes.count == 13,
                          let ts = bytes.withUnsafeBytes({ P1Timestamp.parse($0, from: 0, to: 13) }),
                          ts.season != .unspecified, ts.isValid {
                    appendTime(ts, to: &out)
                } else {
                    appendString(e.text, to: &out)
                }
                appendUnit(e.unit, to: &out)
                out.append(0x7D)
            }
            out.append(0x5D)
        }
    }

    static func appendTimed(_ t: P1Timestamp?, _ n: P1Number?, _ u: P1Unit?, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"time":"#.utf8)
        appendTime(t, to: &out)
        out.append(contentsOf: #","value":"#.utf8)
        if let n { n.append(to: &out) } else { out.append(contentsOf: "null".utf8) }
        appendUnit(u, to: &out)
        out.append(0x7D)
    }

    static func appendUnit(_ u: P1Unit?, to out: inout [UInt8]) {
        guard let u else { return }
        out.append(contentsOf: #","unit":"#.utf8)
        appendString(u.description, to: &out)
    }

    static func appendTime(_ t: P1Timestamp?, to out: inout [UInt8]) {
        guard let t, t.isValid else { out.append(contentsOf: "null".utf8); return }
        out.append(0x22)
        t.appendISO(to: &out)
        out.append(0x22)
    }

    /// A JSON string literal; control characters and non-UTF-8 bytes are escaped.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Most strings need no escape: copied whole.
        let plain = s.utf8.withContiguousStorageIfAvailable { b -> Bool in
            for ch in b where ch < 0x20 || ch == 0x22 || ch == 0x5C || ch == 0x7F { return false }
            out.append(contentsOf: b)
            return true
        }
        if plain == true { out.append(0x22); return }
        for ch in s.utf8 {
            switch ch {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, 0x75, 0x30, 0x30, hex[Int(ch >> 4)], hex[Int(ch & 0xF)]]
            default: out.append(ch)
            }
        }
        out.append(0x22)
    }
}
