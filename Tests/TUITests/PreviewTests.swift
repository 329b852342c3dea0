import XCTest
import KwartierCore
@testable import KwartierTUI
import KwartierPreview

final class PreviewTests: XCTestCase {
    func testSameSeedSameSite() {
        var a = PreviewSite(points: 20, seed: 9), b = PreviewSite(points: 20, seed: 9)
        for _ in 0..<120 { a.step(); b.step() }
        XCTAssertEqual(a.snapshot(), b.snapshot())
        var c = PreviewSite(points: 20, seed: 10)
        for _ in 0..<120 { c.step() }
        XCTAssertNotEqual(a.snapshot().points.map(\.powerW), c.snapshot().points.map(\.powerW))
    }

    func testCommandsTakeEffectInTheNextStep() {
        var site = PreviewSite(points: 20)
        site.submit(.setSlider(kW: 22.5))
        site.submit(.setMode(point: "cp03", mode: .manual))
        site.submit(.setManualCurrent(point: "cp03", amps: 12))
        site.submit(.setPriority(point: "cp04", priority: 2))
        site.submit(.setRelayOverride(relay: "boiler", override: .on))
        XCTAssertEqual(site.snapshot().sliderKW, 22.0)           // not yet
        site.step()
        let s = site.snapshot()
        XCTAssertEqual(s.sliderKW, 22.5)
        let p = s.points[2]
        XCTAssertEqual(p.mode, .manual)
        XCTAssertEqual(p.manualA, 12)
        if p.state == .charging { XCTAssertEqual(p.explanation, "manual 12 A"); XCTAssertEqual(p.setpointA, 12) }
        XCTAssertEqual(s.points[3].priority, 2)
        XCTAssertEqual(s.relays[1].override, .on)
        XCTAssertEqual(s.relays[1].state, "on")
        XCTAssertEqual(site.applied.count, 5)
        XCTAssertEqual(PreviewState(s, step: 1, applied: site.applied).applied,
                       ["slider 22.5", "mode cp03 manual", "manual cp03 12", "priority cp04 2", "relay boiler on"])
    }

    func testNoLevelLimitIsExceeded() {
        var site = PreviewSite(points: 20, seed: 3, sliderKW: 60)
        for _ in 0..<300 {
            site.step()
            for lv in site.snapshot().levels where lv.id != "grid" {
                XCTAssertLessThanOrEqual(lv.currents.max, lv.limitA, "\(lv.id) at \(site.time)")
            }
        }
    }

    func testQuarterCloses() {
        var site = PreviewSite(points: 4)
        let before = site.snapshot().quarterHistory.count
        for _ in 0..<(15 * 60) { site.step() }
        XCTAssertEqual(site.snapshot().quarterHistory.count, before + 1)
    }

    func testSnapshotFeedDeliversTheLatestAcrossThreads() {
        let feed = SnapshotFeed()
        XCTAssertEqual(feed.latest().1, 0)
        let woke = expectation(description: "listener")
        woke.expectedFulfillmentCount = 3
        feed.setListener { woke.fulfill() }
        let g = DispatchGroup()
        for k in 1...3 {
            DispatchQueue.global().async(group: g) { feed.publish(Fixture.snapshot(slider: Double(k))) }
        }
        g.wait()
        wait(for: [woke], timeout: 5)
        let (s, v) = feed.latest()
        XCTAssertEqual(v, 3)
        XCTAssertNotNil(s)
    }
}
