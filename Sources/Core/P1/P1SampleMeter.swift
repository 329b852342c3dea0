import Foundation

/// A deterministic virtual meter for samples, tests and benchmarks: a three-phase household
/// with a car on L1-L3 part of the time and PV exporting on L3 around noon, gas on channel 1,
/// and 13 months of peak history. `state(at:)` depends only on the index, so runs repeat.
public struct P1SampleMeter: Sendable {
    public var start: Date
    public var intervalS: Double

    public init(start: Date = Date(timeIntervalSince1970: 1_698_922_800), intervalS: Double = 1) {
        self.start = start; self.intervalS = intervalS
    }

    public func state(at k: Int) -> P1MeterState {
        let t = start.addingTimeInterval(Double(k) * intervalS)
        var s = P1MeterState(time: t)
        s.equipmentId = "1SAG3100721326"
        let phase = Double(k % 600) / 600 * 2 * Double.pi
        let base = PhaseValues(420 + 180 * sin(phase), 260 + 90 * cos(phase), 310)
        let car: Double = (k / 300) % 2 == 0 ? 3680 : 0            // 16 A per line, on and off every 5 min
        let pv = max(0, 2400 * sin(phase / 2))                      // export on L3
        let signed = PhaseValues(base.l1 + car, base.l2 + car, base.l3 + car - pv)
        let v = PhaseValues(231.4 + sin(phase), 229.8, 232.6 - cos(phase))
        s.setLines(signedPowerW: signed, voltage: v)
        let hours = Double(k) * intervalS / 3600
        s.importKWh = [4321.125 + hours * 4.2, 3210.5 + hours * 1.1]
        s.exportKWh = [812.25 + hours * 0.6, 95.5]
        s.tariff = (k / 3600) % 2 == 0 ? 1 : 2
        s.quarterAverageKW = min(max(signed.sum / 1000, 0), 99)
        s.monthPeakKW = 6.432
        s.monthPeakTime = Date(timeIntervalSince1970: 1_698_832_800)   // 2023-11-01 11:00 local
        var history: [P1HistoryMonth] = []
        var month = (year: 2022, month: 11)
        for i in 0..<13 {
            let startTS = P1Timestamp(year: month.year, month: month.month, day: 1, hour: 0, minute: 0, second: 0, season: .unspecified)
            let start = startTS.date!
            let empty = i == 0
            history.append(P1HistoryMonth(start: start, peakTime: empty ? nil : start.addingTimeInterval(-86400 * 9 + 3600 * 6),
                                          kw: empty ? 0 : 3.5 + Double(i % 5) * 0.75))
            month.month += 1
            if month.month == 13 { month = (month.year + 1, 1) }
        }
        s.history = history
        s.gas = P1GasReading(time: Date(timeIntervalSince1970: (t.timeIntervalSince1970 / 300).rounded(.down) * 300),
                             m3: 2345.678 + hours * 0.35, equipmentId: "7FLO2123088027")
        return s
    }
}
