import Foundation
import XCTest

/// Hostile or careless input gets a problem document and stores nothing.
final class BadInputTests: BrokerTestCase {
    func assertProblem(_ answer: BrokerProcess.Answer, status: Int, type: String, field: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(answer.status, status, answer.text, file: file, line: line)
        XCTAssertEqual(answer.json["type"] as? String, "urn:tocsin:problem:\(type)", answer.text, file: file, line: line)
        XCTAssertEqual(answer.json["status"] as? Int, status, file: file, line: line)
        XCTAssertNotNil(answer.json["title"], file: file, line: line)
        if let field { XCTAssertEqual(answer.json["field"] as? String, field, answer.text, file: file, line: line) }
    }

    func testBadAlertsAreRejectedWithAProblemAndNothingIsStored() async throws {
        let org = try await broker.createOrg("CHU", clearance: "RED")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("hook"))

        let malformed = try await broker.request("POST", "/api/v1/alerts", token: broker.adminToken, raw: Array(#"{"title": "x", "#.utf8))
        assertProblem(malformed, status: 400, type: "invalid-json")

        var unknownTLP = alertJSON()
        unknownTLP["tlp"] = "PURPLE"
        assertProblem(try await broker.post("/api/v1/alerts", unknownTLP), status: 422, type: "validation", field: "tlp")

        var badCVE = alertJSON()
        badCVE["cves"] = ["CVE-2024"]
        assertProblem(try await broker.post("/api/v1/alerts", badCVE), status: 422, type: "validation", field: "cves[0]")

        var wrongType = alertJSON()
        wrongType["severity"] = 5
        assertProblem(try await broker.post("/api/v1/alerts", wrongType), status: 400, type: "invalid-json", field: "severity")

        var missing = alertJSON()
        missing.removeValue(forKey: "title")
        assertProblem(try await broker.post("/api/v1/alerts", missing), status: 422, type: "validation", field: "title")

        var huge = Array(#"{"title":"x","severity":"high","tlp":"GREEN","summary":""#.utf8)
        huge += Array(repeating: UInt8(ascii: "a"), count: 10 << 20)
        huge += Array(#""}"#.utf8)
        assertProblem(try await broker.request("POST", "/api/v1/alerts", token: broker.adminToken, raw: huge), status: 413, type: "payload-too-large")

        let invalidUTF8: [UInt8] = Array(#"{"title":""#.utf8) + [0xff, 0xfe] + Array(#"","severity":"high","tlp":"GREEN"}"#.utf8)
        assertProblem(try await broker.request("POST", "/api/v1/alerts", token: broker.adminToken, raw: invalidUTF8), status: 400, type: "invalid-json")

        let form = try await broker.request("POST", "/api/v1/alerts", token: broker.adminToken, raw: Array("title=x".utf8),
                                            contentType: "application/x-www-form-urlencoded")
        assertProblem(form, status: 415, type: "unsupported-media-type")

        assertProblem(try await broker.request("POST", "/api/v1/alerts", token: nil, json: alertJSON()), status: 401, type: "unauthorized")
        assertProblem(try await broker.request("POST", "/api/v1/alerts", token: "tcs_forged", json: alertJSON()), status: 401, type: "unauthorized")

        let value1 = try await broker.get("/api/v1/alerts").items.count
        XCTAssertEqual(value1, 0)
        let value2 = try await broker.get("/api/v1/deliveries").items.count
        XCTAssertEqual(value2, 0)
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(receiver.received().count, 0)
    }

    func testOtherResourcesValidateToo() async throws {
        assertProblem(try await broker.post("/api/v1/orgs", ["name": "X", "region": "99"]), status: 422, type: "validation", field: "region")
        assertProblem(try await broker.post("/api/v1/orgs", ["name": "X", "tlpClearance": "BLUE"]), status: 422, type: "validation", field: "tlpClearance")
        assertProblem(try await broker.post("/api/v1/tokens", ["role": "subscriber"]), status: 422, type: "validation", field: "orgId")
        let org = try await broker.createOrg("CHU", clearance: "GREEN")
        assertProblem(try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "not an address"]),
                      status: 422, type: "validation", field: "target")
        assertProblem(try await broker.post("/api/v1/subscriptions", ["orgId": "nope", "channel": "feed"]), status: 404, type: "not-found")
        assertProblem(try await broker.get("/api/v1/alerts?limit=0"), status: 422, type: "validation", field: "limit")
        assertProblem(try await broker.get("/api/v1/alerts/unknown"), status: 404, type: "not-found")
        assertProblem(try await broker.get("/api/v1/nothing-here"), status: 404, type: "not-found")
    }
}
