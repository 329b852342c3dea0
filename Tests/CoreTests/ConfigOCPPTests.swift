import XCTest
@testable import KwartierCore

/// The OCPP central system and `driver: ocpp` points: what is read, and each mistake's own message.
final class ConfigOCPPTests: XCTestCase {
    func problems(_ fixture: String) throws -> [String] {
        let url = Bundle.module.url(forResource: "Fixtures/config/\(fixture)", withExtension: "yaml")!
        let text = try String(contentsOf: url, encoding: .utf8)
        do {
            _ = try ConfigLoader(knownDrivers: ["alfen-eve", "ocpp"]).load(yaml: text, file: "\(fixture).yaml")
            XCTFail("\(fixture) was accepted")
            return []
        } catch let e as ConfigErrors {
            return e.errors.map(\.description)
        }
    }

    func testReadsServerAndPoint() throws {
        let yaml = """
        grid: { fuse_a: 40, meter: virtual }
        ocpp: { listen: 0.0.0.0:8887, heartbeat_s: 120, meter_interval_s: 10, lease_s: 90, id_tags: [TAG1, TAG2] }
        chargepoints:
          cp9: { board: grid, driver: ocpp, ocpp: { id: CP009, connector: 2, password_file: /etc/kwartier/cp009.pw }, safe_a: 8 }
        """
        let (c, warnings) = try ConfigLoader(knownDrivers: ["ocpp"]).load(yaml: yaml, file: "k.yaml")
        XCTAssertEqual(warnings, [])
        var server = OCPPServerConfig(host: "0.0.0.0", port: 8887)
        server.heartbeatS = 120; server.meterIntervalS = 10; server.leaseS = 90; server.idTags = ["TAG1", "TAG2"]; server.line = 2
        XCTAssertEqual(c.ocpp, server)
        XCTAssertEqual(c.chargepoints[0].transport, .ocpp(OCPPPointLink(id: "CP009", connector: 2, passwordFile: "/etc/kwartier/cp009.pw")))
        XCTAssertEqual(c.chargepoints[0].safeA, 8)
        XCTAssertFalse(c.ocpp!.allowUnauthenticated)
    }

    func testNoServer() throws {
        XCTAssertEqual(try problems("ocpp_no_server"), [
            "ocpp_no_server.yaml:16: chargepoints.cp9.ocpp: an OCPP charge point but no OCPP server — add `ocpp: { listen: 0.0.0.0:8887 }` at the top of the file"])
    }
    func testPasswordRequired() throws {
        XCTAssertEqual(try problems("ocpp_no_password"), [
            "ocpp_no_password.yaml:18: chargepoints.cp9.ocpp: no `password_file` for OCPP charge point CP009 — give `password_file: PATH` (the charger's basic-auth password), or set `ocpp.allow_unauthenticated: true` on a closed network"])
    }
    func testBadListen() throws {
        XCTAssertEqual(try problems("ocpp_bad_listen"), [
            "ocpp_bad_listen.yaml:13: ocpp.listen: '8887' is not HOST:PORT — write e.g. `listen: 0.0.0.0:8887` (the chargers connect to ws://HOST:PORT/<id>)",
            "ocpp_bad_listen.yaml:18: chargepoints.cp9.ocpp: an OCPP charge point but no OCPP server — add `ocpp: { listen: 0.0.0.0:8887 }` at the top of the file"])
    }
    func testMissingBlock() throws {
        XCTAssertEqual(try problems("ocpp_missing_block"), [
            "ocpp_missing_block.yaml:16: chargepoints.cp9.ocpp: required key 'ocpp' is missing — give the charger's OCPP identity, e.g. `ocpp: { id: CP009, connector: 1, password_file: /etc/kwartier/cp009.pw }`"])
    }
    func testNoModbusOnAnOCPPPoint() throws {
        XCTAssertEqual(try problems("ocpp_with_modbus"), [
            "ocpp_with_modbus.yaml:18: chargepoints.cp9.tcp: an OCPP charge point has no Modbus `tcp` — remove `tcp`: the charger connects to the hub's OCPP server itself"])
    }
    func testSameIdTwice() throws {
        XCTAssertEqual(try problems("ocpp_same_id"), [
            "ocpp_same_id.yaml:24: chargepoints.cp10.ocpp.id: same OCPP id and connector as cp9: CP009 connector 1 — give each charge point its own id, or another connector"])
    }

    // MARK: cloud points

    func inline(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader(knownDrivers: ["zaptec", "easee", "alfen-eve"]).load(yaml: yaml, file: "k.yaml")
            return []
        } catch let e as ConfigErrors { return e.errors.map(\.description) } catch { return ["\(error)"] }
    }

    func testReadsAZaptecPoint() throws {
        let yaml = """
        grid: { fuse_a: 40, meter: virtual }
        chargepoints:
          cp10: { board: grid, driver: zaptec, cloud: { username: me@example.com, password_file: /etc/kwartier/zaptec.pw, installation: I1, charger: C1 } }
        """
        let (c, _) = try ConfigLoader(knownDrivers: ["zaptec"]).load(yaml: yaml, file: "k.yaml")
        XCTAssertEqual(c.chargepoints[0].transport, .cloud(CloudPointLink(vendor: "zaptec", username: "me@example.com",
            passwordFile: "/etc/kwartier/zaptec.pw", installation: "I1", charger: "C1", api: "https://api.zaptec.com", minIntervalS: 30)))
    }

    func testZaptecNeedsItsInstallation() {
        XCTAssertEqual(inline("""
        grid: { fuse_a: 40, meter: virtual }
        chargepoints:
          cp10: { board: grid, driver: zaptec, cloud: { username: me, password_file: /p, charger: C1 } }
        """), ["k.yaml:3: chargepoints.cp10.cloud.installation: required key 'installation' is missing — give the Zaptec installation id the charger belongs to"])
    }

    func testEaseeSiteAndCircuitGoTogether() {
        XCTAssertEqual(inline("""
        grid: { fuse_a: 40, meter: virtual }
        chargepoints:
          cp11: { board: grid, driver: easee, cloud: { username: me, password_file: /p, charger: EH1, site: S1 } }
        """), ["k.yaml:3: chargepoints.cp11.cloud.circuit: `site` and `circuit` go together — give both to write the circuit's per-phase current, or neither to write the charger's dynamic current"])
    }

    func testCloudBlockOnAModbusPoint() {
        XCTAssertEqual(inline("""
        grid: { fuse_a: 40, meter: virtual }
        chargepoints:
          cp1: { board: grid, driver: alfen-eve, tcp: 10.0.0.1, cloud: { username: me } }
        """), ["k.yaml:3: chargepoints.cp1.cloud: `cloud:` belongs to a charge point with `driver: zaptec` or `driver: easee` — write the cloud driver, or remove the `cloud:` block"])
    }
}
