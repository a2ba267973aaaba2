import Foundation
import XCTest

/// A revision names only what changes (a JSON merge patch); what it does not name stays. A revision that widens the
/// audience is refused with who would newly receive it, unless the publisher confirms.
final class RevisionPatchTests: BrokerTestCase {
    func testTheReadmeRevisionKeepsTheAlertRegionalAndWholeAndWideningNeedsConfirming() async throws {
        let rouen = try await broker.createOrg("CHU de Rouen", clearance: "AMBER", region: "28")
        let paris = try await broker.createOrg("AP-HP", clearance: "AMBER", region: "11")
        let lyon = try await broker.createOrg("HCL", clearance: "AMBER", region: "84")
        for (org, path) in [(rouen, "rouen"), (paris, "paris"), (lyon, "lyon")] { _ = try await broker.subscribeWebhook(org: org, url: receiver.url(path)) }
        var alert = alertJSON(title: "Rançongiciel : indicateurs", tlp: "AMBER", regions: ["28"])
        alert["body"] = "Détails pour les RSSI."
        let id = try await broker.publish(alert)

        // The README's revision: a title, a severity and a TLP. Nothing else is lost, and it stays in region 28.
        let revised = try await broker.post("/api/v1/alerts/\(id)/revisions",
                                            ["title": "Rançongiciel : nouveaux indicateurs", "severity": "critical", "tlp": "AMBER"])
        XCTAssertEqual(revised.status, 201, revised.text)
        XCTAssertEqual(revised.json["deliveriesQueued"] as? Int, 1)
        XCTAssertEqual(revised.json["regions"] as? [String], ["28"])
        XCTAssertEqual(revised.json["summary"] as? String, alert["summary"] as? String)
        XCTAssertEqual(revised.json["body"] as? String, "Détails pour les RSSI.")
        XCTAssertEqual(revised.json["cves"] as? [String], ["CVE-2024-3400"])
        XCTAssertEqual((revised.json["indicators"] as? [[String: Any]])?.count, 1)

        // Removing the regions would make it national: refused, naming who would newly receive it.
        let widen = try await broker.post("/api/v1/alerts/\(id)/revisions", ["regions": NSNull()])
        XCTAssertEqual(widen.status, 422, widen.text)
        XCTAssertEqual(widen.json["type"] as? String, "urn:tocsin:problem:widening-not-confirmed")
        let detail = widen.json["detail"] as? String ?? ""
        XCTAssertTrue(detail.contains("2 organisations") && detail.contains("AP-HP") && detail.contains("HCL"), detail)
        XCTAssertTrue(detail.contains("becomes national"), detail)
        let lower = try await broker.post("/api/v1/alerts/\(id)/revisions", ["tlp": "GREEN"])
        XCTAssertEqual(lower.status, 422, lower.text)
        let value1 = try await broker.get("/api/v1/alerts/\(id)").json["revision"] as? Int
        XCTAssertEqual(value1, 2, "nothing stored by a refused revision")

        // Confirmed, it goes.
        let confirmed = try await broker.post("/api/v1/alerts/\(id)/revisions", ["regions": NSNull(), "confirmWiden": true])
        XCTAssertEqual(confirmed.status, 201, confirmed.text)
        XCTAssertEqual(confirmed.json["regions"] as? [String], [])
        try await eventually(broker.log) { self.receiver.received("paris").count == 1 && self.receiver.received("lyon").count == 1 }

        // A list entry is removed by value; an unknown or server-set key is refused.
        let removed = try await broker.post("/api/v1/alerts/\(id)/revisions", ["remove": ["cves": ["CVE-2024-3400"], "indicators": [["value": "203.0.113.7"]]]])
        XCTAssertEqual(removed.status, 201, removed.text)
        XCTAssertEqual(removed.json["cves"] as? [String], [])
        XCTAssertEqual((removed.json["indicators"] as? [[String: Any]])?.count, 0)
        // A patch that changes nothing stores nothing and tells no one.
        try await Task.sleep(for: .milliseconds(800))
        let before = receiver.received("rouen").count
        for same in [["title": "Rançongiciel : nouveaux indicateurs"], ["remove": ["cves": ["CVE-2099-0001"]]]] as [[String: Any]] {
            let noop = try await broker.post("/api/v1/alerts/\(id)/revisions", same)
            XCTAssertEqual(noop.status, 200, noop.text)
            XCTAssertEqual(noop.json["revision"] as? Int, removed.json["revision"] as? Int)
            XCTAssertEqual(noop.json["deliveriesQueued"] as? Int, 0)
        }
        try await Task.sleep(for: .milliseconds(500))
        XCTAssertEqual(receiver.received("rouen").count, before, "nobody is told of a revision that changes nothing")
        let status = try await broker.post("/api/v1/alerts/\(id)/revisions", ["status": "cancelled"])
        XCTAssertEqual(status.status, 422)
        XCTAssertEqual(status.json["field"] as? String, "status")
        let typo = try await broker.post("/api/v1/alerts/\(id)/revisions", ["indicators": [["type": "ipv4", "valeur": "203.0.113.8"]]])
        XCTAssertEqual(typo.status, 422, typo.text)
    }

    func testTheCommandLinePublishesThroughTheInventoryAndRevisesByPatch() async throws {
        let org = try await broker.createOrg("CH de Dieppe", clearance: "AMBER", region: "28")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("inventory"), filter: ["onlyInventoryMatches": true])
        let inventory = try await broker.request("PUT", "/api/v1/orgs/\(org)/inventory", token: broker.adminToken,
                                                 json: [["vendor": "Palo Alto Networks", "product": "PAN-OS", "version": "10.2.3"]])
        XCTAssertEqual(inventory.status, 200, inventory.text)
        var alert = alertJSON(title: "PAN-OS : vulnérabilité exploitée", tlp: "AMBER", regions: ["28"])
        alert["affectedProducts"] = [["vendor": "Palo Alto Networks", "product": "PAN-OS", "versions": ["< 10.2.9"]]]
        let published = try broker.cli(["publish", "-"], stdin: String(decoding: try JSONSerialization.data(withJSONObject: alert), as: UTF8.self))
        XCTAssertEqual(published.status, 0, published.stderr)
        XCTAssertTrue(published.stderr.contains("1 deliveries queued"), "the inventory match reaches onlyInventoryMatches: \(published.stderr)")
        let id = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(published.stdout.utf8)) as? [String: Any])?["id"] as? String)

        let widen = try broker.cli(["publish", "--revise", id, "-"], stdin: #"{"regions": null}"#)
        XCTAssertNotEqual(widen.status, 0)
        XCTAssertTrue(widen.stderr.contains("widens"), widen.stderr)
        let confirmed = try broker.cli(["publish", "--revise", id, "--confirm-widen", "-"], stdin: #"{"regions": null}"#)
        XCTAssertEqual(confirmed.status, 0, confirmed.stderr)
        XCTAssertTrue(confirmed.stdout.contains("\"revision\" : 2"), confirmed.stdout)
    }
}
