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
