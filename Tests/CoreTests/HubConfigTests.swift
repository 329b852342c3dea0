import XCTest
@testable import KwartierCore

/// `remote:` levels: a parent's board fed by a child hub, a child's grid under its parent.
final class HubConfigTests: XCTestCase {
    static let parent = """
    site: { name: Carpark A }
    grid: { fuse_a: 40, meter: p1 }
    meters: { p1: { type: p1, tcp: 127.0.0.1:2000 } }
    boards:
      carpark-b: { parent: grid, limit_a: 20, remote: { hub: carpark-b } }
    chargepoints:
      cp1: { board: grid, driver: alfen-eve, tcp: 127.0.0.1:5020, unit: 1, phases: L1L2L3 }
    mqtt: { url: mqtt://127.0.0.1:1883, topic: fleet }
    """
    static let child = """
    site: { name: Carpark B }
    grid: { fuse_a: 20, meter: remote, remote: { parent: carpark-a, validity_s: 4 } }
    chargepoints:
      cp1: { board: grid, driver: alfen-eve, tcp: 127.0.0.1:5020, unit: 1, phases: L1L2L3, safe_a: 6 }
      cp2: { board: grid, driver: alfen-eve, tcp: 127.0.0.1:5021, unit: 1, phases: L2, safe_a: 8 }
    mqtt: { url: mqtt://127.0.0.1:1883 }
    """

    func load(_ yaml: String) throws -> SiteConfig { try ConfigLoader().load(yaml: yaml, file: "k.yaml").0 }

    func errors(_ yaml: String) -> [String] {
        do { _ = try load(yaml); XCTFail("accepted"); return [] } catch let e as ConfigErrors {
            return e.errors.map(\.description)
        } catch { return ["\(error)"] }
    }

    func testParent() throws {
        let c = try load(Self.parent)
        let b = try XCTUnwrap(c.level("carpark-b"))
        XCTAssertEqual(b.meter, .remote)
        XCTAssertEqual(b.remote, RemoteLink(hub: "carpark-b", validityS: 10))
        XCTAssertEqual(c.remoteBoards.map(\.id), ["carpark-b"])
        XCTAssertNil(c.parentHub)
        // The fleet's root is `topic`; this hub's own topics are below it.
        XCTAssertEqual(c.mqtt?.fleetRoot, "fleet")
        XCTAssertEqual(c.mqtt?.topic, "fleet/hubs/carpark-a")
        XCTAssertEqual(CompiledSite(config: c).remoteLevels, [1])
    }

    func testChild() throws {
        let c = try load(Self.child)
        XCTAssertEqual(c.grid.meter, .remote)
        XCTAssertEqual(c.parentHub, RemoteLink(parent: "carpark-a", validityS: 4))
        XCTAssertEqual(c.mqtt?.fleetRoot, "kwartier")
        XCTAssertEqual(c.mqtt?.topic, "kwartier/hubs/carpark-b")
        // Safe budget: cp1 6 A on every line, cp2 8 A on L2.
        XCTAssertEqual(SafeBudget.perLine(c), PhaseValues(6, 14, 6))
        XCTAssertTrue(CompiledSite(config: c).gridRemote)
        let tree = SiteTreeReport.render(c)
        XCTAssertTrue(tree.contains("grid [level 1] limit 20 A/phase, meter remote: the sum of its charge points, limited by the allowance of hub carpark-a; without one for 4 s: the safe budget 6/14/6 A"), tree)
    }

    func testMistakes() {
        XCTAssertEqual(errors(Self.child.replacingOccurrences(of: ", remote: { parent: carpark-a, validity_s: 4 }", with: "")), [
            "k.yaml:2: grid.remote: `meter: remote` but no parent hub to take the limit from — add `remote: { parent: NAME }` with the parent hub's mqtt.client_id"])
        XCTAssertEqual(errors(Self.child.replacingOccurrences(of: "mqtt: { url: mqtt://127.0.0.1:1883 }", with: "")), [
            "k.yaml:2: grid.remote: hubs share a connection over MQTT, but there is no `mqtt:` section — add `mqtt: { url: mqtt://BROKER:1883 }` (the same broker and `topic` on every hub of the fleet)"])
        XCTAssertEqual(errors(Self.parent.replacingOccurrences(of: "board: grid", with: "board: carpark-b")), [
            "k.yaml:5: boards.carpark-b: remote board 'carpark-b' has cp1 under it — hub carpark-b drives this board's whole tree: configure those points and boards on that hub"])
        XCTAssertEqual(errors(Self.parent.replacingOccurrences(of: "remote: { hub: carpark-b }", with: "remote: { parent: carpark-b }")).first,
            "k.yaml:5: boards.carpark-b.remote.parent: a board cannot take its limit from a parent hub — `remote: { parent: NAME }` is for the grid of a child hub; a board of a parent hub takes `remote: { hub: NAME }`")
        XCTAssertEqual(errors(Self.parent.replacingOccurrences(of: "remote: { hub: carpark-b }", with: "meter: p1, remote: { hub: carpark-b }")), [
            "k.yaml:5: boards.carpark-b.meter: a remote board is measured by the draw its hub publishes — remove `meter:` (or write `meter: remote`)"])
        XCTAssertEqual(errors(Self.parent.replacingOccurrences(of: "hub: carpark-b", with: "hub: carpark-a")), [
            "k.yaml:5: boards.carpark-b.remote.hub: 'carpark-a' is this hub's own name on the broker — name the child hub's mqtt.client_id"])
        XCTAssertEqual(errors(Self.child.replacingOccurrences(of: "validity_s: 4", with: "validity_s: 0")).count, 1)
        XCTAssertEqual(errors(Self.child.replacingOccurrences(of: "parent: carpark-a", with: "parent: \"a/b\"")).count, 1)
    }

    /// examples/fleet: the three-hub example of the README is a valid fleet.
    func testFleetExample() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/fleet")
        var roots: [String] = []
        for hub in ["carpark-a", "carpark-b", "carpark-c"] {
            let text = try String(contentsOf: dir.appendingPathComponent("\(hub).yaml"), encoding: .utf8)
            let c = try ConfigLoader().load(yaml: text, file: "\(hub).yaml").0
            XCTAssertEqual(c.mqtt?.clientID, hub)
            XCTAssertEqual(c.mqtt?.topic, "kwartier/fleet/hubs/\(hub)")
            roots.append(c.mqtt?.fleetRoot ?? "")
            if hub == "carpark-a" { XCTAssertEqual(c.remoteBoards.compactMap(\.remote?.hub), ["carpark-b", "carpark-c"]) }
            else { XCTAssertEqual(c.parentHub?.parent, "carpark-a") }
        }
        XCTAssertEqual(Set(roots), ["kwartier/fleet"])
    }
}
