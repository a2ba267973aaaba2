import Foundation
import XCTest

/// Retries, 410 Gone, dead letters and redelivery against a receiver that misbehaves on purpose.
final class DeliveryFailureTests: BrokerTestCase {
    func testAReceiverThatFailsThenRecoversGetsTheAlertWithTheSameWebhookId() async throws {
        let org = try await broker.createOrg("CH de Lisieux", clearance: "AMBER")
        let sub = try await broker.subscribeWebhook(org: org, url: receiver.url("flaky"))
        receiver.plan("flaky", [503, 500, 429])
        let id = try await broker.publish(alertJSON())
        try await eventually { try await self.broker.deliveries(alert: id).first?["state"] as? String == "delivered" }
        let requests = receiver.received("flaky")
        XCTAssertEqual(requests.count, 4)
        XCTAssertEqual(Set(requests.map(\.id)).count, 1, "every retry carries the same webhook-id")
        XCTAssertTrue(requests.allSatisfy { $0.isSigned(with: sub.secret) })

        let delivery = try await broker.deliveries(alert: id)[0]
        XCTAssertEqual(delivery["attempts"] as? Int, 4)
        let detail = try await broker.get("/api/v1/deliveries/\(delivery["id"] as! String)").json
        let history = try XCTUnwrap(detail["history"] as? [[String: Any]])
        XCTAssertEqual(history.map { $0["status"] as? Int }, [503, 500, 429, 204])
        XCTAssertEqual(history.map { $0["outcome"] as? String }, ["retryable", "retryable", "retryable", "success"])
    }

    func testRetriesEndInADeadLetterThatCanBeRedelivered() async throws {
        let org = try await broker.createOrg("Clinique du Parc", clearance: "AMBER")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("down"))
        receiver.plan("down", Array(repeating: 502, count: 5))
        let id = try await broker.publish(alertJSON())
        try await eventually { try await self.broker.deliveries(alert: id).first?["state"] as? String == "dead" }
        let dead = try await broker.deliveries(alert: id)[0]
        XCTAssertEqual(dead["attempts"] as? Int, 5, "the test schedule allows four retries")
        XCTAssertEqual(dead["lastStatus"] as? Int, 502)
        XCTAssertTrue((dead["lastError"] as? String ?? "").contains("gave up"))
        let deadList = try await broker.get("/api/v1/deliveries?state=dead").items
        XCTAssertEqual(deadList.count, 1)

        let redelivered = try await broker.post("/api/v1/deliveries/\(dead["id"] as! String)/redeliver", [:])
        XCTAssertEqual(redelivered.status, 202, redelivered.text)
        try await eventually { try await self.broker.deliveries(alert: id).first?["state"] as? String == "delivered" }
        XCTAssertEqual(Set(receiver.received("down").map(\.id)), [dead["id"] as! String])
        // The redelivery's attempt is numbered after the five earlier ones.
        let history = try await broker.get("/api/v1/deliveries/\(dead["id"] as! String)").json["history"] as? [[String: Any]] ?? []
        XCTAssertEqual(history.compactMap { $0["number"] as? Int }, [1, 2, 3, 4, 5, 6])
        let value1 = try await broker.post("/api/v1/deliveries/\(dead["id"] as! String)/redeliver", [:]).status
        XCTAssertEqual(value1, 202)
    }

    func testGoneDisablesTheSubscriptionAndOther4xxArePermanent() async throws {
        let org = try await broker.createOrg("CH d'Évreux", clearance: "AMBER")
        let gone = try await broker.subscribeWebhook(org: org, url: receiver.url("gone"))
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("forbidden"))
        receiver.plan("gone", [410])
        receiver.plan("forbidden", [403])
        let first = try await broker.publish(alertJSON())
        try await eventually {
            try await self.broker.deliveries(alert: first).allSatisfy { $0["state"] as? String == "dead" }
        }
        XCTAssertEqual(receiver.received("gone").count, 1)
        XCTAssertEqual(receiver.received("forbidden").count, 1, "a 403 is not retried")
        let subscription = try await broker.get("/api/v1/subscriptions/\(gone.id)").json
        XCTAssertEqual(subscription["active"] as? Bool, false)
        XCTAssertNotNil(subscription["disabledReason"])

        let second = try await broker.post("/api/v1/alerts", alertJSON(title: "Suivante"))
        XCTAssertEqual(second.json["deliveriesQueued"] as? Int, 1, "the disabled subscription gets nothing more")
    }

    /// One receiver that takes its time must not keep the others out of the ledger: whoever answered is counted as
    /// told within a moment, not when the slowest attempt ends.
    func testASlowReceiverDoesNotHoldBackTheLedgerOfTheOthers() async throws {
        let org = try await broker.createOrg("GHT du Havre", clearance: "AMBER")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("slow"))
        for n in 0..<24 { _ = try await broker.subscribeWebhook(org: org, url: receiver.url("fast\(n)")) }
        // Within the test brokers' 5 s timeout, so that the slow one is delivered in the end.
        receiver.setDelay(.milliseconds(4_500), for: "slow")
        let id = try await broker.publish(alertJSON())
        let published = Date()
        try await eventually(timeout: 4, "the receivers that answered are in the ledger while the slow one is in flight") {
            try await self.broker.deliveries(alert: id).filter { $0["state"] as? String == "delivered" }.count == 24
        }
        XCTAssertLessThan(Date().timeIntervalSince(published), 3.5, "recorded before the slow receiver answered")
        XCTAssertEqual(receiver.received("slow").count, 1)
        try await eventually(timeout: 20) {
            try await self.broker.deliveries(alert: id).allSatisfy { $0["state"] as? String == "delivered" }
        }
    }

    func testLoopbackTargetsAreRefusedUnlessAllowListed() async throws {
        let guarded = try await BrokerProcess.start(environment: ["TOCSIN_WEBHOOKS_ALLOWED_NETWORKS": ""])
        defer { guarded.stop() }
        let org = try await guarded.createOrg("CHU", clearance: "AMBER")
        for target in [receiver.url("x"), "http://localhost:9/x", "http://169.254.169.254/latest", "http://[::1]/x", "file:///etc/passwd"] {
            let answer = try await guarded.post("/api/v1/subscriptions", ["orgId": org, "channel": "webhook", "target": target])
            XCTAssertEqual(answer.status, 422, target)
            XCTAssertEqual(answer.json["type"] as? String, "urn:tocsin:problem:target-refused", target)
        }
    }
}
