import Foundation
import KwartierCore
import KwartierTUI

/// A deterministic fake site for developing and testing the dashboard before (and besides) the
/// real simulated site: N charge points on a small fuse tree, house load, PV, a battery, an
/// SG-Ready heat pump and a boiler relay, devices with counters, alerts and a log. It reacts to
/// `UserCommand`s in its next step, like the core does in its next decision. Its control is a
/// simplified stand-in (equal per-phase shares, board limits, slider budget), not the real core.
public struct PreviewSite: Sendable {
    struct Car: Sendable { var phases: Int; var maxA: Double; var needKWh: Double; var minA: Double }
    struct Point: Sendable {
        var id: String, name: String, board: String
        var firstPhase: Int            // 0...2: the line a 1-phase car draws on
        var minA = 6.0, maxA: Double
        var mode: ChargeMode = .auto, priority = 0
        var manualA: Double? = nil
        var car: Car? = nil
        var full = false
        var setpointA = 0.0
        var drawA = 0.0
        var noiseA = 0.0
        var sessionKWh = 0.0
        var explanation = "no car"
        var waiting = false
        var lost = false
        var rtu: Bool
    }
    struct Level: Sendable { var id: String; var parent: String?; var depth: Int; var limitA: Double; var meter: String }
    struct Relay: Sendable {
        var id: String, kind: String
        var override: RuntimeSettings.RelayOverride = .auto
        var state: String, outputs: [Bool], powerW: Double, reason: String
    }

    public static let defaultStart = Date(timeIntervalSince1970: 1_741_784_580)   // 2025-03-12 13:03:00 UTC
    public static let voltage = 230.0

    var rng: SimRandom
    public private(set) var time: Date
    public private(set) var sliderKW: Double
    var points: [Point] = []
    var levels: [Level] = []
    var relays: [Relay] = []
    var houseW = 1600.0, pvW = 4200.0, batteryW = 0.0, soc = 63.0, heatPumpW = 1200.0
    var gridW = 0.0
    var gridCurrents = PhaseValues.zero
    var quarterStart: Date
    var importedKWh = 0.0
    var monthPeakKW: Double
    var monthPeakTime: Date
    var history: [Double] = []
    var log: [LogLine] = []
    var alerts: [AlertView] = []
    var telegrams = 0
    var crcFailures = 0
    var devices: [DeviceHealth] = []
    var pending: [UserCommand] = []
    /// Every command applied, in order (the state file lists them for tests).
    public private(set) var applied: [UserCommand] = []
    public let name: String
    /// Worst case for bandwidth measurements: every car's current moves every step.
    public let busy: Bool

    static let calendar: Calendar = { var c = Calendar(identifier: .gregorian); c.timeZone = .current; return c }()

    public init(points n: Int = 20, seed: UInt64 = 42, start: Date = PreviewSite.defaultStart, sliderKW: Double = 22.0,
                name: String = "Parking Erpe (preview)", busy: Bool = false) {
        rng = SimRandom(state: seed)   // the raw state: the same fake site as before
        self.busy = busy
        time = start
        self.sliderKW = sliderKW
        self.name = name
        quarterStart = PreviewSite.quarterStart(start)
        monthPeakKW = (sliderKW + 1.4)
        monthPeakTime = start.addingTimeInterval(-3 * 86400 - 2700)
        let count = max(0, min(500, n))
        // A larger car park has larger fuses: the limits grow with the points above 20.
        let scale = max(1, Double(count) / 20)
        levels = [Level(id: "grid", parent: nil, depth: 0, limitA: (63 * scale).rounded(), meter: "p1"),
                  Level(id: "garage", parent: "grid", depth: 1, limitA: (40 * scale).rounded(), meter: "garage-meter"),
                  Level(id: "garage-b", parent: "garage", depth: 2, limitA: (25 * scale).rounded(), meter: "virtual"),
                  Level(id: "office", parent: "grid", depth: 1, limitA: (32 * scale).rounded(), meter: "virtual")]
        for i in 0..<count {
            let frac = Double(i) / Double(max(1, count))
            let board = frac < 0.3 ? "garage" : frac < 0.5 ? "garage-b" : "office"
            let name = i < count / 2 ? "Visitor \(i + 1)" : "Fleet \(i + 1 - count / 2)"
            var p = Point(id: String(format: "cp%02d", i + 1), name: name, board: board, firstPhase: i % 3,
                          maxA: i % 4 == 3 ? 32 : 16, rtu: board == "garage-b")
            // About two thirds of the bays hold a car at the start.
            if rng.chance(0.68) { p.car = newCar() ; p.sessionKWh = rng.range(0, 12) }
            if i == 14 { p.lost = true }
            points.append(p)
        }
        relays = [Relay(id: "heatpump", kind: "sg-ready", state: "Normal", outputs: [false, false], powerW: 1200, reason: "no surplus"),
                  Relay(id: "boiler", kind: "switch", state: "off", outputs: [false], powerW: 0, reason: "surplus below 2.5 kW")]
        for k in 0..<8 { history.append(((sliderKW * 0.7 + rng.range(-2, 3)) * 10).rounded() / 10); _ = k }
        log.append(LogLine(time: start, level: .notice, text: "preview site started: \(count) charge points, slider \(Fmt.kWv(sliderKW)) kW"))
        // As if the site had been running since the quarter began.
        importedKWh = start.timeIntervalSince(quarterStart) / 3600 * sliderKW * 0.85
        makeDevices()
        recompute(dt: 0)
    }

