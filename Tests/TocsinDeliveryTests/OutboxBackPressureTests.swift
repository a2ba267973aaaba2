import Foundation
import Synchronization
import TocsinCore
import TocsinDelivery
import TocsinStore
import TocsinTestSupport
import XCTest

/// The worker against a real embedded store, with a receiver that answers at once: sending runs far ahead of what
/// the ledger can commit, and the worker must not claim beyond what it can record.
final class OutboxBackPressureTests: XCTestCase {
    /// A receiver that takes every delivery at once and counts what it got.
    final class InstantReceiver: DeliveryChannel {
        let channel = Channel.webhook
        let received = Mutex<[String: Int]>([:])
        func send(_ claimed: ClaimedDelivery) async -> AttemptOutcome {
            received.withLock { $0[claimed.delivery.id, default: 0] += 1 }
            return .success(status: 204)
        }
    }

    func testAFanOutFasterThanTheLedgerHoldsABoundedNumberOfResultsAndRecordsEveryOne() async throws {
        let directory = NSTemporaryDirectory() + "tocsin-backpressure-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/tocsin.sqlite", channels: ChannelRegistry.catalog)
        let fanOut = 6_000
        for _ in 0..<30 {
            let org = try await store.makeOrganisation(.green)
            for _ in 0..<(fanOut / 30) { try await store.makeWebhook(org) }
        }
        let published = try await store.publish(Alert.first(from: AlertDraft(title: "Alerte", summary: "Résumé", severity: .high, tlp: .green)),
                                                route: { alert, reads in
            let subscriptions = try reads.routableSubscriptions(unlessVersion: nil).subscriptions ?? []
            return RoutingPlan(deliveries: subscriptions.map {
                PlannedDelivery(subscriptionId: $0.subscriptionId, orgId: $0.orgId, channel: $0.channel, dueAt: alert.updatedAt)
            }, supersedesWaiting: false)
        })

        let receiver = InstantReceiver()
        let configuration = OutboxConfiguration(concurrency: 64, lease: 60, pollInterval: 0.05, attemptTimeout: 15)
        let worker = OutboxWorker(store: store, channels: [receiver], configuration: configuration)
        let running = Task { await worker.run() }
        let deadline = Date().addingTimeInterval(120)
        func left(_ state: DeliveryState) async throws -> Int {
            try await store.deliveries(DeliveryQuery(page: PageRequest(limit: 500), alertId: published.alert.id, state: state)).items.count
        }
        while Date() < deadline {
            if receiver.received.withLock({ $0.count }) == fanOut, try await left(.pending) == 0, try await left(.inFlight) == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        running.cancel()
        await running.value

        let received = receiver.received.withLock { $0 }
        XCTAssertEqual(received.count, fanOut, "every delivery sent")
        XCTAssertEqual(received.values.max(), 1, "none sent twice")
        let pending = try await left(.pending), inFlight = try await left(.inFlight)
        XCTAssertEqual(pending + inFlight, 0, "every result recorded in the ledger")
        // Sending is bounded by the ledger: what waits for it is at most the backlog limit, one claim and what is in flight.
        XCTAssertGreaterThan(worker.resultBacklogPeak, 0)
        XCTAssertLessThanOrEqual(worker.resultBacklogPeak, OutboxWorker.resultBacklog + configuration.claimBatch + configuration.concurrency,
                                 "results piled up ahead of the ledger")
    }
}
