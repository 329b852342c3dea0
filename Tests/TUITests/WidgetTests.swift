import XCTest
import KwartierCore
@testable import KwartierTUI

final class WidgetTests: XCTestCase {
    func testBarASCIIRoundsToWholeCells() {
        var c = Canvas(width: 10, height: 1, glyphs: .ascii)
        Bar.draw(&c, x: 0, y: 0, width: 10, value: 16, limit: 32)
        XCTAssertEqual(c.line(0), "#####.....")
        XCTAssertEqual(c[0, 0].role, .barOK)
        XCTAssertEqual(c[9, 0].role, .barEmpty)
    }

    func testBarUTF8UsesEighthBlocksForTheLastCell() {
        var c = Canvas(width: 10, height: 1, glyphs: .utf8)
        Bar.draw(&c, x: 0, y: 0, width: 10, value: 3.3, limit: 10)   // 3.3 cells: 3 full + 2/8
        XCTAssertEqual(c.line(0), "███▎░░░░░░")
    }

    func testBarRoleFollowsTheLoad() {
        XCTAssertEqual(Bar.role(0.5), .barOK)
        XCTAssertEqual(Bar.role(0.8), .barWarn)
        XCTAssertEqual(Bar.role(0.94), .barWarn)
        XCTAssertEqual(Bar.role(0.95), .barCrit)
        var c = Canvas(width: 4, height: 1, glyphs: .ascii)
        Bar.draw(&c, x: 0, y: 0, width: 4, value: 40, limit: 32)      // over the limit: full, crit
        XCTAssertEqual(c.line(0), "####")
        XCTAssertEqual(c[3, 0].role, .barCrit)
    }

    func testLabelledPhaseBar() {
        var c = Canvas(width: 26, height: 1, glyphs: .ascii)
        Bar.labelled(&c, x: 0, y: 0, label: "L2", barWidth: 10, value: 31.6, limit: 32, clip: c.bounds)
        XCTAssertEqual(c.line(0), "L2 ########## 31.6/32     ")
        XCTAssertEqual(c[3, 0].role, .barCrit)        // 31.6/32 = 0.9875
        XCTAssertEqual(c[15, 0].role, .value)
    }

    func quarter(avg: Double, forecast: Double, peak: Double) -> QuarterStatus {
        let t0 = Date(timeIntervalSince1970: 1_741_784_400)
        return QuarterStatus(start: t0, end: t0.addingTimeInterval(900), importedKWh: 1, averageKW: avg, forecastKW: forecast,
                             allowedKW: 10.2, targetKW: 22, monthPeakKW: peak, monthPeakTime: nil)
    }

    func testSliderScaleIsANiceStepAboveEverything() {
        XCTAssertEqual(SliderWidget.scaleMax(slider: 22, quarter: quarter(avg: 18.8, forecast: 21, peak: 23.4)), 30)
        XCTAssertEqual(SliderWidget.scaleMax(slider: 9, quarter: nil), 15)
        XCTAssertEqual(SliderWidget.scaleMax(slider: 3, quarter: nil), 5)
        XCTAssertEqual(SliderWidget.scaleMax(slider: 2000, quarter: nil), 3000)
    }

    func testSliderTrackShowsAverageForecastSliderAndPeak() {
        var c = Canvas(width: 30, height: 1, glyphs: .ascii)
        SliderWidget.track(&c, x: 0, y: 0, width: 30, slider: 22, quarter: quarter(avg: 15, forecast: 21, peak: 24), scale: 30)
        XCTAssertEqual(c.line(0), "###############======.|.*.....")
        XCTAssertEqual(c[0, 0].role, .sliderAverage)
        XCTAssertEqual(c[15, 0].role, .sliderForecast)
        XCTAssertEqual(c[22, 0].role, .sliderMarker)
        XCTAssertEqual(c[24, 0].role, .peakMarker)
    }

    func testSliderTrackMarksForecastBeyondTheSliderAsOver() {
        var c = Canvas(width: 30, height: 1, glyphs: .utf8)
        SliderWidget.track(&c, x: 0, y: 0, width: 30, slider: 20, quarter: quarter(avg: 10, forecast: 25, peak: 0), scale: 30)
        XCTAssertEqual(c.line(0), "██████████▒▒▒▒▒▒▒▒▒▒┃▒▒▒▒░░░░░")
        XCTAssertEqual(c[19, 0].role, .sliderForecast)
        XCTAssertEqual(c[21, 0].role, .sliderOver)
        XCTAssertEqual(c[24, 0].role, .sliderOver)
        XCTAssertEqual(c[25, 0].role, .sliderTrack)
    }

    func testSliderControlTwoRows() {
        var c = Canvas(width: 78, height: 2, glyphs: .ascii)
        var q = quarter(avg: 18.8, forecast: 21, peak: 23.4)
        q.allowedKW = 22.8
        SliderWidget.draw(&c, c.bounds, slider: 22, quarter: q)
        XCTAssertEqual(c.line(0), "Slider  22.0 kW [#################################====..|..*...........] 30 kW")
        XCTAssertEqual(c.text(in: Rect(x: 0, y: 1, w: 78, h: 1)), "avg 18.8 kW  forecast 21.0 kW  allowed 22.8 kW  peak 23.4 kW")
    }

