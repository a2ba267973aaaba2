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
