import XCTest
@testable import KwartierCore

/// The seed manuals' worked situations (000: charging hub, 001: home module), with exact numbers.
final class ControlSeedTests: XCTestCase {
    let t0 = brussels(2025, 3, 12, 10, 0)   // a quarter start: the slider allows exactly its value

    /// Home module §9: one car takes what the slider allows; a second connects, both minimums
    /// fit, so the first is reduced and both share equally.
    func testTwoCarsShare() {
        var b = SiteBuilder(gridA: 40, sliderKW: 14)
        b.point("cp1"); b.point("cp2"); b.point("cp3")
        let c = Controller(config: b.config)
        let site = c.site
        let house = PhaseValues.all(2000.0 / 690)

        // cp1 alone: 12 kW free for cars would be 17.4 A; the point's own max (16 A) binds.
        var pts = ["cp1": car(0, state: .connected), "cp2": noCar, "cp3": noCar]
        var input = ControlInput.make(site: site, grid: gridReading(at: t0, site: site, nonManagedA: house, nonManagedW: 2000, points: pts),
                                      gridAgeS: 0.2, points: pts.mapValues { PointReading(status: $0) })
        var d = c.decide(input, now: t0)
        XCTAssertEqual(d.point("cp1")!.setpointA, 16.0)
        XCTAssertEqual(d.point("cp1")!.line, "cp1 16.0 A: point max 16 A")
        XCTAssertEqual(d.point("cp2")!.line, "cp2 0 A: no car")
        XCTAssertEqual(d.quarter?.allowedKW ?? 0, 14.0, accuracy: 1e-9)

        // cp2 connects: 8 A x 3 x 230 = 5.52 kW needed, 14 - 2 - 4.14 = 7.86 kW free with cp1 at
        // its minimum: both charge, 12 kW / (2 x 690 W/A) = 8.69 A each, floored to 8.6 A.
        pts["cp1"] = car(16); pts["cp2"] = car(0, state: .connected)
        input = ControlInput.make(site: site, grid: gridReading(at: t0, site: site, nonManagedA: house, nonManagedW: 2000, points: pts),
                                  gridAgeS: 0.2, points: pts.mapValues { PointReading(status: $0) })
        d = c.decide(input, now: t0.addingTimeInterval(1))
        XCTAssertEqual(d.point("cp1")!.setpointA, 8.6, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp2")!.setpointA, 8.6, accuracy: 1e-9)
        XCTAssertTrue(d.point("cp1")!.send)
        XCTAssertEqual(d.point("cp2")!.line, "cp2 8.6 A: slider 14.0 kW (14.0 kW allowed now)")

        // A third car must wait: 12 - 2 x 4.14 = 3.72 kW free, it needs 5.52 kW.
        pts["cp1"] = car(8.6); pts["cp2"] = car(8.6); pts["cp3"] = car(0, state: .connected)
        input = ControlInput.make(site: site, grid: gridReading(at: t0, site: site, nonManagedA: house, nonManagedW: 2000, points: pts),
                                  gridAgeS: 0.2, points: pts.mapValues { PointReading(status: $0) })
        d = c.decide(input, now: t0.addingTimeInterval(2))
        XCTAssertEqual(d.point("cp3")!.setpointA, 0)
        XCTAssertEqual(d.point("cp3")!.line, "cp3 waiting: needs 5.5 kW, 3.7 kW free under the slider; next turn in 15 min")
        XCTAssertEqual(d.point("cp1")!.setpointA, 8.6, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp2")!.setpointA, 8.6, accuracy: 1e-9)
    }
}
