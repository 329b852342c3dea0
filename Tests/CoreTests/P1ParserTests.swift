import XCTest
@testable import KwartierCore

/// Each variant's typed values, exactly as the real telegrams carry them.
final class P1ParserTests: XCTestCase {
    func testEMUCSFluviusAlt() {
        let t = P1Fixtures.telegram("emucs171_fluvius_alt.txt")
        let r = t.reading
        XCTAssertEqual(t.header, "/FLU5\\253769484_A")
        XCTAssertEqual(t.crc, .ok)
        XCTAssertTrue(t.isValid)
        XCTAssertEqual(r.version, "50217")
        XCTAssertEqual(r.equipmentId, "3153414733313030373231333236")
        XCTAssertEqual(r.time?.date, P1Fixtures.date("2023-11-02T12:15:48+01:00"))
        XCTAssertEqual(r.importKWh, [301.548, 270.014, nil, nil])
        XCTAssertEqual(r.exportKWh, [0.005, 0.0, nil, nil])
        XCTAssertEqual(r.totalImportKWh!, 571.562, accuracy: 1e-9)
        XCTAssertEqual(r.tariff, 1)
        XCTAssertEqual(r.quarterAverageKW, 0.052)
        XCTAssertEqual(r.monthPeakKW, 3.064)
        XCTAssertEqual(r.monthPeakTime?.date, P1Fixtures.date("2023-11-02T11:45:00+01:00"))
        XCTAssertEqual(r.powerImportKW, 0.338)
        XCTAssertEqual(r.powerExportKW, 0)
        XCTAssertEqual(r.powerImportPhaseKW, P1Phases(0.047, 0.179, 0.111))
        XCTAssertEqual(r.powerExportPhaseKW, P1Phases(0, 0, 0))
        XCTAssertEqual(r.voltage, P1Phases(232.9, 228.1, 228.1))
        XCTAssertEqual(r.current, P1Phases(0.27, 0.88, 0.52))
        XCTAssertEqual(r.breakerState, 1)
        XCTAssertEqual(r.limiterThreshold, 999.9)
        XCTAssertEqual(r.limiterUnit, .kW)
        XCTAssertEqual(r.fuseThresholdA, P1Phases(999, nil, nil))
        XCTAssertEqual(r.textMessage, "")
        // 4 months, the first one empty (placeholder time 632525252525W, 0 kW).
        let h = r.peakHistory!
        XCTAssertEqual(h.count, 4)
        XCTAssertEqual(h[0].start?.date, P1Fixtures.date("2023-08-01T00:00:00+02:00"))
        XCTAssertNil(h[0].peakTime?.date)
        XCTAssertEqual(h[0].peakTime?.meterText, "632525252525W")
        XCTAssertEqual(h[0].kw.double, 0)
        XCTAssertEqual(h[3].start?.date, P1Fixtures.date("2023-11-01T00:00:00+01:00"))
        XCTAssertEqual(h[3].peakTime?.date, P1Fixtures.date("2023-10-16T13:00:00+02:00"))
        XCTAssertEqual(h[3].kw.double, 4.927)
        // Gas on 0-1:24.2.3 (type 3), water on 0-2:24.2.1 (type 7).
        let gas = r.gas!
        XCTAssertEqual(gas.channel, 1)
        XCTAssertEqual(gas.value, 92.287)
        XCTAssertEqual(gas.unit, .m3)
        XCTAssertEqual(gas.valve, 1)
        XCTAssertEqual(gas.readingOBIS, OBISCode(0, 1, 24, 2, 3))
        XCTAssertEqual(gas.time?.date, P1Fixtures.date("2023-11-02T12:10:02+01:00"))
        XCTAssertEqual(gas.equipmentId, "37464C4F32313233303838303237")
        let water = r.water!
        XCTAssertEqual(water.channel, 2)
        XCTAssertEqual(water.value, 8.579)
        XCTAssertEqual(water.deviceType, 7)
    }

    /// The March peak is stamped S by the meter; the calendar says winter: 12:21:39 CET.
    func testEMUCSHistoryTrustsCalendarOverStaleFlag() {
        let r = P1Fixtures.telegram("emucs171_fluvius.txt").reading
        let h = r.peakHistory!
        XCTAssertEqual(h.map { $0.kw.double }, [3.695, 5.980, 4.318])
        XCTAssertEqual(h[1].peakTime?.meterText, "200305122139S")
        XCTAssertEqual(h[1].peakTime?.date, P1Fixtures.date("2020-03-05T12:21:39+01:00"))
        XCTAssertEqual(h[1].peakTime?.iso8601, "2020-03-05T12:21:39+01:00")
        XCTAssertEqual(r.quarterAverageKW, 2.351)
        XCTAssertEqual(r.monthPeakKW, 2.589)
    }

