import Foundation
import XCTest

/// kill -9 in the middle of a fan-out: after a restart every delivery completes, and the only duplicates a
/// receiver sees carry a webhook-id it has already seen.
final class CrashRecoveryTests: XCTestCase {
    func testKillDuringFanOutThenRestartDeliversEverythingOnce() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        receiver.setDelay(.milliseconds(30))
        let broker = try await BrokerProcess.start(environment: [
            "TOCSIN_DELIVERY_CONCURRENCY": "4",
            "TOCSIN_DELIVERY_LEASE": "2s",
            "TOCSIN_WEBHOOKS_TIMEOUT": "1s",
        ])
        let subscribers = 120
        var secrets: [String: String] = [:]
        for n in 0..<subscribers {
            let org = try await broker.createOrg("Établissement \(n)", clearance: "AMBER")
            let sub = try await broker.subscribeWebhook(org: org, url: receiver.url("s\(n)"))
            secrets["s\(n)"] = sub.secret
        }
        let alertId = try await broker.publish(alertJSON(tlp: "AMBER"))
        try await eventually { receiver.received().count >= 20 }
        broker.kill9()
        let beforeRestart = Set(receiver.received().map(\.id))
        XCTAssertLessThan(beforeRestart.count, subscribers, "the crash must come mid fan-out")

        try await broker.launch()
        try await eventually(timeout: 60, broker.log) {
            let ledger = try await broker.deliveries(alert: alertId)
            return ledger.count == subscribers && ledger.allSatisfy { $0["state"] as? String == "delivered" }
        }
        broker.stop()

        let ledgerIds = Set(try await broker.deliveriesAfterStop(alert: alertId))
        let received = receiver.received()
        XCTAssertEqual(Set(received.map(\.id)), ledgerIds, "every delivery arrived, and nothing else")
        XCTAssertEqual(Set(received.map(\.path)).count, subscribers)
        for request in received {
            XCTAssertTrue(request.isSigned(with: secrets[request.path]!), "bad signature for \(request.path)")
        }
        // A duplicate is the same delivery again: same path, same webhook-id.
        let byId = Dictionary(grouping: received, by: \.id)
        for (_, copies) in byId { XCTAssertEqual(Set(copies.map(\.path)).count, 1) }
    }
}

extension CrashRecoveryTests {
    func testAGracefulStopHandsBackWhatItClaimedSoARestartSendsItAtOnce() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        receiver.setDelay(.milliseconds(40))
        // The default one-minute lease: without the hand-back, a restart would wait for it to run out.
        let broker = try await BrokerProcess.start(environment: ["TOCSIN_DELIVERY_CONCURRENCY": "2", "TOCSIN_WEBHOOKS_TIMEOUT": "2s"])
        let subscribers = 60
        for n in 0..<subscribers {
            let org = try await broker.createOrg("Établissement \(n)", clearance: "AMBER")
            _ = try await broker.subscribeWebhook(org: org, url: receiver.url("s\(n)"))
        }
        let alertId = try await broker.publish(alertJSON())
        try await eventually { receiver.received().count >= 6 }
        broker.stop()
        XCTAssertLessThan(Set(receiver.received().map(\.id)).count, subscribers, "the stop must come mid fan-out")
        XCTAssertTrue(broker.log.contains("claimed deliveries handed back"), broker.log)
        try await broker.launch()
        try await eventually(timeout: 20, broker.log) {
            try await broker.deliveries(alert: alertId).allSatisfy { $0["state"] as? String == "delivered" }
        }
        XCTAssertEqual(Set(receiver.received().map(\.id)).count, subscribers)
        broker.stop()
    }
}

extension BrokerProcess {
    /// Delivery ids of an alert read with the CLI, which works on the database while no server runs.
    func deliveriesAfterStop(alert: String) async throws -> [String] {
        let result = try cli(["deliveries", "--alert", alert, "--json", "--limit", "500"])
        guard result.status == 0, let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else {
            throw TestFailure("tocsin deliveries failed: \(result.stderr)")
        }
        XCTAssertTrue(list.allSatisfy { $0["state"] as? String == "delivered" })
        return list.compactMap { $0["id"] as? String }
    }
}

extension CrashRecoveryTests {
    /// kill -9 during a 10,000-delivery fan-out at full speed, with a ten-minute lease: the restarted broker holds the
    /// data directory alone, so it takes back what the dead one had claimed at once instead of waiting out the lease.
    /// Nothing is lost, and every duplicate carries a webhook-id the receiver has already seen for the same subscription.
    func testKillDuringATenThousandDeliveryFanOutResumesAtOnceWithoutWaitingForTheLease() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let broker = try await BrokerProcess.start(environment: ["TOCSIN_DELIVERY_LEASE": "10m"])
        let subscribers = 200, alerts = 50
        var secrets: [String: String] = [:]
        for n in 0..<subscribers {
            let org = try await broker.createOrg("Établissement \(n)", clearance: "AMBER")
            secrets["s\(n)"] = try await broker.subscribeWebhook(org: org, url: receiver.url("s\(n)")).secret
        }
        var alertIds: [String] = []
        for n in 0..<alerts { alertIds.append(try await broker.publish(alertJSON(title: "Campagne \(n)", tlp: "AMBER"))) }
        try await eventually(timeout: 60) { receiver.received().count >= 1_500 }
        broker.kill9()
        let beforeRestart = Set(receiver.received().map(\.id))
        XCTAssertLessThan(beforeRestart.count, subscribers * alerts, "the crash must come mid fan-out")

        try await broker.launch()
        let restarted = Date()
        do {
            try await eventually(timeout: 45, "\(Set(receiver.received().map(\.id)).count) of \(subscribers * alerts) received") {
                Set(receiver.received().map(\.id)).count == subscribers * alerts
            }
        } catch {
            XCTFail("\(error); outbox: \(try await broker.get("/readyz").text)")
            throw error
        }
        let after = receiver.received().filter { $0.at > restarted }.map(\.at)
        if let first = after.min(), let last = after.max() {
            print(String(format: "restart: first delivery %.3f s after the broker listened, all %d delivered after %.3f s",
                         first.timeIntervalSince(restarted), subscribers * alerts, last.timeIntervalSince(restarted)))
        }
        XCTAssertTrue(broker.log.contains("took back what a stopped broker had claimed"), broker.log)
        broker.stop()

        var ledger = Set<String>()
        for id in alertIds { ledger.formUnion(try await broker.deliveriesAfterStop(alert: id)) }
        let received = receiver.received()
        XCTAssertEqual(ledger.count, subscribers * alerts)
        XCTAssertEqual(Set(received.map(\.id)), ledger, "every delivery arrived, and nothing else")
        for (_, copies) in Dictionary(grouping: received, by: \.id) {
            XCTAssertEqual(Set(copies.map(\.path)).count, 1, "a duplicate is the same delivery to the same subscription")
            XCTAssertTrue(copies[0].isSigned(with: secrets[copies[0].path]!))
        }
    }
}
