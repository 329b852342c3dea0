import XCTest
@testable import KwartierTUI
final class TUISmokeTests: XCTestCase { func testName() { XCTAssertEqual(TUIInfo.name, "kwartier dashboard") } }