    func testDSMR22GasValueOnNextLine() {
        let t = P1Fixtures.telegram("dsmr22_iskra_mt382.txt")
        XCTAssertEqual(t.crc, .absent)
        XCTAssertFalse(t.crcRequired)
        XCTAssertTrue(t.isValid)
        let r = t.reading
        XCTAssertEqual(r.importKWh, [1.001, 1.001, nil, nil])
        XCTAssertEqual(r.powerImportKW, 1.01)
        XCTAssertEqual(r.limiterThreshold, 999.0)
        let gas = r.gas!
        XCTAssertEqual(gas.value, 1.001)
        XCTAssertEqual(gas.unit, .m3)
        XCTAssertEqual(gas.readingOBIS, OBISCode(0, 1, 24, 3, 0))
        // No S/W flag: November is winter time.
        XCTAssertEqual(gas.time?.date, P1Fixtures.date("2016-11-07T19:00:00+01:00"))
        XCTAssertEqual(gas.valve, 1)
        XCTAssertNil(r.time)
    }

    func testDSMR3LimiterInAmperesAndHexText() {
        let r = P1Fixtures.telegram("dsmr30_iskra_mt382.txt").reading
        XCTAssertEqual(r.limiterThreshold, 16)
        XCTAssertEqual(r.limiterUnit, .A)
        XCTAssertEqual(r.textMessageCode, "303132333435363738")
        XCTAssertEqual(r.textMessage?.count, 160)
        XCTAssertEqual(r.tariff, 2)
        XCTAssertEqual(r.gas?.time?.date, P1Fixtures.date("2009-02-12T16:00:00+01:00"))
    }

    func testDSMR42PowerFailureLog() {
        let t = P1Fixtures.telegram("dsmr42_kaifa.txt")
        XCTAssertTrue(t.crcRequired)
        let r = t.reading
        XCTAssertEqual(r.version, "42")
        XCTAssertEqual(r.powerFailures, 15)
        XCTAssertEqual(r.longPowerFailures, 7)
        let log = r.powerFailureLog!
        XCTAssertEqual(log.count, 3)
        XCTAssertEqual(log[0].time?.date, P1Fixtures.date("2000-01-04T18:03:20+01:00"))
        XCTAssertEqual(log[0].value?.double, 237126)
        XCTAssertEqual(log[0].unit, .s)
        XCTAssertEqual(log[2].value?.double, 2317482647)
        XCTAssertEqual(r.current, P1Phases(0, 6, 2))
        XCTAssertEqual(r.voltageSags, P1Phases(0, 0, 0))
        XCTAssertEqual(r.gas?.value, 981.443)
        XCTAssertEqual(r.gas?.time?.date, P1Fixtures.date("2016-11-29T20:00:00+01:00"))
    }

    func testDSMR5TwoMBusChannels() {
        let r = P1Fixtures.telegram("dsmr50_two_mbus.txt").reading
        XCTAssertEqual(r.mbus.count, 2)
        XCTAssertEqual(r.mbus[0].channel, 1)
        XCTAssertEqual(r.mbus[0].value, 0)
        XCTAssertNil(r.mbus[0].unit)
        XCTAssertEqual(r.mbus[0].time?.date, Date(timeIntervalSince1970: 0))
        XCTAssertEqual(r.gas?.channel, 1)
        XCTAssertEqual(r.mbus[1].value, 246.138)
        XCTAssertEqual(r.mbus[1].time?.date, P1Fixtures.date("2020-04-26T22:30:01+02:00"))
        XCTAssertEqual(r.voltageSags, P1Phases(1, 1, 192))
        XCTAssertEqual(r.powerFailureLog?.first?.value?.double, 2014)
        XCTAssertEqual(r.voltage, P1Phases(229.9, 229.2, 222.9))
    }

    func testDSMR5EmptyFailureLog() {
        let r = P1Fixtures.telegram("dsmr50_iskra_am550.txt").reading
        XCTAssertEqual(r.powerFailureLog, [])
        XCTAssertEqual(r.current, P1Phases(0.48, 0.44, 0.86))
        XCTAssertEqual(r.mbus.count, 2)              // channel 2 sends a type only
        XCTAssertEqual(r.mbus[1].deviceType, 3)
        XCTAssertNil(r.mbus[1].value)
    }

