import Foundation

/// What the runtime adds to a snapshot from outside the core (I/O health, P1 counters, the log).
public struct SnapshotExtras: Sendable {
    public var devices: [DeviceHealth] = []
    public var telegrams: Int = 0
    public var crcFailures: Int = 0
    public var log: [LogLine] = []
    /// Measured flows the core cannot know itself (the simulated site knows its PV and battery).
    public var pvW: Double?
    public var batteryW: Double?
    public var batterySoC: Double?
    public var heatPumpW: Double?
    public init() {}
}

extension SiteController {
    /// The dashboard's view of the site after the latest step.
    public func snapshot(now: Date, mono: Double, extras: SnapshotExtras = SnapshotExtras()) -> SiteSnapshot {
        let d = lastDecision
        let gridAge = gridAgeS(mono: mono)
        let stale = d?.safeState ?? true
        let g = grid?.meter
        var gv = GridView(powerW: g?.powerW ?? 0, currents: g?.currents ?? .zero, voltages: g?.voltages, ageS: gridAge,
                          stale: stale, telegrams: extras.telegrams, crcFailures: extras.crcFailures)
        gv.importKWh = g?.importKWh
        gv.exportKWh = g?.exportKWh
        let memory = controller.state.points
        var park = 0.0
        var views: [PointView] = []
        for cp in config.chargepoints {
            let slot = pointSlot(cp.id)
            let pd = d?.point(cp.id)
            let st = slot?.status
            let power = st?.powerW ?? ((st?.currents.sum ?? 0) * config.site.voltage)
            if slot?.reachable ?? false { park += power }
            let ps = settings.point(cp)
            let learned = memory[cp.id].map { Self.phaseCount($0.carMask) } ?? 0
            let drawing = st.map { s in [s.currents.l1, s.currents.l2, s.currents.l3].filter { $0 > 1 }.count } ?? 0
            views.append(PointView(
                id: cp.id, name: cp.name, state: Self.pointState(slot: slot, decision: pd), mode: ps.mode, priority: ps.priority,
                manualA: ps.manualA, phasesInUse: drawing > 0 ? drawing : learned, currents: st?.currents ?? .zero,
                powerW: power, setpointA: pd?.setpointA ?? 0, sessionKWh: st?.sessionKWh ?? 0,
                explanation: pd?.explanation.text ?? "no decision yet", board: cp.board, minA: cp.minA, maxA: cp.maxA))
        }
        var levels: [LevelView] = []
        for lvl in config.levels {
            let load = d?.levels.first { $0.id == lvl.id }
            levels.append(LevelView(id: lvl.id, parent: lvl.parent, depth: config.depth(ofLevel: lvl.id),
                                    currents: load?.currents ?? .zero, limitA: lvl.limitA, meter: lvl.meter.description))
        }
        let inv = inverterTotals(mono: mono)
        let pv = extras.pvW ?? inv?.pvPowerW
        let battery = extras.batteryW ?? inv?.batteryPowerW
        // A measured heat pump power beats the configured power of its SG state (an idle pump
        // in Normal draws far less than its claim).
        let hp = extras.heatPumpW ?? lastRelays.filter { $0.kind == "sg-ready" }.reduce(0) { $0 + $1.powerW }
        let relayW = hp + lastRelays.filter { $0.kind == "switch" }.reduce(0) { $0 + $1.powerW }
        // House = what the meter sees + PV - battery charging - cars - relay devices.
        let house = max(0, (g?.powerW ?? 0) + (pv ?? 0) - (battery ?? 0) - park - relayW)
        var snap = SiteSnapshot(time: now, siteName: config.site.name, sliderKW: settings.sliderKW, grid: gv, houseW: house,
                                chargeParkW: park, quarter: d?.quarter, points: views, levels: levels,
                                relays: lastRelays.map(\.view), devices: extras.devices,
                                alerts: alertLog.suffix(20) + [], log: extras.log)
        snap.network = config.site.network
        snap.voltage = config.site.voltage
        snap.pvW = pv
        snap.batteryW = battery
        snap.batterySoC = extras.batterySoC ?? inv?.batterySoCPercent
        snap.heatPumpW = config.relays.contains { if case .sgReady = $0.kind { return true } else { return false } } ? hp : nil
        snap.quarterHistory = controller.quarterState.history.suffix(96).map(\.averageKW)
        snap.safeState = stale
        return snap
    }

    static func phaseCount(_ mask: UInt8) -> Int { (0..<3).filter { mask & (1 << $0) != 0 }.count }

    static func pointState(slot: PointSlotView?, decision: PointDecision?) -> PointState {
        guard let s = slot, s.reachable, let st = s.status else { return .lost }
        switch st.state {
        case .noCar: return .noCar
        case .error: return .error
        case .charging: return .charging
        case .connected:
            if let k = decision?.explanation.kind, [.waiting, .rotation, .pause].contains(k) { return .waiting }
            return .connected
        }
    }

    /// A read-only view of a point's latest reading.
    public struct PointSlotView: Sendable {
        public var status: ChargePointStatus?
        public var reachable: Bool
        public var error: String?
    }

    public func pointSlot(_ id: String) -> PointSlotView? {
        pointSlotStorage(id).map { PointSlotView(status: $0.status, reachable: $0.reachable, error: $0.error) }
    }
}
