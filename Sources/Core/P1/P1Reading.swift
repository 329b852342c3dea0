/// Three optional per-line values (single-phase meters send only L1).
public struct P1Phases: Hashable, Sendable {
    public var l1: Double?, l2: Double?, l3: Double?
    public init(_ l1: Double? = nil, _ l2: Double? = nil, _ l3: Double? = nil) { self.l1 = l1; self.l2 = l2; self.l3 = l3 }
    public var isEmpty: Bool { l1 == nil && l2 == nil && l3 == nil }
    public var count: Int { (l1 == nil ? 0 : 1) + (l2 == nil ? 0 : 1) + (l3 == nil ? 0 : 1) }
    public subscript(i: Int) -> Double? {
        get { i == 0 ? l1 : i == 1 ? l2 : l3 }
        set { if i == 0 { l1 = newValue } else if i == 1 { l2 = newValue } else { l3 = newValue } }
    }
}

/// What an M-Bus sub-meter on channel 1...4 reports.
public struct P1MBusChannel: Hashable, Sendable {
    public enum Kind: String, Sendable { case gas, water, heat, other }
    public var channel: Int
    /// EN 13757-3 device type (0-n:24.1.0): 3 gas, 7 water, 4 heat, ...
    public var deviceType: Int?
    public var equipmentId: String?
    /// 0-n:24.4.0 valve position.
    public var valve: Int?
    /// The last capture: time, value and unit as sent (m3, GJ...).
    public var time: P1Timestamp?
    public var value: Double?
    public var unit: P1Unit?
    /// Which OBIS the reading came on (24.2.1, Belgian gas 24.2.3, DSMR 2.2/3 24.3.0).
    public var readingOBIS: OBISCode?
    public init(channel: Int) { self.channel = channel }

    public var kind: Kind {
        switch deviceType {
        case 3: return .gas
        case 7: return .water
        case 4, 10, 11, 12, 13: return .heat
        default:
            // DSMR 2.2/3 gas (24.3.0) often omits or zero-pads the type.
            if readingOBIS?.cde == OBISCode.cde(24, 3, 0) { return .gas }
            return .other
        }
    }
}

/// The typed view of a telegram: every value SPEC §1.1 lists, units normalised to kWh, kW, V, A
/// (Sagemcom T210-D Wh/W, EasyMeter W are divided by 1000). nil = not sent.
public struct P1Reading: Hashable, Sendable {
    /// P1 version: 1-3:0.2.8 (NL/LU, "42", "50") or 0-0:96.1.4 (BE, "50217").
    public var version: String?
    /// 0-0:1.0.0 telegram time.
    public var time: P1Timestamp?
    /// 0-0:96.1.1 (or 0-0:96.1.0 / 0-0:42.0.0 / ESY 96.1.255) equipment identifier as sent (usually hex).
    public var equipmentId: String?
    /// 1-0:1.8.1...1.8.4 and 2.8.1...2.8.4 (kWh), index 0 = tariff 1.
    public var importKWh: [Double?] = [nil, nil, nil, nil]
    public var exportKWh: [Double?] = [nil, nil, nil, nil]
    /// 1-0:1.8.0 / 2.8.0 totals (kWh) when the meter sends them.
    public var importTotalKWh: Double?
    public var exportTotalKWh: Double?
    /// 0-0:96.14.0 (NL 1 = low, 2 = normal; BE 1 = day, 2 = night).
    public var tariff: Int?
    /// 1-0:1.7.0 / 2.7.0 (kW, both positive).
    public var powerImportKW: Double?
    public var powerExportKW: Double?
    /// 1-0:32/52/72.7.0 (V), 31/51/71.7.0 (A, unsigned), 21/41/61.7.0 and 22/42/62.7.0 (kW).
    public var voltage = P1Phases()
    public var current = P1Phases()
    public var powerImportPhaseKW = P1Phases()
    public var powerExportPhaseKW = P1Phases()
    /// 0-0:96.7.21 / 96.7.9.
    public var powerFailures: Int?
    public var longPowerFailures: Int?
    /// 1-0:99.97.0 long power failure log (end time, duration in s).
    public var powerFailureLog: [P1LogEntry]?
    /// 1-0:32/52/72.32.0 sags and 32/52/72.36.0 swells (counts).
    public var voltageSags = P1Phases()
    public var voltageSwells = P1Phases()
    /// 0-0:96.13.0 text message and 0-0:96.13.1 message code, hex-coded as sent.
    public var textMessage: String?
    public var textMessageCode: String?
    /// 0-0:96.3.10 breaker: 0 disconnected, 1 connected, 2 ready for reconnection.
    public var breakerState: Int?
    /// 0-0:17.0.0 limiter threshold with its unit (kW; A on DSMR 3).
    public var limiterThreshold: Double?
    public var limiterUnit: P1Unit?
    /// 1-0:31/51/71.4.0 fuse supervision threshold (A; 999 = off).
    public var fuseThresholdA = P1Phases()
    /// 1-0:1.4.0 running quarter-hour average import (kW).
    public var quarterAverageKW: Double?
    /// 1-0:1.6.0 this month's peak (kW) and when.
    public var monthPeakKW: Double?
    public var monthPeakTime: P1Timestamp?
    /// 0-0:98.1.0 (e-MUCS) monthly peak history.
    public var peakHistory: [P1MonthPeak]?
    /// M-Bus channels that sent anything, by channel number.
    public var mbus: [P1MBusChannel] = []

    public init() {}

    /// Energy imported: the meter's total when sent, else the sum of the tariff registers.
    public var totalImportKWh: Double? { importTotalKWh ?? P1Reading.sum(importKWh) }
    public var totalExportKWh: Double? { exportTotalKWh ?? P1Reading.sum(exportKWh) }

    /// The first gas channel (device type 3, or a DSMR 2.2/3 24.3.0 reading).
    public var gas: P1MBusChannel? { mbus.first { $0.kind == .gas && $0.value != nil } }
    public var water: P1MBusChannel? { mbus.first { $0.kind == .water && $0.value != nil } }

    static func sum(_ v: [Double?]) -> Double? {
        var total: Double? = nil
        for x in v { if let x { total = (total ?? 0) + x } }
        return total
    }

    mutating func channel(_ n: Int) -> Int {
        if let i = mbus.firstIndex(where: { $0.channel == n }) { return i }
        mbus.append(P1MBusChannel(channel: n))
        return mbus.count - 1
    }
}
