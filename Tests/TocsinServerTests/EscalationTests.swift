import Foundation
import XCTest

/// Escalation with the real binary and a real SMTP server: the deputy is told when the organisation does not
/// acknowledge in time, escalation stops once it does, a drill goes through it marked as one, and a step survives
/// a kill -9 (waiting, or claimed by the dead process) and is sent exactly once.
final class EscalationTests: XCTestCase {
    var sink: SMTPSink!
    var broker: BrokerProcess!

    override func tearDown() async throws {
        broker?.stop()
        sink = nil
    }

    /// Deputy after `deputy`, on-call after `oncall`, for critical alerts (no inventory condition).
    static func policy(deputy: String, oncall: String? = nil) -> String {
        var steps: [[String: Any]] = [["after": deputy, "roles": ["deputy"]]]
        if let oncall { steps.append(["after": oncall, "roles": ["oncall"]]) }
        let policy: [String: Any] = ["name": "Tests", "match": ["minSeverity": "critical"], "steps": steps]
        return String(decoding: try! JSONSerialization.data(withJSONObject: policy), as: UTF8.self)
    }

    func start(policy: String, sinkArguments: [String] = [], extra: [String: String] = [:]) async throws {
        sink = try SMTPSink(arguments: sinkArguments)
        broker = try await BrokerProcess.start(environment: sink.brokerEnvironment(["TOCSIN_ESCALATION_DEFAULT_POLICY": policy].merging(extra) { $1 }))
    }

