/// One value group `(text*unit)` kept as text, for lines the parser has no specific shape for.
public struct P1Group: Hashable, Sendable {
    public var text: String
    public var unit: P1Unit?
    public init(text: String, unit: P1Unit? = nil) { self.text = text; self.unit = unit }
}

/// A month of the Belgian capacity-tariff history (0-0:98.1.0): month start, when the peak
/// happened and the peak quarter-hour average. Empty months carry placeholder timestamps.
public struct P1MonthPeak: Hashable, Sendable {
    public var start: P1Timestamp?
    public var peakTime: P1Timestamp?
    public var kw: P1Number
    public init(start: P1Timestamp?, peakTime: P1Timestamp?, kw: P1Number) {
        self.start = start; self.peakTime = peakTime; self.kw = kw
    }
}

/// One entry of a profile-generic buffer such as the power failure log (1-0:99.97.0): the end of
/// a failure and its duration.
public struct P1LogEntry: Hashable, Sendable {
    public var time: P1Timestamp?
    public var value: P1Number?
    public var unit: P1Unit?
    public init(time: P1Timestamp?, value: P1Number?, unit: P1Unit?) {
        self.time = time; self.value = value; self.unit = unit
    }
}

/// The value of one OBIS line, in the most specific shape that fits it.
public enum P1Value: Hashable, Sendable {
    /// `()`.
    case empty
    case number(P1Number, P1Unit?)
    /// Identifiers, hex-coded text messages, version codes: kept exactly as sent.
    case text(String)
    case timestamp(P1Timestamp)
    /// `(capture time)(value*unit)`: M-Bus readings, 1-0:1.6.0 month peak, DSMR 2.2 24.3.0 gas.
    case timed(P1Timestamp?, P1Number?, P1Unit?)
    /// 0-0:98.1.0 monthly peaks, oldest first as sent (0..13 entries).
    case peakHistory([P1MonthPeak])
    /// A profile-generic buffer (1-0:99.97.0 power failure log).
    case log([P1LogEntry])
    /// Anything else with several groups.
    case groups([P1Group])

    public var number: P1Number? {
        switch self {
        case .number(let n, _): return n
        case .timed(_, let n, _): return n
        default: return nil
        }
    }
    public var unit: P1Unit? {
        switch self {
        case .number(_, let u): return u
        case .timed(_, _, let u): return u
        default: return nil
        }
    }
}

/// One OBIS line of a telegram.
public struct P1Object: Hashable, Sendable {
    public var obis: OBISCode
    public var value: P1Value
    public init(obis: OBISCode, value: P1Value) { self.obis = obis; self.value = value }
}
