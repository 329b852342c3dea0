import Foundation

/// Accumulates what `kwartier simulate` reports, second by second, from the site's physics
/// (not from what the controller believes).
public struct SimRecorder {
    /// An overload shorter than this is a transient a breaker tolerates (its trip curve);
    /// longer is a violation. A car follows a lower setpoint a few seconds after the write (the
    /// simulated charger's apply delay and the car's ramp).
    public var toleranceS: Double = 5
    public let config: SiteConfig
    // Per level and phase (index level * 3 + phase): since when it is over its limit, and
    // whether that overload was counted already.
    private var overSince: [Double?]
    private var counted: [Bool]
    private let limits: [Double]
    public private(set) var violations: [String: Int] = [:]
    public private(set) var overloadSeconds: Double = 0
    /// Violations (and overload seconds) of a grid line the uncontrollable load alone held over
    /// its limit: no control could have avoided them, so they are not counted in `violations`.
    public private(set) var violationsUncontrollable: [String: Int] = [:]
    public private(set) var overloadSecondsUncontrollable: Double = 0
    private let voltage: Double
    public private(set) var maxLoadRatio: Double = 0
    private var elapsed: Double = 0
    public private(set) var pvKWh: Double = 0
    public private(set) var exportKWh: Double = 0
    public private(set) var importKWh: Double = 0
    private var sgSecondsByState = [Double](repeating: 0, count: SGState.allCases.count)
    private var sawHeatPump = false
    public var sgSeconds: [String: Double] {
        guard sawHeatPump else { return [:] }
        var out: [String: Double] = [:]
        for (i, s) in SGState.allCases.enumerated() where sgSecondsByState[i] > 0 { out[s.rawValue] = sgSecondsByState[i] }
        return out
    }
    public private(set) var setpointChanges: [String: Int] = [:]
    private var lastSent: [String: Double] = [:]
    /// Per quarter (keyed by its start, s since 1970): the energy the load Kwartier cannot
    /// control would have imported on its own (kWh): the house less PV plus the battery, and the
    /// heat pump while it is in Normal (the state it is in without Kwartier). The charge points,
    /// the boiler and the heat pump's other SG states are Kwartier's.
    private var uncontrollableKWh: [Double: Double] = [:]

    /// Prices and tariff of the run (a scenario's `energy:`): the recorder adds up the bill.
    public var pricing: SimPricing?
    public private(set) var energyCostEUR: Double = 0
    public private(set) var curtailedKWh: Double = 0
    public private(set) var batteryToCarsKWh: Double = 0
    public private(set) var batteryChargedKWh: Double = 0
    public private(set) var batteryDischargedKWh: Double = 0

    public init(config: SiteConfig) {
        self.config = config
        limits = config.levels.map(\.limitA)
        voltage = config.site.voltage > 0 ? config.site.voltage : 230
        overSince = Array(repeating: nil, count: limits.count * 3)
        counted = Array(repeating: false, count: limits.count * 3)
    }

    public private(set) var steps = 0

    public mutating func record(flows: SimFlows, dt: Double, heatPump: SGState?) {
        elapsed += dt
        steps += 1
        // The grid's current from the uncontrollable load alone (the heat pump in Normal is its
        // own state, not Kwartier's), as for the quarters below.
        var uLineW = flows.uncontrollableLineW
        if heatPump == .normal { uLineW += PhaseValues.all(flows.heatPumpW / 3) }
        let uA = uLineW * (1 / voltage)
        for (l, limit) in limits.enumerated() {
            let i = l < flows.levels.count ? flows.levels[l] : .zero
            for p in Phase.allCases {
                let k = l * 3 + p.rawValue
                let a = abs(i[p])
                maxLoadRatio = max(maxLoadRatio, a / limit)
                if a > limit + 0.05 {
                    overloadSeconds += dt
                    let alone = l == 0 && abs(uA[p]) > limit + 0.05
                    if alone { overloadSecondsUncontrollable += dt }
                    let since = overSince[k] ?? (elapsed - dt)
                    overSince[k] = since
                    if elapsed - since > toleranceS && !counted[k] {
                        if alone { violationsUncontrollable["\(config.levels[l].id) \(p)", default: 0] += 1 }
                        else { violations["\(config.levels[l].id) \(p)", default: 0] += 1 }
                        counted[k] = true
                    }
                } else {
                    overSince[k] = nil
                    counted[k] = false
                }
            }
        }
        pvKWh += flows.pvW * dt / 3_600_000
        let hpW = heatPump == .normal ? flows.heatPumpW : 0
        let uW = flows.houseW + hpW - flows.pvW + flows.batteryW
        if uW > 0 {
            // The step's energy belongs to the quarter it ends in, as in the virtual meter.
            let q = ((flows.time.timeIntervalSince1970 - 0.001) / 900).rounded(.down) * 900
            uncontrollableKWh[q, default: 0] += uW * dt / 3_600_000
        }
        if flows.gridW < 0 { exportKWh += -flows.gridW * dt / 3_600_000 } else { importKWh += flows.gridW * dt / 3_600_000 }
        if let pr = pricing { recordEnergy(flows, dt: dt, pr) }
        if let s = heatPump {
            sawHeatPump = true
            sgSecondsByState[SGState.allCases.firstIndex(of: s)!] += dt
        }
    }

