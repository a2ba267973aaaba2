import Foundation
import XCTest

/// A receiver down for the equivalent of an hour gets everything once it is back, in publication order, each
/// delivery once. The standard three-day retry schedule runs scaled down (`delivery.retryTimeScale`), so an hour
/// lasts 3.6 seconds here.
final class OutageTests: XCTestCase {
    static let scale = 0.001
    static let hour: TimeInterval = 3_600 * scale
    static let environment = [
        "TOCSIN_DELIVERY_RETRY_SCHEDULE": "10s,1m,5m,30m,2h,5h,10h,14h,20h,20h",
        "TOCSIN_DELIVERY_RETRY_TIME_SCALE": "\(scale)",
        "TOCSIN_DELIVERY_RETRY_JITTER": "0.2",
    ]

    func testAWebhookReceiverDownForAnHourGetsEverythingInOrderOnce() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let broker = try await BrokerProcess.start(environment: Self.environment)
        defer { broker.stop() }
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("rouen"))

        let recovery = Date() + Self.hour
        receiver.down(until: recovery)
        var published: [String] = []
        for n in 0..<6 {
            published.append(try await broker.publish(alertJSON(title: "Alerte \(n)", tlp: "GREEN")))
            try await Task.sleep(for: .milliseconds(Int(Self.hour * 1000 / 8)))
        }
        // Two more while the receiver is back but the first ones still wait for their retry.
        try await Task.sleep(until: .now + .milliseconds(Int(max(recovery.timeIntervalSinceNow, 0) * 1000) + 100))
        for n in 6..<8 { published.append(try await broker.publish(alertJSON(title: "Alerte \(n)", tlp: "GREEN"))) }

        try await eventually(timeout: 60, broker.log) { receiver.received("rouen").filter { $0.status == 204 }.count >= published.count }
        try await Task.sleep(for: .milliseconds(500))
        let accepted = receiver.received("rouen").filter { $0.status == 204 }
        XCTAssertGreaterThan(receiver.received("rouen").filter { $0.status == 503 }.count, 0, "the outage was felt")
        XCTAssertEqual(accepted.compactMap { ($0.json["data"] as? [String: Any])?["id"] as? String }, published,
                       "every alert, in publication order")
        XCTAssertEqual(Set(accepted.map(\.id)).count, accepted.count, "each delivery once")
        let ledger = try await broker.get("/api/v1/deliveries?limit=100").items
        XCTAssertEqual(ledger.count, published.count)
        XCTAssertTrue(ledger.allSatisfy { $0["state"] as? String == "delivered" }, "\(ledger)")
    }

    func testAnSMTPServerAnswering421ForAnHourGetsEverythingInOrderOnce() async throws {
        // The outage starts with the broker's first connection, which follows the first publish: a slow start of the
        // broker on a busy machine cannot make the alerts arrive after it.
        let sink = try SMTPSink(arguments: ["--down-for", "\(Self.hour)", "--from-first-connection"])
        let broker = try await BrokerProcess.start(environment: Self.environment.merging([
            "TOCSIN_SMTP_URL": "smtp://127.0.0.1:\(sink.port)",
            "TOCSIN_SMTP_FROM": "alertes@cert-sante.test",
            "TOCSIN_SMTP_START_TLS": "off",
            "TOCSIN_TEMPLATES_DIR": EmailTests.templatesDirectory,
        ]) { $1 })
        defer { broker.stop() }
        let org = try await broker.createOrg("CHU de Caen", clearance: "AMBER")
        let subscription = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "rssi@chu-caen.test"])
        XCTAssertEqual(subscription.status, 201, subscription.text)
        var titles: [String] = []
        let start = Date()
        for n in 0..<4 {
            let title = "Alerte courriel \(n)"
            titles.append(title)
            _ = try await broker.publish(alertJSON(title: title, tlp: "GREEN"))
            try await Task.sleep(for: .milliseconds(Int(Self.hour * 1000 / 6)))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), Self.hour, "published while the server was down")
        try await eventually(timeout: 60, broker.log) { try sink.messages().count >= titles.count }
        try await Task.sleep(for: .milliseconds(500))
        let subjects = try sink.messages().compactMap { ($0["headers"] as? [String: String])?["Subject"] }
        XCTAssertEqual(subjects.count, titles.count, "each delivery once: \(subjects)")
        for (subject, title) in zip(subjects, titles) { XCTAssertTrue(subject.contains(title), "\(subject) is not \(title)") }
        XCTAssertGreaterThan(sink.refusedConnections(), 0, "the outage was felt")
        let ledger = try await broker.get("/api/v1/deliveries?limit=100").items
        XCTAssertTrue(ledger.allSatisfy { $0["state"] as? String == "delivered" }, "\(ledger)")
        let retried = try XCTUnwrap(ledger.first { ($0["attempts"] as? Int ?? 0) > 1 }, "the first delivery was retried")
        let history = try await broker.get("/api/v1/deliveries/\(retried["id"] as? String ?? "")")
        XCTAssertTrue(history.text.contains("421"), "the server's answer is kept in the ledger: \(history.text.prefix(600))")
    }

    /// Revisions queued while a receiver is down: what a newer revision supersedes is not sent, and the receiver
    /// never sees an older revision after a newer one; a cancellation is never overtaken.
    func testRevisionsWaitingBehindAnOutageAreSupersededAndNeverOvertaken() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let broker = try await BrokerProcess.start(environment: Self.environment)
        defer { broker.stop() }
        let org = try await broker.createOrg("CH d'Elbeuf", clearance: "AMBER")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("elbeuf"))
        receiver.down(until: Date() + Self.hour)
        let id = try await broker.publish(alertJSON(title: "Révision 1", tlp: "GREEN"))
        try await Task.sleep(for: .milliseconds(300))
        let value1 = try await broker.post("/api/v1/alerts/\(id)/revisions", alertJSON(title: "Révision 2", tlp: "GREEN")).status
        XCTAssertEqual(value1, 201)
        let value2 = try await broker.post("/api/v1/alerts/\(id)/revisions", alertJSON(title: "Révision 3", tlp: "GREEN")).status
        XCTAssertEqual(value2, 201)
        let value3 = try await broker.request("POST", "/api/v1/alerts/\(id)/cancel", token: broker.adminToken, json: ["reason": "fin"]).status
        XCTAssertEqual(value3, 200)

        try await eventually(timeout: 60, broker.log) {
            receiver.received("elbeuf").contains { $0.status == 204 && $0.json["type"] as? String == "alert.cancelled" }
        }
        try await Task.sleep(for: .milliseconds(500))
        let revisions = receiver.received("elbeuf").filter { $0.status == 204 }.compactMap { ($0.json["data"] as? [String: Any])?["revision"] as? Int }
        XCTAssertEqual(revisions, revisions.sorted(), "never an older revision after a newer one")
        XCTAssertEqual(revisions.last, 4, "the cancellation comes last")
        XCTAssertFalse(revisions.contains(2) && revisions.contains(3), "revisions 2 and 3 waited behind the outage and were superseded")
        let ledger = try await broker.deliveries(alert: id)
        let superseded = ledger.filter { $0["state"] as? String == "superseded" }
        XCTAssertFalse(superseded.isEmpty, "\(ledger)")
        XCTAssertTrue(superseded.allSatisfy { ($0["lastError"] as? String)?.hasPrefix("superseded by revision") == true }, "\(superseded)")
    }
}
