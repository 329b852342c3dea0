import Foundation

/// All relays of a site: heat pumps (SG-Ready) and switched devices, decided together so that
/// two devices never count the same surplus twice.
///
/// Surplus sharing, per decision:
/// - The measured export already shows what the relays draw now, so each relay's present claim
///   is added back: a device is judged on the surplus "as if it were released", and its own
///   draw does not switch it off again (no oscillation).
/// - `before-cars` relays are decided first, in configuration order, on the export plus the
///   cars' surplus draw plus every relay's claim; each takes its new claim from the pool.
/// - `after-cars` relays then see the export plus their own group's claims, minus what the
///   `before-cars` group took in this decision.
///
/// The control core consumes `RelayDecision.powerW`/`previousPowerW`/`order` in its budget.
public struct RelayController: Sendable, Equatable {
    public enum Machine: Sendable, Equatable {
        case sg(SGReadyMachine)
        case switched(SwitchMachine)
        var claimW: Double {
            switch self { case .sg(let m): return m.claimW; case .switched(let m): return m.claimW }
        }
    }
    public struct Entry: Sendable, Equatable {
        public var config: RelayConfig
        public var machine: Machine
        public var order: SurplusOrder {
            switch machine { case .sg(let m): return m.config.order; case .switched(let m): return m.config.order }
        }
    }
    public private(set) var entries: [Entry]
    public private(set) var lastOverrides: [String: RuntimeSettings.RelayOverride] = [:]

    /// Every relay in its start state (pumps Normal, switches off) at `now`.
    public init(relays: [RelayConfig], timeZone: TimeZone, start now: Date) {
        entries = relays.map { r in
            switch r.kind {
            case .sgReady(let c): return Entry(config: r, machine: .sg(SGReadyMachine(id: r.id, config: c, start: now)))
            case .switched(let c):
                return Entry(config: r, machine: .switched(SwitchMachine(id: r.id, config: c, timeZone: timeZone, start: now)))
            }
        }
    }

    public init(config: SiteConfig, start now: Date) {
        self.init(relays: config.relays, timeZone: TimeZone(identifier: config.site.timeZone) ?? TimeZone(identifier: "UTC")!,
                  start: now)
    }

    /// The start state of every relay, to drive at start-up (every output defined).
    public var startDecisions: [RelayDecision] {
        entries.map { decision(for: $0, previousPowerW: power(of: $0.machine), changed: true, override: .auto) }
    }

    /// The configured safe state of every output (SG `safe_state`, switch `safe_state`), for shutdown.
    public var safeCommands: [RelayOutputCommand] {
        entries.flatMap { e -> [RelayOutputCommand] in
            switch e.config.kind {
            case .sgReady(let c): return zip(c.outputs, c.safeState.contacts).map { RelayOutputCommand(output: $0, on: $1) }
            case .switched(let c): return [RelayOutputCommand(output: c.output, on: c.safeOn)]
            }
        }
    }

    /// The brief's call shape; see `step(_:)`.
    public mutating func step(now: Date, exportW: Double, importW: Double, meterStale: Bool, peakHeadroomW: Double?,
                              overrides: [String: RuntimeSettings.RelayOverride], carsSurplusW: Double = 0) -> [RelayDecision] {
        step(RelayInputs(now: now, exportW: exportW, importW: importW, carsSurplusW: carsSurplusW, meterStale: meterStale,
                         peakHeadroomW: peakHeadroomW, overrides: overrides))
    }

    /// One decision for every relay, in configuration order.
    public mutating func step(_ input: RelayInputs) -> [RelayDecision] {
        lastOverrides = input.overrides
        let net = input.exportW - input.importW
        let claims = entries.map { $0.machine.claimW }
        let before = entries.indices.filter { entries[$0].order == .beforeCars }
        let after = entries.indices.filter { entries[$0].order == .afterCars }
        var out = [RelayDecision?](repeating: nil, count: entries.count)

        var pool = net + max(0, input.carsSurplusW) + claims.reduce(0, +)
        var taken = 0.0   // what the before-cars group claims beyond its present claims
        for i in before {
            out[i] = stepOne(i, surplusW: pool, input: input)
            pool -= entries[i].machine.claimW
            taken += entries[i].machine.claimW - claims[i]
        }
        pool = net + after.map { claims[$0] }.reduce(0, +) - taken
        for i in after {
            out[i] = stepOne(i, surplusW: pool, input: input)
            pool -= entries[i].machine.claimW
        }
        return out.map { $0! }
    }

    mutating func stepOne(_ i: Int, surplusW: Double, input: RelayInputs) -> RelayDecision {
        let ov = input.overrides[entries[i].config.id] ?? .auto
        let ask = input.plan[entries[i].config.id]
        let previous = power(of: entries[i].machine)
        let previousContacts = Self.contacts(of: entries[i].machine)
        let changed: Bool
        switch entries[i].machine {
        case .sg(var m):
            changed = m.step(now: input.now, surplusW: surplusW, peakHeadroomW: input.peakHeadroomW,
                             meterStale: input.meterStale, override: ov, plan: ask)
            entries[i].machine = .sg(m)
        case .switched(var m):
            changed = m.step(now: input.now, surplusW: surplusW, meterStale: input.meterStale, override: ov,
                             plan: ask, peakHeadroomW: input.peakHeadroomW)
            entries[i].machine = .switched(m)
        }
        return decision(for: entries[i], previousPowerW: previous, changed: changed, override: ov,
                        previousContacts: previousContacts)
    }

    func power(of m: Machine) -> Double {
        switch m {
        case .sg(let s): return s.powerW(s.state)
        case .switched(let s): return s.claimW
        }
    }

    func decision(for e: Entry, previousPowerW: Double, changed: Bool, override: RuntimeSettings.RelayOverride,
                  previousContacts: [Bool]? = nil) -> RelayDecision {
        switch e.machine {
        case .sg(let m):
            let contacts = m.state.contacts
            let outs = m.config.outputs
            // Changed contacts first, in the order that avoids a lock pattern in between.
            var order = previousContacts.map { SGRules.writeOrder(from: $0, to: contacts) } ?? []
            order += (0..<min(outs.count, contacts.count)).filter { !order.contains($0) }
            return RelayDecision(id: e.config.id, state: .sg(m.state),
                                 outputs: order.filter { $0 < outs.count }.map { RelayOutputCommand(output: outs[$0], on: contacts[$0]) },
                                 contacts: contacts, powerW: m.powerW(m.state), previousPowerW: previousPowerW,
                                 claimW: m.claimW, order: m.config.order, changed: changed, override: override, reason: m.reason)
        case .switched(let m):
            return RelayDecision(id: e.config.id, state: .switched(m.on),
                                 outputs: [RelayOutputCommand(output: m.config.output, on: m.on)],
                                 contacts: [m.on], powerW: m.claimW, previousPowerW: previousPowerW, claimW: m.claimW,
                                 order: m.config.order, changed: changed, override: override, reason: m.reason)
        }
    }

    static func contacts(of m: Machine) -> [Bool] {
        switch m { case .sg(let s): return s.state.contacts; case .switched(let s): return [s.on] }
    }

    /// The machine of a relay, for inspection (tests, dashboard).
    public func machine(_ id: String) -> Machine? { entries.first { $0.config.id == id }?.machine }
    public func sg(_ id: String) -> SGReadyMachine? { if case .sg(let m)? = machine(id) { return m }; return nil }
    public func switched(_ id: String) -> SwitchMachine? { if case .switched(let m)? = machine(id) { return m }; return nil }
}
