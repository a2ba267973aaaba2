import Foundation
import XCTest

/// Publish through the API of the real binary, deliver to a real receiver, check what arrived.
final class PublishAndDeliverTests: BrokerTestCase {
    func testAPublishedAlertArrivesSignedWithTheStandardWebhookShape() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        let sub = try await broker.subscribeWebhook(org: org, url: receiver.url("rouen"), filter: ["minSeverity": "high"])
        let published = try await broker.post("/api/v1/alerts", alertJSON(tlp: "AMBER", severity: "critical", regions: ["28"]))
        XCTAssertEqual(published.status, 201, published.text)
        XCTAssertEqual(published.json["revision"] as? Int, 1)
        XCTAssertEqual(published.json["deliveriesQueued"] as? Int, 1)
        let alertId = try XCTUnwrap(published.json["id"] as? String)

        try await eventually(self.broker.log) { self.receiver.received("rouen").count == 1 }
        let request = receiver.received("rouen")[0]
        XCTAssertTrue(request.isSigned(with: sub.secret), "signature must verify with the subscription's secret")
        XCTAssertFalse(request.isSigned(with: "whsec_" + Data(repeating: 1, count: 32).base64EncodedString()))
        XCTAssertLessThan(abs(Double(request.timestamp)! - Date().timeIntervalSince1970), 60)
        let payload = request.json
        XCTAssertEqual(payload["type"] as? String, "alert.published")
        let data = try XCTUnwrap(payload["data"] as? [String: Any])
        XCTAssertEqual(data["id"] as? String, alertId)
        XCTAssertEqual(data["title"] as? String, "Rançongiciel : indicateurs")
        XCTAssertEqual(data["tlp"] as? String, "AMBER")
        XCTAssertEqual((data["indicators"] as? [[String: Any]])?.first?["value"] as? String, "203.0.113.7")

        // The body's data is the alert exactly as GET /alerts/{id} returns it, less who published it, which only
        // admins and publishers see.
        var fetched = try await broker.get("/api/v1/alerts/\(alertId)").json
        XCTAssertNotNil(fetched.removeValue(forKey: "publishedBy"))
        XCTAssertNil(data["publishedBy"])
        XCTAssertEqual(NSDictionary(dictionary: fetched), NSDictionary(dictionary: data))

