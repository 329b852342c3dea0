import XCTest
@testable import KwartierIO
import KwartierCore

/// OCPP-J framing, MeterValues reading, the lease payloads and the status mapping, with values
/// from the OCPP 1.6 specification's message forms.
final class OCPPMessageTests: XCTestCase {
    func testParsesTheThreeMessageTypes() {
        guard case let .success(.call(id, action, payload)) = OCPPFrame.parse(#"[2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"SingleSocketCharger"}]"#) else {
            return XCTFail("not a call")
        }
        XCTAssertEqual(id, "19223201"); XCTAssertEqual(action, "BootNotification")
        XCTAssertEqual(payload["chargePointModel"] as? String, "SingleSocketCharger")
        guard case let .success(.result(rid, r)) = OCPPFrame.parse(#"[3,"kw1",{"status":"Accepted"}]"#) else { return XCTFail("not a result") }
        XCTAssertEqual(rid, "kw1"); XCTAssertEqual(r["status"] as? String, "Accepted")
        guard case let .success(.error(eid, code, text)) = OCPPFrame.parse(#"[4,"kw2","NotSupported","no profiles",{}]"#) else { return XCTFail("not an error") }
        XCTAssertEqual([eid, code, text], ["kw2", "NotSupported", "no profiles"])
    }

    func testMalformedFramesNameTheirProblem() {
        func problem(_ s: String) -> [String] {
            guard case .failure(let m) = OCPPFrame.parse(s) else { return ["parsed"] }
            return [m.id, m.code, m.description]
        }
        XCTAssertEqual(problem("{"), ["-1", "FormationViolation", "not JSON"])
        XCTAssertEqual(problem(#"{"a":1}"#), ["-1", "FormationViolation", "not an OCPP-J message array"])
        XCTAssertEqual(problem(#"[2,17,"Heartbeat",{}]"#), ["-1", "FormationViolation", "the unique id is not a string of at most 36 characters"])
        XCTAssertEqual(problem(#"[2,"a","Heartbeat",[]]"#), ["a", "FormationViolation", "the payload is not an object"])
        XCTAssertEqual(problem(#"[5,"a",{}]"#), ["a", "MessageTypeNotSupported", "message type 5 is not 2, 3 or 4"])
    }

    func testEncodesACallError() {
        XCTAssertEqual(OCPPFrame.error(id: "m1", code: "NotImplemented", description: "x").text, #"[4,"m1","NotImplemented","x",{}]"#)
    }

    func testMeterValuesPerPhaseInSIUnits() {
        let mv: [[String: Any]] = [["timestamp": "2026-12-07T06:00:00Z", "sampledValue": [
            ["value": "15.8", "measurand": "Current.Import", "phase": "L1", "unit": "A"],
            ["value": "15.9", "measurand": "Current.Import", "phase": "L2-N", "unit": "A"],
            ["value": "16.0", "measurand": "Current.Import", "phase": "L3", "unit": "A"],
            ["value": "99", "measurand": "Current.Import", "phase": "L1", "location": "EV"],
            ["value": "10.9", "measurand": "Power.Active.Import", "unit": "kW"],
            ["value": "3600", "measurand": "Power.Active.Import", "phase": "L1", "unit": "W"],
            ["value": "12345"],                                                    // Energy.Active.Import.Register in Wh by default
        ] as [[String: Any]]]]
        let r = OCPPMeterReading(meterValue: mv)
        XCTAssertEqual(r.currents, [15.8, 15.9, 16.0])
        XCTAssertEqual(r.powerW, 10_900)
        XCTAssertEqual(r.energyKWh, 12.345)
    }

    func testLeaseSitsAboveTheSafeDefaultAndRunsOut() {
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let d = OCPPChargingProfiles.safeDefault(connector: 1, safeA: 6)
        let dp = d["csChargingProfiles"] as! [String: Any]
        XCTAssertEqual(dp["chargingProfileId"] as? Int, 11)
        XCTAssertEqual(dp["stackLevel"] as? Int, 0)
        XCTAssertNil(dp["validTo"])
        let l = OCPPChargingProfiles.lease(connector: 2, amps: 10.54, phases: 1, now: now, leaseS: 60)
        XCTAssertEqual(l["connectorId"] as? Int, 2)
        let lp = l["csChargingProfiles"] as! [String: Any]
        XCTAssertEqual(lp["chargingProfileId"] as? Int, 22)
        XCTAssertEqual(lp["stackLevel"] as? Int, 1)
        XCTAssertEqual(lp["chargingProfilePurpose"] as? String, "TxDefaultProfile")
        XCTAssertEqual(lp["validTo"] as? String, OCPPFrame.timestamp(now.addingTimeInterval(60)))
        let sched = lp["chargingSchedule"] as! [String: Any]
        let period = (sched["chargingSchedulePeriod"] as! [[String: Any]])[0]
        XCTAssertEqual(period["limit"] as? Double, 10.5)
        XCTAssertEqual(period["numberPhases"] as? Int, 1)
        XCTAssertEqual(OCPPFrame.timestamp(now), "2026-11-30T00:53:20.000Z")
    }

    func testStatusMapping() {
        let m = ["Available": ChargeState.noCar, "Preparing": .connected, "Charging": .charging, "SuspendedEVSE": .connected,
                 "SuspendedEV": .connected, "Finishing": .connected, "Reserved": .noCar, "Unavailable": .error, "Faulted": .error]
        for (s, st) in m { XCTAssertEqual(OCPPPointState.chargeState(s), st, s) }
    }

    func testBasicAuthIdIsTheLastPathPart() {
        XCTAssertEqual(OCPPServer.chargerId("/CP009"), "CP009")
        XCTAssertEqual(OCPPServer.chargerId("/ocpp/CP%20009?x=1"), "CP 009")
        XCTAssertTrue(OCPPServer.sameSecret("abc", "abc"))
        XCTAssertFalse(OCPPServer.sameSecret("abc", "abcd"))
        XCTAssertFalse(OCPPServer.sameSecret("abd", "abc"))
    }
}
