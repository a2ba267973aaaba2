import Foundation
import TocsinCore
import TocsinStore
import XCTest

final class SQLiteStoreTests: XCTestCase {
    var directory: String!
    var store: SQLiteStore!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "tocsin-store-\(UUID().uuidString)"
        store = try SQLiteStore(path: directory + "/tocsin.sqlite")
    }

    override func tearDownWithError() throws {
        store = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    func org(_ clearance: TLP, region: String = "28") async throws -> Organisation {
        let org = Organisation(name: "Org \(clearance.rawValue)", kind: .ch, region: region, tlpClearance: clearance)
        try await store.createOrganisation(org)
        return org
    }

    @discardableResult
    func webhook(_ org: Organisation, filter: SubscriptionFilter = SubscriptionFilter()) async throws -> Subscription {
        let sub = Subscription(orgId: org.id, channel: .webhook, target: "https://receiver.test/hook", filter: filter)
        try await store.createSubscription(sub, secret: StandardWebhooks.makeSecret(), feedToken: nil)
        return sub
    }

    func draft(_ tlp: TLP = .green, severity: Severity = .high) -> AlertDraft {
        AlertDraft(title: "Alerte", summary: "Résumé", severity: severity, tlp: tlp)
    }

    /// A channel written by another version (or by hand) that this one does not know is an error, never a webhook.
    func testAStoredChannelThisVersionDoesNotKnowIsALoudError() async throws {
        let sub = try await webhook(try await org(.green))
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE subscriptions SET channel='pager'\"); c.commit()",
                            directory + "/tocsin.sqlite"]
        try python.run()
        python.waitUntilExit()
        XCTAssertEqual(python.terminationStatus, 0)
        do {
            _ = try await store.subscription(id: sub.id)
            XCTFail("a subscription with an unknown channel was read")
        } catch {
            XCTAssertTrue("\(error)".contains("'pager' is not one this version"), "\(error)")
        }
    }

    func testMigrationsAreNamedAndRunOnceAtOpen() throws {
        let expected = ["2026-11-23-spine", "2026-11-23-alert-events", "2026-11-23-email-unsubscribe", "2026-11-23-digests", "2026-11-23-ingest", "2026-11-23-sources", "2026-11-23-inventory",
                        "2026-12-02-alert-publishers", "2026-12-02-token-expiry", "2026-12-02-audit-log",
                        "2026-12-02-delivery-order", "2026-12-03-inventory-parts"]
        XCTAssertEqual(try store.appliedMigrations(), expected)
        let again = try SQLiteStore(path: directory + "/tocsin.sqlite")
        XCTAssertEqual(try again.appliedMigrations(), expected)
    }

    func testPublishingWritesTheAlertAndItsOutboxTogether() async throws {
        let green = try await org(.green), amber = try await org(.amber)
        try await webhook(green)
        try await webhook(amber)
        let result = try await store.publish(Alert.first(from: draft(.amber)))
        XCTAssertEqual(result.deliveriesQueued, 1)
        let deliveries = try await store.deliveries(DeliveryQuery(alertId: result.alert.id)).items
        XCTAssertEqual(deliveries.map(\.orgId), [amber.id])
        XCTAssertEqual(deliveries.first?.state, .pending)
        let stored = try await store.alert(id: result.alert.id)
        XCTAssertEqual(stored, result.alert)
    }

    func testAFailedPublishStoresNothing() async throws {
        let amber = try await org(.amber)
        try await webhook(amber)
        let alert = Alert.first(from: draft(.green))
        _ = try await store.publish(alert)
        // The same id again violates the primary key: the whole transaction, outbox included, rolls back.
        var duplicate = Alert.first(from: draft(.green))
        duplicate.id = alert.id
        do {
            _ = try await store.publish(duplicate)
            XCTFail("a duplicate id must fail")
        } catch {}
        let page = try await store.alerts(AlertQuery())
        XCTAssertEqual(page.items.count, 1)
        let value1 = try await store.deliveries(DeliveryQuery()).items.count
        XCTAssertEqual(value1, 1)
    }

    func testClaimsHoldALeaseAndExpiredLeasesAreClaimedAgain() async throws {
        let amber = try await org(.amber)
        for _ in 0..<3 { try await webhook(amber) }
        _ = try await store.publish(Alert.first(from: draft()))
        let now = Date()
        let first = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 30, limit: 10)
        XCTAssertEqual(first.count, 3)
        XCTAssertTrue(first.allSatisfy { $0.delivery.state == .inFlight && $0.delivery.attempts == 1 && $0.secret != nil })
        let alert = try TocsinJSON.decoder().decode(Alert.self, from: Data(first[0].alertJSON))
        XCTAssertEqual(alert.title, "Alerte")
        let value2 = try await store.claimDueDeliveries(channels: [.webhook], now: now + 10, leaseUntil: now + 40, limit: 10).count
        XCTAssertEqual(value2, 0)
        let value3 = try await store.claimDueDeliveries(channels: [.email], now: now + 60, leaseUntil: now + 90, limit: 10).count
        XCTAssertEqual(value3, 0)
        let again = try await store.claimDueDeliveries(channels: [.webhook], now: now + 31, leaseUntil: now + 61, limit: 10)
        XCTAssertEqual(Set(again.map(\.delivery.id)), Set(first.map(\.delivery.id)))
        XCTAssertTrue(again.allSatisfy { $0.delivery.attempts == 2 })
    }

    func testResultsMoveDeliveriesOnAndAStaleClaimCannotOverwriteANewerOne() async throws {
        let amber = try await org(.amber)
        let sub = try await webhook(amber)
        _ = try await store.publish(Alert.first(from: draft()))
        let now = Date()
        let stale = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 1, limit: 1)[0]
        let fresh = try await store.claimDueDeliveries(channels: [.webhook], now: now + 2, leaseUntil: now + 60, limit: 1)[0]
        func result(_ claimed: ClaimedDelivery, _ outcome: AttemptOutcome) throws -> DeliveryResult {
            var machine = DeliveryMachine(claimed.delivery)
            let action = try machine.finish(outcome, now: now + 3, policy: RetryPolicy(), random: 0.5)
            return DeliveryResult(deliveryId: claimed.delivery.id, subscriptionId: sub.id,
                                  attempt: DeliveryAttempt(deliveryId: claimed.delivery.id, number: machine.attempts, startedAt: now,
                                                           durationMs: 1, outcome: outcome.name, status: outcome.status, error: outcome.error),
                                  machine: machine, action: action, finishedAt: now + 3)
        }
        try await store.recordResults([try result(stale, .retryable(status: 503, error: "503"))])
        let value4 = try await store.delivery(id: stale.delivery.id)?.state
        XCTAssertEqual(value4, .inFlight)
        try await store.recordResults([try result(fresh, .success(status: 200))])
        let delivered = try await store.delivery(id: fresh.delivery.id)
        XCTAssertEqual(delivered?.state, .delivered)
        XCTAssertNotNil(delivered?.deliveredAt)
        let value5 = try await store.attempts(deliveryId: fresh.delivery.id).count
        XCTAssertEqual(value5, 2)
        let value6 = try await store.redeliver(id: fresh.delivery.id, now: now + 4).state
        XCTAssertEqual(value6, .pending)
    }

    func testGoneDisablesTheSubscriptionAndItsWaitingDeliveries() async throws {
        let amber = try await org(.amber)
        let sub = try await webhook(amber)
        _ = try await store.publish(Alert.first(from: draft()))
        _ = try await store.publish(Alert.first(from: draft()))
        let now = Date()
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 1)[0]
        var machine = DeliveryMachine(claimed.delivery)
        let action = try machine.finish(.http(status: 410), now: now, policy: RetryPolicy(), random: 0.5)
        try await store.recordResults([DeliveryResult(
            deliveryId: claimed.delivery.id, subscriptionId: sub.id,
            attempt: DeliveryAttempt(deliveryId: claimed.delivery.id, number: 1, startedAt: now, durationMs: 1, outcome: "gone", status: 410, error: "gone"),
            machine: machine, action: action, finishedAt: now)])
        let stored = try await store.subscription(id: sub.id)
        XCTAssertEqual(stored?.active, false)
        XCTAssertNotNil(stored?.disabledReason)
        let value7 = try await store.deliveries(DeliveryQuery(state: .dead)).items.count
        XCTAssertEqual(value7, 2)
        let value8 = try await store.publish(Alert.first(from: draft())).deliveriesQueued
        XCTAssertEqual(value8, 0)
    }

    func testRoutingIndexFollowsSubscriptionAndOrganisationChanges() async throws {
        var green = try await org(.green)
        try await webhook(green)
        let value9 = try await store.publish(Alert.first(from: draft(.amber))).deliveriesQueued
        XCTAssertEqual(value9, 0)
        green.tlpClearance = .amber
        try await store.updateOrganisation(green)
        let value10 = try await store.publish(Alert.first(from: draft(.amber))).deliveriesQueued
        XCTAssertEqual(value10, 1)
        try await webhook(green, filter: SubscriptionFilter(minSeverity: .critical))
        let value11 = try await store.publish(Alert.first(from: draft(.amber, severity: .critical))).deliveriesQueued
        XCTAssertEqual(value11, 2)
    }

    func testRevisionsReachEarlierRecipientsAndListsFilterByClearance() async throws {
        let amber = try await org(.amber)
        try await webhook(amber, filter: SubscriptionFilter(minSeverity: .high))
        let first = try await store.publish(Alert.first(from: draft(.green, severity: .high)))
        var change = draft(.green, severity: .low)
        change.title = "Alerte révisée"
        let lowered = change
        let second = try await store.revise(alertId: first.alert.id) { try AlertLifecycle.revise($0, with: lowered, by: nil) }
        XCTAssertEqual(second.alert.revision, 2)
        XCTAssertEqual(second.deliveriesQueued, 1)
        let value12 = try await store.alert(id: first.alert.id, revision: 1)?.title
        XCTAssertEqual(value12, "Alerte")
        let value13 = try await store.alert(id: first.alert.id)?.title
        XCTAssertEqual(value13, "Alerte révisée")
        _ = try await store.publish(Alert.first(from: draft(.red)))
        let value14 = try await store.alerts(AlertQuery(clearance: .amber)).items.count
        XCTAssertEqual(value14, 1)
        let value15 = try await store.alerts(AlertQuery()).items.count
        XCTAssertEqual(value15, 2)
        do {
            _ = try await store.revise(alertId: "missing") { $0 }
            XCTFail("unknown alert")
        } catch let error as StoreError {
            XCTAssertEqual(error, .notFound("alert missing"))
        }
    }

    func testTokensAreFoundByValueAndStoredHashed() async throws {
        let amber = try await org(.amber)
        let token = APIToken(role: .subscriber, orgId: amber.id)
        let secret = APIToken.makeSecret()
        try await store.createToken(token, secret: secret)
        let principal = try await store.principal(forToken: secret)
        XCTAssertEqual(principal?.role, .subscriber)
        XCTAssertEqual(principal?.clearance, .amber)
        let value16 = try await store.principal(forToken: secret + "x")
        XCTAssertNil(value16)
        let raw = try String(contentsOfFile: directory + "/tocsin.sqlite", encoding: .isoLatin1)
            + ((try? String(contentsOfFile: directory + "/tocsin.sqlite-wal", encoding: .isoLatin1)) ?? "")
        XCTAssertFalse(raw.contains(secret))
        XCTAssertTrue(raw.contains(TokenHash.hash(secret)))
    }

    func testTheExitRechecksClearanceSoALoweredOrganisationGetsNothingMore() async throws {
        var org = try await org(.amber)
        try await webhook(org)
        let published = try await store.publish(Alert.first(from: draft(.amber)))
        XCTAssertEqual(published.deliveriesQueued, 1)
        org.tlpClearance = .green
        try await store.updateOrganisation(org)
        let now = Date()
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 10)
        XCTAssertEqual(claimed.count, 0)
        let dead = try await store.deliveries(DeliveryQuery(alertId: published.alert.id)).items
        XCTAssertEqual(dead.first?.state, .dead)
        XCTAssertTrue(dead.first?.lastError?.contains("TLP:AMBER") == true, dead.first?.lastError ?? "")
        do {
            _ = try await store.redeliver(id: dead[0].id, now: now)
            XCTFail("redelivering above the clearance must be refused")
        } catch let error as StoreError {
            guard case .conflict = error else { return XCTFail("\(error)") }
        }
    }

    func testReleasedClaimsAreDueAgainAsIfNeverTaken() async throws {
        let org = try await org(.amber)
        try await webhook(org)
        _ = try await store.publish(Alert.first(from: draft()))
        let now = Date()
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 10)
        try await store.release(claimed.map(\.delivery), now: now)
        let again = try await store.claimDueDeliveries(channels: [.webhook], now: now + 0.01, leaseUntil: now + 60, limit: 10)
        XCTAssertEqual(again.map(\.delivery.id), claimed.map(\.delivery.id))
        XCTAssertEqual(again.first?.delivery.attempts, 1)
    }
}
