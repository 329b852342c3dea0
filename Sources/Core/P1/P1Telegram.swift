/// A parsed telegram: header, CRC verdict, every OBIS line in order (unknown codes included)
/// and the typed reading.
public struct P1Telegram: Sendable {
    /// The identification line as sent, e.g. "/FLU5\253769484_A".
    public var header: String
    public var crc: P1CRCStatus
    public var objects: [P1Object]
    public var reading: P1Reading
    /// Data lines that did not start with an OBIS code or a continuation "(".
    public var ignoredLines: Int

    public init(header: String, crc: P1CRCStatus, objects: [P1Object], reading: P1Reading, ignoredLines: Int) {
        self.header = header; self.crc = crc; self.objects = objects; self.reading = reading
        self.ignoredLines = ignoredLines
    }

    /// The first value sent for a code.
    public func value(_ obis: OBISCode) -> P1Value? {
        objects.first { $0.obis == obis }?.value
    }
    public func value(_ obis: String) -> P1Value? { OBISCode(obis).flatMap { value($0) } }

    /// DSMR 4+ and e-MUCS telegrams must carry a CRC: the version line says which they are.
    public var crcRequired: Bool {
        if let v = reading.version, let n = Int(v.prefix(2)) {
            return n >= 40
        }
        return false
    }

    /// The one acceptance rule of every P1 path (reader, simulation, tools): a valid CRC and at
    /// least one object. Anything else counts as a CRC failure.
    public var isAcceptable: Bool { isValid && !objects.isEmpty }

    /// Whether the telegram may be used: CRC ok, or absent on a meter that sends none.
    public var isValid: Bool {
        switch crc {
        case .ok: return true
        case .bad: return false
        case .absent: return !crcRequired
        }
    }
}
