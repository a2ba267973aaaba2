import Foundation
import Synchronization
import TocsinCore
import TocsinDelivery
import TocsinStore
import TocsinTestSupport
import XCTest

/// The embedded engine: the conformance suite every store passes, then what is particular to SQLite.
final class SQLiteStoreTests: XCTestCase {
    var directory: String!
    var store: SQLiteStore!
    var conformance: StoreConformance { StoreConformance(store: store) }

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "tocsin-store-\(UUID().uuidString)"
        store = try SQLiteStore(path: directory + "/tocsin.sqlite", channels: ChannelRegistry.catalog)
    }

    override func tearDownWithError() throws {
        store = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: The conformance suite (one test per check, so each runs on a fresh store and fails by name)

    func testConsoleSessionsLiveWhileTheirTokenDoesAndEndWhenRevoked() async throws { try await conformance.consoleSessionsLiveWhileTheirTokenDoesAndEndWhenRevoked() }
    func testLoginLinksWorkOnceAndExpire() async throws { try await conformance.loginLinksWorkOnceAndExpire() }
    func testPublishingWritesTheAlertAndWhatTheRoutingStepPlansTogether() async throws { try await conformance.publishingWritesTheAlertAndWhatTheRoutingStepPlansTogether() }
    func testAFailedPublishOrRoutingStepStoresNothing() async throws { try await conformance.aFailedPublishOrRoutingStepStoresNothing() }
    func testRevisionsKeepEveryVersionAndTellTheRoutingStepWhatCameBefore() async throws { try await conformance.revisionsKeepEveryVersionAndTellTheRoutingStepWhatCameBefore() }
    func testARevisionSupersedesWhatEarlierOnesStillHaveWaitingWhenThePlanSaysSo() async throws { try await conformance.aRevisionSupersedesWhatEarlierOnesStillHaveWaitingWhenThePlanSaysSo() }
    func testCountsByStateAgreeWithTheLedger() async throws { try await conformance.countsByStateAgreeWithTheLedger() }
    func testIngestFindsTheAlertByAnyOfItsKeys() async throws { try await conformance.ingestFindsTheAlertByAnyOfItsKeys() }
    func testTheRelayStoreKeepsIdentityUpstreamsCheckpointsAnnotationsAndReports() async throws { try await conformance.theRelayStoreKeepsIdentityUpstreamsCheckpointsAnnotationsAndReports() }
    func testListsFilterByClearanceRegionSeverityAndPage() async throws { try await conformance.listsFilterByClearanceRegionSeverityAndPage() }
    func testTheRoutableSubscriptionsFollowSubscriptionAndOrganisationChanges() async throws { try await conformance.theRoutableSubscriptionsFollowSubscriptionAndOrganisationChanges() }
    func testAChangedDigestModeMovesWhatWaitsToTheGivenDate() async throws { try await conformance.aChangedDigestModeMovesWhatWaitsToTheGivenDate() }
    func testSubscriptionsCarryTheirSecretsAndTokens() async throws { try await conformance.subscriptionsCarryTheirSecretsAndTokens() }
    func testTokensAreFoundByValueAndRevocable() async throws { try await conformance.tokensAreFoundByValueAndRevocable() }
    func testInventoryPartsMergeAndKeepTheirBounds() async throws { try await conformance.inventoryPartsMergeAndKeepTheirBounds() }
    func testDeletingAnOrganisationEndsWhatWaitsForIt() async throws { try await conformance.deletingAnOrganisationEndsWhatWaitsForIt() }
    func testAnImportIsStoredWholeOrNotAtAll() async throws { try await conformance.anImportIsStoredWholeOrNotAtAll() }
    func testClaimsHoldALeaseAndExpiredLeasesAreClaimedAgain() async throws { try await conformance.claimsHoldALeaseAndExpiredLeasesAreClaimedAgain() }
    func testResultsMoveDeliveriesOnAndAStaleClaimCannotOverwriteANewerOne() async throws { try await conformance.resultsMoveDeliveriesOnAndAStaleClaimCannotOverwriteANewerOne() }
    func testABatchOfResultsMovesEachDeliveryOnAsIfOneByOne() async throws { try await conformance.aBatchOfResultsMovesEachDeliveryOnAsIfOneByOne() }
    func testGoneDisablesTheSubscriptionAndItsWaitingDeliveries() async throws { try await conformance.goneDisablesTheSubscriptionAndItsWaitingDeliveries() }
    func testTheExitRechecksClearanceSoALoweredOrganisationGetsNothingMore() async throws { try await conformance.theExitRechecksClearanceSoALoweredOrganisationGetsNothingMore() }
    func testClaimsOfAStoppedBrokerAreTakenBackAtOnceWithTheirIds() async throws { try await conformance.claimsOfAStoppedBrokerAreTakenBackAtOnceWithTheirIds() }
    func testReleasedClaimsAreDueAgainAsIfNeverTaken() async throws { try await conformance.releasedClaimsAreDueAgainAsIfNeverTaken() }
    func testASubscriptionIsServedInPublicationOrder() async throws { try await conformance.aSubscriptionIsServedInPublicationOrder() }
    func testAFinishedDeliveryReleasesTheNextFewOfItsSubscriptionInOrder() async throws {
        try await conformance.aFinishedDeliveryReleasesTheNextFewOfItsSubscriptionInOrder()
    }
    func testADeadWorkersDeliveryIsNotOvertakenByWhatItsFinishedOneReleased() async throws { try await conformance.aDeadWorkersDeliveryIsNotOvertakenByWhatItsFinishedOneReleased() }
    func testReachFollowsEachConcernedOrganisationFromDeliveryToAcknowledgement() async throws { try await conformance.reachFollowsEachConcernedOrganisationFromDeliveryToAcknowledgement() }
    func testARevisionThatChangesWhatWasAcknowledgedAsksAgainAndATypoFixDoesNot() async throws { try await conformance.aRevisionThatChangesWhatWasAcknowledgedAsksAgainAndATypoFixDoesNot() }
    func testAnAcknowledgementQueuesSignedEventsForTheSubscriptionsThatAskedOnly() async throws { try await conformance.anAcknowledgementQueuesSignedEventsForTheSubscriptionsThatAskedOnly() }
    func testARoleAddressedEmailGoesToWhoeverHoldsTheRoleWhenItLeaves() async throws { try await conformance.aRoleAddressedEmailGoesToWhoeverHoldsTheRoleWhenItLeaves() }
    func testReachMetricsLeaveExercisesOutAndCountWhatWaitsForAnAcknowledgement() async throws { try await conformance.reachMetricsLeaveExercisesOutAndCountWhatWaitsForAnAcknowledgement() }
    func testOrganisationChannelsTellWhatLastHappenedOnEachSubscription() async throws { try await conformance.organisationChannelsTellWhatLastHappenedOnEachSubscription() }
    func testRegionalReadsAreTheNationalOnesNarrowedToTheRegion() async throws { try await conformance.regionalReadsAreTheNationalOnesNarrowedToTheRegion() }
    func testTheBrokerKeepsItsKeys() async throws { try await conformance.theBrokerKeepsItsKeys() }
    func testEscalationPoliciesAreKeptWithAVersionThatMovesOnEveryEdit() async throws { try await conformance.escalationPoliciesAreKeptWithAVersionThatMovesOnEveryEdit() }
    func testEscalationStepsAreScheduledOnceClaimedWhenDueAndStoppedByAnAcknowledgement() async throws { try await conformance.escalationStepsAreScheduledOnceClaimedWhenDueAndStoppedByAnAcknowledgement() }
    func testIncidentsKeepTheirThreadTheirFlashAlertAndTheSightings() async throws { try await conformance.incidentsKeepTheirThreadTheirFlashAlertAndTheSightings() }
    func testACancelledAlertEscalatesNoFurther() async throws { try await conformance.aCancelledAlertEscalatesNoFurther() }
    func testSourceStatesRoundTrip() async throws { try await conformance.sourceStatesRoundTrip() }
    func testTheAuditLogAppendsAndFilters() async throws { try await conformance.theAuditLogAppendsAndFilters() }
    func testTAXIIObjectsAreAddedInOrderAndPagedAfterADate() async throws { try await conformance.taxiiObjectsAreAddedInOrderAndPagedAfterADate() }

    // MARK: SQLite only

    /// A channel written by another version (or by hand) that this one does not know is an error, never a webhook.
    func testAStoredChannelThisVersionDoesNotKnowIsALoudError() async throws {
        let sub = try await conformance.webhook(try await conformance.org(.green))
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

    /// `count` organisations cleared AMBER, each with one webhook subscription, in one transaction.
    func seedWebhooks(_ count: Int) async throws {
        var orgs: [Organisation] = [], subs: [(Subscription, secret: String?)] = []
        for index in 0..<count {
            let org = Organisation(name: "Établissement \(index)", kind: .ch, region: "28", tlpClearance: .amber)
            orgs.append(org)
            let sub = Subscription(orgId: org.id, channel: .webhook, target: "https://receiver.test/hook/\(index)")
            subs.append((sub, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        }
        try await store.bulkInsert(organisations: orgs, subscriptions: subs)
    }

    /// A fan-out writes to disk about what it stores. Each multi-row statement inside the publish keeps the pages it
    /// changes in a statement journal; kept in a temporary file past 64 KiB, as SQLite does by default, those journals
    /// made a 10,000-delivery publish write hundreds of megabytes it never kept (`keepStatementJournalsInMemory`).
    /// Measured by the bytes this process hands to `write` and `pwrite` (Linux's `/proc/self/io`), the log and
    /// its checkpoint included: 1.8 KB a delivery here with the journals in memory, 7.9 KB with them on disk.
    func testAFanOutWritesToDiskAboutWhatItStoresNotItsStatementJournals() async throws {
        #if !os(Linux)
        throw XCTSkip("counts the bytes written through Linux's /proc/self/io")
        #endif
        let count = 3_000
        try await seedWebhooks(count)
        func written() throws -> Int {
            let io = try String(contentsOfFile: "/proc/self/io", encoding: .utf8)
            let line = try XCTUnwrap(io.split(separator: "\n").first { $0.hasPrefix("wchar:") })
            return try XCTUnwrap(Int(line.dropFirst("wchar:".count).trimmingCharacters(in: .whitespaces)))
        }
        let before = try written()
        let published = try await conformance.publish(conformance.draft(.green))
        let perDelivery = Double(try written() - before) / Double(count)
        XCTAssertEqual(published.deliveriesQueued, count)
        XCTAssertLessThan(perDelivery, 4_000, "bytes written per delivery queued")
    }

    /// A batch of results of any size is written in statements of 128, 32, 8 and 1 rows: each row in them moves its
    /// delivery on and notes its organisation's reach, none twice and none left out.
    func testResultsOfAnySizeAreWrittenWhole() async throws {
        let count = 300
        try await seedWebhooks(count)
        let id = try await store.publish(Alert.first(from: conformance.draft(.amber)), route: StoreConformance.everyoneClearedAndConcerned).alert.id
        let now = Date().millisecondPrecision
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: count)
        XCTAssertEqual(claimed.count, count)
        // 299 results: 128 + 128 + 32 + 8 + 1 × 3 rows, then the last one alone.
        try await store.recordResults(try claimed.dropLast().map { try conformance.result($0, .success(status: 204), at: now) })
        try await store.recordResults([try conformance.result(try XCTUnwrap(claimed.last), .success(status: 204), at: now)])
        assertEqual(try await store.deliveryCounts()[.delivered], count)
        let reach = try await store.reach(alertId: id)
        XCTAssertEqual(reach.count, count)
        XCTAssertTrue(reach.allSatisfy { $0.step == .delivered && $0.delivered?.at == now }, "every organisation's reach notes its delivery")
    }

    /// A running worker's offer (`adoptNewDeliveries`): what it can send at once is written already claimed for it,
    /// and handed over once committed; what must wait behind something of its subscription, a digest, or another
    /// channel is left pending for the claims, as before.
    func testWhatARunningWorkerCanSendAtOnceIsWrittenClaimedForIt() async throws {
        let c = conformance
        let amber = try await c.org(.amber)
        let behind = try await c.webhook(amber)
        try await c.publish(c.draft(title: "Avant"))
        // Created after the first alert: nothing of theirs waits.
        let free = try await c.webhook(try await c.org(.amber)), other = try await c.webhook(try await c.org(.amber))
        let digest = Subscription(orgId: amber.id, channel: .webhook, target: "https://hooks.chu.test/digest", digest: .daily)
        try await store.createSubscription(digest, secret: SubscriptionSecret(.signing, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let email = Subscription(orgId: amber.id, channel: .email, target: "rssi@chu.test")
        try await store.createSubscription(email, secret: nil)
        let handed = Mutex<[(ids: [String], lease: Date)]>([])
        store.adoptNewDeliveries(DeliveryAdoption(channels: [.webhook], lease: 60) { ids, lease in handed.withLock { $0.append((ids.map(\.text), lease)) } })
        let before = Date()
        let published = try await c.publish(c.draft(title: "Après"))
        XCTAssertEqual(published.deliveriesQueued, 5)
        let rows = try await store.deliveries(DeliveryQuery(alertId: published.alert.id)).items
        let taken = Set(rows.filter { $0.state == .inFlight }.map(\.subscriptionId))
        XCTAssertEqual(taken, [free.id, other.id], "only what nothing holds back, on the worker's channels, as it comes")
        XCTAssertEqual(Set(rows.filter { $0.state == .pending }.map(\.subscriptionId)), [behind.id, digest.id, email.id])
        let offer = try XCTUnwrap(handed.withLock { $0.first })
        XCTAssertEqual(handed.withLock { $0.count }, 1)
        XCTAssertEqual(Set(offer.ids), Set(rows.filter { $0.state == .inFlight }.map(\.id)))
        XCTAssertTrue(rows.filter { $0.state == .inFlight }.allSatisfy { $0.attempts == 1 && $0.leaseUntil != nil })
        XCTAssertGreaterThanOrEqual(offer.lease.timeIntervalSince(before), 59)

        // A claim does not take them again: they are held by the worker's lease.
        let now = Date()
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 10)
        // The subscription created before gets both alerts in one claim, in order; the digest, whole.
        XCTAssertEqual(claimed.filter { $0.delivery.subscriptionId == behind.id }.map { try? $0.alert().title }, ["Avant", "Après"])
        XCTAssertEqual(claimed.filter { $0.delivery.subscriptionId != behind.id }.map(\.delivery.subscriptionId), [digest.id])
        // The worker reads them with what sending needs; a wrong lease reads nothing.
        let read = try await store.claimedDeliveries(ids: offer.ids, leaseUntil: offer.lease, now: now)
        XCTAssertEqual(Set(read.map(\.delivery.id)), Set(offer.ids))
        XCTAssertTrue(read.allSatisfy { $0.secrets(.signing).count == 1 && (try? $0.alert().title) == "Après" && $0.delivery.leaseUntil != nil })
        assertEqual(try await store.claimedDeliveries(ids: offer.ids, leaseUntil: offer.lease + 1, now: now).count, 0)

        // Checked at send time like a claim: an organisation lowered since gets nothing, and the delivery is dead.
        let found = try await store.organisation(id: other.orgId)
        var lowered = try XCTUnwrap(found)
        lowered.tlpClearance = .clear
        try await store.updateOrganisation(lowered)
        let again = try await store.claimedDeliveries(ids: offer.ids, leaseUntil: offer.lease, now: now)
        XCTAssertEqual(again.map(\.delivery.subscriptionId), [free.id])
        let dead = try await store.deliveries(DeliveryQuery(subscriptionId: other.id)).items
        XCTAssertEqual(dead.map(\.state), [.dead])

        // A restart takes them back like any claim; then the worker's lease reads nothing more.
        assertEqual(try await store.reclaimAbandonedDeliveries(now: now), 4)
        assertEqual(try await store.claimedDeliveries(ids: offer.ids, leaseUntil: offer.lease, now: now).count, 0)
        // Without an offer, a revision is written pending.
        store.adoptNewDeliveries(nil)
        let last = try await c.publish(c.draft(title: "Sans"))
        let written = try await store.deliveries(DeliveryQuery(alertId: last.alert.id)).items
        XCTAssertTrue(written.allSatisfy { $0.state == .pending })
        XCTAssertEqual(handed.withLock { $0.count }, 1)
    }

    /// Publications, claims, reads of what was written claimed for a worker, results (delivered, or failed and to be
    /// retried), hand-backs and restarts in random orders over a few subscriptions: no delivery is ever held by two
    /// live claims at once, none is taken past an earlier delivery of its subscription that is not done, and in the
    /// end every one is delivered. Leases never run out here (an attempt whose lease ran out holds nothing back, by
    /// design: `aDeadWorkersDeliveryIsNotOvertakenByWhatItsFinishedOneReleased` and `CrashRecoveryTests` cover it;
    /// the store dates a publication by the clock, which this test's time, moved ahead, would contradict).
    func testClaimsAndDeliveriesWrittenClaimedNeverOvertakeNorOverlapInRandomOrders() async throws {
        for seed in UInt64(1)...16 {
            let store = try SQLiteStore(path: directory + "/random-\(seed).sqlite", channels: ChannelRegistry.catalog)
            try await randomRun(store, seed: seed)
        }
    }

    private func randomRun(_ store: SQLiteStore, seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let c = StoreConformance(store: store)
        var subscriptions: [String] = []
        for _ in 0..<4 { subscriptions.append(try await c.webhook(try await c.org(.amber)).id) }
        let offers = Mutex<[(ids: [String], lease: Date)]>([])
        store.adoptNewDeliveries(DeliveryAdoption(channels: [.webhook], lease: 60) { ids, lease in
            offers.withLock { $0.append((ids.map(\.text), lease)) }
        })
        let policy = RetryPolicy(schedule: Array(repeating: 1, count: 12), jitter: 0)
        var published: [String: Int] = [:]
        /// What this test's "worker" holds: deliveries by id, with their lease.
        var held: [String: Delivery] = [:]
        var offset: TimeInterval = 0
        var now: Date { Date().addingTimeInterval(offset) }
        let context = "seed \(seed)"

        func take(_ batch: [Delivery], _ how: String) async throws {
            let at = now
            for (position, delivery) in batch.enumerated() {
                if let earlier = held[delivery.id], let lease = earlier.leaseUntil, lease > at {
                    XCTFail("\(context): \(delivery.id) held twice (\(how))")
                }
                let before = try await store.deliveries(DeliveryQuery(page: PageRequest(limit: 500), subscriptionId: delivery.subscriptionId)).items
                    .filter { (published[$0.alertId] ?? 0) < (published[delivery.alertId] ?? 0) }
                for earlier in before where ![.delivered, .dead, .superseded].contains(earlier.state) {
                    XCTAssertTrue(batch[..<position].contains { $0.id == earlier.id },
                                  "\(context): \(how) took alert \(published[delivery.alertId] ?? -1) past alert \(published[earlier.alertId] ?? -1) (\(earlier.state))")
                }
                held[delivery.id] = delivery
            }
        }
        /// Sends the earliest held delivery of one subscription, as the worker's unit does; after a failure the rest
        /// of that subscription is handed back.
        func finishOne(fail: Bool) async throws {
            guard let subscription = Set(held.values.map(\.subscriptionId)).randomElement(using: &random) else { return }
            let mine = held.values.filter { $0.subscriptionId == subscription }.sorted { published[$0.alertId]! < published[$1.alertId]! }
            let first = mine[0]
            var machine = DeliveryMachine(first)
            let at = now
            let outcome: AttemptOutcome = fail ? .retryable(status: 503, error: "busy") : .success(status: 204)
            let action = try machine.finish(outcome, now: at, policy: policy, random: 0.5)
            try await store.recordResults([DeliveryResult(
                deliveryId: first.id, subscriptionId: first.subscriptionId,
                attempt: DeliveryAttempt(deliveryId: first.id, number: machine.attempts, startedAt: at, durationMs: 1, outcome: outcome.name,
                                         status: outcome.status, error: outcome.error),
                machine: machine, action: action, finishedAt: at)])
            held[first.id] = nil
            if fail {
                try await store.release(Array(mine.dropFirst()), now: at)
                for delivery in mine.dropFirst() { held[delivery.id] = nil }
            }
        }

        /// The counts by state (read through partial indexes and a total) against the ledger read one by one.
        func checkCounts(_ when: String) async throws {
            var listed: [DeliveryState: Int] = [:]
            var cursor: String?
            repeat {
                let page = try await store.deliveries(DeliveryQuery(page: PageRequest(limit: 500, cursor: cursor)))
                for delivery in page.items { listed[delivery.state, default: 0] += 1 }
                cursor = page.nextCursor
            } while cursor != nil
            let counted = try await store.deliveryCounts()
            XCTAssertEqual(counted, listed, "\(context): counts by state \(when)")
        }

        for step in 0..<160 {
            if step % 20 == 0 { try await checkCounts("at step \(step)") }
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<14:
                let alert = try await c.publish(c.draft(title: "Alerte \(step)"))
                published[alert.alert.id] = published.count + 1
            case 14..<40:
                let at = now
                try await take(try await store.claimDueDeliveries(channels: [.webhook], now: at, leaseUntil: at + 60,
                                                                   limit: Int.random(in: 1...4, using: &random)).map(\.delivery), "a claim")
            case 40..<58:
                guard let offer = offers.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                try await take(try await store.claimedDeliveries(ids: offer.ids, leaseUntil: offer.lease, now: now).map(\.delivery),
                               "a read of what was written claimed")
            case 58..<94:
                try await finishOne(fail: Int.random(in: 0..<5, using: &random) == 0)
            case 94..<98:
                // Never past the leases' minute: retries (1 s apart) fall due, leases do not run out.
                if offset < 40 { offset += Double(Int.random(in: 1...3, using: &random)) }
            default:
                // A restart: what was held is taken back at once; this worker and its offers are gone.
                _ = try await store.reclaimAbandonedDeliveries(now: now)
                held.removeAll()
                offers.withLock { $0.removeAll() }
            }
        }
        // Drain: send everything, in order, until nothing is left.
        for offer in offers.withLock({ list in defer { list.removeAll() }; return list }) {
            try await take(try await store.claimedDeliveries(ids: offer.ids, leaseUntil: offer.lease, now: now).map(\.delivery),
                           "a read of what was written claimed while draining")
        }
        for _ in 0..<2_000 {
            if held.isEmpty {
                offset += 2
                let at = now
                let batch = try await store.claimDueDeliveries(channels: [.webhook], now: at, leaseUntil: at + 60, limit: 8).map(\.delivery)
                if batch.isEmpty, try await store.nextDueDate(channels: [.webhook]) == nil { break }
                try await take(batch, "a claim while draining")
            } else {
                try await finishOne(fail: false)
            }
        }
        try await checkCounts("at the end")
        let counts = try await store.deliveryCounts()
        XCTAssertEqual(counts.filter { $0.value > 0 }.keys.filter { ![.delivered, .superseded].contains($0) }, [], "\(context): \(counts)")
        XCTAssertEqual(counts[.delivered], published.count * subscriptions.count, "\(context): \(counts)")
    }

    func testMigrationsAreNamedAndRunOnceAtOpen() throws {
        let expected = ["2026-11-23-spine", "2026-11-23-alert-events", "2026-11-23-email-unsubscribe", "2026-11-23-digests", "2026-11-23-ingest", "2026-11-23-sources", "2026-11-23-inventory",
                        "2026-12-02-alert-publishers", "2026-12-02-token-expiry", "2026-12-02-audit-log",
                        "2026-12-02-delivery-order", "2026-12-03-inventory-parts", "2026-12-03-reach",
                        "2026-12-03-acknowledgement-events", "2026-12-03-exercises", "2026-12-03-escalation", "2026-12-03-incidents",
                        "2026-12-03-relay", "2026-12-03-taxii", "2026-12-03-relay-catchup",
                        "2026-12-03-console-sessions", "2026-12-03-org-finess",
                        "2026-12-03-delivery-indexes", "2026-12-05-delivery-outbox-indexes"]
        XCTAssertEqual(try store.appliedMigrations(), expected)
        let again = try SQLiteStore(path: directory + "/tocsin.sqlite", channels: ChannelRegistry.catalog)
        XCTAssertEqual(try again.appliedMigrations(), expected)
    }

    func testTokenValuesAreStoredHashed() async throws {
        let amber = try await conformance.org(.amber)
        let token = APIToken(role: .subscriber, orgId: amber.id)
        let secret = APIToken.makeSecret()
        try await store.createToken(token, secret: secret)
        let raw = try String(contentsOfFile: directory + "/tocsin.sqlite", encoding: .isoLatin1)
            + ((try? String(contentsOfFile: directory + "/tocsin.sqlite-wal", encoding: .isoLatin1)) ?? "")
        XCTAssertFalse(raw.contains(secret))
        XCTAssertTrue(raw.contains(TokenHash.hash(secret)))
    }
}