    /// Sagemcom T210-D sends Wh and W: normalised to kWh and kW.
    func testSagemcomWhUnits() {
        let t = P1Fixtures.telegram("sagemcom_t210dr.txt")
        XCTAssertEqual(t.crc, .ok)
        let r = t.reading
        XCTAssertEqual(r.importTotalKWh, 6545.766)
        XCTAssertEqual(r.importKWh, [5017.12, 1528.646, nil, nil])
        XCTAssertEqual(r.exportTotalKWh, 0.058)
        XCTAssertEqual(r.powerImportKW, 0.286)
        XCTAssertEqual(r.totalImportKWh, 6545.766)           // the meter's own total wins
        XCTAssertEqual(t.value("1-0:4.7.0"), .number(P1Number(mantissa: 166, scale: 0), .var))
    }

    /// EasyMeter Q3D: `*255` OBIS suffix, W units, no CRC, gateway trailer.
    func testEasyMeterStarSuffix() {
        let t = P1Fixtures.telegram("esy_q3db1024.txt")
        XCTAssertEqual(t.crc, .absent)
        XCTAssertTrue(t.isValid)
        XCTAssertEqual(t.objects.first?.obis, OBISCode("1-0:0.0.0"))
        XCTAssertEqual(t.objects.first?.obis.description, "1-0:0.0.0")
        let r = t.reading
        XCTAssertEqual(r.importTotalKWh, 52185.7825309)
        XCTAssertEqual(r.exportTotalKWh, 19949.3221493)
        XCTAssertEqual(r.powerImportKW!, 2.12486, accuracy: 1e-12)
        XCTAssertEqual(r.powerImportPhaseKW.l1!, 0.74785, accuracy: 1e-12)
        XCTAssertEqual(r.equipmentId, "1ESY1313002565")
        XCTAssertEqual(t.value("1-0:96.5.5"), .text("80"))
    }

    func testWarmtelinkHeatInGJ() {
        let r = P1Fixtures.telegram("warmtelink_unpadded_crc.txt").reading
        XCTAssertEqual(r.mbus.first?.kind, .heat)
        XCTAssertEqual(r.mbus.first?.value, 240.86)
        XCTAssertEqual(r.mbus.first?.unit, .GJ)
    }

    func testIskraIrelandExportPerPhase() {
        let t = P1Fixtures.telegram("iskra_ie.txt")
        XCTAssertEqual(t.header, "/ISk5\u{02}MIE5T-200")
        XCTAssertEqual(t.reading.powerExportPhaseKW, P1Phases(0.227, 0.427, 0.627))
        XCTAssertEqual(t.reading.equipmentId, "09610")
    }

    /// E.ON Hungary: four tariffs, totals, and a 98.1.0 billing snapshot that is not a peak history.
    func testEONHungary() {
        let t = P1Fixtures.telegram("eon_hu_sagemcom.txt")
        let r = t.reading
        XCTAssertEqual(r.importKWh, [47.719, 125.921, 0, 0])
        XCTAssertEqual(r.importTotalKWh, 173.64)
        XCTAssertEqual(r.equipmentId, "53414733303832323030303032313630")   // 42.0.0 before 96.1.0
        XCTAssertNil(r.peakHistory)
        guard case .groups(let g)? = t.value("0-0:98.1.0") else { return XCTFail("98.1.0 shape") }
        XCTAssertEqual(g.count, 20)
        XCTAssertEqual(g[1], P1Group(text: "000040.777", unit: .kWh))
        XCTAssertEqual(t.value("1-0:14.7.0"), .number(P1Number(mantissa: 5000, scale: 2), .Hz))
        XCTAssertEqual(r.fuseThresholdA, P1Phases(200, 200, 200))
    }

    func testEveryFixtureParsesEveryLine() {
        for name in P1Fixtures.all {
            let t = P1Fixtures.telegram(name)
            XCTAssertEqual(t.ignoredLines, 0, name)
            XCTAssertTrue(t.isValid, name)
            XCTAssertGreaterThan(t.objects.count, 7, name)
        }
    }

    // MARK: generic lines

    func testUnknownCodesAreKept() {
        let t = P1Fixtures.parse("/XYZ5 test\r\n\r\n1-0:99.1.0(12.5*kWh)\r\n0-0:96.99.9(ABC)\r\n1-0:150.7.0(1)(2)(3*V)\r\n9-9:1.2.3(230101000000W)(7.5*l)\r\n!\r\n")
        XCTAssertEqual(t.objects.map(\.obis.description), ["1-0:99.1.0", "0-0:96.99.9", "1-0:150.7.0", "9-9:1.2.3"])
        XCTAssertEqual(t.objects[0].value, .number(P1Number(mantissa: 125, scale: 1), .kWh))
        XCTAssertEqual(t.objects[1].value, .text("ABC"))
        XCTAssertEqual(t.objects[2].value, .groups([P1Group(text: "1"), P1Group(text: "2"), P1Group(text: "3", unit: .V)]))
        guard case .timed(let ts, let n, let u) = t.objects[3].value else { return XCTFail("timed") }
        XCTAssertEqual(ts?.date, P1Fixtures.date("2023-01-01T00:00:00+01:00"))
        XCTAssertEqual(n?.double, 7.5)
        XCTAssertEqual(u, .other("l"))
    }

