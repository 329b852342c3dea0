import XCTest
@testable import KwartierCore

final class P1GridTests: XCTestCase {
    let host = Date(timeIntervalSince1970: 1_700_000_000)

    func testEMUCSToGridMeasurement() {
        let g = P1Fixtures.telegram("emucs171_fluvius_alt.txt").reading.gridMeasurement(hostTime: host)
        XCTAssertEqual(g.meterTime, P1Fixtures.date("2023-11-02T12:15:48+01:00"))
        XCTAssertEqual(g.meter.powerW, 338, accuracy: 1e-9)
        XCTAssertEqual(g.meter.powers!.l1, 47, accuracy: 1e-9)
        XCTAssertEqual(g.meter.powers!.l2, 179, accuracy: 1e-9)
        XCTAssertEqual(g.meter.powers!.l3, 111, accuracy: 1e-9)
        XCTAssertEqual(g.meter.currents, PhaseValues(0.27, 0.88, 0.52))     // sent currents exceed |P|/V
        XCTAssertEqual(g.meter.voltages, PhaseValues(232.9, 228.1, 228.1))
        XCTAssertEqual(g.meter.importKWh!, 571.562, accuracy: 1e-9)
        XCTAssertEqual(g.meter.exportKWh!, 0.005, accuracy: 1e-12)
        XCTAssertEqual(g.quarterAverageKW, 0.052)
        XCTAssertEqual(g.monthPeakKW, 3.064)
        XCTAssertEqual(g.monthPeakTime, P1Fixtures.date("2023-11-02T11:45:00+01:00"))
    }

    /// Iskra IE exports 10 W more than it imports on every line: negative currents and powers.
    func testExportingLinesGetNegativeCurrents() {
        let g = P1Fixtures.telegram("iskra_ie.txt").reading.gridMeasurement(hostTime: host)
        XCTAssertEqual(g.meter.currents.l1, -10 / 242.5, accuracy: 1e-9)
        XCTAssertEqual(g.meter.currents.l2, -10 / 241.7, accuracy: 1e-9)
        XCTAssertEqual(g.meter.currents.l3, -10 / 243.3, accuracy: 1e-9)
        XCTAssertEqual(g.meter.powerW, -100, accuracy: 1e-9)                 // 1.7.0 0.170 - 2.7.0 0.270
        XCTAssertEqual(g.meter.powers!.l1, -10, accuracy: 1e-9)
    }

    /// DSMR 5 sends whole amperes: 0 A with 56 W on L1 becomes |P|/V.
    func testWholeAmperesRefinedByPower() {
        let g = P1Fixtures.telegram("dsmr50_two_mbus.txt").reading.gridMeasurement(hostTime: host)
        XCTAssertEqual(g.meter.currents.l1, 56 / 229.9, accuracy: 1e-9)
        XCTAssertEqual(g.meter.currents.l2, 0)
        XCTAssertEqual(g.meter.currents.l3, 1)                              // 55 W / 222.9 V < 1 A sent
    }

    /// Sagemcom T210-D: W / Wh normalised; totals used for energy.
    func testWattUnits() {
        let g = P1Fixtures.telegram("sagemcom_t210dr.txt").reading.gridMeasurement(hostTime: host)
        XCTAssertEqual(g.meter.powerW, 286, accuracy: 1e-9)
        XCTAssertEqual(g.meter.importKWh, 6545.766)
        XCTAssertEqual(g.meter.exportKWh, 0.058)
        XCTAssertNil(g.meter.powers)
        XCTAssertEqual(g.meter.currents, .all(286.0 / 230.0))                // only a total: on every line
        XCTAssertEqual(g.meterTime, P1Fixtures.date("2022-10-06T15:50:14+02:00"))
    }

    /// DSMR 4 without per-line power: three lines count as import even when the total exports.
    func testDSMR4WithoutLinePowerIsConservative() {
        let text = "/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n0-0:1.0.0(161113205757W)\r\n1-0:1.7.0(00.000*kW)\r\n1-0:2.7.0(01.500*kW)\r\n1-0:31.7.0(004*A)\r\n1-0:51.7.0(003*A)\r\n1-0:71.7.0(001*A)\r\n!\r\n"
        let g = P1Fixtures.parse(text).reading.gridMeasurement(hostTime: host)
        XCTAssertEqual(g.meter.currents, PhaseValues(4, 3, 1))
        XCTAssertNil(g.meter.powers)
        XCTAssertEqual(g.meter.powerW, -1500, accuracy: 1e-9)
        XCTAssertNil(g.meter.voltages)
    }

    /// A single-line meter takes the sign of the total.
    func testSingleLineMeterSignFromTotal() {
        let text = "/XMX5LGBBFG1012463588\r\n\r\n1-3:0.2.8(42)\r\n1-0:1.7.0(00.000*kW)\r\n1-0:2.7.0(01.150*kW)\r\n1-0:31.7.0(005*A)\r\n1-0:32.7.0(230.0*V)\r\n!\r\n"
        let g = P1Fixtures.parse(text).reading.gridMeasurement(hostTime: host)
        XCTAssertEqual(g.meter.currents, PhaseValues(-5, 0, 0))
        XCTAssertEqual(g.meter.voltages, PhaseValues(230, 0, 0))
    }

    /// DSMR 2.2: only the total; import put on every line, no meter clock.
    func testDSMR22TotalsOnly() {
        let g = P1Fixtures.telegram("dsmr22_iskra_mt382.txt").reading.gridMeasurement(hostTime: host)
        XCTAssertEqual(g.meter.currents, .all(1010.0 / 230.0))
        XCTAssertEqual(g.meter.powerW, 1010, accuracy: 1e-9)
        XCTAssertEqual(g.meterTime, host)
        XCTAssertEqual(g.meter.importKWh!, 2.002, accuracy: 1e-12)
        XCTAssertNil(g.quarterAverageKW)
    }

    /// EasyMeter: per-line power, no currents: I = P / nominal V.
    func testEasyMeterCurrentsFromPower() {
        let g = P1Fixtures.telegram("esy_q3da1004.txt").reading.gridMeasurement(hostTime: host)
        XCTAssertEqual(g.meter.currents.l1, 557.29 / 230, accuracy: 1e-9)
        XCTAssertEqual(g.meter.powerW, 1688.21, accuracy: 1e-9)
        XCTAssertEqual(g.meter.importKWh, 32549.5061662)
    }
}
