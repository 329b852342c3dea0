/// Fills the typed `P1Reading` from parsed values (units normalised here, in one place).
extension P1Parser {
    static func apply(_ o: OBISCode, _ v: P1Value, to r: inout P1Reading) {
        let cde = o.cde
        // The version line comes on 1-3:0.2.8 (NL) or 0-0:96.1.4 (BE).
        if cde == OBISCode.cde(0, 2, 8) || (o.b == 0 && cde == OBISCode.cde(96, 1, 4)) {
            if case .text(let s) = v { r.version = s }
            return
        }
        if o.b >= 1 && o.b <= 4 && o.a == 0 {
            applyMBus(Int(o.b), cde, v, &r)
            return
        }
        guard o.b == 0 else { return }
        switch (o.c, o.d, o.e) {
        case (1, 0, 0):
            if case .timestamp(let t) = v { r.time = t }
        case (96, 1, 1):
            if case .text(let s) = v { r.equipmentId = s }
        case (96, 1, 0), (42, 0, 0), (96, 1, 255):
            if case .text(let s) = v, r.equipmentId == nil { r.equipmentId = s }
        case (1, 8, let t) where t <= 4:
            if let x = energyKWh(v) { if t == 0 { r.importTotalKWh = x } else { r.importKWh[Int(t) - 1] = x } }
        case (2, 8, let t) where t <= 4:
            if let x = energyKWh(v) { if t == 0 { r.exportTotalKWh = x } else { r.exportKWh[Int(t) - 1] = x } }
        case (96, 14, 0):
            r.tariff = int(v)
        case (1, 7, 0): r.powerImportKW = powerKW(v)
        case (2, 7, 0): r.powerExportKW = powerKW(v)
        case (32, 7, 0): r.voltage.l1 = plain(v)
        case (52, 7, 0): r.voltage.l2 = plain(v)
        case (72, 7, 0): r.voltage.l3 = plain(v)
        case (31, 7, 0): r.current.l1 = plain(v)
        case (51, 7, 0): r.current.l2 = plain(v)
        case (71, 7, 0): r.current.l3 = plain(v)
        case (21, 7, 0): r.powerImportPhaseKW.l1 = powerKW(v)
        case (41, 7, 0): r.powerImportPhaseKW.l2 = powerKW(v)
        case (61, 7, 0): r.powerImportPhaseKW.l3 = powerKW(v)
        case (22, 7, 0): r.powerExportPhaseKW.l1 = powerKW(v)
        case (42, 7, 0): r.powerExportPhaseKW.l2 = powerKW(v)
        case (62, 7, 0): r.powerExportPhaseKW.l3 = powerKW(v)
        case (96, 7, 21): r.powerFailures = int(v)
        case (96, 7, 9): r.longPowerFailures = int(v)
        case (99, 97, 0):
            if case .log(let l) = v { r.powerFailureLog = l }
        case (32, 32, 0): r.voltageSags.l1 = plain(v)
        case (52, 32, 0): r.voltageSags.l2 = plain(v)
        case (72, 32, 0): r.voltageSags.l3 = plain(v)
        case (32, 36, 0): r.voltageSwells.l1 = plain(v)
        case (52, 36, 0): r.voltageSwells.l2 = plain(v)
        case (72, 36, 0): r.voltageSwells.l3 = plain(v)
        case (96, 13, 0): r.textMessage = text(v)
        case (96, 13, 1): r.textMessageCode = text(v)
        case (96, 3, 10): r.breakerState = int(v)
        case (17, 0, 0):
            if case .number(let n, let u) = v { r.limiterThreshold = n.double; r.limiterUnit = u }
        case (31, 4, 0): r.fuseThresholdA.l1 = plain(v)
        case (51, 4, 0): r.fuseThresholdA.l2 = plain(v)
        case (71, 4, 0): r.fuseThresholdA.l3 = plain(v)
        case (1, 4, 0): r.quarterAverageKW = powerKW(v)
        case (1, 6, 0):
            if case .timed(let t, let n, let u) = v {
                r.monthPeakTime = t
                r.monthPeakKW = n.map { u == .W ? $0.double / 1000 : $0.double }
            }
        case (98, 1, 0):
            if case .peakHistory(let h) = v { r.peakHistory = h }
        default: break
        }
    }

    private static func applyMBus(_ ch: Int, _ cde: UInt32, _ v: P1Value, _ r: inout P1Reading) {
        switch cde {
        case OBISCode.cde(24, 1, 0):
            if let t = int(v) { r.mbus[r.channel(ch)].deviceType = t }
        case OBISCode.cde(96, 1, 0), OBISCode.cde(96, 1, 1):
            if case .text(let s) = v, !s.isEmpty { r.mbus[r.channel(ch)].equipmentId = s }
        case OBISCode.cde(24, 4, 0):
            if let t = int(v) { r.mbus[r.channel(ch)].valve = t }
        case OBISCode.cde(24, 2, 1), OBISCode.cde(24, 2, 3), OBISCode.cde(24, 3, 0):
            if case .timed(let t, let n, let u) = v {
                let k = r.channel(ch)
                guard r.mbus[k].readingOBIS == nil else { return }      // first reading wins
                r.mbus[k].time = t
                r.mbus[k].value = n?.double
                r.mbus[k].unit = u
                r.mbus[k].readingOBIS = OBISCode(0, UInt8(ch), UInt8(cde >> 16), UInt8((cde >> 8) & 0xFF), UInt8(cde & 0xFF))
            }
        default: break
        }
    }

    private static func plain(_ v: P1Value) -> Double? {
        if case .number(let n, _) = v { return n.double }
        return nil
    }
    private static func int(_ v: P1Value) -> Int? {
        if case .number(let n, _) = v, n.scale == 0, n.mantissa >= Int64(Int.min), n.mantissa <= Int64(Int.max) {
            return Int(n.mantissa)
        }
        return nil
    }
    private static func text(_ v: P1Value) -> String? {
        switch v {
        case .text(let s): return s
        case .empty: return ""
        default: return nil
        }
    }
    /// kWh; Sagemcom T210-D sends Wh, some meters MWh.
    private static func energyKWh(_ v: P1Value) -> Double? {
        guard case .number(let n, let u) = v else { return nil }
        switch u {
        case .Wh?: return n.double / 1000
        case .other("MWh")?: return n.double * 1000
        default: return n.double
        }
    }
    /// kW; Sagemcom T210-D and EasyMeter send W.
    private static func powerKW(_ v: P1Value) -> Double? {
        guard case .number(let n, let u) = v else { return nil }
        return u == .W ? n.double / 1000 : n.double
    }
}