    func testMalformedLinesAreCountedNotFatal() {
        let t = P1Fixtures.parse("/ABC5\r\n\r\nhello\r\n1-0:1.8.1\r\n(orphan)\r\n1-0:1.8.1(000001.500*kWh\r\n1-0:1.8.999(1)\r\n1-0:2.8.1(xx*kWh)\r\n!\r\n")
        // "hello", "1-0:1.8.1" without a group, the orphan "(" line and the code out of range.
        XCTAssertEqual(t.ignoredLines, 4)
        XCTAssertEqual(t.reading.importKWh[0], 1.5)                 // missing ")" read to line end
        XCTAssertEqual(t.objects.last?.value, .text("xx*kWh"))       // not a number: kept as text
        XCTAssertNil(t.reading.exportKWh[0])
    }

    func testEmptyHistoryForms() {
        // The last: a Belgian meter with no month yet (an empty value group after the ids).
        for line in ["0-0:98.1.0()", "0-0:98.1.0(0)(1-0:1.6.0)(1-0:1.6.0)", "0-0:98.1.0(0)(1-0:1.6.0)(1-0:1.6.0)()"] {
            let t = P1Fixtures.parse("/FLU5\\x\r\n\r\n\(line)\r\n!\r\n")
            XCTAssertEqual(t.reading.peakHistory, [], line)
            XCTAssertEqual(t.value("0-0:98.1.0"), .peakHistory([]), line)
        }
        // A count of 0 followed by something that is not an empty placeholder is not a history.
        let t = P1Fixtures.parse("/FLU5\\x\r\n\r\n0-0:98.1.0(0)(1-0:1.6.0)(1-0:1.6.0)(7)\r\n!\r\n")
        XCTAssertNil(t.reading.peakHistory)
    }

    func testThirteenMonthHistory() {
        var line = "0-0:98.1.0(13)(1-0:1.6.0)(1-0:1.6.0)"
        for m in 0..<13 {
            let y = 22 + (m + 10) / 12, mo = (m + 10) % 12 + 1
            line += String(format: "(%02d%02d01000000W)(%02d%02d15180000W)(%02d.%03d*kW)", y, mo, y, mo, m, m * 7)
        }
        let r = P1Fixtures.parse("/FLU5\\x\r\n\r\n\(line)\r\n!\r\n").reading
        XCTAssertEqual(r.peakHistory?.count, 13)
        XCTAssertEqual(r.peakHistory?.last?.kw.double, 12.084)
        XCTAssertEqual(r.peakHistory?.first?.start?.meterText, "221101000000W")
    }

    func testCRCRequiredByVersion() {
        let v5 = P1Fixtures.parse("/ISK5\\2M550T-1012\r\n\r\n1-3:0.2.8(50)\r\n1-0:1.8.1(000001.000*kWh)\r\n!\r\n")
        XCTAssertTrue(v5.crcRequired)
        XCTAssertFalse(v5.isValid)                                   // "!" without CRC on DSMR 5
        let be = P1Fixtures.parse("/FLU5\\x\r\n\r\n0-0:96.1.4(50217)\r\n!\r\n")
        XCTAssertFalse(be.isValid)
    }

    func testNumbers() {
        func n(_ s: String) -> P1Number? { Array(s.utf8).withUnsafeBytes { P1Number.parse($0, from: 0, to: $0.count) } }
        XCTAssertEqual(n("000301.548"), P1Number(mantissa: 301548, scale: 3))
        XCTAssertEqual(n("000301.548")?.description, "301.548")
        XCTAssertEqual(n("000.00")?.description, "0.00")
        XCTAssertEqual(n("0")?.description, "0")
        XCTAssertEqual(n("-1.5")?.double, -1.5)
        XCTAssertEqual(n("00052185.7825309")?.description, "52185.7825309")
        XCTAssertEqual(n(".5")?.description, "0.5")
        XCTAssertNil(n("5."))
        XCTAssertNil(n(""))
        XCTAssertNil(n("1.2.3"))
        XCTAssertNil(n("1234567890123456789"))                      // 19 digits: kept as text
        XCTAssertEqual(n("0000000000000000000001")?.double, 1)       // leading zeros are free
    }
}
