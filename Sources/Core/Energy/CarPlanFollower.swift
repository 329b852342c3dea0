import Foundation

/// What the balancer does with one point in this decision because of its "ready by" plan.
public struct CarPlanGate: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// No plan in force (no target, no fresh prices, the deadline passed or out of reach): as usual.
        case free
        /// A planned quarter: charge at up to this power (W).
        case charge(maxW: Double)
        /// Not a planned quarter: no charging (a running car keeps its minimum run time).
        case hold
        /// The energy is in: no more charging until the deadline.
        case done
    }
    public var action: Action
    /// The reason in words, for the explanation ("waiting for the planned quarters 02:00–05:00, …").
    public var text: String
    public init(_ action: Action, _ text: String = "") { self.action = action; self.text = text }
    public static let free = CarPlanGate(.free)
}

/// Follows each connected car's "ready by" target in real time: picks the cheapest quarters
/// before the deadline for what the session still needs (`CarScheduler`'s rule), says per
/// decision whether the point charges (and at up to which power) or is held, and picks again
/// when the car falls behind (a fuse or the slider gave it less than planned), when the prices
/// or the target change. A deadline out of reach charges at once, with an alert saying what is
/// possible. Pure: the loop gives the cars, the time and the prices.
public struct CarPlanFollower: Sendable {
    /// A connected car on a point with a ready-by target.
    public struct Car: Sendable, Equatable {
        public var pointId: String
        public var readyBy: ReadyBy
        /// Identifies the session (its start): a new session is planned afresh.
        public var sessionStart: Date
        /// Energy delivered in this session so far (kWh).
        public var deliveredKWh: Double
        /// The most the car can take (kW).
        public var maxKW: Double
        public init(pointId: String, readyBy: ReadyBy, sessionStart: Date, deliveredKWh: Double, maxKW: Double) {
            self.pointId = pointId; self.readyBy = readyBy; self.sessionStart = sessionStart
            self.deliveredKWh = deliveredKWh; self.maxKW = maxKW
        }
    }

    /// One session's plan.
    struct Track: Sendable {
        var readyBy: ReadyBy
        var sessionStart: Date
        /// Fixed when the session is first seen: the next ready-by time after that.
        var deadline: Date
        var dirty = true
        /// Planned power per quarter from `q0` (kW), and the hours each quarter had left when planned.
        var q0 = Date.distantPast
        var kw: [Double] = []
        var hours: [Double] = []
        var deliveredAtPlan = 0.0
        /// False: the deadline cannot be met; charge as soon as possible.
        var reachable = true
        var possibleKWh = 0.0
        var alerted = false
    }

    public var prices: PriceSeries? { didSet { if prices != oldValue { for k in tracks.keys { tracks[k]!.dirty = true } } } }
    public var formula: SupplierFormula
    public var sliderKW: Double
    /// The load besides the cars while planning (kW): the room under the slider is what is left.
    public var houseKW = 0.0
    public let timeZone: TimeZone
    /// Prices fetched longer ago than this no longer steer the cars.
    public var staleAfterS: Double
    var tracks: [String: Track] = [:]
    /// The price source's problem while its alert is raised (a loop without an energy manager).
    public var priceProblem: String?
    var quarter: Date?

    /// Energy (kWh) a car may be behind its plan before its quarters are picked again (a start
    /// or the last 0.1 A step costs a few Wh: not worth a new quarter).
    public static let toleranceKWh = 0.1
    /// Energy (kWh) a car may be short of its target and count as ready (a meter step).
    public static let doneToleranceKWh = 0.01

    public init(formula: SupplierFormula = SupplierFormula(), sliderKW: Double, timeZone: TimeZone, staleAfterH: Double = 36) {
        self.formula = formula; self.sliderKW = sliderKW; self.timeZone = timeZone; self.staleAfterS = staleAfterH * 3600
    }

    /// Whether a session is being followed (its gates and alerts still to be handed out).
    public var planning: Bool { !tracks.isEmpty }

    /// Whether the prices may steer the cars at `now`: known now and not too old.
    public func pricesFresh(at now: Date) -> Bool {
        guard let p = prices, p.price(at: now) != nil else { return false }
        return p.fetchedAt.map { now.timeIntervalSince($0) <= staleAfterS } ?? true
    }

