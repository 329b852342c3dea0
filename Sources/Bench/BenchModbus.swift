import Foundation
import KwartierCore
import KwartierIO

/// One control cycle over Modbus: for every charge point of the configuration, write a setpoint
/// and read its state, each point on its own worker (one per TCP endpoint, one per RS485 bus),
/// all in parallel as the control loop does. Reports p50/p99 of the time until the last TCP point
/// and the last RTU point are done. Needs simulated peers: `scripts/bench.d/10-modbus.sh` starts
/// them and passes the site in KWARTIER_BENCH_MODBUS_CONFIG (goal: 20 TCP points, p99 < 20 ms).
func benchModbus() throws {
    guard let path = ProcessInfo.processInfo.environment["KWARTIER_BENCH_MODBUS_CONFIG"] else {
        print("modbus: run through scripts/bench.d/10-modbus.sh (it starts the simulated peers)")
        return
    }
    let cycles = Int(ProcessInfo.processInfo.environment["KWARTIER_BENCH_MODBUS_CYCLES"] ?? "") ?? 300
    let (config, _) = try ConfigFile.load(path)
    var o = WorkerOptions()
    o.responseTimeoutS = 0.5
    let site = try DeviceFactory(options: o).build(config)
    defer { site.shutdown() }
    let points = config.chargepoints.compactMap { cp in site.chargePoints[cp.id].map { (cp.id, $0, cp.transport.isTCP) } }
    let tcpCount = points.filter { $0.2 }.count, rtuCount = points.count - tcpCount

    var tcpMs: [Double] = [], rtuMs: [Double] = [], failures = 0
    for n in 0..<(cycles + 10) {
        let group = DispatchGroup()
        let lock = NSLock()
        var lastTCP = 0.0, lastRTU = 0.0, failed = 0
        let start = Monotonic.now
        let amps = n % 2 == 0 ? 10.0 : 11.0
        for (id, cp, isTCP) in points {
            group.enter()
            site.worker(for: id)!.submit(timeout: 1.0, { try cp.writeCurrent(amps); return try cp.readStatus() }) { r in
                let t = Monotonic.now - start
                lock.lock()
                if case .failure = r { failed += 1 }
                if isTCP { lastTCP = max(lastTCP, t) } else { lastRTU = max(lastRTU, t) }
                lock.unlock()
                group.leave()
            }
        }
        group.wait()
        if n >= 10 {   // the first cycles open the connections
            tcpMs.append(lastTCP * 1000); rtuMs.append(lastRTU * 1000); failures += failed
        }
        Thread.sleep(forTimeInterval: 0.02)
    }
    func pct(_ v: [Double], _ p: Double) -> String {
        String(format: "%.2f", DeviceHealthTracker.percentile(v.sorted(), p) ?? .nan)
    }
    let label = ProcessInfo.processInfo.environment["KWARTIER_BENCH_MODBUS_LABEL"] ?? "loopback peers"
    print("modbus (\(label)): \(cycles) cycles, each: write setpoint + read state of every point")
    if tcpCount > 0 {
        let p99 = DeviceHealthTracker.percentile(tcpMs.sorted(), 0.99) ?? .infinity
        print("modbus: \(tcpCount) TCP points: cycle p50 \(pct(tcpMs, 0.5)) ms, p99 \(pct(tcpMs, 0.99)) ms, max \(pct(tcpMs, 1)) ms — goal p99 < 20 ms: \(p99 < 20 ? "met" : "NOT met")")
    }
    if rtuCount > 0 {
        print("modbus: \(rtuCount) RTU points on one bus: cycle p50 \(pct(rtuMs, 0.5)) ms, p99 \(pct(rtuMs, 0.99)) ms, max \(pct(rtuMs, 1)) ms")
    }
    let h = site.health()
    let rtts = h.compactMap(\.rttP50Ms)
    print("modbus: per-transaction round trip p50 over devices \(String(format: "%.2f", rtts.sorted()[rtts.count / 2])) ms; failed jobs \(failures); requests \(h.map(\.requests).reduce(0, +))")
}
