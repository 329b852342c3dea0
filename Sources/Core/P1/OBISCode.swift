/// An OBIS reduced identifier `A-B:C.D.E` (optionally `*F`, as EasyMeter/ESY meters send `*255`).
/// Packed into one integer so the parser can switch on it without building strings.
public struct OBISCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var a: UInt8, b: UInt8, c: UInt8, d: UInt8, e: UInt8
    /// Group F; 255 means "not used" and is not printed (so `1-0:1.8.0*255` == `1-0:1.8.0`).
    public var f: UInt8

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, _ e: UInt8, f: UInt8 = 255) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.e = e; self.f = f
    }

    /// `C.D.E` only: what the meaning of a value depends on (A and B select medium and channel).
    @inlinable public var cde: UInt32 { UInt32(c) << 16 | UInt32(d) << 8 | UInt32(e) }
    @inlinable public static func cde(_ c: UInt8, _ d: UInt8, _ e: UInt8) -> UInt32 {
        UInt32(c) << 16 | UInt32(d) << 8 | UInt32(e)
    }
    public var packed: UInt64 {
        UInt64(a) << 40 | UInt64(b) << 32 | UInt64(c) << 24 | UInt64(d) << 16 | UInt64(e) << 8 | UInt64(f)
    }
    public static func < (l: OBISCode, r: OBISCode) -> Bool { l.packed < r.packed }

    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        appendText(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `description`'s bytes (the JSON writer's hot path: no String built per code).
    public func appendText(to out: inout [UInt8]) {
        Self.appendGroup(a, &out); out.append(0x2D)
        Self.appendGroup(b, &out); out.append(0x3A)
        Self.appendGroup(c, &out); out.append(0x2E)
        Self.appendGroup(d, &out); out.append(0x2E)
        Self.appendGroup(e, &out)
        if f != 255 { out.append(0x2A); Self.appendGroup(f, &out) }
    }

    @inline(__always)
    private static func appendGroup(_ v: UInt8, _ out: inout [UInt8]) {
        if v >= 100 { out.append(48 + v / 100) }
        if v >= 10 { out.append(48 + v / 10 % 10) }
        out.append(48 + v % 10)
    }

    /// Parses "1-0:1.8.1" (optionally "*255").
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let (code, end) = bytes.withUnsafeBytes({ OBISCode.parse($0, from: 0, to: $0.count) }),
              end == bytes.count else { return nil }
        self = code
    }

    /// Parses an OBIS code at `from`; returns it and the index after it. Each group is 0...255.
    static func parse(_ p: UnsafeRawBufferPointer, from: Int, to: Int) -> (OBISCode, Int)? {
        var i = from
        let a = readGroup(p, &i, to); guard a >= 0, expect(p, &i, to, 0x2D) else { return nil }   // '-'
        let b = readGroup(p, &i, to); guard b >= 0, expect(p, &i, to, 0x3A) else { return nil }   // ':'
        let c = readGroup(p, &i, to); guard c >= 0, expect(p, &i, to, 0x2E) else { return nil }   // '.'
        let d = readGroup(p, &i, to); guard d >= 0, expect(p, &i, to, 0x2E) else { return nil }
        let e = readGroup(p, &i, to); guard e >= 0 else { return nil }
        var f = 255
        if i < to, p[i] == 0x2A {                                                                 // '*'
            var j = i + 1
            let v = readGroup(p, &j, to)
            if v >= 0 { f = v; i = j }
        }
        return (OBISCode(UInt8(a), UInt8(b), UInt8(c), UInt8(d), UInt8(e), f: UInt8(f)), i)
    }

    /// 1 to 3 decimal digits, value <= 255; -1 when absent or out of range.
    @inline(__always)
    private static func readGroup(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ to: Int) -> Int {
        var v = 0
        let start = i
        while i < to, i - start < 3 {
            let ch = p[i]
            guard ch >= 48, ch <= 57 else { break }
            v = v * 10 + Int(ch &- 48); i += 1
        }
        return (i == start || v > 255) ? -1 : v
    }

    @inline(__always)
    private static func expect(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ to: Int, _ ch: UInt8) -> Bool {
        guard i < to, p[i] == ch else { return false }
        i += 1
        return true
    }
}
