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
        /// How long each delivery takes (none by default).
        let delay: Duration
        init(delay: Duration = .zero) { self.delay = delay }
        func send(_ claimed: ClaimedDelivery) async -> AttemptOutcome {
            if delay > .zero { try? await Task.sleep(for: delay) }
            received.withLock { $0[claimed.delivery.id, default: 0] += 1 }
            return .success(status: 204)
        }
    }

    /// A store with `count` webhook subscriptions over 30 organisations.
    func store(subscriptions count: Int) async throws -> (SQLiteStore, String) {
        let directory = NSTemporaryDirectory() + "tocsin-backpressure-\(UUID().uuidString)"
        let store = try SQLiteStore(path: directory + "/tocsin.sqlite", channels: ChannelRegistry.catalog)
        for _ in 0..<30 {
            let org = try await store.makeOrganisation(.green)
            for _ in 0..<(count / 30) { try await store.makeWebhook(org) }
        }
        return (store, directory)
    }

    func publish(_ store: SQLiteStore) async throws -> PublishResult {
        try await store.publish(Alert.first(from: AlertDraft(title: "Alerte", summary: "Résumé", severity: .high, tlp: .green)),
                                route: { alert, reads in
            let subscriptions = try reads.routableSubscriptions(unlessVersion: nil).subscriptions ?? []
            return RoutingPlan(deliveries: subscriptions.map {
                PlannedDelivery(subscriptionId: $0.subscriptionId, orgId: $0.orgId, channel: $0.channel, dueAt: alert.updatedAt)
            }, supersedesWaiting: false)
        })
    }

    /// Waits (two minutes at most) until the receiver has `fanOut` deliveries and `done`, stops the worker, and
    /// checks that every delivery was received once.
    func stop(_ running: Task<Void, Never>, receiver: InstantReceiver, fanOut: Int, done: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if receiver.received.withLock({ $0.count }) == fanOut, try await done() { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        running.cancel()
        await running.value
        let received = receiver.received.withLock { $0 }
        XCTAssertEqual(received.count, fanOut, "every delivery sent")
        XCTAssertEqual(received.values.max(), 1, "none sent twice")
    }

    /// Published while the worker runs, a fan-out is written already claimed for it (`adoptNewDeliveries`): it is
    /// sent once, recorded whole, and what waits for the ledger stays bounded as with claims.
    func testAFanOutPublishedWhileTheWorkerRunsIsTakenWithoutClaimsAndRecordedWhole() async throws {
        let fanOut = 3_000
        let (store, directory) = try await store(subscriptions: fanOut)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let receiver = InstantReceiver()
        let configuration = OutboxConfiguration(concurrency: 64, lease: 60, pollInterval: 0.05, attemptTimeout: 15)
        let worker = OutboxWorker(store: store, channels: [receiver], configuration: configuration)
        let running = Task { await worker.run() }
        // The worker makes its offer as it starts.
        try await Task.sleep(for: .milliseconds(200))
        let published = try await publish(store)
        let taken = try await store.deliveries(DeliveryQuery(alertId: published.alert.id, state: .inFlight)).items.count
        XCTAssertGreaterThan(taken, 0, "written already claimed for the running worker")
        try await stop(running, receiver: receiver, fanOut: fanOut) { try await store.deliveryCounts()[.delivered] == fanOut }
        let counts = try await store.deliveryCounts()
        XCTAssertEqual(counts[.delivered], fanOut, "every result recorded in the ledger: \(counts)")
        let attempts = try await store.deliveries(DeliveryQuery(page: PageRequest(limit: 500), alertId: published.alert.id)).items.map(\.attempts)
        XCTAssertEqual(Set(attempts), [1])
        XCTAssertLessThanOrEqual(worker.resultBacklogPeak, OutboxWorker.resultBacklog + configuration.claimBatch + configuration.concurrency)
    }

    /// A worker that stops hands back what the publish wrote claimed for it and it did not send, as it does with what
    /// it claimed: waiting again at once, as if never taken, for the next worker.
    func testAStoppingWorkerHandsBackWhatWasWrittenClaimedForItAndNotSent() async throws {
        let fanOut = 60
        let (store, directory) = try await store(subscriptions: fanOut)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let receiver = InstantReceiver(delay: .milliseconds(100))
        let worker = OutboxWorker(store: store, channels: [receiver],
                                  configuration: OutboxConfiguration(concurrency: 2, lease: 600, pollInterval: 0.05, attemptTimeout: 15))
        let running = Task { await worker.run() }
        try await Task.sleep(for: .milliseconds(200))
        let published = try await publish(store)
        let deadline = Date().addingTimeInterval(30)
        while receiver.received.withLock({ $0.count }) < 4, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        running.cancel()
        await running.value
        let sent = receiver.received.withLock { $0 }
        XCTAssertLessThan(sent.count, fanOut / 2, "the stop must come early in the fan-out")
        let rows = try await store.deliveries(DeliveryQuery(page: PageRequest(limit: 500), alertId: published.alert.id)).items
        XCTAssertEqual(rows.filter { $0.state == .inFlight }.count, 0, "nothing left held by the stopped worker's ten-minute lease")
        XCTAssertEqual(Set(rows.filter { $0.state == .delivered }.map(\.id)), Set(sent.keys))
        let waiting = rows.filter { $0.state == .pending }
        XCTAssertEqual(waiting.count, fanOut - sent.count)
        XCTAssertTrue(waiting.allSatisfy { $0.attempts == 0 }, "handed back as if never taken")
        let now = Date()
        let claimable = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 500)
        XCTAssertEqual(claimable.count, waiting.count)
    }

    func testAFanOutFasterThanTheLedgerHoldsABoundedNumberOfResultsAndRecordsEveryOne() async throws {
        let fanOut = 6_000
        let (store, directory) = try await store(subscriptions: fanOut)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Published before the worker starts: every delivery goes through the claims.
        let published = try await publish(store)

        let receiver = InstantReceiver()
        let configuration = OutboxConfiguration(concurrency: 64, lease: 60, pollInterval: 0.05, attemptTimeout: 15)
        let worker = OutboxWorker(store: store, channels: [receiver], configuration: configuration)
        let running = Task { await worker.run() }
        func left(_ state: DeliveryState) async throws -> Int {
            try await store.deliveries(DeliveryQuery(page: PageRequest(limit: 500), alertId: published.alert.id, state: state)).items.count
        }
        try await stop(running, receiver: receiver, fanOut: fanOut) {
            let pending = try await left(.pending), inFlight = try await left(.inFlight)
            return pending == 0 && inFlight == 0
        }
        let pending = try await left(.pending), inFlight = try await left(.inFlight)
        XCTAssertEqual(pending + inFlight, 0, "every result recorded in the ledger")
        // Sending is bounded by the ledger: what waits for it is at most the backlog limit, one claim and what is in flight.
        XCTAssertGreaterThan(worker.resultBacklogPeak, 0)
        XCTAssertLessThanOrEqual(worker.resultBacklogPeak, OutboxWorker.resultBacklog + configuration.claimBatch + configuration.concurrency,
                                 "results piled up ahead of the ledger")
    }
}
