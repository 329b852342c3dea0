import XCTest
@testable import KwartierCore

final class P1EncoderTests: XCTestCase {
    func decode(_ bytes: [UInt8]) -> P1Telegram {
        var f = P1Framer()
        let frames = f.push(bytes)
        XCTAssertEqual(frames.count, 1)
        XCTAssertEqual(frames.first?.crc, .ok)
        return P1Parser.parse(frames[0])
    }

    /// The values of the real e-MUCS ALT telegram, encoded, give that telegram byte for byte
    /// (minus its water channel, which the encoder does not write).
    func testReproducesRealEMUCSTelegram() {
        let d = P1Fixtures.date
        var s = P1MeterState(time: d("2023-11-02T12:15:48+01:00"))
        s.equipmentId = "1SAG3100721326"
        s.importKWh = [301.548, 270.014]
        s.exportKWh = [0.005, 0]
        s.tariff = 1
        s.quarterAverageKW = 0.052
        s.monthPeakKW = 3.064
        s.monthPeakTime = d("2023-11-02T11:45:00+01:00")
        s.history = [
            P1HistoryMonth(start: d("2023-08-01T00:00:00+02:00"), peakTime: nil, kw: 0),
            P1HistoryMonth(start: d("2023-09-01T00:00:00+02:00"), peakTime: d("2023-08-31T18:15:00+02:00"), kw: 1.862),
            P1HistoryMonth(start: d("2023-10-01T00:00:00+02:00"), peakTime: d("2023-09-10T18:30:00+02:00"), kw: 4.229),
            P1HistoryMonth(start: d("2023-11-01T00:00:00+01:00"), peakTime: d("2023-10-16T13:00:00+02:00"), kw: 4.927),
        ]
        s.totalImportKW = 0.338
        s.totalExportKW = 0
        s.powerImportKW = PhaseValues(0.047, 0.179, 0.111)
        s.voltage = PhaseValues(232.9, 228.1, 228.1)
        s.current = PhaseValues(0.27, 0.88, 0.52)
        s.gas = P1GasReading(time: d("2023-11-02T12:10:02+01:00"), m3: 92.287, equipmentId: "7FLO2123088027")
        let got = TelegramEncoder(style: .emucs).encode(s)

        var lines = String(decoding: P1Fixtures.bytes("emucs171_fluvius_alt.txt"), as: UTF8.self)
            .components(separatedBy: "\r\n").filter { !$0.hasPrefix("0-2:") }
        lines.removeLast(2)                                   // "!C4B0" and the empty tail
        let expected = withCRC(lines.joined(separator: "\r\n") + "\r\n!")
        XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: expected, as: UTF8.self))
    }

    func testEMUCSRoundTrip() {
        let sample = P1SampleMeter()
        for k in [0, 17, 299, 300, 3601] {
            let s = sample.state(at: k)
            let t = decode(TelegramEncoder(style: .emucs).encode(s))
            let r = t.reading
            XCTAssertEqual(r.time?.date, Date(timeIntervalSince1970: s.time.timeIntervalSince1970.rounded(.down)))
            XCTAssertEqual(r.importKWh[0]!, s.importKWh[0], accuracy: 0.0005)
            XCTAssertEqual(r.importKWh[1]!, s.importKWh[1], accuracy: 0.0005)
            XCTAssertEqual(r.exportKWh[0]!, s.exportKWh[0], accuracy: 0.0005)
            XCTAssertEqual(r.tariff, s.tariff)
            for ph in Phase.allCases {
                let i = ph.rawValue
                XCTAssertEqual(r.voltage[i]!, s.voltage[ph], accuracy: 0.05)
                XCTAssertEqual(r.current[i]!, s.current[ph], accuracy: 0.005)
                XCTAssertEqual(r.powerImportPhaseKW[i]!, s.powerImportKW[ph], accuracy: 0.0005)
                XCTAssertEqual(r.powerExportPhaseKW[i]!, s.powerExportKW[ph], accuracy: 0.0005)
            }
            XCTAssertEqual(r.quarterAverageKW!, s.quarterAverageKW, accuracy: 0.0005)
            XCTAssertEqual(r.monthPeakKW, 6.432)
            XCTAssertEqual(r.monthPeakTime?.date, s.monthPeakTime)
            XCTAssertEqual(r.peakHistory?.count, 13)
            XCTAssertNil(r.peakHistory?.first?.peakTime?.date)        // the empty month
            XCTAssertEqual(r.peakHistory?.map { $0.start?.date }, s.history.map { $0.start })
            XCTAssertEqual(r.gas?.value ?? 0, s.gas!.m3, accuracy: 0.0005)
            XCTAssertEqual(r.gas?.readingOBIS, OBISCode(0, 1, 24, 2, 3))
            XCTAssertEqual(r.gas?.time?.date, s.gas!.time)
            // The measurement the core would see: signed per line.
            let g = r.gridMeasurement(hostTime: Date())
            let net = (s.powerImportKW - s.powerExportKW) * 1000
            XCTAssertEqual(g.meter.powerW, (net.sum * 1).rounded(), accuracy: 2)
            for ph in Phase.allCases {
                XCTAssertEqual(g.meter.powers![ph], net[ph], accuracy: 0.5)
                XCTAssertEqual(g.meter.currents[ph].sign, net[ph].sign, "\(k) \(ph)")
            }
        }
    }

    func testDSMR5RoundTrip() {
        var s = P1SampleMeter().state(at: 120)
        s.powerFailures = 3
        let bytes = TelegramEncoder(style: .dsmr5).encode(s)
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("/ISK5\\2M550T-1012\r\n\r\n1-3:0.2.8(50)\r\n0-0:1.0.0("))
        XCTAssertFalse(text.contains("1-0:1.4.0"))
        let t = decode(bytes)
        XCTAssertTrue(t.crcRequired)
        XCTAssertEqual(t.reading.version, "50")
        XCTAssertEqual(t.reading.powerFailures, 3)
        XCTAssertEqual(t.reading.powerFailureLog, [])
        XCTAssertEqual(t.reading.current.l1, s.current.l1.rounded())        // whole amperes
        XCTAssertEqual(t.reading.gas?.readingOBIS, OBISCode(0, 1, 24, 2, 1))
        XCTAssertEqual(t.reading.gas?.value ?? 0, s.gas!.m3, accuracy: 0.0005)
        XCTAssertEqual(t.reading.equipmentId, TelegramEncoder.hex("1SAG3100721326"))
    }

    func testHistoryIsClippedToThirteenMonths() {
        var s = P1MeterState(time: Date(timeIntervalSince1970: 1_700_000_000))
        s.history = (0..<20).map { P1HistoryMonth(start: Date(timeIntervalSince1970: Double($0) * 2_678_400), peakTime: nil, kw: Double($0)) }
        let r = decode(TelegramEncoder(style: .emucs).encode(s)).reading
        XCTAssertEqual(r.peakHistory?.map { $0.kw.double }, (7..<20).map(Double.init))
        s.history = []
        let empty = decode(TelegramEncoder(style: .emucs).encode(s))
        XCTAssertEqual(empty.reading.peakHistory, [])
        XCTAssertEqual(empty.reading.monthPeakTime?.meterText, TelegramEncoder.placeholderTime)
        XCTAssertNil(empty.reading.gas)
    }

    func testSetLinesFromSignedPower() {
        var s = P1MeterState(time: Date())
        s.setLines(signedPowerW: PhaseValues(2300, -1150, 0), voltage: .all(230))
        XCTAssertEqual(s.powerImportKW, PhaseValues(2.3, 0, 0))
        XCTAssertEqual(s.powerExportKW, PhaseValues(0, 1.15, 0))
        XCTAssertEqual(s.current, PhaseValues(10, 5, 0))
    }

    func testFixedWidthFormatting() {
        XCTAssertEqual(TelegramEncoder.fixed(301.5484, 6, 3), "000301.548")
        XCTAssertEqual(TelegramEncoder.fixed(0.0005, 2, 3), "00.001")           // half away from zero
        XCTAssertEqual(TelegramEncoder.fixed(-3, 2, 3), "00.000")
        XCTAssertEqual(TelegramEncoder.fixed(.nan, 3, 1), "000.0")
        XCTAssertEqual(TelegramEncoder.fixed(1234.5, 2, 3), "1234.500")         // wider, never wrapped
        XCTAssertEqual(TelegramEncoder.fixed(7, 4, 0), "0007")
        XCTAssertEqual(TelegramEncoder.hex("1SAG"), "31534147")
    }
}
