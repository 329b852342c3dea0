import Foundation

/// Quarter-hour boundaries on the meter's clock, read on the site's wall clock (SPEC §3.2).
///
/// A quarter starts at :00, :15, :30 or :45 local time and lasts 900 s of real time. The start is
/// found as `t - ((t + utcOffset(t)) mod 900)`, which stays right on DST days: the repeated hour
/// of the autumn change holds four more quarters, the spring day four fewer, none is stretched.
public struct QuarterClock: Sendable {
    public let timeZone: TimeZone
    let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        calendar = c
    }
    public init(identifier: String) {
        self.init(timeZone: TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0)!)
    }

    public func quarterStart(_ t: Date) -> Date {
        let s = t.timeIntervalSince1970
        let local = s + Double(timeZone.secondsFromGMT(for: t))
        let r = local - (local / 900).rounded(.down) * 900
        return Date(timeIntervalSince1970: s - r)
    }

    /// year * 12 + (month - 1) on the wall clock.
    public func monthKey(_ t: Date) -> Int {
        let c = calendar.dateComponents([.year, .month], from: t)
        return (c.year ?? 0) * 12 + (c.month ?? 1) - 1
    }
}

/// Tracks the energy imported in the running quarter from the main meter's samples, closes each
/// quarter into the month peak, and tells how much power the rest of the quarter may draw.
///
/// Energy comes from the meter's import registers when it sends them (exact across gaps and
/// restarts), else from the import power (trapezoid) for gaps up to `maxIntegrationGapS`;
/// longer gaps count as unknown time, assumed at the target. A sample interval that straddles a
/// quarter boundary is split in proportion to time.
public struct QuarterTracker: Sendable {
    public var state: QuarterState
    public let clock: QuarterClock
    public var tunables: ControlTunables
    /// Seconds a lower setpoint takes to show in the import (the longest `ramp_s` of the site's
    /// points): a decision governs the quarter only from then on.
    public var rampS: Double

    public init(state: QuarterState = QuarterState(), clock: QuarterClock, tunables: ControlTunables, rampS: Double = 0) {
        self.state = state; self.clock = clock; self.tunables = tunables; self.rampS = max(0, rampS)
    }

    /// Feeds one main-meter sample (once per telegram; a repeated meter time is ignored).
    public mutating func ingest(_ g: GridMeasurement) {
        let t = g.meterTime
        // A sample with non-finite numbers is not counted (its time still moves the quarter).
        let imp = g.meter.importKWh.flatMap { $0.isFinite ? $0 : nil }
        let p = g.meter.powerW.isFinite ? max(0, g.meter.powerW) : (state.lastPowerW ?? 0)
        guard t.timeIntervalSince1970.isFinite else { return }
        defer {
            if state.start != nil, t >= state.start!, t < state.end! {
                if let q = g.quarterAverageKW, q.isFinite { state.meterAverageKW = q }
                if let mp = g.monthPeakKW, mp.isFinite, let mt = g.monthPeakTime, state.monthKey == clock.monthKey(mt), mp > state.monthPeakKW {
                    state.monthPeakKW = mp; state.monthPeakTime = mt
                }
            }
        }
        guard let last = state.lastTime, let end = state.end else {
            begin(at: clock.quarterStart(t), now: t)
            setLast(t, imp, p)
            return
        }
        if t <= last {
            if t < last.addingTimeInterval(-1) {
                // The meter clock went back: restart the count without integrating.
                if clock.quarterStart(t) != state.start { begin(at: clock.quarterStart(t), now: t) }
                setLast(t, imp, p)
            }
            return
        }
        let dt = t.timeIntervalSince(last)
        var inc: Double? = nil
        if let a = state.lastImportKWh, let b = imp, b >= a, b - a <= dt / 3600 * 100_000 {
            inc = b - a
        } else if dt <= tunables.maxIntegrationGapS {
            inc = ((state.lastPowerW ?? p) + p) / 2 * dt / 3_600_000
        }
        if dt > 4 * 3600 {
            // A long outage: close the old quarter with what is known and start over.
            if t >= end {
                state.unknownS += end.timeIntervalSince(last)
                close()
                begin(at: clock.quarterStart(t), now: t)
            } else {
                state.unknownS += dt
            }
            setLast(t, imp, p)
            return
        }
        var cursor = last
        while cursor < t {
            let qEnd = state.end!
            let segEnd = min(t, qEnd)
            let part = segEnd.timeIntervalSince(cursor)
            if let inc { state.energyKWh += inc * part / dt } else { state.unknownS += part }
            if t >= qEnd {
                close()
                begin(at: qEnd, now: qEnd)
                cursor = qEnd
            } else {
                cursor = t
            }
        }
        setLast(t, imp, p)
    }

    private mutating func setLast(_ t: Date, _ imp: Double?, _ p: Double) {
        state.lastTime = t; state.lastImportKWh = imp; state.lastPowerW = p
        if state.floorEntryLeftS == nil, let end = state.end, end.timeIntervalSince(t) <= tunables.quarterHorizonFloorS + rampS {
            state.floorEntryLeftS = max(0, end.timeIntervalSince(t))
            state.floorEntryKWh = state.energyKWh
            state.floorEntryUnknownS = state.unknownS
        }
    }

