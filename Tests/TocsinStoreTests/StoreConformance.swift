import Foundation
import TocsinCore
import TocsinDelivery
import TocsinStore
import TocsinTestSupport
import XCTest

/// What every store engine must do, whatever it persists in: the contract of `Store`, concern by concern.
///
/// An engine's test case makes a fresh, empty store per test and calls each check (see
/// `SQLiteStoreConformanceTests`). The checks use no engine detail and decide no policy: the routing step they hand
/// the store is a plain one (`everyoneCleared`), because who receives what is the pipeline's business; the store must
/// persist exactly what the step plans, in the same transaction as the revision.
struct StoreConformance {
    let store: any Store

    // MARK: Helpers

    func org(_ clearance: TLP) async throws -> Organisation { try await store.makeOrganisation(clearance) }

    @discardableResult
    func webhook(_ org: Organisation, filter: SubscriptionFilter = SubscriptionFilter()) async throws -> Subscription {
        try await store.makeWebhook(org, filter: filter)
    }

    func draft(_ tlp: TLP = .green, severity: Severity = .high, title: String = "Alerte") -> AlertDraft {
        AlertDraft(title: title, summary: "Résumé", severity: severity, tlp: tlp, cves: ["CVE-2024-3400"])
    }

    /// A routing step with no policy of its own beyond the clearance: a delivery, due at once, to every active
    /// subscription whose organisation may read the revision.
    static let everyoneCleared: RoutingStep = { alert, reads in
        let subscriptions = try reads.routableSubscriptions(unlessVersion: nil).subscriptions ?? []
        return RoutingPlan(deliveries: subscriptions.filter { $0.mayReceive(alert) }.map {
            PlannedDelivery(subscriptionId: $0.subscriptionId, orgId: $0.orgId, channel: $0.channel, dueAt: alert.updatedAt)
        }, supersedesWaiting: alert.revision > 1)
    }

    @discardableResult
    func publish(_ draft: AlertDraft) async throws -> PublishResult {
        try await store.publish(Alert.first(from: draft), route: Self.everyoneCleared)
    }

    func result(_ claimed: ClaimedDelivery, _ outcome: AttemptOutcome, at now: Date) throws -> DeliveryResult {
        var machine = DeliveryMachine(claimed.delivery)
        let action = try machine.finish(outcome, now: now, policy: RetryPolicy(), random: 0.5)
        return DeliveryResult(deliveryId: claimed.delivery.id, subscriptionId: claimed.delivery.subscriptionId,
                              attempt: DeliveryAttempt(deliveryId: claimed.delivery.id, number: machine.attempts, startedAt: now,
                                                       durationMs: 1, outcome: outcome.name, status: outcome.status, error: outcome.error),
                              machine: machine, action: action, finishedAt: now)
    }

    // MARK: Alert log

    func publishingWritesTheAlertAndWhatTheRoutingStepPlansTogether() async throws {
        let green = try await org(.green), amber = try await org(.amber)
        let greenSub = try await webhook(green)
        let amberSub = try await webhook(amber)
        let concern = InventoryConcern(item: "Fortinet FortiOS 7.2.3", product: "FortiOS", confidence: .versionInRange,
                                       french: "concerne votre FortiOS", english: "concerns your FortiOS")
        let due = Date(timeIntervalSince1970: 1_900_000_000)
        let alert = Alert.first(from: draft(.amber))
        let result = try await store.publish(alert) { stored, reads in
            XCTAssertEqual(stored.id, alert.id)
            XCTAssertNil(try reads.previousRevision())
            XCTAssertEqual(try reads.previousRecipients(), [])
            let routable = try reads.routableSubscriptions(unlessVersion: nil).subscriptions ?? []
            XCTAssertEqual(Set(routable.map(\.subscriptionId)), [greenSub.id, amberSub.id])
            return RoutingPlan(deliveries: [PlannedDelivery(subscriptionId: amberSub.id, orgId: amber.id, channel: .webhook, dueAt: due,
                                                            concerns: [concern])],
                               supersedesWaiting: false, routingSeconds: 0.25)
        }
        XCTAssertEqual(result.deliveriesQueued, 1)
        XCTAssertEqual(result.routingSeconds, 0.25)
        XCTAssertTrue(result.stored)
        let deliveries = try await store.deliveries(DeliveryQuery(alertId: alert.id)).items
        XCTAssertEqual(deliveries.map(\.orgId), [amber.id])
        XCTAssertEqual(deliveries.first?.state, .pending)
        XCTAssertEqual(deliveries.first?.concerns, [concern])
        assertEqual(try await store.nextDueDate(channels: [.webhook]), due)
        let stored = try await store.alert(id: alert.id)
        XCTAssertEqual(stored, alert)
        assertEqual(try await store.alertIds(cve: "CVE-2024-3400"), [alert.id])
        assertEqual(try await store.lastEventSequence(), try await store.events(after: 0, limit: 10).last?.sequence)
    }

    func aFailedPublishOrRoutingStepStoresNothing() async throws {
        let amber = try await org(.amber)
        try await webhook(amber)
        let alert = Alert.first(from: draft(.green))
        try await publish(draft(.green))
        _ = try await store.publish(alert, route: Self.everyoneCleared)
        // The same id again: the whole transaction, outbox included, rolls back.
        var duplicate = Alert.first(from: draft(.green))
        duplicate.id = alert.id
        do {
            _ = try await store.publish(duplicate, route: Self.everyoneCleared)
            XCTFail("a duplicate id must fail")
        } catch {}
        // A routing step that fails takes the revision down with it.
        struct Refused: Error {}
        do {
            _ = try await store.publish(Alert.first(from: draft(.green)), route: { _, _ in throw Refused() })
            XCTFail("a failing routing step must fail the publish")
        } catch is Refused {}
        assertEqual(try await store.alerts(AlertQuery()).items.count, 2)
        assertEqual(try await store.deliveries(DeliveryQuery()).items.count, 2)
        assertEqual(try await store.events(after: 0, limit: 10).count, 2)
    }

    func revisionsKeepEveryVersionAndTellTheRoutingStepWhatCameBefore() async throws {
        let amber = try await org(.amber)
        let sub = try await webhook(amber)
        let first = try await publish(draft(.green, severity: .high))
        let lowered = draft(.green, severity: .low, title: "Alerte révisée")
        let second = try await store.revise(alertId: first.alert.id, route: { alert, reads in
            XCTAssertEqual(try reads.previousRevision()?.title, "Alerte")
            XCTAssertEqual(try reads.previousRecipients(), [sub.id])
            return try Self.everyoneCleared(alert, reads)
        }) { try AlertLifecycle.revise($0, with: lowered, by: nil) }
        XCTAssertEqual(second.alert.revision, 2)
        XCTAssertEqual(second.deliveriesQueued, 1)
        assertEqual(try await store.alert(id: first.alert.id, revision: 1)?.title, "Alerte")
        assertEqual(try await store.alert(id: first.alert.id)?.title, "Alerte révisée")
        let events = try await store.events(after: 0, limit: 10)
        XCTAssertEqual(events.map(\.alert.revision), [1, 2])
        XCTAssertEqual(events.map(\.sequence), events.map(\.sequence).sorted())
        do {
            _ = try await store.revise(alertId: "missing", route: Self.everyoneCleared) { $0 }
            XCTFail("unknown alert")
        } catch let error as StoreError {
            XCTAssertEqual(error, .notFound("alert missing"))
        }
    }

    func aRevisionSupersedesWhatEarlierOnesStillHaveWaitingWhenThePlanSaysSo() async throws {
        let amber = try await org(.amber)
        let sub = try await webhook(amber)
        let first = try await publish(draft())
        let second = try await store.revise(alertId: first.alert.id, route: Self.everyoneCleared) {
            try AlertLifecycle.revise($0, with: self.draft(title: "Deuxième"), by: nil)
        }
        let deliveries = try await store.deliveries(DeliveryQuery(subscriptionId: sub.id)).items
        let byRevision = Dictionary(uniqueKeysWithValues: deliveries.map { ($0.revision, $0) })
        XCTAssertEqual(byRevision[1]?.state, .superseded)
        XCTAssertEqual(byRevision[2]?.state, .pending)
        // A plan that does not supersede leaves the waiting ones alone.
        _ = try await store.revise(alertId: second.alert.id, route: { alert, reads in
            var plan = try Self.everyoneCleared(alert, reads)
            plan.supersedesWaiting = false
            return plan
        }) { try AlertLifecycle.revise($0, with: self.draft(title: "Troisième"), by: nil) }
        let states = try await store.deliveries(DeliveryQuery(subscriptionId: sub.id)).items.map(\.state).sorted { $0.rawValue < $1.rawValue }
        XCTAssertEqual(states, [.pending, .pending, .superseded])
    }

