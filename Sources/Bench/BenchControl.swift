import Foundation
import KwartierCore

/// Decision time of the control core (issue 6 goals, release build): 20 points in a 3-level
/// tree < 50 µs, 2000 points in a wide tree < 5 ms. Each iteration is a new telegram: the meter
/// clock advances 1 s, the house load and the cars' currents move, the cars follow their setpoints.
func benchControl() throws {
    let small = benchSite(boards: 2, subBoards: 2, points: 20)
    let wide = benchSite(boards: 40, subBoards: 2, points: 2000)
    for (name, cfg, iterations, goalUS) in [("20 points, 3-level tree", small, 20_000, 50.0),
                                             ("2000 points, wide tree (40 boards x 2)", wide, 300, 5000.0)] {
        let r = runBench(cfg, iterations: iterations)
        let verdict = r.p50 <= goalUS ? "ok" : "OVER GOAL"
        print(String(format: "control: %@: mean %.1f µs, p50 %.1f µs, p99 %.1f µs per decision (goal < %.0f µs: %@)",
                     name, r.mean, r.p50, r.p99, goalUS, verdict))
        print("control:   last decision: \(r.charging) points charging; reasons: \(r.kinds)")
    }
}

private func benchSite(boards: Int, subBoards: Int, points: Int) -> SiteConfig {
    var cfg = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, fuseA: 4000, limitA: Double(max(63, points * 4)),
                                           marginA: 1, meter: .device("p1")))
    cfg.site.sliderKW = Double(points) * 4
    cfg.meters = [MeterConfig(id: "p1", kind: .p1(source: .simulated, passthrough: [], staleAfterS: 10))]
    var leaves: [String] = []
    for b in 0..<boards {
        let id = "b\(b)"
        cfg.meters.append(MeterConfig(id: "m\(b)", kind: .modbus(driver: "sim", transport: .simulated, staleAfterS: 10)))
        cfg.boards.append(LevelConfig(id: id, parent: "grid", limitA: Double(max(32, points / boards * 5)), marginA: 0.5, meter: .device("m\(b)")))
        for s in 0..<subBoards {
            let sid = "b\(b)s\(s)"
            cfg.boards.append(LevelConfig(id: sid, parent: id, limitA: Double(max(25, points / boards / subBoards * 6)), meter: .virtual))
            leaves.append(sid)
        }
    }
    let maps = ["L1L2L3", "L2L3L1", "L3L1L2", "L1", "L2", "L3"]
    for i in 0..<points {
        cfg.chargepoints.append(ChargePointConfig(id: "cp\(i + 1)", board: leaves[i % leaves.count], driver: "sim", transport: .simulated,
                                                  phases: PhaseMap(name: maps[i % maps.count])!, minA: i % 5 == 0 ? 8 : 6, maxA: 16,
                                                  safeA: 6, priority: i % 7 == 0 ? 1 : 0))
    }
    return cfg
}

private func runBench(_ cfg: SiteConfig, iterations: Int) -> (mean: Double, p50: Double, p99: Double, charging: Int, kinds: String) {
    let c = Controller(config: cfg)
    let site = c.site
    var input = ControlInput.empty(for: site)
    var setpoints = [Double](repeating: 0, count: site.pointCount)
    var t = Date(timeIntervalSince1970: 1_750_000_000)
    var register = 1000.0
    var rng = UInt64(42)
    func noise() -> Double { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Double(rng >> 11) / Double(1 << 53) }
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    var lastDecision: Decision?
    for it in 0..<(iterations + 50) {
        t = t.addingTimeInterval(1)
        var boardA = [PhaseValues](repeating: .zero, count: site.levelCount)
        for i in 0..<site.pointCount {
            let carPhases = i % 6 < 3 ? (i % 4 == 0 ? 1 : 3) : 1
            let a = i % 9 == 0 ? 0 : min(16, setpoints[i])
            let st = ChargePointStatus(state: a > 0 ? .charging : .connected,
                                       currents: PhaseValues(a, carPhases >= 2 ? a : 0, carPhases >= 3 ? a : 0),
                                       powerW: a * Double(carPhases) * 230)
            input.points[i] = PointReading(status: st, ageS: 0.4)
        }
        for l in 1..<site.levelCount where cfg.boards[l - 1].meter != .virtual {
            boardA[l] = .all(2 + 3 * noise())
        }
        var total = PhaseValues.all(5 + 5 * noise())
        for l in 1..<site.levelCount { total += boardA[l] }
        var carsW = 0.0
        for i in 0..<site.pointCount { carsW += input.points[i].status?.powerW ?? 0 }
        let gridW = total.sum * 230 + carsW
        register += max(0, gridW) / 3_600_000
        // Meter currents include the points' draw (the controller subtracts it again).
        for l in 1..<site.levelCount where cfg.boards[l - 1].meter != .virtual {
            input.meters[l] = MeterReading(MeterMeasurement(currents: boardA[l] + .all(Double(site.pointCount) / 30), powerW: 0), ageS: 0.5)
        }
        input.grid = GridMeasurement(meterTime: t, meter: MeterMeasurement(currents: total + .all(Double(site.pointCount)),
                                                                           powerW: gridW, importKWh: register))
        input.gridAgeS = 0.2
        let start = DispatchTime.now().uptimeNanoseconds
        let d = c.decide(input, now: t)
        let ns = DispatchTime.now().uptimeNanoseconds - start
        if it >= 50 { samples.append(Double(ns) / 1000) }
        for (i, p) in d.points.enumerated() { setpoints[i] = p.setpointA }
        lastDecision = d
    }
    var kinds: [String: Int] = [:]
    for p in lastDecision!.points { kinds[p.explanation.kind.rawValue, default: 0] += 1 }
    let charging = lastDecision!.points.filter { $0.setpointA > 0 }.count
    samples.sort()
    let mean = samples.reduce(0, +) / Double(samples.count)
    return (mean, samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)], charging,
            kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
}