    mutating func newCar() -> Car {
        let phases = rng.chance(0.3) ? 1 : 3
        return Car(phases: phases, maxA: phases == 1 ? 32 : (rng.chance(0.5) ? 16 : 11), needKWh: rng.range(8, 40),
                   minA: rng.chance(0.2) ? 8 : 6)
    }

    static func quarterStart(_ t: Date) -> Date {
        var c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: t)
        c.minute = (c.minute ?? 0) / 15 * 15
        return calendar.date(from: c) ?? t
    }

    // MARK: commands

    /// Queues a command; it takes effect in the next step (the core's next decision).
    public mutating func submit(_ cmd: UserCommand) { pending.append(cmd) }

    mutating func apply(_ cmd: UserCommand) {
        applied.append(cmd)
        switch cmd {
        case .setSlider(let kw):
            sliderKW = kw
            say(.notice, "slider set to \(Fmt.kWv(kw)) kW from the dashboard")
        case .setMode(let id, let m):
            guard let i = points.firstIndex(where: { $0.id == id }) else { return say(.warning, "unknown point \(id)") }
            points[i].mode = m
            if m == .manual && points[i].manualA == nil { points[i].manualA = max(points[i].minA, points[i].setpointA.rounded()) }
            say(.notice, "\(id): mode \(m.rawValue)")
        case .setManualCurrent(let id, let a):
            guard let i = points.firstIndex(where: { $0.id == id }) else { return say(.warning, "unknown point \(id)") }
            points[i].manualA = min(points[i].maxA, max(points[i].minA, a))
            say(.notice, "\(id): manual current \(Fmt.ampsInt(a)) A")
        case .setPriority(let id, let p):
            guard let i = points.firstIndex(where: { $0.id == id }) else { return say(.warning, "unknown point \(id)") }
            points[i].priority = p
            say(.notice, "\(id): priority \(p)")
        case .setReadyBy(let id, let r):
            say(.notice, "\(id): ready by \(r.map { "\($0.timeText) with \($0.energyKWh) kWh" } ?? "no time")")
        case .setRelayOverride(let id, let o):
            guard let i = relays.firstIndex(where: { $0.id == id }) else { return say(.warning, "unknown relay \(id)") }
            relays[i].override = o
            say(.notice, "relay \(id): override \(o.rawValue)")
        }
    }

    mutating func say(_ level: LogLine.Level, _ text: String) {
        log.append(LogLine(time: time, level: level, text: text))
        if log.count > 300 { log.removeFirst(log.count - 300) }
    }

    // MARK: time

    /// Advances the site by `dt` seconds: applies queued commands, moves loads and cars,
    /// decides setpoints, accounts the quarter-hour.
    public mutating func step(seconds dt: Double = 1) {
        time = time.addingTimeInterval(dt)
        let cmds = pending; pending.removeAll()
        for c in cmds { apply(c) }
        environment(dt)
        cars(dt)
        recompute(dt: dt)
    }

    mutating func environment(_ dt: Double) {
        // House: a random walk around 1.6 kW; PV drifts slowly; both in 10 W steps.
        houseW = min(4500, max(400, houseW + (1600 - houseW) * 0.02 + rng.range(-60, 60))).rounded()
        if rng.chance(0.01) { houseW += 2000 }      // a kettle
        pvW = min(8000, max(0, pvW + rng.range(-40, 38))).rounded()
    }

    mutating func cars(_ dt: Double) {
        for i in points.indices where !points[i].lost {
            if points[i].car == nil {
                if rng.chance(0.004 * dt) {
                    points[i].car = newCar(); points[i].sessionKWh = 0; points[i].full = false
                    say(.info, "\(points[i].id): car connected (\(points[i].car!.phases)-phase)")
                }
            } else if points[i].full, rng.chance(0.01 * dt) {
                points[i].car = nil; points[i].full = false
                say(.info, "\(points[i].id): car left after \(Fmt.kWh(points[i].sessionKWh)) kWh")
            }
        }
    }

    // MARK: decisions (a stand-in for the core)

    mutating func recompute(dt: Double) {
        relaysDecide()
        let nonParkW = houseW + heatPumpW + relays.filter { $0.kind == "switch" }.map(\.powerW).reduce(0, +)
        // Battery: charge from surplus, discharge into deficit, ±2 kW, 10..95 %.
        let surplus = pvW - nonParkW
        batteryW = surplus > 300 && soc < 95 ? min(2000, surplus - 300) : (surplus < -500 && soc > 10 ? -min(1500, -surplus) : 0)
        batteryW = (batteryW / 10).rounded() * 10
        soc = min(100, max(0, soc + batteryW * dt / 3600 / 10_000 * 100))

        let q = quarterNow()
        let budgetW = q.allowedKW * 1000 - (nonParkW + batteryW - pvW)
        allocate(budgetW: budgetW, sliderKW: q.targetKW)
        // Cars draw a little under their setpoint.
        for i in points.indices {
            guard let car = points[i].car, !points[i].lost, points[i].setpointA > 0 else { points[i].drawA = 0; continue }
            if busy {
                points[i].noiseA = points[i].noiseA > 0 ? -0.3 : 0.3           // ±0.6 A: the kW figure changes
            } else if rng.chance(0.15) {
                points[i].noiseA = min(0.3, max(-0.3, points[i].noiseA + (rng.chance(0.5) ? 0.1 : -0.1)))
            }
            points[i].drawA = max(0, min(points[i].setpointA, car.maxA) - 0.3 + points[i].noiseA)
            let kwh = points[i].drawA * Double(car.phases) * Self.voltage * dt / 3600 / 1000
            points[i].sessionKWh += kwh
            if points[i].sessionKWh >= car.needKWh && !points[i].full {
                points[i].full = true
                say(.info, "\(points[i].id): car full at \(Fmt.kWh(points[i].sessionKWh)) kWh")
            }
        }
        let parkW = points.map(pointPowerW).reduce(0, +)
        gridW = (nonParkW + batteryW + parkW - pvW).rounded()
        var cur = PhaseValues.all((nonParkW + batteryW - pvW) / 3 / Self.voltage)
        for p in points { cur = cur + pointCurrents(p) }
        gridCurrents = cur
        telegrams += dt > 0 ? Int(dt) : 0
        accountQuarter(dt)
        alertsUpdate()
        countersUpdate(dt)
    }

    func pointPowerW(_ p: Point) -> Double {
        guard let car = p.car else { return 0 }
        return (p.drawA * Double(car.phases) * Self.voltage / 10).rounded() * 10
    }

    func pointCurrents(_ p: Point) -> PhaseValues {
        guard let car = p.car, p.drawA > 0 else { return .zero }
        if car.phases == 3 { return .all(p.drawA) }
        var v = PhaseValues.zero
        v[Phase.allCases[p.firstPhase]] = p.drawA
        return v
    }

    /// Equal per-phase shares of the budget, manual points first, priorities first, then every
    /// level's limit on every phase; setpoints in whole amperes with 1 A hysteresis.
    mutating func allocate(budgetW: Double, sliderKW: Double) {
        var remainingW = budgetW
        var target = [Double](repeating: 0, count: points.count)
        var why = [String](repeating: "", count: points.count)
        var wait = [Bool](repeating: false, count: points.count)
        var auto: [Int] = []
        for (i, p) in points.enumerated() {
            if p.lost { why[i] = "unreachable: counted at safe 6 A"; continue }
            guard let car = p.car else { why[i] = "no car"; continue }
            if p.full { why[i] = "car full"; continue }
            switch p.mode {
            case .off: why[i] = "off by user"
            case .manual:
                let a = min(p.manualA ?? p.minA, p.maxA, car.maxA)
                target[i] = a; why[i] = "manual \(Fmt.ampsInt(a)) A"
                remainingW -= a * Double(car.phases) * Self.voltage
            case .auto: auto.append(i)
            }
        }
        // Highest priority first, then bay order; drop from the end until every car's minimum fits.
        auto.sort { (points[$0].priority, -$0) > (points[$1].priority, -$1) }
        var active = auto
        while !active.isEmpty {
            let phases = active.map { Double(points[$0].car!.phases) }.reduce(0, +)
            let share = max(0, remainingW) / (phases * Self.voltage)
            let need = active.map { i in points[i].car!.minA + (points[i].setpointA > 0 ? 0 : 2) }.max() ?? 6
            if share >= need { break }
            let i = active.removeLast()
            wait[i] = true
            why[i] = "waiting: \(Fmt.ampsInt(points[i].car!.minA)) A minimum does not fit (slider \(Fmt.kWv(sliderKW)) kW)"
        }
        // Share out, giving what capped points leave over to the others (two passes).
        var open = active
        for _ in 0..<3 where !open.isEmpty {
            let phases = open.map { Double(points[$0].car!.phases) }.reduce(0, +)
            let share = max(0, remainingW) / (phases * Self.voltage)
            var next: [Int] = []
            for i in open {
                let car = points[i].car!
                let cap = min(points[i].maxA, car.maxA)
                if share >= cap {
                    target[i] = cap
                    why[i] = cap == points[i].maxA ? "point max \(Fmt.ampsInt(cap)) A" : "car max \(Fmt.ampsInt(cap)) A"
                    remainingW -= cap * Double(car.phases) * Self.voltage
                } else { next.append(i) }
            }
            if next.count == open.count {
                for i in next {
                    target[i] = share
                    why[i] = "slider \(Fmt.kWv(sliderKW)) kW: share \(Fmt.amps(share)) A"
                }
                open = []
            } else { open = next }
        }
        // Every level's limit (margin 0.5 A), deepest first: scale its points down on the worst
        // phase; when that would take cars under their minimum, the lowest-priority car waits.
        let order = auto.reversed()                 // lowest priority last in `auto`: first to wait
        for lv in levels.sorted(by: { $0.depth > $1.depth }) {
            let limit = lv.limitA - 0.5
            while true {
                let under = points.indices.filter { isUnder(points[$0].board, lv.id) && target[$0] > 0 }
                var load = PhaseValues.zero
                for i in under { load = load + currents(points[i], target[i]) }
                if lv.id == "grid" { load = load + .all(max(0, houseW + heatPumpW - pvW) / 3 / Self.voltage) }
                guard load.max > limit, load.max > 0 else { break }
                let k = limit / load.max
                let fits = under.allSatisfy { target[$0] * k >= (points[$0].car?.minA ?? 6) }
                if fits || under.count == 1 {
                    let worst = Phase.allCases.max { load[$0] < load[$1] }!
                    for i in under {
                        target[i] *= k
                        why[i] = "board \(lv.id) \(worst) \(Fmt.amps(load[worst] * k))/\(Fmt.ampsInt(lv.limitA)) A"
                    }
                    break
                }
                guard let drop = order.first(where: { under.contains($0) }) ?? under.last else { break }
                target[drop] = 0
                wait[drop] = true
                why[drop] = "waiting: board \(lv.id) full (\(Fmt.ampsInt(lv.limitA)) A)"
            }
        }
        for i in points.indices {
            var t = target[i]
            if t > 0 && t < (points[i].car?.minA ?? 6) { t = 0; wait[i] = true; why[i] = "waiting: minimum does not fit (" + why[i] + ")" }
            let old = points[i].setpointA
            // Whole amperes, moved only when the target is at least 1 A away (no jitter).
            var sp = t <= 0 ? 0 : (abs(t - old) >= 1 || old == 0 || t < old ? t.rounded(.down) : old)
            if points[i].mode == .manual { sp = t.rounded(.down) }
            points[i].setpointA = sp
            points[i].explanation = why[i]
            points[i].waiting = wait[i]
        }
    }

    func isUnder(_ board: String, _ level: String) -> Bool {
        var b: String? = board
        while let x = b {
            if x == level { return true }
            b = levels.first { $0.id == x }?.parent
        }
        return false
    }

    func currents(_ p: Point, _ a: Double) -> PhaseValues {
        guard let car = p.car else { return .zero }
        if car.phases == 3 { return .all(a) }
        var v = PhaseValues.zero
        v[Phase.allCases[p.firstPhase]] = a
        return v
    }

    mutating func relaysDecide() {
        let exportW = max(0, -gridW)        // surplus is what the grid meter sees going out
        for i in relays.indices {
            if relays[i].kind == "sg-ready" {
                var st = exportW > 3000 ? "Boost" : exportW > 1500 ? "Comfort" : "Normal"
                var reason = exportW > 1500 ? "surplus \(Fmt.kW(exportW)) kW" : "no surplus"
                if relays[i].override == .on { st = "Boost"; reason = "override on" }
                if relays[i].override == .off { st = "Off"; reason = "override off" }
                relays[i].state = st
                relays[i].outputs = st == "Off" ? [true, false] : st == "Normal" ? [false, false] : st == "Comfort" ? [false, true] : [true, true]
                relays[i].powerW = ["Off": 0, "Normal": 1200, "Comfort": 2000, "Boost": 3500][st] ?? 0
                relays[i].reason = reason
                heatPumpW = relays[i].powerW
            } else {
                var on = exportW > 2500
                var reason = on ? "surplus \(Fmt.kW(exportW)) kW" : "surplus below 2.5 kW"
                if relays[i].override != .auto { on = relays[i].override == .on; reason = "override \(relays[i].override.rawValue)" }
                relays[i].state = on ? "on" : "off"
                relays[i].outputs = [on]
                relays[i].powerW = on ? 2000 : 0
                relays[i].reason = reason
            }
        }
    }

    func quarterNow() -> QuarterStatus {
        let end = quarterStart.addingTimeInterval(900)
        let elapsedH = max(1, time.timeIntervalSince(quarterStart)) / 3600
        let leftH = max(1, end.timeIntervalSince(time)) / 3600
        let avg = importedKWh / elapsedH
        let forecast = (importedKWh + max(0, gridW) / 1000 * leftH) / 0.25
        let allowed = max(0, (sliderKW * 0.25 - importedKWh) / leftH)
        return QuarterStatus(start: quarterStart, end: end, importedKWh: importedKWh,
                             averageKW: (avg * 100).rounded() / 100, forecastKW: (forecast * 100).rounded() / 100,
                             allowedKW: (min(allowed, sliderKW * 2) * 100).rounded() / 100, targetKW: sliderKW,
                             monthPeakKW: monthPeakKW, monthPeakTime: monthPeakTime)
    }

    mutating func accountQuarter(_ dt: Double) {
        importedKWh += max(0, gridW) / 1000 * dt / 3600
        let end = quarterStart.addingTimeInterval(900)
        if time >= end {
            let avg = importedKWh / 0.25
            history.append((avg * 10).rounded() / 10)
            if history.count > 96 { history.removeFirst() }
            if avg > monthPeakKW { monthPeakKW = (avg * 100).rounded() / 100; monthPeakTime = quarterStart
                say(.warning, "new month peak \(Fmt.kWv(avg)) kW") }
            say(.info, "quarter \(Fmt.hm(quarterStart)) closed at \(Fmt.kWv(avg)) kW")
            quarterStart = end
            importedKWh = 0
        }
    }

    mutating func alertsUpdate() {
        let q = quarterNow()
        setAlert("forecast", .warning, q.forecastKW > sliderKW + 0.05,
                 "forecast quarter peak \(Fmt.kWv(q.forecastKW)) kW above slider \(Fmt.kWv(sliderKW)) kW")
        if let lost = points.first(where: \.lost) {
            setAlert("lost-\(lost.id)", .critical, true, "\(lost.id) \(lost.name) unreachable: counted at its safe current")
        }
    }

    mutating func setAlert(_ key: String, _ level: AlertView.Level, _ on: Bool, _ text: String) {
        if let i = alerts.firstIndex(where: { $0.key == key }) {
            if alerts[i].active != on {
                alerts[i].active = on; alerts[i].time = time
                if on { alerts[i].text = text }
                say(on ? .warning : .info, on ? "alert: \(text)" : "alert cleared: \(alerts[i].text)")
            }
        } else if on {
            alerts.append(AlertView(time: time, level: level, key: key, text: text, active: true))
            say(level == .critical ? .error : .warning, "alert: \(text)")
        }
    }

    mutating func makeDevices() {
        devices = [DeviceHealth(id: "p1", description: "P1 main meter (DSMR 5, 115200 8N1)", status: .ok, bus: "p1"),
                   DeviceHealth(id: "garage-mtr", description: "Siemens PAC2200 garage meter (tcp 192.168.1.30:502)", status: .ok,
                                rttP50Ms: 4.1, rttP99Ms: 9.8, bus: "tcp")]
        for p in points {
            let d = p.rtu ? "ABB Terra AC (rs485 addr \(p.id.dropFirst(2)))" : "Alfen Eve (tcp 192.168.1.\(50 + (Int(p.id.dropFirst(2)) ?? 0)):502)"
            devices.append(DeviceHealth(id: p.id, description: d, status: p.lost ? .lost : .ok,
                                        lastError: p.lost ? "no response after 3 retries (500 ms)" : nil,
                                        rttP50Ms: p.rtu ? 18.0 : 6.0, rttP99Ms: p.rtu ? 31.0 : 14.0, bus: p.rtu ? "rs485" : "tcp"))
        }
        devices.append(DeviceHealth(id: "relays", description: "Relay module (rs485 addr 9)", status: .ok,
                                    rttP50Ms: 15.0, rttP99Ms: 24.0, bus: "rs485"))
    }

    mutating func countersUpdate(_ dt: Double) {
        guard dt > 0 else { return }
        for i in devices.indices where devices[i].id != "p1" {
            if devices[i].status == .lost {
                devices[i].requests += 1; devices[i].failures += 1; devices[i].txBytes += 8
                continue
            }
            devices[i].requests += 2
            devices[i].txBytes += 16
            devices[i].rxBytes += 25
        }
    }

    // MARK: output

    public func snapshot() -> SiteSnapshot {
        var s = SiteSnapshot(time: time, siteName: name, sliderKW: sliderKW,
                             grid: GridView(powerW: gridW, currents: round1(gridCurrents), voltages: PhaseValues(231, 229, 232),
                                            ageS: 0.4, stale: false, telegrams: telegrams, crcFailures: crcFailures),
                             houseW: houseW, chargeParkW: points.map(pointPowerW).reduce(0, +))
        s.pvW = pvW; s.batteryW = batteryW; s.batterySoC = soc; s.heatPumpW = heatPumpW
        s.quarter = quarterNow()
        s.points = points.map { p in
            let state: PointState = p.lost ? .lost : p.car == nil ? .noCar : p.full ? .connected
                : p.drawA > 0 ? .charging : p.waiting ? .waiting : .connected
            return PointView(id: p.id, name: p.name, state: state, mode: p.mode, priority: p.priority, manualA: p.manualA,
                             phasesInUse: p.car?.phases ?? 0, currents: round1(pointCurrents(p)), powerW: pointPowerW(p),
                             setpointA: p.setpointA, sessionKWh: (p.sessionKWh * 10).rounded() / 10,
                             explanation: p.explanation, board: p.board, minA: p.minA, maxA: p.maxA)
        }
        s.levels = levels.map { lv in
            var load = PhaseValues.zero
            for p in points where isUnder(p.board, lv.id) { load = load + pointCurrents(p) }
            if lv.id == "grid" { load = gridCurrents }
            return LevelView(id: lv.id, parent: lv.parent, depth: lv.depth, currents: round1(load), limitA: lv.limitA, meter: lv.meter)
        }
        s.relays = relays.map { RelayView(id: $0.id, kind: $0.kind, state: $0.state, override: $0.override, outputs: $0.outputs,
                                          powerW: $0.powerW, reason: $0.reason) }
        s.devices = devices
        s.devices[0].rttP50Ms = nil
        s.alerts = alerts
        s.log = Array(log.suffix(200))
        s.quarterHistory = history
        return s
    }

    func round1(_ v: PhaseValues) -> PhaseValues {
        PhaseValues((v.l1 * 10).rounded() / 10, (v.l2 * 10).rounded() / 10, (v.l3 * 10).rounded() / 10)
    }
}
