import Foundation

/// The history's counter keys of the polled meters, built once (a backtest counts
/// a sample of each every simulated second).
struct HistoryKeys {
    /// Per meter device: its counter key and the measuring point it counts toward (its board).
    let meters: [(key: String, board: String)]
    // The inverters' and the grid's counters are slots of `HistoryBook.slotCounters`.

    init(devices: SiteDevices, boards: [LevelConfig]) {
        meters = devices.meters.map { id in ("meter:\(id)", boards.first { $0.meter == .device(id) }?.id ?? id) }
    }
}

/// What the loop hands the history: closed quarters, the energy of every measuring point per
/// quarter, charging sessions and the gas and water readings. Everything is counted here from
/// the events the loop already gets; the records go out as effects at each quarter's end (and at
/// stop), so the shell writes them off the decision path and a power cut loses at most the
/// quarter in progress.
extension SiteLoop {
    /// Counts the energy a device's answer or a telegram tells (called for every event).
    func observeForHistory(_ event: SiteEvent) {
        let t = clock.now
        switch event {
        case .grid(let g):
            countGrid(g.meter, at: t)
            if let v = g.gasM3, v.isFinite { book.gas = (v, t) }
            if let v = g.waterM3, v.isFinite { book.water = (v, t) }
        case .meter(let i, .success(let m)):
            if i == mainMeter { countGrid(m, at: t); return }
            let k = historyKeys.meters[i]
            book.count(k.key, as: k.board, at: t, registerKWh: m.importKWh, powerW: m.powerW)
        case .inverter(let i, .success(let m)):
            let k = HistoryBook.inverterSlots(i)
            book.count(slot: k.pv, as: HistoryPoint.pv, at: t, registerKWh: nil, powerW: m.pvPowerW)
            if let b = m.batteryPowerW {
                book.count(slot: k.charge, as: HistoryPoint.batteryCharge, at: t, registerKWh: nil, powerW: b)
                book.count(slot: k.discharge, as: HistoryPoint.batteryDischarge, at: t, registerKWh: nil, powerW: -b)
            }
        case .pulse(let i, .success):
            if case .success(let r)? = pulseReadings[i] {
                book.count("pulse:\(i)", as: devices.pulses[i].id, at: t, registerKWh: r.energyKWh, powerW: nil)
            }
        default:
            break
        }
    }

    func countGrid(_ m: MeterMeasurement, at t: Date) {
        book.count(slot: HistoryBook.gridImportSlot, as: HistoryPoint.gridImport, at: t, registerKWh: m.importKWh, powerW: m.powerW)
        book.count(slot: HistoryBook.gridExportSlot, as: HistoryPoint.gridExport, at: t, registerKWh: m.exportKWh, powerW: -m.powerW)
    }

    /// After each decision: relays and boards without a meter hold their power until the next;
    /// at each quarter's end the closed quarter, its energy, the sessions' progress, gas and water.
    func recordQuarter(_ q: QuarterStatus?) {
        let now = clock.now
        var held: [String: Double] = [:]
        for r in site.lastRelays { held[r.id] = r.powerW }
        if let d = site.lastDecision {
            for lvl in site.config.boards where lvl.meter == .virtual {
                if let load = d.levels.first(where: { $0.id == lvl.id }) {
                    held[lvl.id] = max(0, load.currents.sum) * site.config.site.voltage
                }
            }
        }
        book.hold(held, at: now)
        guard let q else { return }
        if let cur = currentQuarter, cur.start != q.start {
            closeQuarter(cur, next: q.start)
            if !pulseMeters.isEmpty {
                lastPulsesSaveMono = clock.mono
                out.append(.savePulses(pulseStates))
            }
        }
        currentQuarter = q
    }

    func closeQuarter(_ cur: QuarterStatus, next: Date) {
        let qs = site.controller.quarterState
        let energy = book.buckets.take(before: next)
        let mine = energy.first { $0.0 == cur.start }?.1 ?? [:]
        let closed = qs.history.last { $0.start == cur.start }
        let avg = closed?.averageKW ?? cur.importedKWh / 0.25
        out.append(.recordQuarter(ClosedQuarter(
            start: cur.start, averageKW: avg, importKWh: mine[HistoryPoint.gridImport] ?? avg * 0.25,
            exportKWh: mine[HistoryPoint.gridExport] ?? (slotSeen(HistoryBook.gridExportSlot) ? 0 : nil), sliderKW: site.settings.sliderKW,
            meterAverageKW: cur.meterAverageKW, monthPeakKW: qs.monthPeakKW, monthPeakStart: qs.monthPeakTime)))
        emitEnergy(energy)
        for k in book.sessions.keys.sorted() { out.append(.recordSession(book.sessions[k]!.record)) }
        emitReadings()
    }

    /// Whether the counter in `slot` (`HistoryBook.slotCounters`) has had a sample.
    func slotSeen(_ slot: Int) -> Bool { slot < book.slotCounters.count && book.slotCounters[slot].lastTime != nil }

    func emitEnergy(_ energy: [(Date, [String: Double])]) {
        for (start, kwh) in energy where !kwh.isEmpty {
            out.append(.recordEnergy(quarter: start, day: day(of: start), kwh: kwh))
        }
    }

    func emitReadings() {
        if let g = book.gas, g.value != book.gasRecorded {
            book.gasRecorded = g.value
            out.append(.recordMeterReading(GasWaterReading(id: "gas", day: day(of: g.time), time: g.time, value: g.value)))
        }
        if let w = book.water, w.value != book.waterRecorded {
            book.waterRecorded = w.value
            out.append(.recordMeterReading(GasWaterReading(id: "water", day: day(of: w.time), time: w.time, value: w.value)))
        }
    }

    /// A charger's answer: its energy and its session.
    func accountEnergy(_ i: Int, _ st: ChargePointStatus) {
        let t = clock.now
        let id = devices.points[i].id
        book.countPoint(i, as: id, at: t, registerKWh: st.energyKWh, powerW: st.powerW ?? st.currents.sum * site.config.site.voltage)
        followSession(id, device: i, st, at: t)
    }

    /// At stop: everything counted so far, the in-progress quarter included, and the open
    /// sessions as they stand (a restart resumes them).
    func flushEnergy(day _: String) {
        book.hold([:], at: clock.now)
        emitEnergy(book.buckets.take(before: nil))
        for k in book.sessions.keys.sorted() { out.append(.recordSession(book.sessions[k]!.record)) }
        emitReadings()
    }

    /// The site's local day of `t`, yyyy-MM-dd.
    func day(of t: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: t)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
