import XCTest
@testable import KwartierCore

/// `mqtt:`: what is read, the defaults derived from the site name, and each mistake's message.
final class MQTTConfigTests: XCTestCase {
    func load(_ mqtt: String, site: String = "site: { name: Car Park A }") throws -> SiteConfig {
        try ConfigLoader().load(yaml: "\(site)\ngrid: { fuse_a: 40, meter: virtual }\nmqtt: \(mqtt)\n", file: "k.yaml").0
    }

    func errors(_ mqtt: String) -> [String] {
        do {
            _ = try load(mqtt)
            XCTFail("accepted: \(mqtt)")
            return []
        } catch let e as ConfigErrors {
            return e.errors.map(\.description)
        } catch { return ["\(error)"] }
    }

    func testDefaults() throws {
        let c = try load("{ url: mqtt://192.168.1.10 }")
        var want = MQTTConfig(host: "192.168.1.10", port: 1883, clientID: "car-park-a", topic: "kwartier/car-park-a")
        want.line = 3
        XCTAssertEqual(c.mqtt, want)
        XCTAssertNil(try ConfigLoader().load(yaml: "grid: { fuse_a: 40, meter: virtual }\n", file: "k.yaml").0.mqtt)
    }

    func testEverything() throws {
        let c = try load("{ url: \"mqtts://[fd00::5]:8884\", username: hub, password_file: /etc/kwartier/mqtt.pw, client_id: hub_a, topic: fleet/site-1, ca_file: /etc/ssl/my-ca.pem }")
        var want = MQTTConfig(host: "fd00::5", port: 8884, tls: true, username: "hub", passwordFile: "/etc/kwartier/mqtt.pw",
                              clientID: "hub_a", topic: "fleet/site-1", caFile: "/etc/ssl/my-ca.pem")
        want.line = 3
        XCTAssertEqual(c.mqtt, want)
        XCTAssertEqual(try load("{ url: mqtts://broker.example }").mqtt?.port, 8883)
    }

    func testSlug() {
        XCTAssertEqual(MQTTConfig.slug("Kwartier site"), "kwartier-site")
        XCTAssertEqual(MQTTConfig.slug("  Hôtel  2 / B "), "h-tel-2-b")
        XCTAssertEqual(MQTTConfig.slug("***"), "kwartier")
    }

    func testMistakes() {
        XCTAssertEqual(errors("{ url: http://broker:1883 }"), [
            "k.yaml:3: mqtt.url: 'http://broker:1883' is not mqtt://HOST[:PORT] or mqtts://HOST[:PORT] — write e.g. `url: mqtt://192.168.1.10:1883` (or mqtts://broker.example:8883 for TLS)"])
        XCTAssertEqual(errors("{ url: mqtt://broker:99999 }").count, 1)
        XCTAssertEqual(errors("{ url: mqtt://broker, topic: kwartier/# }"), [
            "k.yaml:3: mqtt.topic: 'kwartier/#' cannot be the topic root: '+' and '#' are wildcards — write e.g. `topic: kwartier/home` (no '+', '#', leading or trailing '/')"])
        XCTAssertEqual(errors("{ url: mqtt://broker, topic: kwartier/ }").count, 1)
        XCTAssertEqual(errors("{ url: mqtt://broker, client_id: \"a b\" }"), [
            "k.yaml:3: mqtt.client_id: 'a b' cannot be the hub's name on the broker — use 1-64 letters, digits, '-' or '_' (it names the hub in topics and in Home Assistant)"])
        XCTAssertEqual(errors("{ url: mqtt://broker, password_file: /x }"), [
            "k.yaml:3: mqtt.password_file: a password without a user name — give `username:` too (the broker checks both)"])
        XCTAssertEqual(errors("{ url: mqtt://broker, ca_file: /x }"), [
            "k.yaml:3: mqtt.ca_file: a CA file for a plain mqtt:// link — use mqtts://HOST:8883 to verify the broker with it, or remove `ca_file`"])
        XCTAssertEqual(errors("{ url: mqtt://broker, password: hunter2 }").count, 1)
        XCTAssertEqual(errors("{ username: x }").count, 1)
        let yaml = "grid: { fuse_a: 40, meter: virtual }\nchargepoints:\n  a/b: { board: grid, driver: alfen-eve, tcp: 10.0.0.5 }\nmqtt: { url: mqtt://b }\n"
        XCTAssertThrowsError(try ConfigLoader().load(yaml: yaml, file: "k.yaml")) { e in
            XCTAssertEqual((e as? ConfigErrors)?.errors.map(\.description), [
                "k.yaml:3: chargepoints.a/b: 'a/b' cannot be part of an MQTT topic ('/', '+' and '#' are taken) — rename it with letters, digits, '-' or '_'"])
        }
    }
}
