import Foundation

/// A naive load balancer, the yardstick for Kwartier's stability: every second it reads the
/// true currents, gives each car its minimum in point order while that fits every level and the
/// slider (as instantaneous power), then raises all admitted cars together 1 A at a time. No
/// hysteresis, no minimum run time or pause, no quarter-hour averaging: it respects the limits
/// but starts and stops cars whenever the other loads move.
public final class NaiveBalancerBrain: SimBrain {
    public var wantsTelegrams: Bool { false }
    let config: SiteConfig
    private var levelOf: [Int] = []
    private var ancestors: [[Int]] = []
    private var usable: [Double] = []
    private var last: [Double] = []

    public init(config: SiteConfig) { self.config = config }

    private func prepare(_ site: SimSite) {
        let ids = config.levels.map(\.id)
        usable = config.levels.map(\.usableA)
        levelOf = site.points.map { ids.firstIndex(of: $0.config.board) ?? 0 }
        ancestors = site.points.map { p in config.ancestors(ofLevel: p.config.board).compactMap { ids.firstIndex(of: $0) } }
        last = Array(repeating: -1, count: site.points.count)
    }

    public func step(now: Date, telegram: [UInt8]?, site: SimSite, meter: VirtualMeterState) -> [String: Double] {
        if last.isEmpty { prepare(site) }
        let f = site.flows
        let v = config.site.voltage
        // Room per level and phase: the usable limit minus what is not a car.
        var room = f.levels.enumerated().map { (l, i) in PhaseValues.all(usable[l]) - i }
        for (k, p) in site.points.enumerated() { for l in ancestors[k] { room[l] += p.gridCurrents } }
        var powerRoom = config.site.sliderKW * 1000 - (f.gridW - f.chargeParkW)

        // Cars that want energy, with the grid lines they load per amp.
        var amps = [Double](repeating: 0, count: site.points.count)
        var lines: [PhaseValues] = Array(repeating: .zero, count: site.points.count)
        var admitted: [Int] = []
        for (k, p) in site.points.enumerated() {
            guard let car = p.car, !car.isFull else { continue }
            let n = min(car.phases, p.activePhases, p.config.phases.lineToLine ? 1 : p.config.phases.terminals.count)
            lines[k] = p.config.phases.gridCurrents(amps: 1, carPhases: n)
            let minA = max(car.minA, p.config.minA)
            if fits(k, minA, lines[k], room, powerRoom, v) {
                amps[k] = minA
                take(k, minA, lines[k], &room, &powerRoom, v)
                admitted.append(k)
            }
        }
        // Raise everyone admitted by 1 A per round while it fits.
        var rising = admitted
        while !rising.isEmpty {
            rising = rising.filter { k in
                guard amps[k] + 1 <= site.points[k].config.maxA, fits(k, 1, lines[k], room, powerRoom, v) else { return false }
                amps[k] += 1
                take(k, 1, lines[k], &room, &powerRoom, v)
                return true
            }
        }
        var written: [String: Double] = [:]
        for (k, p) in site.points.enumerated() {
            try? p.writeCurrent(amps[k])
            if amps[k] != last[k] { written[p.config.id] = amps[k]; last[k] = amps[k] }
        }
        site.boiler?.on = true
        return written
    }

    private func fits(_ k: Int, _ a: Double, _ line: PhaseValues, _ room: [PhaseValues], _ powerRoom: Double, _ v: Double) -> Bool {
        for l in ancestors[k] {
            let r = room[l], need = line * a
            if need.l1 > r.l1 + 1e-9 || need.l2 > r.l2 + 1e-9 || need.l3 > r.l3 + 1e-9 { return false }
        }
        return line.sum * a * v <= powerRoom + 1e-6
    }

    private func take(_ k: Int, _ a: Double, _ line: PhaseValues, _ room: inout [PhaseValues], _ powerRoom: inout Double, _ v: Double) {
        for l in ancestors[k] { room[l] -= line * a }
        powerRoom -= line.sum * a * v
    }
}
