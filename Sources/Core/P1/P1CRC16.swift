/// CRC-16/ARC as DSMR 4+ uses it: polynomial 0x8005 reflected (0xA001), init 0, no final XOR.
/// Computed over every byte from the leading "/" up to and including the "!".
public enum P1CRC16 {
    /// Byte-wise lookup table (256 entries), built once.
    static let table: [UInt16] = (0..<256).map { i -> UInt16 in
        var c = UInt16(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0xA001 : c >> 1 }
        return c
    }

    public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt16 = 0) -> UInt16 {
        var crc = initial
        table.withUnsafeBufferPointer { t in
            for b in bytes { crc = (crc >> 8) ^ t[Int((crc ^ UInt16(b)) & 0xFF)] }
        }
        return crc
    }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        if let r = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    /// Four upper-case hex digits, as meters send it.
    public static func hex(_ crc: UInt16) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8](repeating: 0, count: 4)
        for i in 0..<4 { out[i] = digits[Int((crc >> (12 - 4 * UInt16(i))) & 0xF)] }
        return String(decoding: out, as: UTF8.self)
    }
}
