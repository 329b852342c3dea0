import Foundation
@testable import KwartierCore

/// Builds sites, readings and inputs for the control tests.
struct SiteBuilder {
    var config: SiteConfig

    init(gridA: Double, marginA: Double = 0, network: NetworkType = .TN, sliderKW: Double = 9, bufferA: Double = 2) {
        config = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, fuseA: gridA, limitA: gridA, marginA: marginA,
                                              meter: .device("p1")))
        config.site.network = network
        config.site.sliderKW = sliderKW
        config.site.startBufferA = bufferA
        config.meters = [MeterConfig(id: "p1", kind: .p1(source: .simulated, passthrough: [], staleAfterS: 10))]
    }

    @discardableResult
    mutating func board(_ id: String, parent: String = "grid", limitA: Double, marginA: Double = 0, meter: String? = nil) -> Self {
        let m: LevelMeter = meter.map { .device($0) } ?? .virtual
        config.boards.append(LevelConfig(id: id, parent: parent, limitA: limitA, marginA: marginA, meter: m))
        if let meter { config.meters.append(MeterConfig(id: meter, kind: .modbus(driver: "sim", transport: .simulated, staleAfterS: 10))) }
        return self
    }

    /// A parent's board that is a child hub's whole tree.
    @discardableResult
    mutating func remoteBoard(_ id: String, hub: String, limitA: Double) -> Self {
        config.boards.append(LevelConfig(id: id, parent: "grid", limitA: limitA, meter: .remote, remote: RemoteLink(hub: hub)))
        return self
    }

    /// A child hub: no main meter, its grid limited by the allowance of `parent`.
    mutating func childOf(_ parent: String) {
        config.grid.meter = .remote
        config.grid.remote = RemoteLink(parent: parent)
        config.meters = []
    }

    @discardableResult
    mutating func point(_ id: String, board: String = "grid", phases: String = "L1L2L3", minA: Double = 6, maxA: Double = 16,
                        safeA: Double = 6, priority: Int = 0, mode: ChargeMode = .auto, manualA: Double? = nil,
                        switching: Bool = false) -> Self {
        config.chargepoints.append(ChargePointConfig(id: id, board: board, driver: "sim", transport: .simulated,
                                                     phases: PhaseMap(name: phases)!, minA: minA, maxA: maxA, safeA: safeA,
                                                     priority: priority, mode: mode, manualA: manualA, phaseSwitching: switching))
        return self
    }
}

/// A car's reading: `amps` on its first `carPhases` terminals.
func car(_ amps: Double, phases carPhases: Int = 3, state: ChargeState? = nil, voltage: Double = 230) -> ChargePointStatus {
    let c = PhaseValues(amps, carPhases >= 2 ? amps : 0, carPhases >= 3 ? amps : 0)
    let st = state ?? (amps > 0 ? .charging : .connected)
    return ChargePointStatus(state: st, currents: c, powerW: amps * Double(carPhases) * voltage)
}
let noCar = ChargePointStatus(state: .noCar)

/// Local wall-clock date in Brussels.
func brussels(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Date {
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(identifier: "Europe/Brussels")!
    return cal.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s))!
}

/// A grid reading: non-managed per-line currents plus the points' mapped draw, power to match.
func gridReading(at t: Date, site: CompiledSite, nonManagedA: PhaseValues, nonManagedW: Double,
                 points: [String: ChargePointStatus], importKWh: Double? = nil, quarterKW: Double? = nil) -> GridMeasurement {
    var c = nonManagedA
    var w = nonManagedW
    for (id, st) in points {
        guard let i = site.pointIndex[id] else { continue }
        let d = site.gridDraw(point: i, terminals: st.currents)
        c += PhaseValues(d.0, d.1, d.2)
        w += st.powerW ?? 0
    }
    return GridMeasurement(meterTime: t, meter: MeterMeasurement(currents: c, powerW: w, importKWh: importKWh),
                           quarterAverageKW: quarterKW)
}

/// A board meter reading built the same way from the points below the board.
func boardReading(site: CompiledSite, board: String, nonManagedA: PhaseValues, points: [String: ChargePointStatus]) -> MeterMeasurement {
    var c = nonManagedA
    let l = site.levelIndex[board]!
    for (id, st) in points {
        guard let i = site.pointIndex[id] else { continue }
        var under = false
        for a in site.chainStart[i]..<site.chainStart[i + 1] where site.chain[a] == l { under = true }
        if under { let d = site.gridDraw(point: i, terminals: st.currents); c += PhaseValues(d.0, d.1, d.2) }
    }
    return MeterMeasurement(currents: c, powerW: 0)
}