    /// CHU de Rouen with an RSSI, a deputy and someone on call, and an email subscription for its RSSI.
    func makeHospital() async throws -> String {
        let answer = try await broker.post("/api/v1/orgs", [
            "name": "CHU de Rouen", "kind": "CHU", "region": "28", "tlpClearance": "AMBER", "contacts": [
                ["role": "rssi", "name": "RSSI", "email": "rssi@chu-rouen.test"],
                ["role": "deputy", "name": "Adjoint", "email": "adjoint@chu-rouen.test"],
                ["role": "oncall", "name": "Astreinte", "email": "astreinte@chu-rouen.test", "locale": "en"],
            ],
        ])
        XCTAssertEqual(answer.status, 201, answer.text)
        let org = try XCTUnwrap(answer.json["id"] as? String)
        let subscription = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "rssi@chu-rouen.test"])
        XCTAssertEqual(subscription.status, 201, subscription.text)
        return org
    }

    func mails(to address: String) throws -> [[String: Any]] {
        try sink.messages().filter { ($0["headers"] as? [String: String])?["To"] == address }
    }

    func steps(_ alert: String) async throws -> [[String: Any]] {
        let answer = try await broker.get("/api/v1/alerts/\(alert)/escalations")
        XCTAssertEqual(answer.status, 200, answer.text)
        return answer.items
    }

    func testTheDeputyIsToldWhenNobodyAcknowledgesAndEscalationStopsOnceTheHospitalDoes() async throws {
        try await start(policy: Self.policy(deputy: "PT2S", oncall: "PT5S"))
        let org = try await makeHospital()
        let published = Date()
        let alert = try await broker.publish(alertJSON(title: "Rançongiciel LockBit", tlp: "AMBER", severity: "critical", regions: ["28"]))
        try await eventually(broker.log) { try self.mails(to: "rssi@chu-rouen.test").count == 1 }

        try await eventually(timeout: 15, broker.log) { try self.mails(to: "adjoint@chu-rouen.test").count == 1 }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(published), 1.9, "the deputy is told after the step's delay, not before")
        let mail = try XCTUnwrap(try mails(to: "adjoint@chu-rouen.test").first)
        let headers = try XCTUnwrap(mail["headers"] as? [String: String])
        XCTAssertEqual(headers["Subject"], "[ESCALADE][TLP:AMBER][CRITIQUE] Rançongiciel LockBit")
        let text = try XCTUnwrap(mail["text"] as? String)
        XCTAssertTrue(text.hasPrefix("Non acquittée par CHU de Rouen après 2 s."), text)
        XCTAssertTrue(text.contains("Des indicateurs de compromission ont été publiés."), text)
        XCTAssertTrue(text.contains("Acquitter pour CHU de Rouen : https://tocsin.cert-sante.test/console/ack/v1."), text)
        XCTAssertFalse(broker.log.contains("adjoint@chu-rouen.test"), "no address in the log")

        // The hospital acknowledges: the on-call step, due at 5 s, never leaves.
        let subscriber = try await broker.token("subscriber", org: org)
        let ack = try await broker.request("POST", "/api/v1/alerts/\(alert)/ack", token: subscriber, json: ["note": "Pris en charge"])
        XCTAssertEqual(ack.status, 200, ack.text)
        try await eventually(timeout: 15, broker.log) {
            try await self.steps(alert).map { $0["state"] as? String } == ["sent", "cancelled"]
        }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(published), 5)
        try await Task.sleep(for: .seconds(1))
        XCTAssertEqual(try mails(to: "astreinte@chu-rouen.test").count, 0)
        XCTAssertEqual(try mails(to: "adjoint@chu-rouen.test").count, 1)
        let cancelled = try await steps(alert)[1]
        XCTAssertEqual(cancelled["lastError"] as? String, "acknowledged")
        XCTAssertEqual(cancelled["orgId"] as? String, org)

        let metrics = try await broker.request("GET", "/metrics", token: nil)
        XCTAssertTrue(metrics.text.contains(#"tocsin_escalations_total{outcome="sent"} 1"#), metrics.text)
    }

    func testTheDefaultShapeEscalatesWhatConcernsTheInventoryAndTellsTheRegionsARSWithoutWideningTheMarking() async throws {
        // The shipped default, with seconds instead of hours.
        let policy = #"{"name":"Inventory","match":{"minSeverity":"critical","concernsInventory":true},"steps":[{"after":"PT1S","roles":["deputy"]},{"after":"PT2S","regionARS":true}]}"#
        try await start(policy: policy)
        let rouen = try await makeHospital()
        let dieppe = try await broker.post("/api/v1/orgs", [
            "name": "CH de Dieppe", "kind": "CH", "region": "28", "tlpClearance": "AMBER",
            "contacts": [["role": "deputy", "email": "adjoint@ch-dieppe.test"]],
        ])
        XCTAssertEqual(dieppe.status, 201, dieppe.text)
        let ars = try await broker.post("/api/v1/orgs", [
            "name": "ARS Normandie", "kind": "ARS", "region": "28", "tlpClearance": "GREEN",
            "contacts": [["role": "rssi", "email": "rssi@ars-normandie.test"], ["role": "director", "email": "dg@ars-normandie.test"]],
        ])
        XCTAssertEqual(ars.status, 201, ars.text)
        let declared = try await broker.request("PUT", "/api/v1/orgs/\(rouen)/inventory", token: broker.adminToken,
                                                raw: Array(#"[{"vendor":"Philips","product":"Vue PACS","version":"12.2.6.10"}]"#.utf8))
        XCTAssertEqual(declared.status, 200, declared.text)

        var alert = alertJSON(title: "Vue PACS : exécution de code à distance", tlp: "AMBER", severity: "critical", regions: ["28"])
        alert["affectedProducts"] = [["vendor": "Philips", "product": "Vue PACS", "versions": ["<12.2.8.410"]]]
        let id = try await broker.publish(alert)
        let planned = try await steps(id)
        XCTAssertEqual(Set(planned.compactMap { $0["orgId"] as? String }), [rouen], "Dieppe runs no Vue PACS; the ARS may not read the alert")

        try await eventually(timeout: 15, broker.log) { try self.mails(to: "rssi@ars-normandie.test").count == 1 }
        XCTAssertEqual(try mails(to: "adjoint@chu-rouen.test").count, 1)
        XCTAssertEqual(try mails(to: "adjoint@ch-dieppe.test").count, 0)
        XCTAssertEqual(try mails(to: "dg@ars-normandie.test").count, 0, "the ARS's rssi and on-call, not its director")
        let notice = try XCTUnwrap(try mails(to: "rssi@ars-normandie.test").first)
        let headers = try XCTUnwrap(notice["headers"] as? [String: String])
        XCTAssertEqual(headers["Subject"], "[ESCALADE][TLP:AMBER][CRITIQUE] Alerte en attente d'acquittement par CHU de Rouen")
        let text = try XCTUnwrap(notice["text"] as? String)
        let html = try XCTUnwrap(notice["html"] as? String)
        XCTAssertTrue(text.hasPrefix("Non acquittée par CHU de Rouen après 2 s."), text)
        for part in [text, html] {
            XCTAssertFalse(part.contains("Vue PACS"), "a GREEN organisation reads nothing of an AMBER alert: \(part)")
            XCTAssertFalse(part.contains("Des indicateurs de compromission"), part)
            XCTAssertFalse(part.contains("/ack/"), "only the establishment acknowledges for itself")
        }
        XCTAssertTrue(text.contains("C'est à CHU de Rouen d'acquitter cette alerte"), text)
        try await eventually(timeout: 5) { try await self.steps(id).allSatisfy { $0["state"] as? String == "sent" } }
    }

    func testADrillEscalatesForRealMarkedAsADrillWithTheOrganisationsOwnPolicy() async throws {
        try await start(policy: "none")
        let org = try await makeHospital()
        let subscriber = try await broker.token("subscriber", org: org)
        // The hospital's own policy, through the API with its own token: whatever orgId it sends, the policy is its own.
        let other = try await broker.createOrg("CH de Dieppe", clearance: "AMBER")
        let created = try await broker.request("POST", "/api/v1/escalation-policies", token: subscriber, json: [
            "name": "Astreinte d'abord", "orgId": other, "match": ["minSeverity": "high"],
            "steps": [["after": "PT1S", "roles": ["oncall"]]],
        ])
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual(created.json["orgId"] as? String, org)
        let policyId = try XCTUnwrap(created.json["id"] as? String)
        let dieppe = try await broker.token("subscriber", org: other)
        let hidden = try await broker.request("GET", "/api/v1/escalation-policies/\(policyId)", token: dieppe)
        XCTAssertEqual(hidden.status, 404, hidden.text)
        let listed = try await broker.request("GET", "/api/v1/escalation-policies", token: dieppe)
        XCTAssertEqual(listed.items.count, 0, listed.text)
        let bad = try await broker.request("POST", "/api/v1/escalation-policies", token: subscriber, json: [
            "name": "x", "steps": [["after": "PT1H", "roles": ["deputy"]], ["after": "PT30M", "roles": ["oncall"]]],
        ])
        XCTAssertEqual(bad.status, 422, bad.text)
        XCTAssertTrue(bad.text.contains("steps[1].after"), bad.text)

        var drill = alertJSON(title: "Exercice de crise", tlp: "AMBER", severity: "high", regions: ["28"])
        drill["status"] = "exercise"
        drill["exerciseId"] = "exercice-2026-12"
        let alert = try await broker.publish(drill)
        try await eventually(timeout: 15, broker.log) { try self.mails(to: "astreinte@chu-rouen.test").count == 1 }
        let mail = try XCTUnwrap(try mails(to: "astreinte@chu-rouen.test").first)
        let headers = try XCTUnwrap(mail["headers"] as? [String: String])
        // The on-call contact reads English.
        XCTAssertEqual(headers["Subject"], "[EXERCISE][ESCALATION][TLP:AMBER][HIGH] Exercice de crise")
        let text = try XCTUnwrap(mail["text"] as? String)
        XCTAssertTrue(text.hasPrefix("Not acknowledged by CHU de Rouen after 1 s."), text)
        XCTAssertTrue(text.contains("EXERCISE"), text)
        let planned = try await steps(alert)
        XCTAssertEqual(planned.first?["policyId"] as? String, policyId)

        // Editing the policy later changes nothing for the running alert.
        let edited = try await broker.request("PATCH", "/api/v1/escalation-policies/\(policyId)", token: subscriber,
                                              json: ["steps": [["after": "PT1S", "roles": ["deputy"]]]])
        XCTAssertEqual(edited.status, 200, edited.text)
        let after = try await steps(alert)
        XCTAssertEqual(after.count, 1)
        let deleted = try await broker.request("DELETE", "/api/v1/escalation-policies/\(policyId)", token: subscriber)
        XCTAssertEqual(deleted.status, 204)
    }

    func testAStepWaitingWhenTheBrokerIsKilledFiresOnceAfterTheRestart() async throws {
        try await start(policy: Self.policy(deputy: "PT4S"))
        _ = try await makeHospital()
        let alert = try await broker.publish(alertJSON(title: "Faille critique", tlp: "AMBER", severity: "critical", regions: ["28"]))
        let waiting = try await steps(alert)
        XCTAssertEqual(waiting.map { $0["state"] as? String }, ["pending"])
        broker.kill9()
        try await Task.sleep(for: .seconds(5))
        XCTAssertEqual(try mails(to: "adjoint@chu-rouen.test").count, 0)
        try await broker.launch()
        try await eventually(timeout: 15, broker.log) { try self.mails(to: "adjoint@chu-rouen.test").count == 1 }
        try await Task.sleep(for: .seconds(2))
        XCTAssertEqual(try mails(to: "adjoint@chu-rouen.test").count, 1)
        let done = try await steps(alert)
        XCTAssertEqual(done.map { $0["state"] as? String }, ["sent"])
    }

    func testAStepClaimedByAKilledBrokerIsSentOnceItsLeaseRunsOut() async throws {
        // The mail server is down at first, so the step stays claimed (in flight, retrying) when the broker dies.
        try await start(policy: Self.policy(deputy: "PT1S"), sinkArguments: ["--down-for", "10"], extra: ["TOCSIN_ESCALATION_LEASE": "4s"])
        _ = try await makeHospital()
        let alert = try await broker.publish(alertJSON(title: "Faille critique", tlp: "AMBER", severity: "critical", regions: ["28"]))
        try await eventually(timeout: 10, broker.log) { try await self.steps(alert).first?["state"] as? String == "in_flight" }
        broker.kill9()
        try await broker.launch()
        try await eventually(timeout: 40, broker.log) { try self.mails(to: "adjoint@chu-rouen.test").count == 1 }
        try await eventually(timeout: 5, broker.log) { try await self.steps(alert).first?["state"] as? String == "sent" }
        let all = try await steps(alert)
        let step = try XCTUnwrap(all.first)
        XCTAssertEqual(step["attempts"] as? Int, 2, "taken again by the new process once the dead one's lease ran out")
        try await Task.sleep(for: .seconds(2))
        XCTAssertEqual(try mails(to: "adjoint@chu-rouen.test").count, 1)
    }
}
