import Foundation

/// One month of the capacity-tariff history a virtual e-MUCS meter reports (0-0:98.1.0).
public struct P1HistoryMonth: Sendable, Equatable, Codable {
    /// First instant of the month; `peakTime` nil = an empty month (placeholder on the wire).
    public var start: Date
    public var peakTime: Date?
    public var kw: Double
    public init(start: Date, peakTime: Date?, kw: Double) { self.start = start; self.peakTime = peakTime; self.kw = kw }
}

/// An M-Bus sub-meter reading a virtual meter reports (gas on channel 1 by default).
public struct P1GasReading: Sendable, Equatable, Codable {
    public var time: Date
    public var m3: Double
    public var channel: Int = 1
    public var equipmentId: String = "KWARTIER-GAS-0001"
    public init(time: Date, m3: Double, channel: Int = 1, equipmentId: String = "KWARTIER-GAS-0001") {
        self.time = time; self.m3 = m3; self.channel = channel; self.equipmentId = equipmentId
    }
}

/// Everything a virtual meter says in one telegram. Units: kWh, kW, V, A, m3.
public struct P1MeterState: Sendable, Equatable, Codable {
    public var time: Date
    /// Plain ASCII; hex-coded on the wire as meters do.
    public var equipmentId: String = "KWARTIER-SIM-0001"
    /// Registers per tariff (index 0 = tariff 1). Two tariffs in NL and BE.
    public var importKWh: [Double] = [0, 0]
    public var exportKWh: [Double] = [0, 0]
    public var tariff: Int = 1
    public var voltage: PhaseValues = .all(230)
    /// Magnitudes (the sign is dropped: P1 currents are unsigned).
    public var current: PhaseValues = .zero
    public var powerImportKW: PhaseValues = .zero
    public var powerExportKW: PhaseValues = .zero
    /// 1-0:1.7.0 / 2.7.0; nil = the net of the lines (import when positive, export when negative).
    public var totalImportKW: Double?
    public var totalExportKW: Double?
    /// e-MUCS capacity-tariff values.
    public var quarterAverageKW: Double = 0
    public var monthPeakKW: Double = 0
    public var monthPeakTime: Date?
    public var history: [P1HistoryMonth] = []
    public var gas: P1GasReading?
    public var breakerState: Int = 1
    /// e-MUCS 0-0:17.0.0 (999.9 = off) and 1-0:31.4.0 (999 = off).
    public var limiterKW: Double = 999.9
    public var fuseThresholdA: Double = 999
    public var powerFailures: Int = 0
    public var longPowerFailures: Int = 0

    public init(time: Date) { self.time = time }

    /// Fills the per-line values from signed line powers (W, + import) and voltages, as a
    /// simulation knows them: currents = |P| / V.
    public mutating func setLines(signedPowerW: PhaseValues, voltage: PhaseValues) {
        self.voltage = voltage
        for ph in Phase.allCases {
            let p = signedPowerW[ph]
            powerImportKW[ph] = max(p, 0) / 1000
            powerExportKW[ph] = max(-p, 0) / 1000
            current[ph] = voltage[ph] > 0 ? abs(p) / voltage[ph] : 0
        }
    }
}

/// Writes real telegram bytes (CRLF lines, CRC16 over "/" ... "!") from typed values, in the
/// layout of a Fluvius e-MUCS 1.7 meter or a DSMR 5.0 meter (widths and decimals as those meters
/// send them). Values that do not fit a field's width are written wider rather than wrapped.
public struct TelegramEncoder: Sendable {
    public enum Style: String, Sendable, Codable {
        /// Belgian e-MUCS 1.7: 1-0:1.4.0, 1-0:1.6.0, 0-0:98.1.0, gas on 0-n:24.2.3.
        case emucs
        /// Dutch DSMR 5.0: 1-3:0.2.8(50), gas on 0-n:24.2.1.
        case dsmr5
    }
    public var style: Style
    public var header: String

    public init(style: Style, header: String? = nil) {
        self.style = style
        self.header = header ?? (style == .emucs ? "/FLU5\\253769484_A" : "/ISK5\\2M550T-1012")
    }