        try await eventually { try await self.broker.deliveries(alert: alertId).first?["state"] as? String == "delivered" }
        let ledger = try await broker.deliveries(alert: alertId)
        XCTAssertEqual(ledger.count, 1)
        XCTAssertEqual(ledger[0]["id"] as? String, request.id, "webhook-id is the delivery id")
        XCTAssertEqual(ledger[0]["orgId"] as? String, org)
        XCTAssertNotNil(ledger[0]["deliveredAt"])
    }

    /// Indicators found in the prose are marked extracted, with a confidence; a subscription that takes stated
    /// indicators only receives the alert without them.
    func testASubscriptionForStatedIndicatorsOnlyReceivesNoExtractedOne() async throws {
        let org = try await broker.createOrg("CHU de Lille", clearance: "AMBER")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("all"))
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("stated"), filter: ["statedIndicatorsOnly": true])
        let published = try await broker.post("/api/v1/alerts", [
            "title": "Campagne en cours", "summary": "Trafic suspect vers 5.188.86.172 observé ; appliquer le correctif 12.2.8.0.",
            "severity": "high", "tlp": "AMBER", "indicators": [["type": "domain", "value": "evil-c2.net"]],
        ] as [String: Any])
        XCTAssertEqual(published.status, 201, published.text)
        try await eventually(self.broker.log) { self.receiver.received("all").count == 1 && self.receiver.received("stated").count == 1 }
        func indicators(_ name: String) throws -> [[String: Any]] {
            let data = try XCTUnwrap(receiver.received(name)[0].json["data"] as? [String: Any])
            return try XCTUnwrap(data["indicators"] as? [[String: Any]])
        }
        let all = try indicators("all")
        XCTAssertEqual(all.map { $0["value"] as? String }, ["evil-c2.net", "5.188.86.172"])
        XCTAssertEqual(all.map { $0["origin"] as? String }, ["stated", "extracted"])
        XCTAssertNil(all[0]["confidence"])
        XCTAssertEqual(all[1]["confidence"] as? Double, 0.75)
        let stated = try indicators("stated")
        XCTAssertEqual(stated.map { $0["value"] as? String }, ["evil-c2.net"])
        XCTAssertEqual(stated.map { $0["origin"] as? String }, ["stated"])
        // The subscription's filter reads back as it was written.
        let subscriptions = try await broker.get("/api/v1/subscriptions")
        XCTAssertTrue(subscriptions.text.contains("statedIndicatorsOnly"), subscriptions.text)
    }

    func testAnOrganisationClearedGreenNeverReceivesAmber() async throws {
        let green = try await broker.createOrg("EHPAD des Tilleuls", clearance: "GREEN")
        let amber = try await broker.createOrg("CHU de Caen", clearance: "AMBER")
        _ = try await broker.subscribeWebhook(org: green, url: receiver.url("green"))
        _ = try await broker.subscribeWebhook(org: amber, url: receiver.url("amber"))

        let amberAlert = try await broker.publish(alertJSON(title: "Ambre", tlp: "AMBER"))
        let greenAlert = try await broker.publish(alertJSON(title: "Vert", tlp: "GREEN"))
        try await eventually { self.receiver.received("amber").count == 2 && self.receiver.received("green").count == 1 }
        try await Task.sleep(for: .milliseconds(500))
        let toGreen = receiver.received("green").compactMap { ($0.json["data"] as? [String: Any])?["id"] as? String }
        XCTAssertEqual(toGreen, [greenAlert])
        let value1 = try await broker.deliveries(alert: amberAlert).map { $0["orgId"] as? String }
        XCTAssertEqual(value1, [amber])

        // The same holds for what the organisation's own token can read.
        let token = try await broker.post("/api/v1/tokens", ["role": "subscriber", "orgId": green]).json["token"] as? String
        let listed = try await broker.get("/api/v1/alerts", token: token).items.compactMap { $0["id"] as? String }
        XCTAssertEqual(listed, [greenAlert])
        let value2 = try await broker.get("/api/v1/alerts/\(amberAlert)", token: token).status
        XCTAssertEqual(value2, 404)
        let value3 = try await broker.get("/api/v1/alerts/\(greenAlert)", token: token).status
        XCTAssertEqual(value3, 200)
    }

    func testRegionalAlertsOnlyReachTheirRegion() async throws {
        let normandie = try await broker.createOrg("CH de Dieppe", clearance: "AMBER", region: "28")
        let idf = try await broker.createOrg("AP-HP", clearance: "AMBER", region: "11")
        _ = try await broker.subscribeWebhook(org: normandie, url: receiver.url("normandie"))
        _ = try await broker.subscribeWebhook(org: idf, url: receiver.url("idf"))
        let regional = try await broker.publish(alertJSON(regions: ["11"]))
        _ = try await broker.publish(alertJSON(title: "Nationale"))
        try await eventually { self.receiver.received("idf").count == 2 && self.receiver.received("normandie").count == 1 }
        let value4 = try await broker.deliveries(alert: regional).map { $0["orgId"] as? String }
        XCTAssertEqual(value4, [idf])
    }

    func testRevisionsAndCancellationReachThoseWhoWereTold() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        let sub = try await broker.subscribeWebhook(org: org, url: receiver.url("rouen"), filter: ["minSeverity": "high"])
        let id = try await broker.publish(alertJSON(severity: "high"))
        var update = alertJSON(title: "Rançongiciel : indicateurs mis à jour", severity: "medium")
        update["body"] = "Nouveaux indicateurs."
        let revised = try await broker.post("/api/v1/alerts/\(id)/revisions", update)
        XCTAssertEqual(revised.status, 201, revised.text)
        XCTAssertEqual(revised.json["revision"] as? Int, 2)
        XCTAssertEqual(revised.json["status"] as? String, "updated")
        let cancelled = try await broker.post("/api/v1/alerts/\(id)/cancel", ["reason": "faux positif"])
        XCTAssertEqual(cancelled.status, 200, cancelled.text)
        XCTAssertEqual(cancelled.json["status"] as? String, "cancelled")
        let value5 = try await broker.post("/api/v1/alerts/\(id)/cancel", [:]).status
        XCTAssertEqual(value5, 409)
        let value6 = try await broker.post("/api/v1/alerts/\(id)/revisions", update).status
        XCTAssertEqual(value6, 409)

        try await eventually { self.receiver.received("rouen").count == 3 }
        let received = receiver.received("rouen").sorted { ($0.json["data"] as? [String: Any])?["revision"] as? Int ?? 0 < ($1.json["data"] as? [String: Any])?["revision"] as? Int ?? 0 }
        XCTAssertEqual(received.map { $0.json["type"] as? String }, ["alert.published", "alert.updated", "alert.cancelled"])
        XCTAssertTrue(received.allSatisfy { $0.isSigned(with: sub.secret) })
        XCTAssertEqual(Set(received.map(\.id)).count, 3, "each revision is its own delivery")
        let value7 = try await broker.get("/api/v1/alerts/\(id)/revisions/1").json["title"] as? String
        XCTAssertEqual(value7, "Rançongiciel : indicateurs")
    }

    /// A webhook secret is rotated with an overlap: both secrets sign meanwhile, then only the new one.
    func testAWebhookSecretRotatesWithAnOverlapWhereBothSign() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        let (subscription, first) = try await broker.subscribeWebhook(org: org, url: receiver.url("rotating"))
        let rotated = try await broker.post("/api/v1/subscriptions/\(subscription)/rotate-secret", ["overlap": "1h"])
        XCTAssertEqual(rotated.status, 200, rotated.text)
        let second = try XCTUnwrap(rotated.json["secret"] as? String)
        XCTAssertNotEqual(first, second)
        XCTAssertNotNil(rotated.json["previousSecretValidUntil"])
        _ = try await broker.publish(alertJSON(title: "Pendant le recouvrement"))
        try await eventually(broker.log) { self.receiver.received("rotating").count == 1 }
        let during = receiver.received("rotating")[0]
        XCTAssertTrue(during.isSigned(with: first) && during.isSigned(with: second), during.signature)

        let again = try await broker.post("/api/v1/subscriptions/\(subscription)/rotate-secret", ["overlap": "0s"])
        let third = try XCTUnwrap(again.json["secret"] as? String)
        _ = try await broker.publish(alertJSON(title: "Après le recouvrement"))
        try await eventually(broker.log) { self.receiver.received("rotating").count == 2 }
        let after = receiver.received("rotating")[1]
        XCTAssertTrue(after.isSigned(with: third))
        XCTAssertFalse(after.isSigned(with: second), "the overlap is over")
        let email = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "rssi@chu-rouen.test"])
        let value1 = try await broker.post("/api/v1/subscriptions/\(email.json["id"] as! String)/rotate-secret", [:]).status
        XCTAssertEqual(value1, 422)
    }
}
