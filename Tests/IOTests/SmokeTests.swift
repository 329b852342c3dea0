import XCTest
@testable import KwartierIO
final class IOSmokeTests: XCTestCase { func testKnownDriversNonEmpty() { XCTAssertTrue(KnownDrivers.names.contains("alfen-eve")) } }
