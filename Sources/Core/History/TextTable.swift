import Foundation

/// A table of text cells printed three ways: aligned columns for a terminal, RFC 4180 CSV (every
/// field that needs it quoted, CRLF line ends) for a spreadsheet, and the header as JSON keys.
public struct TextTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]
    /// Columns aligned right (numbers).
    public var rightAligned: Set<Int> = []

    public init(header: [String], rows: [[String]] = [], rightAligned: Set<Int> = []) {
        self.header = header; self.rows = rows; self.rightAligned = rightAligned
    }

    /// Aligned columns, two spaces apart, with a rule under the header.
    public func text() -> String {
        var width = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < width.count { width[i] = max(width[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, width[i] - c.count))
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(header), width.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    /// RFC 4180: CRLF between records, a field with a comma, quote, CR or LF in double quotes
    /// with its quotes doubled.
    public func csv() -> String {
        ([header] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    public static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