    /// Starts the quarter at `start`; time before `now` in it is unknown.
    private mutating func begin(at start: Date, now: Date) {
        state.start = start
        state.end = start.addingTimeInterval(900)
        state.energyKWh = 0
        state.unknownS = max(0, now.timeIntervalSince(start))
        state.meterAverageKW = nil
        state.floorEntryLeftS = nil; state.floorEntryKWh = nil; state.floorEntryUnknownS = nil
        let key = clock.monthKey(start)
        if state.monthKey != key {
            state.monthKey = key
            state.monthPeakKW = 0
            state.monthPeakTime = nil
        }
    }

    /// Closes the running quarter: its average goes to the history and the month peak.
    private mutating func close() {
        guard let start = state.start else { return }
        var avg = state.energyKWh / 0.25
        if state.unknownS > 1, let m = state.meterAverageKW {
            // Part of the quarter was not seen: the meter's own figure is the better one.
            avg = max(avg, m)
        }
        state.history.append(QuarterRecord(start: start, averageKW: avg))
        if state.history.count > tunables.historyQuarters { state.history.removeFirst(state.history.count - tunables.historyQuarters) }
        if state.monthKey == clock.monthKey(start), avg > state.monthPeakKW {
            state.monthPeakKW = avg
            state.monthPeakTime = start
        }
    }

    /// The target in force: the slider, or with `follow_month_peak` the month's peak so far (and
    /// the billed floor) when higher.
    public func target(sliderKW: Double) -> Double {
        tunables.followMonthPeak ? max(sliderKW, state.monthPeakKW, tunables.billedFloorKW) : sliderKW
    }

    /// The quarter as seen at the last sample, with the power allowed for the rest of it and the
    /// seconds that power holds for (the time left, or what is left after the ramp).
    public func status(sliderKW: Double, importPowerW: Double) -> (QuarterStatus, crossCheck: String?, horizonS: Double)? {
        guard let start = state.start, let end = state.end, let t = state.lastTime else { return nil }
        let target = target(sliderKW: sliderKW)
        let elapsed = max(0, t.timeIntervalSince(start))
        let left = max(0, end.timeIntervalSince(t))
        var energy = state.energyKWh
        var meterEnergy: Double? = nil
        if let m = state.meterAverageKW {
            switch tunables.quarterAverageMeaning {
            case .energySoFarOverQuarter: meterEnergy = m * 0.25
            case .averageSoFar: meterEnergy = m * elapsed / 3600
            }
        }
        var unknown = state.unknownS
        var note: String? = nil
        if unknown > 1, let me = meterEnergy {
            energy = me; unknown = 0
        } else if let me = meterEnergy, elapsed >= 60,
                  abs(me - energy) / 0.25 > tunables.crossCheckToleranceKW {
            note = "meter 1-0:1.4.0 implies \(fmt1(me / 0.25)) kW for the quarter so far, the core counts \(fmt1(energy / 0.25)) kW"
        }
        let assumed = energy + target * unknown / 3600
        // Energy still allowed, spread over the time left but over at least the floor, so the
        // last seconds of a light quarter do not promise megawatts. Inside the floor the seconds
        // that are not left any more are counted as spent at the pace the quarter had when the
        // floor began (the energy left then over the time left then, never above the target): a
        // quarter on its target keeps the target power to its last second instead of collapsing
        // toward 0 (which cut every car at every quarter's end), a quarter that was ahead of its
        // pace does not spend more than it has left (counting the lost seconds at the target
        // did: up to 3 Wh over), and the value stays smooth (no division by the few seconds
        // left, where the energy register's 1 Wh steps would make it jump).
        //
        // A lower setpoint shows in the import only `rampS` later (charger and car): until then
        // the site keeps drawing what it draws now, so the allowed power is that of the time
        // after the ramp, with the energy drawn during the ramp spent first. At a steady import
        // this is the same figure; when the import runs over the pace it is lower, so a car that
        // must stop before the quarter ends is stopped (or held back) a ramp earlier. Never above
        // the figure without the ramp: a car ramping up would draw more than the import shows.
        let floor = tunables.quarterHorizonFloorS
        let remaining = target * 0.25 - assumed
        var pace = target
        if let l0 = state.floorEntryLeftS, let e0 = state.floorEntryKWh, let u0 = state.floorEntryUnknownS, l0 > 0,
           state.unknownS <= 1 || meterEnergy == nil {
            pace = min(target, max(0, (target * 0.25 - (e0 + target * u0 / 3600)) * 3600 / l0))
        }
        func allowedKW(remaining: Double, left: Double) -> Double {
            left >= floor ? remaining * 3600 / left : (remaining + pace * (floor - left) / 3600) * 3600 / floor
        }
        let ramp = min(rampS, left)
        let duringRamp = max(0, importPowerW) / 1000 * ramp / 3600
        let plain = allowedKW(remaining: remaining, left: left)
        let afterRamp = allowedKW(remaining: remaining - duringRamp, left: left - ramp)
        let allowed = min(plain, afterRamp)
        let horizon = afterRamp < plain ? left - ramp : left
        let average = elapsed > 0 ? assumed * 3600 / elapsed : max(0, importPowerW) / 1000
        let forecast = (assumed + max(0, importPowerW) / 1000 * left / 3600) / 0.25
        let q = QuarterStatus(start: start, end: end, importedKWh: energy, averageKW: average, forecastKW: forecast,
                              allowedKW: allowed, targetKW: target, monthPeakKW: state.monthPeakKW,
                              monthPeakTime: state.monthPeakTime, meterAverageKW: state.meterAverageKW, unknownS: unknown)
        return (q, note, horizon)
    }
}
