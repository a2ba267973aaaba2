import Foundation
import XCTest

/// Writes are checked like reads: an organisation cleared only for TLP:CLEAR can neither learn, read nor rewrite a
/// TLP:RED alert through the ingest, cancel or revision paths, and only the publishing organisation (or an admin)
/// may revise or cancel an alert.
final class WriteAccessTests: BrokerTestCase {
    func token(_ role: String, org: String? = nil) async throws -> String { try await broker.token(role, org: org) }

    func redNativeDocument(version: String, updated: String, title: String) -> [UInt8] {
        let document: [String: Any] = [
            "title": title, "summary": "Indicateurs du rançongiciel en cours au CHU.", "severity": "critical", "tlp": "RED",
            "sourceRef": "CERT-SANTE-2026-0042", "sourceVersion": version, "sourceUpdatedAt": updated,
            "indicators": [["type": "ipv4", "value": "198.51.100.66"]],
        ]
        return Array(try! JSONSerialization.data(withJSONObject: document))
    }

    func testAClearRelayCanNeitherLearnReadNorRewriteARedAlert() async throws {
        let clearOrg = try await broker.createOrg("EHPAD Les Tilleuls", clearance: "CLEAR")
        let relay = try await token("relay", org: clearOrg)
        let clearHook = try await broker.subscribeWebhook(org: clearOrg, url: receiver.url("clear"))

        // The national CERT ingests a RED document.
        let ingested = try await broker.request("POST", "/api/v1/ingest/native", token: broker.adminToken,
                                                raw: redNativeDocument(version: "2", updated: "2026-11-30T10:00:00Z", title: "Secret RED title"))
        XCTAssertEqual(ingested.status, 200, ingested.text)
        let redId = try XCTUnwrap((ingested.json["items"] as? [[String: Any]])?.first?["alertId"] as? String)

        // Learn its id: the same sourceRef with an older version names the relay's own alert, never the RED one.
        let probe = try await broker.request("POST", "/api/v1/ingest/native", token: relay,
                                             raw: redNativeDocument(version: "1", updated: "2026-11-01T10:00:00Z", title: "probe"))
        XCTAssertEqual(probe.status, 200, probe.text)
        XCTAssertFalse(probe.text.contains(redId), "the ingest answer named another publisher's alert: \(probe.text)")
        XCTAssertFalse(probe.text.contains("Secret RED title"))

        // Read it through a write: cancel answers as for an unknown alert and echoes nothing.
        let cancel = try await broker.request("POST", "/api/v1/alerts/\(redId)/cancel", token: relay, json: ["reason": "x"])
        XCTAssertEqual(cancel.status, 404, cancel.text)
        XCTAssertFalse(cancel.text.contains("Secret RED title"))
        XCTAssertFalse(cancel.text.contains("198.51.100.66"))

        // Overwrite it: refused, the alert keeps its revision and marking, and nothing goes to CLEAR subscribers.
        let revision = try await broker.request("POST", "/api/v1/alerts/\(redId)/revisions", token: relay,
                                                json: alertJSON(title: "now CLEAR", tlp: "CLEAR"))
        XCTAssertEqual(revision.status, 404, revision.text)
        XCTAssertFalse(revision.text.contains("Secret RED title"))
        let stored = try await broker.get("/api/v1/alerts/\(redId)")
        XCTAssertEqual(stored.json["tlp"] as? String, "RED")
        XCTAssertEqual(stored.json["revision"] as? Int, 1)
        XCTAssertEqual(stored.json["status"] as? String, "published")
        let deliveries = try await broker.get("/api/v1/deliveries?subscriptionId=\(clearHook.id)").items
        XCTAssertTrue(deliveries.allSatisfy { $0["alertId"] as? String != redId }, "\(deliveries)")
        try await Task.sleep(for: .milliseconds(500))
        XCTAssertTrue(receiver.received("clear").allSatisfy { !String(decoding: $0.body, as: UTF8.self).contains(redId) })
    }

    func testOnlyThePublishingOrganisationOrAnAdminRevisesOrCancels() async throws {
        let cert = try await broker.createOrg("CERT Santé", clearance: "RED", region: "11")
        let ars = try await broker.createOrg("ARS Normandie", clearance: "RED", region: "28")
        let certPublisher = try await token("publisher", org: cert)
        let arsPublisher = try await token("publisher", org: ars)
        let arsRelay = try await token("relay", org: ars)
        let subscriber = try await token("subscriber", org: ars)

        let published = try await broker.post("/api/v1/alerts", alertJSON(title: "Alerte du CERT", tlp: "AMBER"), token: certPublisher)
        XCTAssertEqual(published.status, 201, published.text)
        let id = try XCTUnwrap(published.json["id"] as? String)

        // Another organisation may read it but not change it.
        let read = try await broker.get("/api/v1/alerts/\(id)", token: arsPublisher)
        XCTAssertEqual(read.status, 200)
        for token in [arsPublisher, arsRelay] {
            let revise = try await broker.post("/api/v1/alerts/\(id)/revisions", alertJSON(title: "détourné"), token: token)
            XCTAssertEqual(revise.status, 403, revise.text)
            let cancel = try await broker.request("POST", "/api/v1/alerts/\(id)/cancel", token: token)
            XCTAssertEqual(cancel.status, 403, cancel.text)
        }
        let bySubscriber = try await broker.post("/api/v1/alerts/\(id)/revisions", alertJSON(), token: subscriber)
        XCTAssertEqual(bySubscriber.status, 403)

        // The publisher's own organisation and an admin may.
        let own = try await broker.post("/api/v1/alerts/\(id)/revisions", alertJSON(title: "Mise à jour", tlp: "AMBER"), token: certPublisher)
        XCTAssertEqual(own.status, 201, own.text)
        let admin = try await broker.request("POST", "/api/v1/alerts/\(id)/cancel", token: broker.adminToken)
        XCTAssertEqual(admin.status, 200, admin.text)
        XCTAssertEqual(admin.json["status"] as? String, "cancelled")
    }

    func testTheTokenThatPublishedIsShownToAdminsAndPublishersOnly() async throws {
        let org = try await broker.createOrg("CH de Dieppe", clearance: "AMBER")
        let subscriber = try await token("subscriber", org: org)
        let publisher = try await token("publisher")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("dieppe"))
        let id = try await broker.publish(alertJSON(tlp: "GREEN"))
        let asAdmin = try await broker.get("/api/v1/alerts/\(id)")
        XCTAssertNotNil(asAdmin.json["publishedBy"])
        let asPublisher = try await broker.get("/api/v1/alerts/\(id)", token: publisher)
        XCTAssertNotNil(asPublisher.json["publishedBy"])
        let asSubscriber = try await broker.get("/api/v1/alerts/\(id)", token: subscriber)
        XCTAssertEqual(asSubscriber.status, 200)
        XCTAssertNil(asSubscriber.json["publishedBy"])
        let listed = try await broker.get("/api/v1/alerts", token: subscriber).items
        XCTAssertTrue(listed.allSatisfy { $0["publishedBy"] == nil })
        try await eventually { !self.receiver.received("dieppe").isEmpty }
        let body = try XCTUnwrap(receiver.received("dieppe").first).json
        XCTAssertNil((body["data"] as? [String: Any])?["publishedBy"])
        XCTAssertNotNil((body["data"] as? [String: Any])?["title"])
    }
}