    mutating func recordEnergy(_ f: SimFlows, dt: Double, _ pr: SimPricing) {
        let kwh = f.gridW * dt / 3_600_000
        // The step's energy is priced in the period it ends in, as the meter counts it.
        if let m = pr.series.price(at: f.time.addingTimeInterval(-0.001)) {
            energyCostEUR += kwh >= 0 ? kwh * pr.formula.takePrice(m) : kwh * pr.formula.injectPrice(m)
        }
        curtailedKWh += f.curtailedW * dt / 3_600_000
        if f.batteryW > 0 { batteryChargedKWh += f.batteryW * dt / 3_600_000 }
        if f.batteryW < 0 {
            batteryDischargedKWh += -f.batteryW * dt / 3_600_000
            // What the discharge gave beyond the house's own net load went to the cars (or out).
            let houseW = max(0, f.houseW + f.heatPumpW + f.boilerW - f.pvW)
            let beyond = -f.batteryW - houseW
            if beyond > 0 { batteryToCarsKWh += min(beyond, f.chargeParkW) * dt / 3_600_000 }
        }
    }

    /// The capacity tariff's charge: each local month's highest quarter, at least the minimum.
    func capacityCost(_ meter: VirtualMeterState, _ tariff: CapacityTariff) -> Double {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = meter.timeZone
        var peaks: [String: Double] = [:]
        for q in meter.completedQuarters {
            let c = cal.dateComponents([.year, .month], from: q.start)
            let k = "\(c.year!)-\(c.month!)"
            peaks[k] = max(peaks[k] ?? 0, q.kw)
        }
        return peaks.values.reduce(0) { $0 + tariff.monthCost(peakKW: $1) }
    }

    public mutating func recordSetpoint(point: String, amps: Double) {
        if let last = lastSent[point], abs(last - amps) < 0.05 { return }
        if lastSent[point] != nil { setpointChanges[point, default: 0] += 1 }
        lastSent[point] = amps
    }

    public func report(site: SimSite, meter: VirtualMeterState, sliderKW: Double, hours: Double) -> SimReport {
        let cars = site.allCars
        let delivered = cars.reduce(0) { $0 + $1.deliveredKWh }
        // What a car could take while it was plugged in is what was asked of the hub.
        let requested = cars.reduce(0) { $0 + $1.requestedKWh }
        let maxQ = meter.completedQuarters.map(\.kw).max() ?? meter.currentAverageKW
        let perCar = cars.sorted { ($0.arrival, $0.name) < ($1.arrival, $1.name) }.map {
            SimReport.Car(name: $0.name, requested_kwh: round3($0.requestedKWh), delivered_kwh: round3($0.deliveredKWh),
                          unmet_kwh: round3(max(0, $0.requestedKWh - $0.deliveredKWh)), starts: $0.starts, phases: $0.phases,
                          stops: $0.stops, arrival: $0.arrival, departure: $0.departure)
        }
        let changes = setpointChanges.values.reduce(0, +)
        // A quarter over the slider is Kwartier's unless the uncontrollable load alone took it there.
        var caused = 0, uncontrollable = 0, uncontrollableOverKWh = 0.0
        for q in meter.completedQuarters where q.kw > sliderKW + 0.01 {
            let u = uncontrollableKWh[q.start.timeIntervalSince1970] ?? 0
            if u / 0.25 > sliderKW + 0.01 { uncontrollable += 1; uncontrollableOverKWh += u } else { caused += 1 }
        }
        return SimReport(
            violations: violations.values.reduce(0, +),
            violations_by_level: violations,
            overload_seconds: round3(overloadSeconds),
            violations_uncontrollable: violationsUncontrollable.values.reduce(0, +),
            violations_uncontrollable_by_level: violationsUncontrollable,
            overload_seconds_uncontrollable: round3(overloadSecondsUncontrollable),
            max_load_ratio: round3(maxLoadRatio),
            max_quarter_kw: round3(maxQ),
            slider_kw: sliderKW,
            month_peak_kw: round3(max(meter.monthPeakKW, maxQ)),
            quarters_over_slider: caused,
            quarters_over_slider_uncontrollable: uncontrollable,
            uncontrollable_over_kwh: round3(uncontrollableOverKWh),
            energy_delivered_kwh: round3(delivered),
            energy_requested_kwh: round3(requested),
            unmet_kwh: round3(perCar.reduce(0) { $0 + $1.unmet_kwh }),
            cars_served_fully: perCar.filter { $0.unmet_kwh < 0.05 }.count,
            cars: perCar.count,
            starts: cars.reduce(0) { $0 + $1.starts },
            stops: cars.reduce(0) { $0 + $1.stops },
            setpoint_changes: changes,
            setpoint_changes_per_point_hour: round3(Double(changes) / Double(max(1, site.points.count)) / max(hours, 1e-9)),
            setpoint_changes_by_point: setpointChanges,
            pv_kwh: round3(pvKWh),
            pv_self_consumption: pvKWh > 0 ? round3(max(0, min(1, 1 - exportKWh / pvKWh))) : nil,
            import_kwh: round3(importKWh),
            export_kwh: round3(exportKWh),
            heat_pump_seconds: sgSeconds.isEmpty ? nil : sgSeconds,
            per_car: perCar,
            baselines: nil,
            hours: round3(hours),
            steps: steps,
            quarter_kw: meter.completedQuarters.map { round3($0.kw) },
            first_quarter: meter.completedQuarters.first?.start,
            energy_cost_eur: pricing.map { _ in round3(energyCostEUR) },
            capacity_cost_eur: pricing?.tariff.map { round3(capacityCost(meter, $0)) },
            cost_eur: pricing.map { pr in round3(energyCostEUR + (pr.tariff.map { capacityCost(meter, $0) } ?? 0)) },
            curtailed_kwh: pricing.map { _ in round3(curtailedKWh) },
            battery_charged_kwh: pricing.map { _ in round3(batteryChargedKWh) },
            battery_discharged_kwh: pricing.map { _ in round3(batteryDischargedKWh) },
            battery_to_cars_kwh: pricing.map { _ in round3(batteryToCarsKWh) })
    }
}

