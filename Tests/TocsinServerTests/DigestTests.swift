import Foundation
import XCTest

/// Hourly and daily digests: the alerts of a period gathered into one templated mail, through a real SMTP server.
final class DigestTests: XCTestCase {
    /// The test's "hour": digests leave at every multiple of this many seconds since the epoch.
    static let period: TimeInterval = 6
    var sink: SMTPSink!
    var broker: BrokerProcess!

    override func setUp() async throws {
        sink = try SMTPSink()
        broker = try await BrokerProcess.start(environment: sink.brokerEnvironment(["TOCSIN_DIGESTS_HOURLY": "\(Int(Self.period))s"]))
    }

    override func tearDown() async throws {
        broker.stop()
        sink = nil
    }

    func subscribe(org: String, address: String, digest: String) async throws -> String {
        let answer = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": address, "digest": digest])
        XCTAssertEqual(answer.status, 201, answer.text)
        XCTAssertEqual(answer.json["digest"] as? String, digest)
        return try XCTUnwrap(answer.json["id"] as? String)
    }

    /// Waits until just after a digest boundary, so that what is published next falls in one period.
    func waitForTheStartOfAPeriod() async throws {
        let now = Date().timeIntervalSince1970
        let intoPeriod = now.truncatingRemainder(dividingBy: Self.period)
        if intoPeriod > 0.3 { try await Task.sleep(for: .seconds(Self.period - intoPeriod + 0.05)) }
    }

    func mails(to address: String) throws -> [[String: Any]] {
        try sink.messages().filter { ($0["headers"] as? [String: String])?["To"] == address }
    }

    func testAnHourlyDigestGathersThePeriodsAlertsIntoOneMailWhileImmediateSubscribersGetEachAtOnce() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        let digest = try await subscribe(org: org, address: "rssi@chu-rouen.test", digest: "hourly")
        _ = try await subscribe(org: org, address: "soc@chu-rouen.test", digest: "immediate")

        try await waitForTheStartOfAPeriod()
        var first = alertJSON(title: "Vulnérabilité critique dans PAN-OS", tlp: "CLEAR", severity: "critical")
        first["indicators"] = [["type": "domain", "value": "evil.example.com"]]
        let ids = [
            try await broker.publish(first),
            try await broker.publish(alertJSON(title: "Campagne d'hameçonnage visant les hôpitaux", tlp: "AMBER", severity: "medium")),
            try await broker.publish(alertJSON(title: "Fuite de données chez un prestataire", tlp: "GREEN", severity: "high")),
        ]
        // Immediate: three mails now. Digest: nothing until the period ends.
        try await eventually(broker.log) { try self.mails(to: "soc@chu-rouen.test").count == 3 }
        XCTAssertEqual(try mails(to: "rssi@chu-rouen.test").count, 0, "a digest must wait for the end of its period")
        let waiting = try await broker.deliveries(alert: ids[0]).first { $0["subscriptionId"] as? String == digest }
        XCTAssertEqual(waiting?["state"] as? String, "pending")

        try await eventually(timeout: Self.period + 10, broker.log) { try self.mails(to: "rssi@chu-rouen.test").count == 1 }
        let mail = try mails(to: "rssi@chu-rouen.test")[0]
        let headers = try XCTUnwrap(mail["headers"] as? [String: String])
        XCTAssertEqual(headers["Subject"], "[TLP:AMBER] Synthèse horaire Tocsin : 3 alertes (max. CRITIQUE)")
        XCTAssertEqual(headers["X-Tocsin-Digest"], "hourly; alerts=3")
        XCTAssertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        XCTAssertEqual(mail["parts"] as? [String], ["text/plain", "text/html"])
        let text = try XCTUnwrap(mail["text"] as? String)
        // Most severe first, each with its own marking and defanged indicators.
        let order = ["Vulnérabilité critique dans PAN-OS", "Fuite de données chez un prestataire", "Campagne d'hameçonnage visant les hôpitaux"]
            .map { text.range(of: $0)?.lowerBound }
        XCTAssertFalse(order.contains(nil), text)
        XCTAssertTrue(order[0]! < order[1]! && order[1]! < order[2]!, "most severe first:\n\(text)")
        XCTAssertTrue(text.contains("[TLP:AMBER][MOYENNE] Campagne"), text)
        XCTAssertTrue(text.contains("evil[.]example[.]com"), text)
        XCTAssertFalse(text.contains("evil.example.com"), text)
        XCTAssertTrue(text.contains("3 alerte(s) depuis la synthèse précédente"), text)
        XCTAssertLessThanOrEqual(mail["longestBodyLine"] as! Int, 78)
        let html = try XCTUnwrap(mail["html"] as? String)
        XCTAssertTrue(html.contains("Fuite de données chez un prestataire"))