    public func encode(_ s: P1MeterState) -> [UInt8] {
        var t = ""
        t.reserveCapacity(1400)
        func line(_ code: String, _ groups: String...) { t += code; for g in groups { t += "(" + g + ")" }; t += "\r\n" }
        let F = TelegramEncoder.fixed
        let ts = { (d: Date) in P1Timestamp(date: d).meterText }
        let net = (s.powerImportKW - s.powerExportKW).sum
        let totalIn = s.totalImportKW ?? max(net, 0)
        let totalOut = s.totalExportKW ?? max(-net, 0)
        func reg(_ v: [Double], _ i: Int) -> Double { i < v.count ? v[i] : 0 }

        t += header + "\r\n\r\n"
        switch style {
        case .emucs:
            line("0-0:96.1.4", "50217")
            line("0-0:96.1.1", TelegramEncoder.hex(s.equipmentId))
            line("0-0:1.0.0", ts(s.time))
        case .dsmr5:
            line("1-3:0.2.8", "50")
            line("0-0:1.0.0", ts(s.time))
            line("0-0:96.1.1", TelegramEncoder.hex(s.equipmentId))
        }
        line("1-0:1.8.1", F(reg(s.importKWh, 0), 6, 3) + "*kWh")
        line("1-0:1.8.2", F(reg(s.importKWh, 1), 6, 3) + "*kWh")
        line("1-0:2.8.1", F(reg(s.exportKWh, 0), 6, 3) + "*kWh")
        line("1-0:2.8.2", F(reg(s.exportKWh, 1), 6, 3) + "*kWh")
        line("0-0:96.14.0", F(Double(s.tariff), 4, 0))
        if style == .emucs {
            line("1-0:1.4.0", F(s.quarterAverageKW, 2, 3) + "*kW")
            line("1-0:1.6.0", s.monthPeakTime.map(ts) ?? TelegramEncoder.placeholderTime, F(s.monthPeakKW, 2, 3) + "*kW")
            let months = s.history.suffix(13)
            var h = "0-0:98.1.0(\(months.count))(1-0:1.6.0)(1-0:1.6.0)"
            for m in months {
                h += "(" + ts(m.start) + ")(" + (m.peakTime.map(ts) ?? TelegramEncoder.placeholderTime) + ")("
                    + F(m.kw, 2, 3) + "*kW)"
            }
            t += h + "\r\n"
        }
        line("1-0:1.7.0", F(totalIn, 2, 3) + "*kW")
        line("1-0:2.7.0", F(totalOut, 2, 3) + "*kW")
        if style == .dsmr5 {
            line("0-0:96.7.21", F(Double(s.powerFailures), 5, 0))
            line("0-0:96.7.9", F(Double(s.longPowerFailures), 5, 0))
            line("1-0:99.97.0", "0", "0-0:96.7.19")
            for c in ["32.32.0", "52.32.0", "72.32.0", "32.36.0", "52.36.0", "72.36.0"] { line("1-0:" + c, "00000") }
            line("0-0:96.13.0", "")
            for (c, ph) in [("32.7.0", Phase.l1), ("52.7.0", .l2), ("72.7.0", .l3)] { line("1-0:" + c, F(s.voltage[ph], 3, 1) + "*V") }
            for (c, ph) in [("31.7.0", Phase.l1), ("51.7.0", .l2), ("71.7.0", .l3)] { line("1-0:" + c, F(abs(s.current[ph]), 3, 0) + "*A") }
        }
        for (c, ph) in [("21.7.0", Phase.l1), ("41.7.0", .l2), ("61.7.0", .l3)] { line("1-0:" + c, F(s.powerImportKW[ph], 2, 3) + "*kW") }
        for (c, ph) in [("22.7.0", Phase.l1), ("42.7.0", .l2), ("62.7.0", .l3)] { line("1-0:" + c, F(s.powerExportKW[ph], 2, 3) + "*kW") }
        if style == .emucs {
            for (c, ph) in [("32.7.0", Phase.l1), ("52.7.0", .l2), ("72.7.0", .l3)] { line("1-0:" + c, F(s.voltage[ph], 3, 1) + "*V") }
            for (c, ph) in [("31.7.0", Phase.l1), ("51.7.0", .l2), ("71.7.0", .l3)] { line("1-0:" + c, F(abs(s.current[ph]), 3, 2) + "*A") }
            line("0-0:96.3.10", "\(s.breakerState)")
            line("0-0:17.0.0", F(s.limiterKW, 3, 1) + "*kW")
            line("1-0:31.4.0", F(s.fuseThresholdA, 3, 0) + "*A")
            line("0-0:96.13.0", "")
        }
        if let g = s.gas {
            let ch = "0-\(min(max(g.channel, 1), 4)):"
            line(ch + "24.1.0", "003")
            line(ch + (style == .emucs ? "96.1.1" : "96.1.0"), TelegramEncoder.hex(g.equipmentId))
            if style == .emucs { line(ch + "24.4.0", "1") }
            line(ch + (style == .emucs ? "24.2.3" : "24.2.1"), ts(g.time), F(g.m3, 5, 3) + "*m3")
        }
        t += "!"
        var bytes = Array(t.utf8)
        let crc = P1CRC16.checksum(bytes)
        bytes.append(contentsOf: P1CRC16.hex(crc).utf8)
        bytes.append(contentsOf: [0x0D, 0x0A])
        return bytes
    }

    /// What e-MUCS meters send instead of a time for an empty month.
    public static let placeholderTime = "632525252525W"

    /// Zero-padded fixed point, e.g. fixed(301.5484, 6, 3) = "000301.548". Negative and
    /// non-finite values become 0 (P1 values are unsigned); rounding is half away from zero.
    public static func fixed(_ v: Double, _ intDigits: Int, _ decimals: Int) -> String {
        let x = v.isFinite && v > 0 ? v : 0
        var scale: Double = 1
        for _ in 0..<decimals { scale *= 10 }
        let m = UInt64(min((x * scale).rounded(.toNearestOrAwayFromZero), 9.0e18))
        var digits = String(m)
        let need = intDigits + decimals
        if digits.count < need { digits = String(repeating: "0", count: need - digits.count) + digits }
        guard decimals > 0 else { return digits }
        let cut = digits.index(digits.endIndex, offsetBy: -decimals)
        return String(digits[..<cut]) + "." + String(digits[cut...])
    }

    /// Upper-case hex of the ASCII bytes, as meters code identifiers.
    public static func hex(_ s: String) -> String {
        let d = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in s.utf8 { out.append(d[Int(b >> 4)]); out.append(d[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
