/// Result of the CRC check of one framed telegram.
public enum P1CRCStatus: Equatable, Sendable {
    case ok
    /// The CRC sent (possibly fewer than 4 hex digits) differs from the computed one.
    case bad(sent: UInt16, computed: UInt16)
    /// No CRC after "!" (DSMR 2.2/3, EasyMeter).
    case absent

    public var label: String {
        switch self {
        case .ok: return "ok"
        case .bad: return "bad"
        case .absent: return "absent"
        }
    }
}

/// One telegram cut out of the byte stream: from "/" to the end of the "!" line, byte for byte
/// (what pass-through forwards).
public struct P1Frame: Sendable, Equatable {
    public var bytes: [UInt8]
    /// Index of "!" in `bytes`.
    public var bangIndex: Int
    public var crc: P1CRCStatus
    public init(bytes: [UInt8], bangIndex: Int, crc: P1CRCStatus) {
        self.bytes = bytes; self.bangIndex = bangIndex; self.crc = crc
    }
}

/// What the framer threw away, for the reader's statistics.
public struct P1FramerCounters: Sendable, Equatable {
    /// Bytes outside any telegram (before "/", between telegrams, trailers).
    public var discardedBytes = 0
    /// Telegrams cut short by a new "/" before their "!".
    public var truncated = 0
    /// Telegrams abandoned because they grew past `maxTelegramBytes` without a "!".
    public var oversize = 0
    public init() {}
}

/// Finds telegrams in an arbitrary byte stream: reads split anywhere, garbage before, between and
/// after telegrams, CRLF or LF, a new "/" before "!" (the partial telegram is dropped), and CRC
/// lines of 0 to 4 hex digits. Memory is bounded: at most `maxTelegramBytes` are ever held, so a
/// flood of garbage (no "/") holds nothing and a "/" without "!" is abandoned at the limit.
public struct P1Framer: Sendable {
    /// Largest telegram accepted (e-MUCS with 13 months of history is about 2 KB).
    public let maxTelegramBytes: Int
    public private(set) var counters = P1FramerCounters()

    private enum State: Sendable { case hunting, body, crcDigits, crcLF }
    private var state = State.hunting
    private var buf: [UInt8] = []
    private var bang = 0
    private var crcValue: UInt16 = 0
    private var crcDigits = 0

    public init(maxTelegramBytes: Int = 16 * 1024) {
        self.maxTelegramBytes = max(64, maxTelegramBytes)
        buf.reserveCapacity(2048)
    }

    /// Bytes currently held for an unfinished telegram (never more than `maxTelegramBytes`).
    public var bufferedCount: Int { buf.count }

    /// Feeds bytes; `emit` is called for every complete telegram, in order.
    public mutating func push(_ chunk: UnsafeRawBufferPointer, _ emit: (P1Frame) -> Void) {
        let n = chunk.count
        var i = 0
        while i < n {
            switch state {
            case .hunting:
                // Skip to the next "/".
                var j = i
                while j < n && chunk[j] != 0x2F { j += 1 }
                counters.discardedBytes += j - i
                i = j
                if i < n {
                    buf.removeAll(keepingCapacity: true)
                    buf.append(0x2F)
                    state = .body
                    i += 1
                }
            case .body:
                // Copy up to the next "/" or "!" in one go.
                var j = i
                while j < n {
                    let ch = chunk[j]
                    if ch == 0x21 || ch == 0x2F { break }
                    j += 1
                }
                if !appendBounded(chunk, i, j) { i = j; continue }
                i = j
                if i < n {
                    if chunk[i] == 0x2F {
                        // A new telegram starts before this one ended: drop the partial one.
                        counters.truncated += 1
                        buf.removeAll(keepingCapacity: true)
                        buf.append(0x2F)
                    } else {
                        bang = buf.count
                        buf.append(0x21)
                        crcValue = 0
                        crcDigits = 0
                        state = .crcDigits
                    }
                    i += 1
                }
            case .crcDigits:
                let ch = chunk[i]
                let hex: Int
                switch ch {
                case 48...57: hex = Int(ch) - 48
                case 65...70: hex = Int(ch) - 55          // upper case only, as DSMR specifies
                default: hex = -1
                }
                if hex >= 0 && crcDigits < 4 {
                    crcValue = crcValue << 4 | UInt16(hex)
                    crcDigits += 1
                    buf.append(ch)
                    i += 1
                } else if ch == 0x0D {
                    buf.append(ch)
                    state = .crcLF
                    i += 1
                } else if ch == 0x0A {
                    buf.append(ch)
                    i += 1
                    finishFrame(emit)
                } else {
                    // Anything else ends the telegram; the byte is looked at again while hunting.
                    finishFrame(emit)
                }
            case .crcLF:
                if chunk[i] == 0x0A {
                    buf.append(0x0A)
                    i += 1
                }
                finishFrame(emit)
            }
        }
    }

    public mutating func push(_ bytes: [UInt8], _ emit: (P1Frame) -> Void) {
        bytes.withUnsafeBytes { push($0, emit) }
    }

    /// Convenience: all telegrams completed by these bytes.
    public mutating func push(_ bytes: [UInt8]) -> [P1Frame] {
        var out: [P1Frame] = []
        push(bytes) { out.append($0) }
        return out
    }

    /// End of input: a telegram whose "!" has arrived is complete even without its line end;
    /// anything else still held is dropped.
    public mutating func finish(_ emit: (P1Frame) -> Void) {
        switch state {
        case .crcDigits, .crcLF: finishFrame(emit)
        case .body:
            counters.truncated += 1
            buf.removeAll(keepingCapacity: true)
            state = .hunting
        case .hunting: break
        }
    }

    public mutating func finish() -> [P1Frame] {
        var out: [P1Frame] = []
        finish { out.append($0) }
        return out
    }

    /// Drops whatever is held (e.g. after the serial settings changed).
    public mutating func reset() {
        buf.removeAll(keepingCapacity: true)
        state = .hunting
    }

    private mutating func appendBounded(_ chunk: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> Bool {
        if buf.count + (to - from) > maxTelegramBytes {
            counters.oversize += 1
            counters.discardedBytes += buf.count + (to - from)
            buf.removeAll(keepingCapacity: true)
            state = .hunting
            return false
        }
        if to > from { buf.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[from..<to])) }
        return true
    }

    private mutating func finishFrame(_ emit: (P1Frame) -> Void) {
        let status: P1CRCStatus
        if crcDigits == 0 {
            status = .absent
        } else {
            let computed = buf.withUnsafeBytes { P1CRC16.checksum(UnsafeRawBufferPointer(rebasing: $0[0...bang])) }
            status = computed == crcValue ? .ok : .bad(sent: crcValue, computed: computed)
        }
        emit(P1Frame(bytes: Array(buf), bangIndex: bang, crc: status))
        buf.removeAll(keepingCapacity: true)
        state = .hunting
    }
}