    /// The counts by state (`/readyz`, `/metrics`) agree with the ledger read one by one, every state present.
    func countsByStateAgreeWithTheLedger() async throws {
        let amber = try await org(.amber)
        for _ in 0..<3 { _ = try await webhook(amber) }
        let first = try await publish(draft())
        _ = try await store.revise(alertId: first.alert.id, route: Self.everyoneCleared) {
            try AlertLifecycle.revise($0, with: self.draft(title: "Deuxième"), by: nil)
        }
        _ = try await publish(draft(title: "Troisième"))
        let now = Date()
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 100).map(\.delivery)
        let outcomes: [AttemptOutcome] = [.success(status: 204), .permanent(status: 410, error: "gone"), .retryable(status: 503, error: "busy")]
        var results: [DeliveryResult] = []
        for (delivery, outcome) in zip(claimed, outcomes) {
            var machine = DeliveryMachine(delivery)
            let action = try machine.finish(outcome, now: now, policy: RetryPolicy(), random: 0.5)
            results.append(DeliveryResult(deliveryId: delivery.id, subscriptionId: delivery.subscriptionId,
                                          attempt: DeliveryAttempt(deliveryId: delivery.id, number: machine.attempts, startedAt: now, durationMs: 1,
                                                                   outcome: outcome.name, status: outcome.status, error: outcome.error),
                                          machine: machine, action: action, finishedAt: now))
        }
        try await store.recordResults(results)
        _ = try await publish(draft(title: "Quatrième"))
        var listed: [DeliveryState: Int] = [:]
        for delivery in try await store.deliveries(DeliveryQuery(page: PageRequest(limit: 500))).items { listed[delivery.state, default: 0] += 1 }
        XCTAssertEqual(Set(listed.keys), Set(DeliveryState.allCases), "every state is present: \(listed)")
        let counted = try await store.deliveryCounts()
        XCTAssertEqual(counted, listed)
    }

    func ingestFindsTheAlertByAnyOfItsKeys() async throws {
        let created = try await store.ingest(keys: ["csaf:A-1"], route: Self.everyoneCleared) { existing in
            XCTAssertNil(existing)
            return Alert.first(from: self.draft())
        }
        guard case .published(let first) = created else { return XCTFail("\(created)") }
        let unchanged = try await store.ingest(keys: ["csaf:A-2", "csaf:A-1"], route: Self.everyoneCleared) { existing in
            XCTAssertEqual(existing?.id, first.alert.id)
            return nil
        }
        guard case .unchanged(let same) = unchanged else { return XCTFail("\(unchanged)") }
        XCTAssertEqual(same?.id, first.alert.id)
        // Keys are recorded only with a stored revision.
        assertNil(try await store.alertId(refKey: "csaf:A-2"))
        let revised = try await store.ingest(keys: ["csaf:A-2", "csaf:A-1"], route: Self.everyoneCleared) { existing in
            try AlertLifecycle.revise(try XCTUnwrap(existing), with: self.draft(title: "Mise à jour"), by: nil)
        }
        guard case .revised(let second) = revised else { return XCTFail("\(revised)") }
        XCTAssertEqual(second.alert.revision, 2)
        assertEqual(try await store.alertId(refKey: "csaf:A-2"), first.alert.id)
        // A revision that is not the next one is refused.
        do {
            _ = try await store.ingest(keys: ["csaf:A-1"], route: Self.everyoneCleared) { existing in
                var next = try XCTUnwrap(existing)
                next.revision += 5
                return next
            }
            XCTFail("a revision out of sequence must be refused")
        } catch let error as StoreError {
            guard case .conflict = error else { return XCTFail("\(error)") }
        }
    }

    func listsFilterByClearanceRegionSeverityAndPage() async throws {
        try await publish(draft(.green, severity: .low))
        try await publish(draft(.amber, severity: .critical))
        try await publish(draft(.red))
        var regional = draft(.green)
        regional.regions = ["11"]
        try await publish(regional)
        assertEqual(try await store.alerts(AlertQuery(clearance: .amber)).items.count, 3)
        assertEqual(try await store.alerts(AlertQuery()).items.count, 4)
        assertEqual(try await store.alerts(AlertQuery(minSeverity: .high)).items.count, 3)
        assertEqual(try await store.alerts(AlertQuery(orgRegion: .some("28"))).items.count, 3)
        assertEqual(try await store.alerts(AlertQuery(orgRegion: .some(Region.all))).items.count, 4)
        let firstPage = try await store.alerts(AlertQuery(page: PageRequest(limit: 3)))
        XCTAssertEqual(firstPage.items.first?.tlp, .green)
        let secondPage = try await store.alerts(AlertQuery(page: PageRequest(limit: 3, cursor: firstPage.nextCursor)))
        XCTAssertEqual(secondPage.items.count, 1)
        XCTAssertNil(secondPage.nextCursor)
        XCTAssertEqual(Set((firstPage.items + secondPage.items).map(\.id)).count, 4)
    }

    // MARK: Directory

    func theRoutableSubscriptionsFollowSubscriptionAndOrganisationChanges() async throws {
        var green = try await org(.green)
        let first = try await store.routableSubscriptions(unlessVersion: nil)
        XCTAssertEqual(first.subscriptions?.count, 0)
        assertNil(try await store.routableSubscriptions(unlessVersion: first.version).subscriptions)
        let sub = try await webhook(green, filter: SubscriptionFilter(minSeverity: .critical))
        let afterSubscribe = try await store.routableSubscriptions(unlessVersion: first.version)
        XCTAssertEqual(afterSubscribe.subscriptions?.map(\.subscriptionId), [sub.id])
        XCTAssertEqual(afterSubscribe.subscriptions?.first?.minSeverity, .critical)
        XCTAssertEqual(afterSubscribe.subscriptions?.first?.clearance, .green)
        green.tlpClearance = .amber
        try await store.updateOrganisation(green)
        let afterClearance = try await store.routableSubscriptions(unlessVersion: afterSubscribe.version)
        XCTAssertEqual(afterClearance.subscriptions?.first?.clearance, .amber)
        var disabled = sub
        disabled.active = false
        try await store.updateSubscription(disabled, digestDue: Date())
        let afterDisable = try await store.routableSubscriptions(unlessVersion: afterClearance.version)
        XCTAssertEqual(afterDisable.subscriptions?.count, 0)
        assertTrue(try await store.deleteSubscription(id: sub.id))
        assertNotNil(try await store.routableSubscriptions(unlessVersion: afterDisable.version).subscriptions)
        assertFalse(try await store.deleteSubscription(id: sub.id))
    }

    func aChangedDigestModeMovesWhatWaitsToTheGivenDate() async throws {
        let amber = try await org(.amber)
        var sub = Subscription(orgId: amber.id, channel: .email, target: "rssi@chu.test", digest: .daily)
        try await store.createSubscription(sub, secret: nil)
        let later = Date().addingTimeInterval(86_400)
        let subscriptionId = sub.id
        _ = try await store.publish(Alert.first(from: draft())) { alert, _ in
            RoutingPlan(deliveries: [PlannedDelivery(subscriptionId: subscriptionId, orgId: amber.id, channel: .email, dueAt: later)], supersedesWaiting: false)
        }
        let waiting = try await store.nextDueDate(channels: [.email])
        XCTAssertEqual(waiting?.timeIntervalSince1970 ?? 0, later.timeIntervalSince1970, accuracy: 0.001)
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        sub.digest = .immediate
        try await store.updateSubscription(sub, digestDue: now)
        assertEqual(try await store.nextDueDate(channels: [.email]), now)
        assertEqual(try await store.subscription(id: sub.id)?.digest, .immediate)
        // The same mode again moves nothing.
        try await store.updateSubscription(sub, digestDue: later)
        assertEqual(try await store.nextDueDate(channels: [.email]), now)
    }

    func subscriptionsCarryTheirSecretsAndTokens() async throws {
        let amber = try await org(.amber)
        let feed = Subscription(orgId: amber.id, channel: .feed, target: "")
        try await store.createSubscription(feed, secret: SubscriptionSecret(.feedToken, "feed_conformance"))
        let found = try await store.feedSubscriber(token: "feed_conformance")
        XCTAssertEqual(found?.0.id, feed.id)
        XCTAssertEqual(found?.1.id, amber.id)
        assertNil(try await store.feedSubscriber(token: "feed_other"))
        let hook = try await webhook(amber)
        assertTrue(try await store.rotateSecret(subscriptionId: hook.id, secret: StandardWebhooks.makeSecret(), overlapUntil: Date() + 60))
        assertFalse(try await store.rotateSecret(subscriptionId: "missing", secret: StandardWebhooks.makeSecret(), overlapUntil: Date()))
        // Only a subscription that signs has a secret to rotate.
        assertFalse(try await store.rotateSecret(subscriptionId: feed.id, secret: StandardWebhooks.makeSecret(), overlapUntil: Date()))
        let mail = Subscription(orgId: amber.id, channel: .email, target: "rssi@chu.test")
        try await store.createSubscription(mail, secret: SubscriptionSecret(.unsubscribe, "unsub_conformance"))
        assertEqual(try await store.subscriptions(orgId: amber.id, page: PageRequest()).items.count, 3)
        assertNil(try await store.unsubscribe(token: "unsub_unknown", now: Date()))
        assertEqual(try await store.unsubscribe(token: "unsub_conformance", now: Date())?.id, mail.id)
        assertEqual(try await store.subscription(id: mail.id)?.active, false)
    }

    func tokensAreFoundByValueAndRevocable() async throws {
        let amber = try await org(.amber)
        let token = APIToken(role: .subscriber, orgId: amber.id)
        let secret = APIToken.makeSecret()
        try await store.createToken(token, secret: secret)
        let principal = try await store.principal(forToken: secret)
        XCTAssertEqual(principal?.role, .subscriber)
        XCTAssertEqual(principal?.clearance, .amber)
        assertNil(try await store.principal(forToken: secret + "x"))
        assertTrue(try await store.tokenIsActive(id: token.id, now: Date()))
        assertNotNil(try await store.revokeToken(id: token.id, now: Date()))
        assertNil(try await store.principal(forToken: secret))
        assertFalse(try await store.tokenIsActive(id: token.id, now: Date()))
        assertNil(try await store.revokeToken(id: "missing", now: Date()))
        assertEqual(try await store.tokens(page: PageRequest()).items.map(\.id), [token.id])
        let labelled = APIToken(role: .relay, orgId: amber.id, label: "SIEM du CHU")
        try await store.createToken(labelled, secret: APIToken.makeSecret())
        assertEqual(try await store.token(id: labelled.id)?.label, "SIEM du CHU")
        assertNotNil(try await store.token(id: token.id)?.revokedAt)
        assertNil(try await store.token(id: "missing"))
    }

    func inventoryPartsMergeAndKeepTheirBounds() async throws {
        let amber = try await org(.amber)
        let before = try await store.inventories(unlessVersion: nil)
        assertEqual(try await store.setInventoryPart(orgId: amber.id, name: "site-a", json: #"[{"name":"A"},{"name":"B"}]"#, count: 2,
                                                       maximumItems: 10, maximumParts: 2), 2)
        assertEqual(try await store.setInventoryPart(orgId: amber.id, name: "site-b", json: #"[{"name":"B"},{"name":"C"}]"#, count: 2,
                                                       maximumItems: 10, maximumParts: 2), 3)
        assertEqual(try await store.inventoryItemCount(orgId: amber.id), 3)
        assertEqual(try await store.inventoryParts(orgId: amber.id).map(\.name), ["site-a", "site-b"])
        let after = try await store.inventories(unlessVersion: before.version)
        XCTAssertNotEqual(after.version, before.version)
        XCTAssertNotNil(after.byOrg?[amber.id])
        assertNil(try await store.inventories(unlessVersion: after.version).byOrg)
        do {
            try await store.setInventoryPart(orgId: amber.id, name: "site-c", json: "[]", count: 0, maximumItems: 10, maximumParts: 2)
            XCTFail("a third part over a bound of two must be refused")
        } catch let error as StoreError {
            guard case .invalid = error else { return XCTFail("\(error)") }
        }
        assertEqual(try await store.setInventoryPart(orgId: amber.id, name: "site-a", json: nil, count: 0, maximumItems: 10, maximumParts: 2), 2)
        assertNil(try await store.setInventoryPart(orgId: amber.id, name: "site-a", json: nil, count: 0, maximumItems: 10, maximumParts: 2))
        try await store.setInventory(orgId: amber.id, json: nil, count: 0)
        assertNil(try await store.inventory(orgId: amber.id))
    }

    func deletingAnOrganisationEndsWhatWaitsForIt() async throws {
        let amber = try await org(.amber)
        try await webhook(amber)
        try await publish(draft())
        assertTrue(try await store.deleteOrganisation(id: amber.id))
        assertNil(try await store.organisation(id: amber.id))
        assertEqual(try await store.deliveries(DeliveryQuery(state: .pending)).items.count, 0)
        assertFalse(try await store.deleteOrganisation(id: amber.id))
    }

    func anImportIsStoredWholeOrNotAtAll() async throws {
        var known = try await org(.green)
        known.finess = "760780239"
        known.name = "CHU de Rouen"
        try await store.importOrganisations(creating: [], updating: [known])
        assertEqual(try await store.organisation(id: known.id)?.finess, "760780239")
        assertEqual(try await store.organisation(id: known.id)?.name, "CHU de Rouen")

        let fresh = Organisation(name: "Clinique du Parc", kind: .clinic, region: "28", tlpClearance: .amber, finess: "750712184")
        var renamed = known
        renamed.name = "CHU Charles-Nicolle"
        // A FINESS number already another's refuses the whole batch: the rename is not kept either.
        let taken = Organisation(name: "Doublon", kind: .ch, region: "28", tlpClearance: .green, finess: "760780239")
        do {
            try await store.importOrganisations(creating: [fresh, taken], updating: [renamed])
            XCTFail("a FINESS number taken twice must be refused")
        } catch let error as StoreError {
            guard case .conflict = error else { return XCTFail("\(error)") }
        }
        assertNil(try await store.organisation(id: fresh.id))
        assertEqual(try await store.organisation(id: known.id)?.name, "CHU de Rouen")
        // An organisation gone since the plan refuses the batch too.
        let gone = Organisation(name: "Disparu", kind: .ch, region: "28", tlpClearance: .green)
        do {
            try await store.importOrganisations(creating: [fresh], updating: [gone])
            XCTFail("an unknown organisation must be refused")
        } catch {}
        assertNil(try await store.organisation(id: fresh.id))

        try await store.importOrganisations(creating: [fresh], updating: [renamed])
        assertEqual(try await store.organisation(id: fresh.id)?.finess, "750712184")
        assertEqual(try await store.organisation(id: fresh.id)?.kind, .clinic)
        assertEqual(try await store.organisation(id: known.id)?.name, "CHU Charles-Nicolle")
        assertEqual(try await store.organisations(page: PageRequest(limit: 10)).items.compactMap(\.finess).sorted(), ["750712184", "760780239"])
    }

    // MARK: Outbox and ledger

    func claimsHoldALeaseAndExpiredLeasesAreClaimedAgain() async throws {
        let amber = try await org(.amber)
        for _ in 0..<3 { try await webhook(amber) }
        try await publish(draft())
        let now = Date()
        let first = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 30, limit: 10)
        XCTAssertEqual(first.count, 3)
        XCTAssertTrue(first.allSatisfy { $0.delivery.state == .inFlight && $0.delivery.attempts == 1 && !$0.secrets(.signing).isEmpty })
        XCTAssertEqual(try first[0].alert().title, "Alerte")
        assertEqual(try await store.claimDueDeliveries(channels: [.webhook], now: now + 10, leaseUntil: now + 40, limit: 10).count, 0)
        assertEqual(try await store.claimDueDeliveries(channels: [.email], now: now + 60, leaseUntil: now + 90, limit: 10).count, 0)
        let again = try await store.claimDueDeliveries(channels: [.webhook], now: now + 31, leaseUntil: now + 61, limit: 10)
        XCTAssertEqual(Set(again.map(\.delivery.id)), Set(first.map(\.delivery.id)))
        XCTAssertTrue(again.allSatisfy { $0.delivery.attempts == 2 })
    }

    func resultsMoveDeliveriesOnAndAStaleClaimCannotOverwriteANewerOne() async throws {
        let amber = try await org(.amber)
        try await webhook(amber)
        try await publish(draft())
        let now = Date()
        let stale = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 1, limit: 1)[0]
        let fresh = try await store.claimDueDeliveries(channels: [.webhook], now: now + 2, leaseUntil: now + 60, limit: 1)[0]
        try await store.recordResults([try result(stale, .retryable(status: 503, error: "503"), at: now + 3)])
        assertEqual(try await store.delivery(id: stale.delivery.id)?.state, .inFlight)
        try await store.recordResults([try result(fresh, .success(status: 200), at: now + 3)])
        let delivered = try await store.delivery(id: fresh.delivery.id)
        XCTAssertEqual(delivered?.state, .delivered)
        XCTAssertNotNil(delivered?.deliveredAt)
        assertEqual(try await store.attempts(deliveryId: fresh.delivery.id).count, 2)
        assertEqual(try await store.redeliver(id: fresh.delivery.id, now: now + 4).state, .pending)
        assertEqual(try await store.deliveryCounts()[.pending], 1)
    }

    /// Results recorded together move each delivery on as if recorded one by one, in their order: only the holder
    /// of the current claim moves a delivery, a stale claim that reached the receiver still counts it delivered in
    /// the reach, the first delivery of an organisation is the one its reach keeps, and one delivery twice in a batch
    /// is taken in turn.
    func aBatchOfResultsMovesEachDeliveryOnAsIfOneByOne() async throws {
        let a = try await org(.amber), b = try await org(.amber), c = try await org(.amber)
        let a1 = try await webhook(a), a2 = try await webhook(a), b1 = try await webhook(b), c1 = try await webhook(c)
        let id = try await store.publish(Alert.first(from: draft(.amber)), route: Self.everyoneClearedAndConcerned).alert.id
        let now = Date().millisecondPrecision
        let stale = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 1, limit: 10)
        let fresh = try await store.claimDueDeliveries(channels: [.webhook], now: now + 2, leaseUntil: now + 60, limit: 10)
        XCTAssertEqual(stale.count, 4)
        XCTAssertEqual(fresh.count, 4)
        func of(_ claims: [ClaimedDelivery], _ sub: Subscription) throws -> ClaimedDelivery {
            try XCTUnwrap(claims.first { $0.delivery.subscriptionId == sub.id })
        }
        let at = now + 3
        try await store.recordResults([
            try result(of(fresh, a2), .success(status: 204), at: at),
            try result(of(fresh, a1), .success(status: 200), at: at + 1),
            try result(of(stale, b1), .success(status: 204), at: at),
            try result(of(fresh, c1), .retryable(status: 503, error: "503"), at: at),
            try result(of(stale, c1), .success(status: 204), at: at),
        ])
        let deliveries = Dictionary(uniqueKeysWithValues: try await store.deliveries(DeliveryQuery(alertId: id)).items.map { ($0.subscriptionId, $0) })
        XCTAssertEqual(deliveries[a1.id]?.state, .delivered)
        XCTAssertEqual(deliveries[a1.id]?.lastStatus, 200)
        XCTAssertEqual(deliveries[a2.id]?.state, .delivered)
        XCTAssertEqual(deliveries[b1.id]?.state, .inFlight, "a stale claim leaves the state to the newer one")
        XCTAssertEqual(deliveries[c1.id]?.state, .retryScheduled)
        XCTAssertEqual(deliveries[c1.id]?.lastStatus, 503)
        // Every attempt is in the history, the stale ones too.
        for (sub, count) in [(a1, 1), (b1, 1), (c1, 2)] {
            assertEqual(try await store.attempts(deliveryId: try XCTUnwrap(deliveries[sub.id]).id).count, count)
        }
        let reach = Dictionary(uniqueKeysWithValues: try await store.reach(alertId: id).map { ($0.orgId, $0) })
        XCTAssertEqual(reach[a.id]?.delivered?.by, "subscription:\(a2.id)", "the first delivery of the batch to the organisation")
        XCTAssertEqual(reach[a.id]?.delivered?.at, at)
        XCTAssertEqual(reach[b.id]?.delivered?.by, "subscription:\(b1.id)", "the receiver got the stale claim's attempt")
        XCTAssertEqual(reach[c.id]?.delivered?.by, "subscription:\(c1.id)")
    }

    func goneDisablesTheSubscriptionAndItsWaitingDeliveries() async throws {
        let amber = try await org(.amber)
        let sub = try await webhook(amber)
        try await publish(draft())
        try await publish(draft())
        let now = Date()
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 1)[0]
        try await store.recordResults([try result(claimed, .http(status: 410), at: now)])
        let stored = try await store.subscription(id: sub.id)
        XCTAssertEqual(stored?.active, false)
        XCTAssertNotNil(stored?.disabledReason)
        assertEqual(try await store.deliveries(DeliveryQuery(state: .dead)).items.count, 2)
        assertEqual(try await publish(draft()).deliveriesQueued, 0)
    }

    func theExitRechecksClearanceSoALoweredOrganisationGetsNothingMore() async throws {
        var org = try await org(.amber)
        try await webhook(org)
        let published = try await publish(draft(.amber))
        XCTAssertEqual(published.deliveriesQueued, 1)
        org.tlpClearance = .green
        try await store.updateOrganisation(org)
        let now = Date()
        assertEqual(try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 10).count, 0)
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

    func claimsOfAStoppedBrokerAreTakenBackAtOnceWithTheirIds() async throws {
        let org = try await org(.amber)
        for _ in 0..<2 { try await webhook(org) }
        try await publish(draft())
        try await publish(draft(title: "Deuxième"))
        let now = Date()
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 2)
        XCTAssertEqual(claimed.count, 2)
        // Nothing else is due while the first claims hold their subscriptions, until the broker restarts.
        assertEqual(try await store.claimDueDeliveries(channels: [.webhook], now: now + 1, leaseUntil: now + 60, limit: 10).count, 0)
        assertEqual(try await store.reclaimAbandonedDeliveries(now: now + 1), 2)
        assertEqual(try await store.reclaimAbandonedDeliveries(now: now + 1), 0)
        let again = try await store.claimDueDeliveries(channels: [.webhook], now: now + 1.01, leaseUntil: now + 61, limit: 10)
        XCTAssertEqual(Set(again.map(\.delivery.id)), Set(claimed.map(\.delivery.id)), "the same deliveries, keeping their ids")
        XCTAssertTrue(again.allSatisfy { $0.delivery.attempts == 2 }, "the lost attempt still counts")
    }

    func releasedClaimsAreDueAgainAsIfNeverTaken() async throws {
        let org = try await org(.amber)
        try await webhook(org)
        try await publish(draft())
        let now = Date()
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 10)
        try await store.release(claimed.map(\.delivery), now: now)
        let again = try await store.claimDueDeliveries(channels: [.webhook], now: now + 0.01, leaseUntil: now + 60, limit: 10)
        XCTAssertEqual(again.map(\.delivery.id), claimed.map(\.delivery.id))
        XCTAssertEqual(again.first?.delivery.attempts, 1)
    }

    func aSubscriptionIsServedInPublicationOrder() async throws {
        let org = try await org(.amber)
        try await webhook(org)
        let first = try await publish(draft(title: "Un"))
        try await publish(draft(title: "Deux"))
        let now = Date()
        // Claimed together, they come in publication order; while the first is being sent, the second waits behind it.
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 1)
        XCTAssertEqual(claimed.map(\.delivery.alertId), [first.alert.id])
        assertEqual(try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 10).count, 0)
        try await store.recordResults([try result(claimed[0], .success(status: 200), at: now + 1)])
        let next = try await store.claimDueDeliveries(channels: [.webhook], now: now + 1, leaseUntil: now + 60, limit: 10)
        XCTAssertEqual(try next.map { try $0.alert().title }, ["Deux"])
    }

    func aFinishedDeliveryReleasesTheNextFewOfItsSubscriptionInOrder() async throws {
        let org = try await org(.amber)
        try await webhook(org)
        var titles: [String] = []
        for index in 1...6 {
            titles.append("Alerte \(index)")
            try await publish(draft(title: titles[index - 1]))
        }
        let now = Date()
        // The first is sent; the claim holds the five behind it back.
        let first = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 1)
        XCTAssertEqual(try first.map { try $0.alert().title }, ["Alerte 1"])
        assertEqual(try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 10).count, 0)
        // Once it is delivered, the next three are due, in order; the last two wait for them.
        try await store.recordResults([try result(first[0], .success(status: 200), at: now + 1)])
        // One published meanwhile waits behind them all: due now, it would otherwise be claimed before the two still
        // waiting, whose due date is later.
        try await publish(draft(title: "Alerte 7"))
        let next = try await store.claimDueDeliveries(channels: [.webhook], now: now + 1, leaseUntil: now + 61, limit: 10)
        XCTAssertEqual(try next.map { try $0.alert().title }, ["Alerte 2", "Alerte 3", "Alerte 4"])
        assertEqual(try await store.claimDueDeliveries(channels: [.webhook], now: now + 1, leaseUntil: now + 61, limit: 10).count, 0)
        try await store.recordResults(try next.map { try result($0, .success(status: 200), at: now + 2) })
        let last = try await store.claimDueDeliveries(channels: [.webhook], now: now + 2, leaseUntil: now + 62, limit: 10)
        XCTAssertEqual(try last.map { try $0.alert().title }, ["Alerte 5", "Alerte 6", "Alerte 7"])
    }

    func aDeadWorkersDeliveryIsNotOvertakenByWhatItsFinishedOneReleased() async throws {
        let org = try await org(.amber)
        try await webhook(org)
        for index in 1...3 { try await publish(draft(title: "Alerte \(index)")) }
        let now = Date()
        // A worker claims the first two, sends the first, then dies (no restart): the second's lease runs out.
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 2)
        XCTAssertEqual(try claimed.map { try $0.alert().title }, ["Alerte 1", "Alerte 2"])
        try await store.recordResults([try result(claimed[0], .success(status: 200), at: now + 1)])
        // The third was not released past the second, still being sent: once the lease ends (no claim ran in
        // between to hold the third back again), the second goes first.
        let next = try await store.claimDueDeliveries(channels: [.webhook], now: now + 61, leaseUntil: now + 121, limit: 1)
        XCTAssertEqual(try next.map { try $0.alert().title }, ["Alerte 2"])
        XCTAssertEqual(next.first?.delivery.id, claimed[1].delivery.id, "the same delivery, its id kept")
    }

    // MARK: Reach

    /// A routing step that also names the audience: every organisation the revision's marking and regions allow.
    static let everyoneClearedAndConcerned: RoutingStep = { alert, reads in
        var plan = try everyoneCleared(alert, reads)
        plan.concerned = AcknowledgementPolicy.audience(of: alert, among: try reads.organisations()).map { ConcernedOrganisation(orgId: $0.orgId) }
        plan.reopensAcknowledgement = AcknowledgementPolicy.reopens(previous: try reads.previousRevision(), next: alert)
        return plan
    }

    func reachFollowsEachConcernedOrganisationFromDeliveryToAcknowledgement() async throws {
        let green = try await org(.green), amber = try await org(.amber), clear = try await org(.clear)
        try await webhook(amber)
        let published = try await store.publish(Alert.first(from: draft(.amber)), route: Self.everyoneClearedAndConcerned)
        let id = published.alert.id
        // Concerned: whoever may read it, subscribed or not; never an organisation its marking keeps out.
        var reach = try await store.reach(alertId: id)
        XCTAssertEqual(Set(reach.map(\.orgId)), [amber.id])
        _ = green; _ = clear
        XCTAssertEqual(reach.first?.step, .concerned)
        XCTAssertEqual(reach.first?.activeSubscriptions, 1)
        XCTAssertEqual(reach.first?.deliveries.map(\.state), [.pending])

        // Delivered when a delivery succeeds, on whichever channel.
        let now = Date().millisecondPrecision
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now.addingTimeInterval(60), limit: 10)
        XCTAssertEqual(claimed.count, 1)
        try await store.recordResults([try result(claimed[0], .success(status: 204), at: now)])
        reach = try await store.reach(alertId: id)
        XCTAssertEqual(reach.first?.step, .delivered)
        XCTAssertEqual(reach.first?.delivered?.channel, "webhook")

        // Seen once: the first read counts, a later one changes nothing; an alert that does not concern it is left.
        try await store.markSeen(alertIds: [id, "unknown"], orgId: amber.id, mark: ReachMark(at: now.addingTimeInterval(5), by: "token:t1", channel: "api"))
        try await store.markSeen(alertIds: [id], orgId: amber.id, mark: ReachMark(at: now.addingTimeInterval(9), by: "token:t2", channel: "feed"))
        let seen = try await store.reach(alertId: id, orgId: amber.id)
        XCTAssertEqual(seen?.seen?.by, "token:t1")
        XCTAssertEqual(seen?.seen?.channel, "api")

        // Acknowledged once; a second acknowledgement is told who was first.
        let first = ReachMark(at: now.addingTimeInterval(30), by: "contact:c1", byName: "Jeanne RSSI", channel: "link")
        assertEqual(try await store.acknowledge(alertId: id, orgId: amber.id, mark: first, note: "patché"), .recorded(first))
        let second = ReachMark(at: now.addingTimeInterval(40), by: "token:t2", channel: "api")
        assertEqual(try await store.acknowledge(alertId: id, orgId: amber.id, mark: second, note: nil), .already(first, note: "patché"))
        let acked = try await store.reach(alertId: id, orgId: amber.id)
        XCTAssertEqual(acked?.step, .acknowledged)
        XCTAssertEqual(acked?.note, "patché")
        XCTAssertEqual(acked?.acknowledgedRevision, 1)
        assertNil(try await store.reach(alertId: id, orgId: green.id))
    }

    func aRevisionThatChangesWhatWasAcknowledgedAsksAgainAndATypoFixDoesNot() async throws {
        let amber = try await org(.amber)
        let id = try await store.publish(Alert.first(from: draft(.amber)), route: Self.everyoneClearedAndConcerned).alert.id
        let mark = ReachMark(at: Date().millisecondPrecision, by: "token:t", channel: "api")
        _ = try await store.acknowledge(alertId: id, orgId: amber.id, mark: mark, note: nil)
        // A typo fixed: still acknowledged.
        _ = try await store.revise(alertId: id, route: Self.everyoneClearedAndConcerned) { alert in
            var draft = alert.draft
            draft.title = "Alerte corrigée"
            return try AlertLifecycle.revise(alert, with: draft, by: nil)
        }
        assertEqual(try await store.reach(alertId: id, orgId: amber.id)?.step, .acknowledged)
        // Severity raised: asked again, the earlier steps kept.
        _ = try await store.revise(alertId: id, route: Self.everyoneClearedAndConcerned) { alert in
            var draft = alert.draft
            draft.severity = .critical
            return try AlertLifecycle.revise(alert, with: draft, by: nil)
        }
        let reopened = try await store.reach(alertId: id, orgId: amber.id)
        XCTAssertEqual(reopened?.step, .seen)
        XCTAssertNil(reopened?.acknowledged)
        let again = ReachMark(at: Date().millisecondPrecision, by: "token:t", channel: "api")
        assertEqual(try await store.acknowledge(alertId: id, orgId: amber.id, mark: again, note: nil), .recorded(again))
        assertEqual(try await store.reach(alertId: id, orgId: amber.id)?.acknowledgedRevision, 3)
    }

    func reachMetricsLeaveExercisesOutAndCountWhatWaitsForAnAcknowledgement() async throws {
        let amber = try await org(.amber)
        try await webhook(amber)
        let real = try await store.publish(Alert.first(from: draft(.amber, severity: .critical)), route: Self.everyoneClearedAndConcerned).alert
        var drill = draft(.amber, severity: .critical)
        drill.exerciseId = "ex-1"
        let exercise = try await store.publish(Alert.first(from: drill), route: Self.everyoneClearedAndConcerned).alert
        let now = Date().millisecondPrecision
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 10)
        XCTAssertEqual(claimed.count, 2)
        try await store.recordResults(try claimed.map { try result($0, .success(status: 204), at: real.updatedAt + 3) })
        let bounds: [Double] = [1, 5, 60]
        var metrics = try await store.reachMetrics(bounds: bounds, since: now - 3_600)
        XCTAssertEqual(metrics.timeToDeliver[.critical], LatencyHistogram(bounds: bounds, cumulative: [0, 1, 1], count: 1, sum: 3))
        XCTAssertNil(metrics.timeToAcknowledge[.critical])
        XCTAssertEqual(metrics.unacknowledgedAlerts, 1)
        _ = try await store.acknowledge(alertId: real.id, orgId: amber.id, mark: ReachMark(at: real.updatedAt + 90, channel: "api"), note: nil)
        _ = try await store.acknowledge(alertId: exercise.id, orgId: amber.id, mark: ReachMark(at: real.updatedAt + 2, channel: "api"), note: nil)
        metrics = try await store.reachMetrics(bounds: bounds, since: now - 3_600)
        XCTAssertEqual(metrics.timeToAcknowledge[.critical], LatencyHistogram(bounds: bounds, cumulative: [0, 0, 0], count: 1, sum: 90))
        XCTAssertEqual(metrics.unacknowledgedAlerts, 0)
        assertEqual(try await store.alerts(exerciseId: "ex-1").map(\.id), [exercise.id])
        assertEqual(try await store.alerts(exerciseId: "ex-2").count, 0)
    }

    func organisationChannelsTellWhatLastHappenedOnEachSubscription() async throws {
        let none = try await org(.amber), gone = try await org(.amber), working = try await org(.amber)
        let goneSub = try await webhook(gone)
        let workingSub = try await webhook(working)
        try await publish(draft())
        let now = Date()
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 10)
        try await store.recordResults(try claimed.map { try result($0, $0.delivery.subscriptionId == goneSub.id ? .http(status: 410) : .success(status: 204), at: now) })
        let channels = Dictionary(uniqueKeysWithValues: try await store.organisationChannels().map { ($0.orgId, $0) })
        XCTAssertEqual(channels[none.id]?.subscriptions, [])
        XCTAssertEqual(channels[none.id]?.unreachableReasons?.first?.hasPrefix("no-subscription"), true)
        XCTAssertEqual(channels[gone.id]?.subscriptions.first?.active, false)
        XCTAssertNotNil(channels[gone.id]?.subscriptions.first?.disabledReason)
        XCTAssertEqual(channels[gone.id]?.subscriptions.first?.lastFinished?.state, .dead)
        XCTAssertNotNil(channels[gone.id]?.unreachableReasons)
        XCTAssertEqual(channels[working.id]?.subscriptions.first?.subscriptionId, workingSub.id)
        XCTAssertEqual(channels[working.id]?.subscriptions.first?.lastFinished?.state, .delivered)
        XCTAssertNil(channels[working.id]?.unreachableReasons)
    }

    func regionalReadsAreTheNationalOnesNarrowedToTheRegion() async throws {
        let normandie = [try await store.makeOrganisation(.amber, region: "28"), try await store.makeOrganisation(.amber, region: "28")]
        let bretagne = try await store.makeOrganisation(.amber, region: "53")
        let silent = try await store.makeOrganisation(.amber, region: "28")
        let dropped = try await webhook(normandie[1])
        for org in normandie + [bretagne] where org.id != normandie[1].id { try await webhook(org) }
        try await webhook(normandie[1])
        let published = try await store.publish(Alert.first(from: draft(.amber)), route: Self.everyoneClearedAndConcerned)
        let now = Date().millisecondPrecision
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now + 60, limit: 50)
        try await store.recordResults(try claimed.map { try result($0, $0.delivery.subscriptionId == dropped.id ? .http(status: 410) : .success(status: 204), at: now) })
        // Read through a feed before any delivery is recorded, and acknowledged: the counts read the furthest step.
        try await store.markSeen(alertIds: [published.alert.id], orgId: silent.id, mark: ReachMark(at: now, by: "feed:f", channel: "feed"))
        _ = try await store.acknowledge(alertId: published.alert.id, orgId: normandie[0].id, mark: ReachMark(at: now, channel: "api"), note: nil)
        for region in ["28", "53", "11"] {
            let national = try await store.reach(alertId: published.alert.id).filter { $0.region == region }
            assertEqual(try await store.reach(alertId: published.alert.id, region: region), national, "reach in region \(region)")
            let counts = try await store.reachCounts(alertIds: [published.alert.id, published.alert.id, "unknown"], region: region)
            XCTAssertEqual(counts[published.alert.id] ?? ReachCounts(), ReachCounts(national), "counts in region \(region)")
            XCTAssertNil(counts["unknown"])
            let regionIds = Set(try await store.organisations(page: PageRequest(limit: 500)).items.filter { $0.region == region }.map(\.id))
            assertEqual(Set(try await store.organisations(region: region).map(\.id)), regionIds, "organisations of region \(region)")
            let channels = try await store.organisationChannels().filter { regionIds.contains($0.orgId) }
            assertEqual(try await store.organisationChannels(region: region), channels, "channels in region \(region)")
        }
        assertEqual(Set(try await store.reach(alertId: published.alert.id, region: "28").map(\.orgId)), Set(normandie.map(\.id) + [silent.id]))
        assertEqual(try await store.organisationChannels(region: "53").map(\.orgId), [bretagne.id])
        assertEqual(try await store.reachCounts(alertIds: [published.alert.id], region: "28"),
                    [published.alert.id: ReachCounts(concerned: 3, delivered: 3, seen: 2, acknowledged: 1)])
        assertEqual(try await store.reachCounts(alertIds: [], region: "28"), [:])
        assertEqual(try await store.organisations(region: Region.all).count, 0, "a national body is of no region")
    }

    func theBrokerKeepsItsKeys() async throws {
        let first = try await store.brokerKey(named: "ack", make: { "one" })
        let second = try await store.brokerKey(named: "ack", make: { "two" })
        XCTAssertEqual(first, "one")
        XCTAssertEqual(second, "one")
    }

    func anAcknowledgementQueuesSignedEventsForTheSubscriptionsThatAskedOnly() async throws {
        let amber = try await org(.amber)
        let plain = try await webhook(amber)
        var asking = Subscription(orgId: amber.id, channel: .webhook, target: "https://soc.test/tickets", acknowledgements: true)
        try await store.createSubscription(asking, secret: SubscriptionSecret.Kind.signing.make())
        let stored = try await store.subscription(id: asking.id)
        asking = try XCTUnwrap(stored)
        XCTAssertTrue(asking.acknowledgements)
        let published = try await store.publish(Alert.first(from: draft(.amber)), route: Self.everyoneClearedAndConcerned)
        let now = Date().millisecondPrecision
        // The alert itself goes to both; nothing about acknowledgement yet.
        let first = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now.addingTimeInterval(60), limit: 10)
        XCTAssertEqual(Set(first.map(\.delivery.subscriptionId)), [plain.id, asking.id])
        try await store.recordResults(try first.map { try result($0, .success(status: 204), at: now) })

        let mark = ReachMark(at: now.addingTimeInterval(1), by: "token:t", byName: "SOC", channel: "api")
        _ = try await store.acknowledge(alertId: published.alert.id, orgId: amber.id, mark: mark, note: "ticket 42")
        _ = try await store.acknowledge(alertId: published.alert.id, orgId: amber.id, mark: mark, note: "again")
        let later = now.addingTimeInterval(2)
        let events = try await store.claimDueDeliveries(channels: [.webhook], now: later, leaseUntil: later.addingTimeInterval(60), limit: 10)
        XCTAssertEqual(events.map(\.delivery.subscriptionId), [asking.id], "once, to the subscription that asked")
        let event = try XCTUnwrap(events.first)
        XCTAssertEqual(event.eventType, "alert.acknowledged")
        XCTAssertEqual(event.delivery.event, "alert.acknowledged")
        let data = try TocsinJSON.decoder().decode(AcknowledgedEvent.self, from: Data(event.alertJSON))
        XCTAssertEqual(data, AcknowledgedEvent(alertId: published.alert.id, revision: 1, orgId: amber.id, mark: mark, note: "ticket 42"))
        // An event is not a delivery of the alert: the reach still counts the alert's own.
        try await store.recordResults([try result(event, .success(status: 204), at: later)])
        assertEqual(try await store.reach(alertId: published.alert.id, orgId: amber.id)?.deliveries.count, 2)
    }

    func aRoleAddressedEmailGoesToWhoeverHoldsTheRoleWhenItLeaves() async throws {
        var org = try await org(.green)
        org.contacts = [Contact(role: .rssi, email: "rssi@chu.test"), Contact(role: .deputy, email: "adjoint@chu.test"),
                        Contact(role: .deputy, email: "ADJOINT@chu.test"), Contact(role: .deputy, email: "second@chu.test")]
        try await store.updateOrganisation(org)
        let email = Subscription(orgId: org.id, channel: .email, target: RoleAddress.target(.deputy))
        try await store.createSubscription(email, secret: SubscriptionSecret.Kind.unsubscribe.make())
        try await publish(draft(.green))
        let now = Date().millisecondPrecision
        let claimed = try await store.claimDueDeliveries(channels: [.email], now: now, leaseUntil: now.addingTimeInterval(60), limit: 10)
        XCTAssertEqual(claimed.first?.target, "role:deputy")
        XCTAssertEqual(claimed.first?.addresses, ["adjoint@chu.test", "second@chu.test"])
    }

    // MARK: Escalation

    /// Routing that concerns every organisation cleared and schedules two steps for each: 1 s and 1 h after publication.
    static let escalatingEveryone: RoutingStep = { alert, reads in
        let concerned = AcknowledgementPolicy.audience(of: alert, among: try reads.organisations())
        let targets = EscalationTargets(roles: [.deputy])
        return RoutingPlan(deliveries: [], supersedesWaiting: false, concerned: concerned.map { ConcernedOrganisation(orgId: $0.orgId) },
                           escalations: concerned.flatMap { org in [
                               PlannedEscalationStep(orgId: org.orgId, policyId: "p", step: 0, round: 0, dueAt: alert.updatedAt.addingTimeInterval(1),
                                                     targets: targets, after: ISO8601Duration(seconds: 1)),
                               PlannedEscalationStep(orgId: org.orgId, policyId: "p", step: 1, round: 0, dueAt: alert.updatedAt.addingTimeInterval(3_600),
                                                     targets: EscalationTargets(regionARS: true), after: ISO8601Duration(hours: 1)),
                           ] })
    }

    func escalationPoliciesAreKeptWithAVersionThatMovesOnEveryEdit() async throws {
        let amber = try await org(.amber)
        let start = try await store.escalationPolicies(unlessVersion: nil)
        XCTAssertEqual(start.policies, [])
        assertNil(try await store.escalationPolicies(unlessVersion: start.version).policies)
        let own = EscalationPolicy(id: "own", orgId: amber.id, name: "Nuit", steps: [EscalationStep(after: ISO8601Duration(minutes: 5), roles: [.oncall])],
                                   createdAt: Date(timeIntervalSince1970: 1), updatedAt: Date(timeIntervalSince1970: 1))
        try await store.saveEscalationPolicy(own)
        let fallback = EscalationPolicy(id: "fallback", name: "Défaut", steps: [], createdAt: Date(timeIntervalSince1970: 2), updatedAt: Date(timeIntervalSince1970: 2))
        try await store.saveEscalationPolicy(fallback)
        let read = try await store.escalationPolicies(unlessVersion: start.version)
        XCTAssertNotEqual(read.version, start.version)
        XCTAssertEqual(read.policies?.map(\.id), ["own", "fallback"])
        var edited = own
        edited.name = "Nuit et week-end"
        try await store.saveEscalationPolicy(edited)
        assertEqual(try await store.escalationPolicy(id: "own")?.name, "Nuit et week-end")
        // An edit keeps the policy's place.
        assertEqual(try await store.escalationPolicies().map(\.id), ["own", "fallback"])
        let afterEdit = try await store.escalationPolicies(unlessVersion: read.version)
        assertNotNil(afterEdit.policies)
        assertTrue(try await store.deleteEscalationPolicy(id: "fallback"))
        assertFalse(try await store.deleteEscalationPolicy(id: "fallback"))
        // An organisation's policies go with it.
        _ = try await store.deleteOrganisation(id: amber.id)
        assertEqual(try await store.escalationPolicies(), [])
        do {
            try await store.saveEscalationPolicy(own)
            XCTFail("a policy of an unknown organisation was saved")
        } catch StoreError.notFound {}
    }

    func escalationStepsAreScheduledOnceClaimedWhenDueAndStoppedByAnAcknowledgement() async throws {
        let amber = try await org(.amber), green = try await org(.green)
        let published = try await store.publish(Alert.first(from: draft(.amber)), route: Self.escalatingEveryone)
        let id = published.alert.id
        var steps = try await store.escalations(alertId: id)
        XCTAssertEqual(steps.map(\.orgId), [amber.id, amber.id], "only the organisations concerned")
        _ = green
        XCTAssertEqual(steps.map(\.state), [.pending, .pending])
        XCTAssertEqual(steps.first?.targets, EscalationTargets(roles: [.deputy]))
        XCTAssertEqual(steps.first?.after.description, "PT1S")
        assertEqual(try await store.nextEscalationDueDate(), published.alert.updatedAt.addingTimeInterval(1))

        // A revision schedules nothing twice.
        _ = try await store.revise(alertId: id, route: Self.escalatingEveryone) { alert in
            var draft = alert.draft
            draft.title = "Alerte corrigée"
            return try AlertLifecycle.revise(alert, with: draft, by: nil)
        }
        steps = try await store.escalations(alertId: id)
        XCTAssertEqual(steps.count, 2)

        // Nothing is due yet; at 1 s the first step is claimed, under a lease.
        let t0 = published.alert.updatedAt
        assertEqual(try await store.claimDueEscalations(now: t0, leaseUntil: t0 + 60, limit: 10).count, 0)
        let claimed = try await store.claimDueEscalations(now: t0 + 2, leaseUntil: t0 + 62, limit: 10)
        XCTAssertEqual(claimed.map(\.record.step), [0])
        XCTAssertEqual(claimed.first?.organisation.id, amber.id)
        XCTAssertEqual(claimed.first?.alert.id, id)
        XCTAssertEqual(claimed.first?.record.attempts, 1)
        // Held by its lease.
        assertEqual(try await store.claimDueEscalations(now: t0 + 3, leaseUntil: t0 + 63, limit: 10).count, 0)
        // The worker died and a broker restarts on the store: the claim is taken back at once; the old claim can no
        // longer record.
        assertEqual(try await store.reclaimAbandonedEscalations(now: t0 + 4), 1)
        let again = try await store.claimDueEscalations(now: t0 + 4, leaseUntil: t0 + 130, limit: 10)
        XCTAssertEqual(again.first?.record.attempts, 2)
        assertFalse(try await store.recordEscalation(EscalationResult(id: claimed[0].record.id, attempts: 1, state: .sent, at: t0 + 71)))
        assertTrue(try await store.recordEscalation(EscalationResult(id: again[0].record.id, attempts: 2, state: .sent, at: t0 + 72,
                                                                     recipients: ["contact:c2"])))
        // A step sent is never moved again.
        assertFalse(try await store.recordEscalation(EscalationResult(id: again[0].record.id, attempts: 2, state: .failed, at: t0 + 73)))
        steps = try await store.escalations(alertId: id)
        XCTAssertEqual(steps.map(\.state), [.sent, .pending])
        XCTAssertEqual(steps.first?.sentAt, t0 + 72)
        assertEqual(try await store.escalationCounts(), [.sent: 1, .pending: 1])

        // Acknowledged: the next step is cancelled when it falls due, never claimed.
        _ = try await store.acknowledge(alertId: id, orgId: amber.id, mark: ReachMark(at: t0 + 100, by: "token:t", channel: "api"), note: nil)
        assertEqual(try await store.claimDueEscalations(now: t0 + 3_601, leaseUntil: t0 + 3_661, limit: 10).count, 0)
        steps = try await store.escalations(alertId: id)
        XCTAssertEqual(steps.map(\.state), [.sent, .cancelled])
        XCTAssertEqual(steps.last?.lastError, "acknowledged")
        assertNil(try await store.nextEscalationDueDate())
    }

    func aCancelledAlertEscalatesNoFurther() async throws {
        _ = try await org(.amber)
        let published = try await store.publish(Alert.first(from: draft(.amber)), route: Self.escalatingEveryone)
        _ = try await store.revise(alertId: published.alert.id, route: { _, _ in .nothing }) { alert in
            try AlertLifecycle.cancel(alert, reason: "fausse alerte", by: nil)
        }
        let t0 = published.alert.updatedAt
        assertEqual(try await store.claimDueEscalations(now: t0 + 4_000, leaseUntil: t0 + 4_060, limit: 10).count, 0)
        let steps = try await store.escalations(alertId: published.alert.id)
        XCTAssertEqual(steps.map(\.state), [.cancelled, .cancelled])
        XCTAssertEqual(steps.first?.lastError, "alert cancelled")
    }

    // MARK: Source states and audit

    func sourceStatesRoundTrip() async throws {
        assertNil(try await store.sourceState(name: "cert-fr"))
        try await store.saveSourceState(name: "cert-fr", json: #"{"etag":"a"}"#)
        try await store.saveSourceState(name: "cert-fr", json: #"{"etag":"b"}"#)
        assertEqual(try await store.sourceState(name: "cert-fr"), #"{"etag":"b"}"#)
    }

    /// TAXII objects: `date_added` strictly increasing per collection even when the clock stands still, paging after a
    /// date exclusive, the latest version across collections, the region scope, and catching up only from where the
    /// collections stand.
    func taxiiObjectsAreAddedInOrderAndPagedAfterADate() async throws {
        func object(_ id: String, _ version: String) -> STIXObject {
            STIXObject(id: id, type: String(id.prefix { $0 != "-" }), version: version, json: "{\"id\":\"\(id)\"}")
        }
        let initial = try await store.taxiiSyncedSequence()
        XCTAssertEqual(initial, 0)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let records = [
            TAXIIObjectRecord(collection: .green, object: object("report--a", "2026-01-01T00:00:00.000Z"), regions: []),
            TAXIIObjectRecord(collection: .green, object: object("indicator--b", "2026-01-01T00:00:00.000Z"), regions: ["28"]),
            TAXIIObjectRecord(collection: .red, object: object("report--c", "2026-01-01T00:00:00.000Z"), regions: []),
            TAXIIObjectRecord(collection: .green, object: object("report--a", "2026-01-01T00:00:00.000Z"), regions: []),
        ]
        let appended = try await store.appendTAXIIObjects(records, after: 0, through: 2, now: now)
        XCTAssertTrue(appended)
        let stale = try await store.appendTAXIIObjects(records, after: 0, through: 3, now: now)
        XCTAssertFalse(stale, "another writer caught up first")
        let synced = try await store.taxiiSyncedSequence()
        XCTAssertEqual(synced, 2)
        // A later version of report--a, moved to RED: GREEN keeps its old version, no longer the latest.
        let revised = try await store.appendTAXIIObjects([TAXIIObjectRecord(collection: .red, object: object("report--a", "2026-01-02T00:00:00.000Z"), regions: [])],
                                                         after: 2, through: 3, now: now)
        XCTAssertTrue(revised)
        let green = try await store.taxiiObjects(TAXIIObjectQuery(collection: .green, versions: .all, limit: 10))
        XCTAssertEqual(green.rows.map(\.id), ["report--a", "indicator--b"])
        XCTAssertEqual(green.rows[1].dateAdded, green.rows[0].dateAdded + 1, "unique and strictly increasing with a still clock")
        XCTAssertFalse(green.more)
        let latest = try await store.taxiiObjects(TAXIIObjectQuery(collection: .green, limit: 10))
        XCTAssertEqual(latest.rows.map(\.id), ["indicator--b"])
        let after = try await store.taxiiObjects(TAXIIObjectQuery(collection: .green, addedAfter: green.rows[0].dateAdded, versions: .all, limit: 10))
        XCTAssertEqual(after.rows.map(\.id), ["indicator--b"], "added_after is exclusive")
        let paged = try await store.taxiiObjects(TAXIIObjectQuery(collection: .green, versions: .all, limit: 1))
        XCTAssertEqual(paged.rows.count, 1)
        XCTAssertTrue(paged.more)
        let elsewhere = try await store.taxiiObjects(TAXIIObjectQuery(collection: .green, versions: .all, region: .some("11"), limit: 10))
        XCTAssertEqual(elsewhere.rows.map(\.id), ["report--a"], "a regional object is only for its region")
        let red = try await store.taxiiObjects(TAXIIObjectQuery(collection: .red, ids: ["report--a"], versions: .all, limit: 10))
        XCTAssertEqual(red.rows.map(\.version), ["2026-01-02T00:00:00.000Z"])
    }

    func theAuditLogAppendsAndFilters() async throws {
        for (action, outcome) in [("alert.publish", AuditEntry.Outcome.ok), ("token.revoke", .refused), ("alert.publish", .failed)] {
            try await store.appendAudit(AuditEntry(actor: "tok_1", actorRole: .admin, orgId: nil, action: action, target: nil,
                                                   sourceAddress: "127.0.0.1", outcome: outcome))
        }
        let all = try await store.auditEntries(AuditQuery())
        XCTAssertEqual(all.items.map(\.action), ["alert.publish", "token.revoke", "alert.publish"])
        XCTAssertEqual(all.items.map(\.sequence), all.items.map(\.sequence).sorted(by: >))
        assertEqual(try await store.auditEntries(AuditQuery(action: "alert.publish")).items.count, 2)
        assertEqual(try await store.auditEntries(AuditQuery(outcome: .refused)).items.map(\.action), ["token.revoke"])
        try await store.probeWrite(now: Date())
    }

    func incidentsKeepTheirThreadTheirFlashAlertAndTheSightings() async throws {
        let victim = try await org(.amber), other = try await org(.amber)
        let now = Date().millisecondPrecision
        let first = Incident(orgId: victim.id, summary: "Rançongiciel", indicators: [Indicator(type: .ipv4, value: "192.0.2.1", origin: .stated)],
                             declaredAt: now)
        let second = Incident(orgId: other.id, summary: "Hameçonnage", declaredAt: now + 1)
        try await store.createIncident(first)
        try await store.createIncident(second)
        assertEqual(try await store.incident(id: first.id), first)
        assertEqual(try await store.incidents(orgId: nil, status: nil, page: PageRequest()).items.map(\.id), [second.id, first.id])
        assertEqual(try await store.incidents(orgId: victim.id, status: nil, page: PageRequest()).items.map(\.id), [first.id])
        let page = try await store.incidents(orgId: nil, status: .new, page: PageRequest(limit: 1))
        assertEqual(page.items.map(\.id), [second.id])
        assertEqual(try await store.incidents(orgId: nil, status: .new, page: PageRequest(limit: 1, cursor: page.nextCursor)).items.map(\.id), [first.id])

        let alert = try await publish(draft(.amber)).alert
        let flashed = try await store.updateIncident(id: first.id) { try IncidentLifecycle.flashed($0, alertId: alert.id, namesDeclarant: false, now: now + 2) }
        assertEqual(flashed?.status, .flashPublished)
        assertEqual(try await store.incident(flashAlertId: alert.id)?.id, first.id)
        assertEqual(try await store.incidents(orgId: nil, status: .flashPublished, page: PageRequest()).items.map(\.id), [first.id])
        assertNil(try await store.updateIncident(id: "missing") { $0 })

        try await store.appendIncidentMessage(IncidentMessage(incidentId: first.id, author: .cert, body: "Une note de rançon ?", at: now))
        try await store.appendIncidentMessage(IncidentMessage(incidentId: first.id, author: .declarant, body: "Oui.", at: now + 1))
        assertEqual(try await store.incidentMessages(incidentId: first.id).map(\.author), [.cert, .declarant])
        assertEqual(try await store.incidentMessages(incidentId: second.id).count, 0)

        for (orgId, at) in [(victim.id, now), (other.id, now), (other.id, now + 60)] {
            try await store.recordSighting(Sighting(alertId: alert.id, indicatorType: .ipv4, indicatorValue: "192.0.2.1", orgId: orgId, region: "28", at: at))
        }
        let sightings = try await store.sightings(alertId: alert.id)
        assertEqual(sightings.count, 2, "one row per organisation and indicator")
        assertEqual(sightings.first { $0.orgId == other.id }?.at, now + 60)
    }

    // MARK: Relay

    func theRelayStoreKeepsIdentityUpstreamsCheckpointsAnnotationsAndReports() async throws {
        let id = try await store.brokerId()
        assertFalse(id.isEmpty)
        assertEqual(try await store.brokerId(), id, "the broker's id is made once and kept")

        try await store.addUpstream(UpstreamRecord(name: "national", url: "https://national.example", token: "tcs_x"))
        do {
            try await store.addUpstream(UpstreamRecord(name: "national", url: "https://other.example", token: "tcs_y"))
            XCTFail("a name is taken once")
        } catch StoreError.conflict {}
        assertEqual(try await store.upstreams().map(\.name), ["national"])

        assertNil(try await store.relayCheckpoint(upstream: "national"))
        try await store.saveRelayCheckpoint(upstream: "national", eventId: 7)
        try await store.saveRelayCheckpoint(upstream: "national", eventId: 3)
        assertEqual(try await store.relayCheckpoint(upstream: "national"), 7, "a checkpoint never moves back")

        // The relayed revision and the checkpoint are one transaction.
        let green = try await org(.green)
        try await webhook(green)
        var incoming = Alert.first(from: draft())
        incoming.revision = 3
        let copy = incoming
        let stored = try await store.storeRelayed(alertId: copy.id, upstream: "national", eventId: 9, route: Self.everyoneCleared) { held in
            assertNil(held)
            return copy
        }
        assertEqual(stored?.alert.revision, 3, "the origin's revision number is kept")
        assertEqual(stored?.deliveriesQueued, 1)
        assertEqual(try await store.relayCheckpoint(upstream: "national"), 9)
        struct Refused: Error {}
        do {
            _ = try await store.storeRelayed(alertId: copy.id, upstream: "national", eventId: 10, route: Self.everyoneCleared) { _ in throw Refused() }
            XCTFail("the refusal is thrown")
        } catch is Refused {}
        assertEqual(try await store.relayCheckpoint(upstream: "national"), 9, "nothing stored, the checkpoint did not move")
        let dropped = try await store.storeRelayed(alertId: copy.id, upstream: "national", eventId: 11, route: Self.everyoneCleared) { held in
            assertEqual(held?.revision, 3)
            return nil
        }
        assertNil(dropped)
        assertEqual(try await store.relayCheckpoint(upstream: "national"), 11, "a dropped event moves the checkpoint")
        do {
            _ = try await store.storeRelayed(alertId: copy.id, upstream: "national", eventId: 12, route: Self.everyoneCleared) { _ in copy }
            XCTFail("a revision no newer than the one held is refused")
        } catch StoreError.conflict {}

        // A catch-up item moves the upstream time seen (never back) and not the checkpoint; ending the catch-up sets
        // the checkpoint to the upstream's head, below it when the upstream's event ids restarted.
        let seen = Date(timeIntervalSince1970: 1_800_000_000)
        var newer = copy
        newer.revision = 4
        let caughtUp = newer
        let storedByCatchUp = try await store.storeRelayed(alertId: copy.id, upstream: "national", eventId: nil, seen: seen,
                                                           route: Self.everyoneCleared) { _ in caughtUp }
        assertEqual(storedByCatchUp?.alert.revision, 4)
        _ = try await store.storeRelayed(alertId: copy.id, upstream: "national", eventId: nil, seen: seen - 60, route: Self.everyoneCleared) { _ in nil }
        var mark = try await store.relayCatchUpMark(upstream: "national")
        assertEqual(mark?.lastEventId, 11, "a catch-up item does not move the checkpoint")
        assertEqual(mark?.seenUntil, seen, "the time seen never moves back")
        assertNil(mark?.caughtUpAt)
        try await store.finishRelayCatchUp(upstream: "national", resumeAfter: 5, seen: seen - 30, at: seen + 10)
        mark = try await store.relayCatchUpMark(upstream: "national")
        assertEqual(mark?.lastEventId, 5, "the upstream's head, below the old checkpoint")
        assertEqual(mark?.caughtUpAt, seen + 10)
        assertEqual(mark?.seenUntil, seen)
        assertEqual(try await store.relayCheckpoint(upstream: "national"), 5)
        assertNil(try await store.relayCatchUpMark(upstream: "elsewhere"))

        // Annotations, and the reach downstream brokers report, apart from the alert log.
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.setAnnotation(AlertAnnotation(alertId: copy.id, text: "Note de l'ARS", author: nil, createdAt: now, updatedAt: now))
        assertEqual(try await store.annotation(alertId: copy.id)?.text, "Note de l'ARS")
        let claimed = try await store.claimDueDeliveries(channels: [.webhook], now: Date() + 60, leaseUntil: Date() + 90, limit: 10)
        assertEqual(claimed.first?.annotation, "Note de l'ARS", "deliveries carry the annotation")
        do {
            try await store.setAnnotation(AlertAnnotation(alertId: "unknown", text: "x", author: nil, createdAt: now, updatedAt: now))
            XCTFail("no annotation on an unknown alert")
        } catch StoreError.notFound {}
        try await store.saveRelayedReach([(copy.id, "{\"a\":1}")], reporterOrgId: green.id, now: now)
        try await store.saveRelayedReach([(copy.id, "{\"a\":2}")], reporterOrgId: green.id, now: now)
        assertEqual(try await store.relayedReach(alertId: copy.id).map(\.json), ["{\"a\":2}"], "a report replaces the previous one")
        assertEqual(try await store.alert(id: copy.id)?.revision, 4, "a report is never a revision")

        assertTrue(try await store.removeUpstream(name: "national"))
        assertNil(try await store.relayCheckpoint(upstream: "national"))
        assertFalse(try await store.removeUpstream(name: "national"))
    }
}

// XCTest's assertions take autoclosures that cannot await: these take the awaited value.
func assertEqual<T: Equatable>(_ value: T, _ expected: T, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(value, expected, message, file: file, line: line)
}
func assertNil<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) { XCTAssertNil(value, file: file, line: line) }
func assertNotNil<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) { XCTAssertNotNil(value, file: file, line: line) }
func assertTrue(_ value: Bool, file: StaticString = #filePath, line: UInt = #line) { XCTAssertTrue(value, file: file, line: line) }
func assertFalse(_ value: Bool, file: StaticString = #filePath, line: UInt = #line) { XCTAssertFalse(value, file: file, line: line) }
