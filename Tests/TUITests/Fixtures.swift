import Foundation
import KwartierCore
@testable import KwartierTUI

/// A small hand-made snapshot with known values (independent of the preview generator).
enum Fixture {
    static let t0 = Date(timeIntervalSince1970: 1_741_784_580)

    static func point(_ n: Int, state: PointState = .charging, mode: ChargeMode = .auto, priority: Int = 0,
                      manualA: Double? = nil, setpoint: Double = 10, powerW: Double = 6900) -> PointView {
        PointView(id: String(format: "cp%02d", n), name: "Visitor \(n)", state: state, mode: mode, priority: priority,
                  manualA: manualA, phasesInUse: 3, currents: .all(setpoint), powerW: powerW, setpointA: setpoint,
                  sessionKWh: 4.2, explanation: "board garage L2 31.6/32 A", board: "garage", minA: 6, maxA: 16)
    }

    static func snapshot(points n: Int = 4, slider: Double = 9.0) -> SiteSnapshot {
        var s = SiteSnapshot(time: t0, siteName: "Test site", sliderKW: slider,
                             grid: GridView(powerW: 5100, currents: PhaseValues(21, 18, 19), ageS: 1.2, stale: false,
                                            telegrams: 100, crcFailures: 2),
                             houseW: 1400, chargeParkW: Double(n) * 6900)
        s.points = (1...max(1, n)).map { point($0) }
        s.relays = [RelayView(id: "heatpump", kind: "sg-ready", state: "Normal", override: .auto, outputs: [false, false],
                              powerW: 1200, reason: "no surplus"),
                    RelayView(id: "boiler", kind: "switch", state: "off", override: .auto, outputs: [false], powerW: 0,
                              reason: "surplus below 2.5 kW")]
        s.levels = [LevelView(id: "grid", parent: nil, depth: 1, currents: PhaseValues(21, 18, 19), limitA: 35, meter: "p1"),
                    LevelView(id: "garage", parent: "grid", depth: 2, currents: PhaseValues(20, 31.6, 12), limitA: 32, meter: "garage-meter")]
        s.quarter = QuarterStatus(start: t0.addingTimeInterval(-180), end: t0.addingTimeInterval(720), importedKWh: 0.3,
                                  averageKW: 6.4, forecastKW: 8.7, allowedKW: 10.2, targetKW: slider, monthPeakKW: 9.8)
        s.devices = [DeviceHealth(id: "p1", description: "P1", status: .ok, bus: "p1"),
                     DeviceHealth(id: "cp01", description: "ABB", status: .ok, txBytes: 100, rxBytes: 200, bus: "rs485")]
        return s
    }
}