/// Tunables without rounding or ramping, for exact sharing checks.
func exactTunables(_ site: SiteSettings) -> ControlTunables {
    var t = ControlTunables(site: site)
    t.setpointStepA = 0
    return t
}

/// A small simulated site for multi-step tests: cars follow their setpoints at once, the
/// non-managed loads are set by the test, the meter clock is frozen at a quarter start (so the
/// slider allows exactly its value) unless `meterFollowsClock`.
final class Sim {
    let c: Controller
    var now: Date
    let quarterStart: Date
    var meterFollowsClock = false
    var houseA = PhaseValues.zero
    var houseW = 0.0
    var boardHouseA: [String: PhaseValues] = [:]
    var boardAgeS: [String: Double] = [:]
    /// Cars: per point, the phases the car draws on (0 = no car) and whether it takes current.
    var carPhases: [String: Int] = [:]
    var carMaxA: [String: Double] = [:]
    var current: [String: Double] = [:]
    var phasesActive: [String: Int] = [:]
    var lost: Set<String> = []
    var gridAgeS = 0.3
    var watchdogS: Double? = nil
    var beforeCars: [ConsumerClaim] = []
    /// Boards fed by a child hub, and a child's allowance; `noGrid`: a child has no main meter.
    var remote: [String: RemoteLoad] = [:]
    var allowanceA: PhaseValues?
    var noGrid = false
    /// Per point id: its ready-by gate (`ControlInput.carPlan`).
    var carPlan: [String: CarPlanGate] = [:]
    private(set) var last: Decision?

    init(_ b: SiteBuilder, tunables: ControlTunables? = nil, at t: Date = brussels(2025, 4, 8, 9, 0)) {
        c = Controller(config: b.config, tunables: tunables)
        now = t; quarterStart = t
    }

    func status(_ id: String) -> ChargePointStatus {
        let ph = carPhases[id] ?? 0
        if ph == 0 { return ChargePointStatus(state: .noCar) }
        let a = current[id] ?? 0
        var eff = ph
        if let ap = phasesActive[id], ap == 1 { eff = 1 }
        var st = car(a, phases: eff, state: a > 0 ? .charging : .connected)
        st.activePhases = phasesActive[id]
        return st
    }

    @discardableResult
    func step(_ dt: Double = 1) -> Decision {
        now = now.addingTimeInterval(dt)
        var pts: [String: ChargePointStatus] = [:]
        for id in c.site.pointIds { pts[id] = status(id) }
        let g = gridReading(at: meterFollowsClock ? now : quarterStart, site: c.site, nonManagedA: houseA, nonManagedW: houseW, points: pts)
        var input = ControlInput.make(site: c.site, grid: g, gridAgeS: gridAgeS,
                                      points: pts.mapValues { PointReading(status: $0, ageS: 0.5, watchdogS: watchdogS) },
                                      beforeCars: beforeCars)
        for id in lost { input.points[c.site.pointIndex[id]!].reachable = false }
        for (board, r) in remote { input.remote[c.site.levelIndex[board]!] = r }
        input.allowanceA = allowanceA
        if !carPlan.isEmpty { input.carPlan = c.site.pointIds.map { carPlan[$0] ?? .free } }
        if noGrid { input.grid = nil; input.gridAgeS = .infinity }
        for (board, a) in boardHouseA {
            input.meters[c.site.levelIndex[board]!] = MeterReading(boardReading(site: c.site, board: board, nonManagedA: a, points: pts),
                                                                   ageS: boardAgeS[board] ?? 0.4)
        }
        let d = c.decide(input, now: now)
        for p in d.points where !lost.contains(p.id) {
            if let ph = p.phases { phasesActive[p.id] = ph }
            let ph = carPhases[p.id] ?? 0
            current[p.id] = ph == 0 ? 0 : min(p.setpointA, carMaxA[p.id] ?? .infinity)
        }
        last = d
        return d
    }
    func sp(_ id: String) -> Double { last!.point(id)!.setpointA }
    func line(_ id: String) -> String { last!.point(id)!.line }
    func sent(_ id: String) -> Bool { last!.point(id)!.send }
}