func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

/// The result of a simulation run (its JSON keys are the `--json` contract).
public struct SimReport: Sendable, Codable, Equatable {
    public struct Car: Sendable, Codable, Equatable {
        public var name: String
        public var requested_kwh: Double
        public var delivered_kwh: Double
        public var unmet_kwh: Double
        public var starts: Int
        public var phases: Int
        /// Interruptions: charging stopped while the car was plugged in and not full.
        public var stops: Int = 0
        public var arrival: Date?
        public var departure: Date?
        /// The point the car used (the part of its name after "@").
        public var point: String { name.split(separator: "@").last.map(String.init) ?? "" }
    }
    /// Limit (fuse) violations Kwartier caused (must be 0), by level and line.
    public var violations: Int
    public var violations_by_level: [String: Int]
    public var overload_seconds: Double
    /// Violations of a grid line the uncontrollable load alone held over its limit (the house with
    /// every car stopped), by line, and the seconds of such overload.
    public var violations_uncontrollable: Int = 0
    public var violations_uncontrollable_by_level: [String: Int] = [:]
    public var overload_seconds_uncontrollable: Double = 0
    public var max_load_ratio: Double
    public var max_quarter_kw: Double
    public var slider_kw: Double
    public var month_peak_kw: Double
    /// Quarters that closed above the slider because of what Kwartier controls (must be 0).
    public var quarters_over_slider: Int
    /// Quarters that closed above the slider because the uncontrollable load alone went over it,
    /// and that load's energy in those quarters (kWh).
    public var quarters_over_slider_uncontrollable: Int = 0
    public var uncontrollable_over_kwh: Double = 0
    public var energy_delivered_kwh: Double
    public var energy_requested_kwh: Double
    public var unmet_kwh: Double
    public var cars_served_fully: Int
    public var cars: Int
    public var starts: Int
    /// Interruptions of charging cars that were not full (start/stop cycles).
    public var stops: Int = 0
    public var setpoint_changes: Int
    public var setpoint_changes_per_point_hour: Double
    /// Setpoint changes per point over the run (points never changed are absent).
    public var setpoint_changes_by_point: [String: Int]? = nil
    public var pv_kwh: Double
    public var pv_self_consumption: Double?
    public var import_kwh: Double
    public var export_kwh: Double
    public var heat_pump_seconds: [String: Double]?
    public var per_car: [Car]?
    public var baselines: [String: SimReport]?
    /// Simulated time (h) and the number of steps (decisions) it took.
    public var hours: Double = 0
    public var steps: Int = 0
    /// Telegrams the hub decoded from the virtual meter and those rejected (Kwartier's run only).
    public var telegrams: Int? = nil
    public var crc_failures: Int? = nil
    /// Every completed quarter-hour average (kW) as the meter measured it, from `first_quarter`.
    public var quarter_kw: [Double]? = nil
    public var first_quarter: Date? = nil
    /// With a scenario's prices: the energy bill (take less injection, €), the capacity
    /// tariff's charge for each month the run touches (€), their sum, PV held back by the
    /// inverter's limit, the battery's energy in and out, and what it gave the cars (kWh).
    public var energy_cost_eur: Double? = nil
    public var capacity_cost_eur: Double? = nil
    public var cost_eur: Double? = nil
    public var curtailed_kwh: Double? = nil
    public var battery_charged_kwh: Double? = nil
    public var battery_discharged_kwh: Double? = nil
    public var battery_to_cars_kwh: Double? = nil
}

/// The prices a simulated run is billed with.
public struct SimPricing: Sendable {
    public var series: PriceSeries
    public var formula: SupplierFormula
    public var tariff: CapacityTariff?
    public init(series: PriceSeries, formula: SupplierFormula, tariff: CapacityTariff?) {
        self.series = series; self.formula = formula; self.tariff = tariff
    }
}