    func testFlowDiagramImportASCII() {
        var c = Canvas(width: 78, height: 3, glyphs: .ascii)
        let v = FlowDiagram.Values(pvW: 4300, gridW: 21600, batteryW: -1100, batterySoC: 63.4, houseW: 1600,
                                   heatPumpW: 1200, chargeParkW: 21900)
        FlowDiagram.draw(&c, c.bounds, v)
        XCTAssertEqual(c.text(), """
        PV              4.3 kW ----->-----+        +----->----- House           1.6 kW
        Grid import    21.6 kW ----->-----+- site -+----->----- Heat pump       1.2 kW
        Battery 63%     1.1 kW ----->-----+        +----->----- Charge park    21.9 kW
        """)
        XCTAssertEqual(c[0, 1].role, .flowImport)
        XCTAssertEqual(c[28, 1].role, .flowImport)
    }

    func testFlowDiagramExportChargingBatteryAndMissingMetersUTF8() {
        var c = Canvas(width: 78, height: 3, glyphs: .utf8)
        let v = FlowDiagram.Values(pvW: 6000, gridW: -2500, batteryW: 1500, batterySoC: 80, houseW: 2000,
                                   heatPumpW: nil, chargeParkW: 0)
        FlowDiagram.draw(&c, c.bounds, v)
        XCTAssertEqual(c.text(), """
        PV              6.0 kW ─────▶─────┐        ┌─────▶───── House           2.0 kW
        Grid export     2.5 kW ─────◀─────┼─ site ─┼          ─ Heat pump       n/a
        Battery 80%     1.5 kW ─────◀─────┘        └─────────── Charge park     0.0 kW
        """)
        XCTAssertEqual(c[0, 1].role, .flowExport)
        XCTAssertEqual(c[56, 1].role, .dim)
        XCTAssertEqual(c[50, 2].role, .flowIdle)
    }

    func testFlowDiagramNarrowFallsBackToAList() {
        var c = Canvas(width: 30, height: 6, glyphs: .ascii)
        let v = FlowDiagram.Values(pvW: nil, gridW: 3000, batteryW: nil, batterySoC: nil, houseW: 3000, heatPumpW: nil, chargeParkW: 0)
        FlowDiagram.draw(&c, c.bounds, v)
        XCTAssertEqual(c.line(1), "Grid import     3.0 kW >      ")
        XCTAssertEqual(c.line(0), "PV              n/a           ")
    }

    func testTableWidthsHeaderSelectionAndScroll() {
        let t = Table(columns: [Table.Column("", 1), Table.Column("Name", 6), Table.Column("kW", 5, .right),
                                Table.Column("Why", 4, flex: true)],
                      rows: (1...5).map { Table.Row(["", "cp\($0)", "\($0).0", "reason \($0)"]) }, selected: 3)
        XCTAssertEqual(t.widths(30), [1, 6, 5, 15])
        XCTAssertEqual(t.widths(12), [1, 6, 3, 0])
        var c = Canvas(width: 30, height: 3, glyphs: .ascii)
        let top = t.draw(&c, c.bounds, top: 0)
        XCTAssertEqual(top, 2)                        // 2 visible rows, row 3 selected
        XCTAssertEqual(c.text(), "  Name      kW Why\n  cp3      3.0 reason 3\n  cp4      4.0 reason 4")
        XCTAssertEqual(c[0, 0].role, .header)
        XCTAssertEqual(c[29, 2].role, .selected)
        XCTAssertEqual(c[29, 1].role, .normal)
    }

    func testScrollTopKeepsTheSelectionVisibleWithoutJumping() {
        XCTAssertEqual(Table.scrollTop(selected: 5, current: 0, visible: 10, count: 20), 0)
        XCTAssertEqual(Table.scrollTop(selected: 12, current: 0, visible: 10, count: 20), 3)
        XCTAssertEqual(Table.scrollTop(selected: 4, current: 3, visible: 10, count: 20), 3)
        XCTAssertEqual(Table.scrollTop(selected: 2, current: 3, visible: 10, count: 20), 2)
        XCTAssertEqual(Table.scrollTop(selected: nil, current: 15, visible: 10, count: 20), 10)
    }

    func testLightsAndSparkline() {
        var c = Canvas(width: 20, height: 2, glyphs: .utf8)
        var x = Light.draw(&c, x: 0, y: 0, label: "TX", .on, clip: c.bounds)
        x = Light.draw(&c, x: x + 1, y: 0, label: "RX", .off, clip: c.bounds)
        XCTAssertEqual(c.line(0), "TX ● RX ○           ")
        XCTAssertEqual(c[3, 0].role, .lightOn)
        XCTAssertEqual(c[8, 0].role, .lightOff)
        Sparkline.draw(&c, x: 0, y: 1, width: 6, values: [0, 10, 20, 30, 40], scale: 40, limit: 25)
        XCTAssertEqual(c.text(in: Rect(x: 0, y: 1, w: 6, h: 1)), " ▁▃▅▇█")
        XCTAssertEqual(c[4, 1].role, .sliderOver)
        XCTAssertEqual(c[3, 1].role, .sliderAverage)
    }

    func testFormatting() {
        XCTAssertEqual(Fmt.kW(21_649), "21.6")
        XCTAssertEqual(Fmt.kW(-2_550), "-2.5")
        XCTAssertEqual(Fmt.bytes(123_456), "123k")
        XCTAssertEqual(Fmt.lpad("9", 3), "  9")
        // A value that rounds to zero has no sign (meter noise around 0 A would flicker "-0.0").
        XCTAssertEqual(Fmt.amps(-0.04), "0.0")
        XCTAssertEqual(Fmt.kW(-49), "0.0")
        XCTAssertEqual(Fmt.ampsInt(-0.4), "0")
        XCTAssertEqual(Fmt.amps(-0.05001), "-0.1")
        XCTAssertEqual(Fmt.kWv(-10), "-10.0")
    }
}
