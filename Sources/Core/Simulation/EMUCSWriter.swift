import Foundation

/// The virtual meter's hot path: writes the same e-MUCS telegram bytes as
/// `TelegramEncoder(style: .emucs)` (byte for byte, checked by the tests against it) straight
/// into a byte buffer, keeping the lines that only change monthly (the 13-month history) and
/// the fixed head ready. A backtest encodes one telegram per simulated second; the general
/// encoder builds Strings and costs several times more.
final class EMUCSWriter {
    private let head: [UInt8]
    private var historyKey: [VirtualMeterState.MonthPeak] = []
    private var historyLine: [UInt8] = []
    private var historyValid = false

    init(header: String = TelegramEncoder(style: .emucs).header, equipmentId: String = P1MeterState(time: Date()).equipmentId) {
        var h: [UInt8] = []
        h += Array(header.utf8) + [13, 10, 13, 10]
        h += Array("0-0:96.1.4(50217)\r\n".utf8)
        h += Array("0-0:96.1.1(\(TelegramEncoder.hex(equipmentId)))\r\n".utf8)
        head = h
    }

    /// The telegram for the site's flows and the meter's registers at `now`.
    func telegram(gridPhaseW: PhaseValues, voltage v: Double, meter m: VirtualMeterState, at now: Date,
                  currents: PhaseValues? = nil) -> [UInt8] {
        var b: [UInt8] = []
        b.reserveCapacity(1500)
        b.append(contentsOf: head)
        Self.put("0-0:1.0.0(", &b); timestamp(now, &b); b.append(contentsOf: Self.closeLine)
        reg("1-0:1.8.1(", m.importKWh.count > 0 ? m.importKWh[0] : 0, &b)
        reg("1-0:1.8.2(", m.importKWh.count > 1 ? m.importKWh[1] : 0, &b)
        reg("1-0:2.8.1(", m.exportKWh.count > 0 ? m.exportKWh[0] : 0, &b)
        reg("1-0:2.8.2(", m.exportKWh.count > 1 ? m.exportKWh[1] : 0, &b)
        Self.put("0-0:96.14.0(", &b); Self.fixed(Double(m.tariff), 4, 0, &b); b.append(contentsOf: Self.closeLine)
        Self.put("1-0:1.4.0(", &b); Self.fixed(m.currentAverageKW, 2, 3, &b); b.append(contentsOf: Self.kWLine)
        Self.put("1-0:1.6.0(", &b)
        if let t = m.monthPeakTime { timestamp(t, &b) } else { b.append(contentsOf: Self.placeholder) }
        Self.put(")(", &b); Self.fixed(m.monthPeakKW, 2, 3, &b); b.append(contentsOf: Self.kWLine)
        if !historyValid || historyKey != m.history { buildHistory(m.history) }
        b.append(contentsOf: historyLine)
        // Per-line values exactly as P1MeterState.setLines derives them from signed powers.
        var imp = PhaseValues.zero, exp = PhaseValues.zero, cur = PhaseValues.zero
        for ph in Phase.allCases {
            let p = gridPhaseW[ph]
            imp[ph] = max(p, 0) / 1000
            exp[ph] = max(-p, 0) / 1000
            cur[ph] = v > 0 ? abs(p) / v : 0
        }
        if let c = currents { cur = c }
        let net = (imp - exp).sum
        Self.put("1-0:1.7.0(", &b); Self.fixed(max(net, 0), 2, 3, &b); b.append(contentsOf: Self.kWLine)
        Self.put("1-0:2.7.0(", &b); Self.fixed(max(-net, 0), 2, 3, &b); b.append(contentsOf: Self.kWLine)
        Self.put("1-0:21.7.0(", &b); Self.fixed(imp.l1, 2, 3, &b); b.append(contentsOf: Self.kWLine)
        Self.put("1-0:41.7.0(", &b); Self.fixed(imp.l2, 2, 3, &b); b.append(contentsOf: Self.kWLine)
        Self.put("1-0:61.7.0(", &b); Self.fixed(imp.l3, 2, 3, &b); b.append(contentsOf: Self.kWLine)
        Self.put("1-0:22.7.0(", &b); Self.fixed(exp.l1, 2, 3, &b); b.append(contentsOf: Self.kWLine)
        Self.put("1-0:42.7.0(", &b); Self.fixed(exp.l2, 2, 3, &b); b.append(contentsOf: Self.kWLine)
        Self.put("1-0:62.7.0(", &b); Self.fixed(exp.l3, 2, 3, &b); b.append(contentsOf: Self.kWLine)
        Self.put("1-0:32.7.0(", &b); Self.fixed(v, 3, 1, &b); Self.put("*V)\r\n", &b)
        Self.put("1-0:52.7.0(", &b); Self.fixed(v, 3, 1, &b); Self.put("*V)\r\n", &b)
        Self.put("1-0:72.7.0(", &b); Self.fixed(v, 3, 1, &b); Self.put("*V)\r\n", &b)
        Self.put("1-0:31.7.0(", &b); Self.fixed(cur.l1, 3, 2, &b); b.append(contentsOf: Self.ALine)
        Self.put("1-0:51.7.0(", &b); Self.fixed(cur.l2, 3, 2, &b); b.append(contentsOf: Self.ALine)
        Self.put("1-0:71.7.0(", &b); Self.fixed(cur.l3, 3, 2, &b); b.append(contentsOf: Self.ALine)
        b.append(contentsOf: Self.tail)
        let crc = b.withUnsafeBytes { P1CRC16.checksum($0) }
        for i in 0..<4 { b.append(Self.hexDigits[Int((crc >> (12 - 4 * UInt16(i))) & 0xF)]) }
        b.append(13); b.append(10)
        return b
    }

