import XCTest
@testable import KwartierTUI

/// docs/DASHBOARD.md (copied into the README) must list the key map the code implements.
final class DocsTests: XCTestCase {
    func testDashboardDocListsEveryKey() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/DASHBOARD.md").standardized.path
        let doc = try String(contentsOfFile: path, encoding: .utf8)
        for sec in KeyMap.sections {
            XCTAssertTrue(doc.contains("| **\(sec.title)** |"), sec.title)
            for e in sec.entries { XCTAssertTrue(doc.contains("| `\(e.keys)` | \(e.action) |"), "\(e.keys): \(e.action)") }
        }
    }
}
