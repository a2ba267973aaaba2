import Foundation
import TocsinCore
import TocsinDelivery
import TocsinStore
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
    func testGoneDisablesTheSubscriptionAndItsWaitingDeliveries() async throws { try await conformance.goneDisablesTheSubscriptionAndItsWaitingDeliveries() }
    func testTheExitRechecksClearanceSoALoweredOrganisationGetsNothingMore() async throws { try await conformance.theExitRechecksClearanceSoALoweredOrganisationGetsNothingMore() }
    func testClaimsOfAStoppedBrokerAreTakenBackAtOnceWithTheirIds() async throws { try await conformance.claimsOfAStoppedBrokerAreTakenBackAtOnceWithTheirIds() }
    func testReleasedClaimsAreDueAgainAsIfNeverTaken() async throws { try await conformance.releasedClaimsAreDueAgainAsIfNeverTaken() }
    func testASubscriptionIsServedInPublicationOrder() async throws { try await conformance.aSubscriptionIsServedInPublicationOrder() }
    func testAFinishedDeliveryReleasesTheNextFewOfItsSubscriptionInOrder() async throws {
        try await conformance.aFinishedDeliveryReleasesTheNextFewOfItsSubscriptionInOrder()
    }
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

    func testMigrationsAreNamedAndRunOnceAtOpen() throws {
        let expected = ["2026-11-23-spine", "2026-11-23-alert-events", "2026-11-23-email-unsubscribe", "2026-11-23-digests", "2026-11-23-ingest", "2026-11-23-sources", "2026-11-23-inventory",
                        "2026-12-02-alert-publishers", "2026-12-02-token-expiry", "2026-12-02-audit-log",
                        "2026-12-02-delivery-order", "2026-12-03-inventory-parts", "2026-12-03-reach",
                        "2026-12-03-acknowledgement-events", "2026-12-03-exercises", "2026-12-03-escalation", "2026-12-03-incidents",
                        "2026-12-03-relay", "2026-12-03-taxii", "2026-12-03-relay-catchup",
                        "2026-12-03-console-sessions", "2026-12-03-org-finess",
                        "2026-12-03-delivery-indexes"]
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