        // Every delivery of the digest is recorded as delivered, with the one message that carried it.
        for id in ids {
            try await eventually { try await self.broker.deliveries(alert: id).first { $0["subscriptionId"] as? String == digest }?["state"] as? String == "delivered" }
        }

        // The next digest gathers only what came after.
        try await waitForTheStartOfAPeriod()
        _ = try await broker.publish(alertJSON(title: "Mise à jour de sécurité Citrix", tlp: "CLEAR", severity: "low"))
        try await eventually(timeout: Self.period + 10, broker.log) { try self.mails(to: "rssi@chu-rouen.test").count == 2 }
        let second = try mails(to: "rssi@chu-rouen.test")[1]
        let secondHeaders = try XCTUnwrap(second["headers"] as? [String: String])
        XCTAssertEqual(secondHeaders["Subject"], "[TLP:CLEAR] Synthèse horaire Tocsin : 1 alerte (max. FAIBLE)")
        XCTAssertNotEqual(secondHeaders["Message-ID"], headers["Message-ID"])
        XCTAssertFalse((second["text"] as? String ?? "").contains("PAN-OS"))
    }

    func testAnEnglishOrganisationGetsAnEnglishDigest() async throws {
        let answer = try await broker.post("/api/v1/orgs", ["name": "Regional Health Agency", "kind": "ARS", "region": "11", "tlpClearance": "GREEN", "locale": "en"])
        let org = try XCTUnwrap(answer.json["id"] as? String)
        _ = try await subscribe(org: org, address: "soc@ars.test", digest: "hourly")
        try await waitForTheStartOfAPeriod()
        _ = try await broker.publish(alertJSON(title: "Ransomware campaign", tlp: "GREEN", severity: "high"))
        _ = try await broker.publish(alertJSON(title: "Not for this organisation", tlp: "AMBER", severity: "critical"))
        try await eventually(timeout: Self.period + 10, broker.log) { try self.mails(to: "soc@ars.test").count == 1 }
        let mail = try mails(to: "soc@ars.test")[0]
        let headers = try XCTUnwrap(mail["headers"] as? [String: String])
        XCTAssertEqual(headers["Subject"], "[TLP:GREEN] Tocsin hourly digest: 1 alert (highest HIGH)")
        let text = try XCTUnwrap(mail["text"] as? String)
        XCTAssertTrue(text.contains("alert(s) since the previous digest"), text)
        XCTAssertFalse(text.contains("Not for this organisation"), "TLP holds in digests too")
    }

    func testDigestsAreRefusedForMachineChannelsAndUnknownModes() async throws {
        let org = try await broker.createOrg("CH de Dieppe", clearance: "GREEN")
        let webhook = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "webhook", "target": "http://127.0.0.1:9/hook", "digest": "daily"])
        XCTAssertEqual(webhook.status, 422, webhook.text)
        XCTAssertTrue(webhook.text.contains("digest"), webhook.text)
        let unknown = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "a@b.test", "digest": "weekly"])
        XCTAssertTrue([400, 422].contains(unknown.status), unknown.text)
        let stored = try await broker.get("/api/v1/subscriptions?orgId=\(org)").items
        XCTAssertEqual(stored.count, 0)

        // Turning a digest off makes what waits due at once.
        let id = try await subscribe(org: org, address: "rssi@ch-dieppe.test", digest: "daily")
        _ = try await broker.publish(alertJSON(title: "Alerte en attente de synthèse", tlp: "CLEAR"))
        try await Task.sleep(for: .milliseconds(500))
        XCTAssertEqual(try mails(to: "rssi@ch-dieppe.test").count, 0)
        let patched = try await broker.request("PATCH", "/api/v1/subscriptions/\(id)", token: broker.adminToken, json: ["digest": "immediate"])
        XCTAssertEqual(patched.status, 200, patched.text)
        try await eventually(broker.log) { try self.mails(to: "rssi@ch-dieppe.test").count == 1 }
        let headers = try XCTUnwrap(try mails(to: "rssi@ch-dieppe.test")[0]["headers"] as? [String: String])
        XCTAssertEqual(headers["Subject"], "[TLP:CLEAR][ÉLEVÉE] Alerte en attente de synthèse")
    }
}