    private func reg(_ code: StaticString, _ v: Double, _ b: inout [UInt8]) {
        Self.put(code, &b); Self.fixed(v, 6, 3, &b); Self.put("*kWh)\r\n", &b)
    }

    private func buildHistory(_ h: [VirtualMeterState.MonthPeak]) {
        historyKey = h
        historyValid = true
        let months = h.suffix(13)
        var b: [UInt8] = []; Self.put("0-0:98.1.0(", &b)
        b += Array(String(months.count).utf8)
        Self.put(")(1-0:1.6.0)(1-0:1.6.0)", &b)
        for m in months {
            b.append(40); timestamp(m.monthStart, &b); Self.put(")(", &b)
            if let t = m.peakTime { timestamp(t, &b) } else { b.append(contentsOf: Self.placeholder) }
            Self.put(")(", &b); Self.fixed(m.kw, 2, 3, &b); Self.put("*kW)", &b)
        }
        b += [13, 10]
        historyLine = b
    }

    /// `P1Timestamp(date:).meterText`: YYMMDDhhmmss and S or W.
    private func timestamp(_ d: Date, _ b: inout [UInt8]) {
        let t = P1Timestamp(date: d)
        func two(_ v: Int) { b.append(48 + UInt8(truncatingIfNeeded: v / 10 % 10)); b.append(48 + UInt8(truncatingIfNeeded: v % 10)) }
        two(t.year % 100); two(t.month); two(t.day); two(t.hour); two(t.minute); two(t.second)
        switch t.season {
        case .summer: b.append(83)
        case .winter: b.append(87)
        case .unspecified: break
        }
    }

    /// `TelegramEncoder.fixed`: zero-padded, rounded half away from zero, negatives and
    /// non-finite values as 0, wider than `intDigits` rather than wrapped.
    static func fixed(_ v: Double, _ intDigits: Int, _ decimals: Int, _ b: inout [UInt8]) {
        let x = v.isFinite && v > 0 ? v : 0
        var scale: Double = 1
        for _ in 0..<decimals { scale *= 10 }
        var m = UInt64(min((x * scale).rounded(.toNearestOrAwayFromZero), 9.0e18))
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[n] = 48 + UInt8(m % 10); m /= 10; n += 1 } while m > 0
            let need = intDigits + decimals
            while n < need { d[n] = 48; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) {
                if decimals > 0 && i == decimals - 1 { b.append(46) }
                b.append(d[i])
            }
        }
    }

    @inline(__always) static func put(_ s: StaticString, _ b: inout [UInt8]) {
        s.withUTF8Buffer { b.append(contentsOf: $0) }
    }
    static func lit(_ s: String) -> [UInt8] { Array(s.utf8) }

    static let closeLine = lit(")\r\n")
    static let kWLine = lit("*kW)\r\n")
    static let ALine = lit("*A)\r\n")
    static let placeholder = lit(TelegramEncoder.placeholderTime)
    static let tail = lit("0-0:96.3.10(1)\r\n0-0:17.0.0(999.9*kW)\r\n1-0:31.4.0(999*A)\r\n0-0:96.13.0()\r\n!")
    static let hexDigits = Array("0123456789ABCDEF".utf8)
}
