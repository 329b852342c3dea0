/// Groups the values a device needs into as few requests as possible: values of one table that
/// touch end to end are read in one block, never across a gap (devices such as the PAC2200 answer
/// "illegal data address" for a block over unmapped registers) and never longer than `maxBlock`.
/// A gap filled end to end by `bridge` registers (ones the device is known to have, e.g. the
/// voltages between an ABB Terra's currents and its power) is read through: one request instead
/// of two, which is what a round on a bus of many chargers is made of.
public struct ReadBlock: Sendable, Equatable, CustomStringConvertible {
    public var fn: RegisterFunction
    public var address: Int
    public var count: Int
    public var end: Int { address + count }
    public var description: String { "\(fn) \(address)+\(count)" }
}

public enum ReadPlan {
    public static func blocks(_ specs: [RegisterSpec], maxBlock: Int, bridge: [RegisterSpec] = []) -> [ReadBlock] {
        var out: [ReadBlock] = []
        let byFn = Dictionary(grouping: specs, by: \.fn)
        let bridges = Dictionary(grouping: bridge, by: \.fn).mapValues { $0.sorted { $0.address < $1.address } }
        /// True when [from, to) is covered by known registers of the table, end to end.
        func covered(_ fn: RegisterFunction, _ from: Int, _ to: Int) -> Bool {
            var pos = from
            for b in bridges[fn] ?? [] where b.address <= pos && b.end > pos {
                pos = b.end
                if pos >= to { return true }
            }
            return pos >= to
        }
        for fn in RegisterFunction.allCases {
            guard let list = byFn[fn] else { continue }
            // Distinct ranges, in address order.
            var ranges: [(Int, Int)] = []
            for s in list where !ranges.contains(where: { $0.0 == s.address && $0.1 == s.length }) {
                ranges.append((s.address, s.length))
            }
            ranges.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 > $1.1) }
            var current: ReadBlock?
            for (a, n) in ranges {
                if var c = current {
                    if a >= c.address && a + n <= c.end { continue }              // already inside
                    if a == c.end && c.count + n <= maxBlock {                      // touches: extend
                        c.count += n; current = c; continue
                    }
                    if a > c.end && a + n - c.address <= maxBlock && covered(fn, c.end, a) {   // known gap
                        c.count = a + n - c.address; current = c; continue
                    }
                    out.append(c)
                }
                current = ReadBlock(fn: fn, address: a, count: n)
            }
            if let c = current { out.append(c) }
        }
        return out
    }
}

/// Words (or bits as 0/1) read from a device, by table and address.
public struct RegisterImage: Sendable {
    var words: [RegisterFunction: [Int: UInt16]] = [:]
    public init() {}

    public mutating func store(_ block: ReadBlock, _ values: [UInt16]) {
        for (i, v) in values.enumerated() { words[block.fn, default: [:]][block.address + i] = v }
    }

    /// The words of one value, or nil when any is missing.
    public func words(for spec: RegisterSpec) -> [UInt16]? {
        guard let t = words[spec.fn] else { return nil }
        var out: [UInt16] = []
        for a in spec.address..<spec.end {
            guard let w = t[a] else { return nil }
            out.append(w)
        }
        return out
    }
}
