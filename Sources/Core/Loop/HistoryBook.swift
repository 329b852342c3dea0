import Foundation

/// Energy of one measuring point from its samples: the difference of its energy register when it
/// has one (exact across gaps), else its power at each sample times the time since the previous
/// sample (a gap longer than `maxGapS` is not guessed).
struct EnergyCounter {
    var lastTime: Date?
    var lastRegister: Double?

    /// The energy (kWh) since the previous sample, and when that sample was; nil for none.
    mutating func sample(at t: Date, registerKWh: Double?, powerW: Double?, maxGapS: Double) -> (kwh: Double, from: Date)? {
        let reg = registerKWh.flatMap { $0.isFinite ? $0 : nil }
        defer { lastTime = t; lastRegister = reg }
        guard let last = lastTime, t > last else { return nil }
        let dt = t.timeIntervalSince(last)
        if let r = reg, let lr = lastRegister {
            // A register that goes back or jumps by more than 1 MW over the interval is a reset
            // or a glitch: counted as nothing, and counted from again.
            guard r >= lr, r - lr <= max(1, dt / 3600 * 1000) else { return nil }
            return (r - lr, last)
        }
        guard reg == nil, let p = powerW, p.isFinite, dt <= maxGapS else { return nil }
        return (max(0, p) * dt / 3_600_000, last)
    }
}

/// Energy per measuring point per quarter, until the quarter is written. An interval that
/// straddles a quarter's end is split in proportion to time (as the core does for the peak).
struct QuarterBuckets {
    let clock: QuarterClock
    var byQuarter: [Date: [String: Double]] = [:]

    mutating func add(_ id: String, _ kwh: Double, from a: Date, to b: Date) {
        guard kwh > 0, kwh.isFinite else { return }
        guard b > a else { byQuarter[clock.quarterStart(b), default: [:]][id, default: 0] += kwh; return }
        let dt = b.timeIntervalSince(a)
        var cursor = a
        while cursor < b {
            let qs = clock.quarterStart(cursor)
            let segEnd = min(b, qs.addingTimeInterval(900))
            byQuarter[qs, default: [:]][id, default: 0] += kwh * segEnd.timeIntervalSince(cursor) / dt
            cursor = segEnd
        }
    }

    /// Takes out every quarter that starts before `t` (all of them for nil), oldest first.
    mutating func take(before t: Date?) -> [(Date, [String: Double])] {
        let keys = byQuarter.keys.filter { t == nil || $0 < t! }.sorted()
        return keys.map { k in (k, byQuarter.removeValue(forKey: k)!) }
    }
}

/// A session the loop follows: the record, and what it needs to finish it.
struct SessionTrack {
    var record: ChargingSession
    /// Last status time (integration of a charger without an energy register).
    var lastTime: Date
    /// Since when the car has been offered current without drawing (it may be full).
    var idleOfferedSince: Date?
    /// Loaded from the history at start: the first status decides whether it goes on.
    var resumed: Bool
}

/// What the site loop keeps for the history between two quarters' records.
struct HistoryBook {
    /// Samples longer apart than this are a gap, not energy at the last power.
    static let maxGapS = 120.0
    /// A car offered current that has not drawn for this long before it left was full.
    static let fullAfterS = 60.0

    var buckets: QuarterBuckets
    var counters: [String: EnergyCounter] = [:]
    var sessions: [String: SessionTrack] = [:]
    /// Power (W) in force since the last decision, per relay and per board without a meter.
    var heldPowerW: [String: Double] = [:]
    var heldSince: Date?
    var gas: (value: Double, time: Date)?
    var water: (value: Double, time: Date)?
    var gasRecorded: Double?
    var waterRecorded: Double?

    init(clock: QuarterClock) { buckets = QuarterBuckets(clock: clock) }

    /// Counts a sample of the counter `key` toward the measuring point `id`.
    mutating func count(_ key: String, as id: String, at t: Date, registerKWh: Double?, powerW: Double?) {
        var c = counters[key] ?? EnergyCounter()
        if let (kwh, from) = c.sample(at: t, registerKWh: registerKWh, powerW: powerW, maxGapS: Self.maxGapS) {
            buckets.add(id, kwh, from: from, to: t)
        }
        counters[key] = c
    }

    /// The counters sampled on every telegram and inverter answer, by slot (no key hashed):
    /// the grid's import and export, then each inverter's PV, battery charge and discharge.
    var slotCounters: [EnergyCounter] = []
    static let gridImportSlot = 0, gridExportSlot = 1
    static func inverterSlots(_ i: Int) -> (pv: Int, charge: Int, discharge: Int) { (2 + 3 * i, 3 + 3 * i, 4 + 3 * i) }

    /// `count` for the counter in `slot` (above), toward the measuring point `id`.
    mutating func count(slot: Int, as id: String, at t: Date, registerKWh: Double?, powerW: Double?) {
        if slot >= slotCounters.count { slotCounters += Array(repeating: EnergyCounter(), count: slot + 1 - slotCounters.count) }
        if let (kwh, from) = slotCounters[slot].sample(at: t, registerKWh: registerKWh, powerW: powerW, maxGapS: Self.maxGapS) {
            buckets.add(id, kwh, from: from, to: t)
        }
    }

    /// The charge points' counters by device index (one sample per charger answer: no key hashed).
    var pointCounters: [EnergyCounter] = []

    /// `count` for charge point device `i` (its own counter, toward the measuring point `id`).
    mutating func countPoint(_ i: Int, as id: String, at t: Date, registerKWh: Double?, powerW: Double?) {
        if i >= pointCounters.count { pointCounters += Array(repeating: EnergyCounter(), count: i + 1 - pointCounters.count) }
        if let (kwh, from) = pointCounters[i].sample(at: t, registerKWh: registerKWh, powerW: powerW, maxGapS: Self.maxGapS) {
            buckets.add(id, kwh, from: from, to: t)
        }
    }

    /// Counts the held powers up to `t`, then holds `powers` from `t` on.
    mutating func hold(_ powers: [String: Double], at t: Date) {
        if let since = heldSince, t > since, t.timeIntervalSince(since) <= Self.maxGapS {
            for (id, w) in heldPowerW where w > 0 { buckets.add(id, w * t.timeIntervalSince(since) / 3_600_000, from: since, to: t) }
        }
        heldPowerW = powers
        heldSince = t
    }
}