    /// The gate of every car in `cars` (by point id) and the alerts to raise or clear. Points
    /// not in `cars` (unplugged, no target) lose their plan.
    public mutating func gates(_ cars: [Car], now: Date) -> (gates: [String: CarPlanGate], alerts: [AlertEvent]) {
        var out: [String: CarPlanGate] = [:]
        var alerts: [AlertEvent] = []
        let q = PriceSeries.quarterStart(now)
        let newQuarter = quarter != q
        quarter = q
        for id in tracks.keys where !cars.contains(where: { $0.pointId == id }) {
            if tracks[id]!.alerted { alerts.append(clear(id, tracks[id]!, now: now, why: "no longer planned")) }
            tracks[id] = nil
        }
        let fresh = pricesFresh(at: now)
        for car in cars {
            var t = tracks[car.pointId] ?? Track(readyBy: car.readyBy, sessionStart: car.sessionStart,
                                                 deadline: car.readyBy.deadline(after: now, timeZone: timeZone))
            if t.sessionStart != car.sessionStart || t.readyBy != car.readyBy {
                if t.alerted { alerts.append(clear(car.pointId, t, now: now, why: "target changed")) }
                t = Track(readyBy: car.readyBy, sessionStart: car.sessionStart, deadline: car.readyBy.deadline(after: now, timeZone: timeZone))
            }
            defer { tracks[car.pointId] = t }
            let left = car.readyBy.energyKWh - car.deliveredKWh
            if now >= t.deadline { out[car.pointId] = .free; continue }
            guard fresh else { t.dirty = true; out[car.pointId] = .free; continue }
            if left <= Self.doneToleranceKWh {
                if t.alerted { alerts.append(clear(car.pointId, t, now: now, why: "energy delivered")); t.alerted = false }
                out[car.pointId] = CarPlanGate(.done, String(format: "%.1f kWh in, ready by %@", car.deliveredKWh, clock(t.deadline)))
                continue
            }
            if t.dirty || (newQuarter && (!t.reachable || behind(t, car.deliveredKWh, now: now))) {
                plan(&t, car: car, left: left, now: now)
                if !t.reachable && !t.alerted {
                    t.alerted = true
                    alerts.append(AlertEvent(time: now, key: "ready-by:\(car.pointId)", level: .warning,
                                             text: String(format: "%@: %.1f kWh by %@ cannot be met, %.1f kWh possible", car.pointId,
                                                          car.readyBy.energyKWh, clock(t.deadline), car.deliveredKWh + t.possibleKWh),
                                             active: true))
                } else if t.reachable && t.alerted {
                    t.alerted = false
                    alerts.append(clear(car.pointId, t, now: now, why: "within reach again"))
                }
            }
            out[car.pointId] = gate(t, now: now)
        }
        return (out, alerts)
    }

    /// Energy the plan expected delivered by `now` (whole quarters), against what was.
    func behind(_ t: Track, _ delivered: Double, now: Date) -> Bool {
        var expected = t.deliveredAtPlan
        for j in t.kw.indices where t.q0.addingTimeInterval(Double(j + 1) * 900) <= now { expected += t.kw[j] * t.hours[j] }
        return delivered < expected - Self.toleranceKWh
    }

    /// Picks the quarters for what is `left`: cheapest take price first (the earlier on a tie;
    /// a quarter without a price after every priced one), each up to the car's power and the
    /// slider's room above the house and the other planned cars; the running quarter for the
    /// time it has left.
    mutating func plan(_ t: inout Track, car: Car, left: Double, now: Date) {
        let q0 = PriceSeries.quarterStart(now)
        let n = max(0, Int((t.deadline.timeIntervalSince(q0) / 900).rounded(.down)))
        let market = prices?.quarters(from: q0, count: n) ?? []
        var others = Array(repeating: 0.0, count: n)
        for (id, o) in tracks where id != car.pointId {
            for j in o.kw.indices {
                let k = Int((o.q0.timeIntervalSince(q0) / 900).rounded()) + j
                if k >= 0 && k < n { others[k] += o.kw[j] }
            }
        }
        var hours = Array(repeating: 0.0, count: n)
        var cap = Array(repeating: 0.0, count: n)
        for j in 0..<n {
            let start = q0.addingTimeInterval(Double(j) * 900)
            hours[j] = max(0, start.addingTimeInterval(900).timeIntervalSince(max(start, now))) / 3600
            cap[j] = max(0, min(car.maxKW, sliderKW - max(0, houseKW) - others[j]))
        }
        let price = (0..<n).map { j in market.count > j ? market[j].map(formula.takePrice) ?? .infinity : .infinity }
        let (kw, rest) = CheapestFill.fill(energyKWh: left, price: price, capKW: cap, hours: hours)
        t.q0 = q0; t.kw = kw; t.hours = hours
        t.deliveredAtPlan = car.deliveredKWh
        t.possibleKWh = zip(cap, hours).reduce(0) { $0 + $1.0 * $1.1 }
        t.reachable = rest <= Self.toleranceKWh
        t.dirty = false
    }

    func gate(_ t: Track, now: Date) -> CarPlanGate {
        guard t.reachable else { return .free }
        let j = Int((now.timeIntervalSince(t.q0) / 900).rounded(.down))
        if j >= 0 && j < t.kw.count && t.kw[j] > 0 {
            let end = t.q0.addingTimeInterval(Double(j + 1) * 900)
            return CarPlanGate(.charge(maxW: t.kw[j] * 1000),
                               String(format: "planned quarter until %@: up to %.1f kW, ready by %@", clock(end), t.kw[j], clock(t.deadline)))
        }
        guard let a = t.kw.indices.first(where: { $0 > j && t.kw[$0] > 0 }) else { return .free }
        var b = a
        while b + 1 < t.kw.count && t.kw[b + 1] > 0 { b += 1 }
        let from = t.q0.addingTimeInterval(Double(a) * 900), to = t.q0.addingTimeInterval(Double(b + 1) * 900)
        return CarPlanGate(.hold, "waiting for the planned quarters \(clock(from))–\(clock(to)), cheapest before \(clock(t.deadline))")
    }

    func clear(_ id: String, _ t: Track, now: Date, why: String) -> AlertEvent {
        AlertEvent(time: now, key: "ready-by:\(id)", level: .warning,
                   text: String(format: "%@: ready by %@ %@", id, clock(t.deadline), why), active: false)
    }

    func clock(_ d: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.hour, .minute], from: d)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }
}
