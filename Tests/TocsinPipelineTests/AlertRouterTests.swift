import Foundation
import TocsinCore
import TocsinDelivery
import TocsinPipeline
import TocsinStore
import TocsinTestSupport
import XCTest

/// The routing step over a real store: the index follows the directory, and what it plans is what is queued.
final class AlertRouterTests: XCTestCase {
    var directory: String!
    var store: SQLiteStore!
    var routing: AlertRouter!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "tocsin-routing-\(UUID().uuidString)"
        store = try SQLiteStore(path: directory + "/tocsin.sqlite", channels: ChannelRegistry.catalog)
        routing = AlertRouter(store: store, messages: try TemplateMessages.load())
    }

    override func tearDownWithError() throws {
        routing = nil
        store = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    func org(_ clearance: TLP) async throws -> Organisation { try await store.makeOrganisation(clearance) }

    @discardableResult
    func webhook(_ org: Organisation, filter: SubscriptionFilter = SubscriptionFilter()) async throws -> Subscription {
        try await store.makeWebhook(org, filter: filter)
    }

    func publish(_ tlp: TLP, severity: Severity = .high) async throws -> PublishResult {
        try await store.publish(Alert.first(from: AlertDraft(title: "Alerte", summary: "Résumé", severity: severity, tlp: tlp)),
                                route: try await routing.router())
    }

    func testTheIndexFollowsSubscriptionAndOrganisationChanges() async throws {
        var green = try await org(.green)
        try await webhook(green)
        let refused = try await publish(.amber)
        XCTAssertEqual(refused.deliveriesQueued, 0)
        green.tlpClearance = .amber
        try await store.updateOrganisation(green)
        let cleared = try await publish(.amber)
        XCTAssertEqual(cleared.deliveriesQueued, 1)
        try await webhook(green, filter: SubscriptionFilter(minSeverity: .critical))
        let both = try await publish(.amber, severity: .critical)
        XCTAssertEqual(both.deliveriesQueued, 2)
        let index = try await routing.index()
        XCTAssertEqual(index.count, 2)
    }

    func testARevisionReachesThoseToldBeforeAndSupersedesWhatStillWaits() async throws {
        let amber = try await org(.amber)
        let sub = try await webhook(amber, filter: SubscriptionFilter(minSeverity: .high))
        let first = try await publish(.green, severity: .high)
        let lowered = AlertDraft(title: "Alerte révisée", summary: "Résumé", severity: .low, tlp: .green)
        let second = try await store.revise(alertId: first.alert.id, route: try await routing.router()) {
            try AlertLifecycle.revise($0, with: lowered, by: nil)
        }
        XCTAssertEqual(second.deliveriesQueued, 1)
        let deliveries = try await store.deliveries(DeliveryQuery(subscriptionId: sub.id)).items
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: deliveries.map { ($0.revision, $0.state) }), [1: .superseded, 2: .pending])
    }

    func testTheRoutingStepSeesSubscriptionsCommittedBeforeIt() async throws {
        let amber = try await org(.amber)
        // A step taken before the subscription exists still routes to it: the index is read in the transaction.
        let step = try await routing.router()
        try await webhook(amber)
        let result = try await store.publish(Alert.first(from: AlertDraft(title: "Alerte", summary: "", severity: .high, tlp: .green)), route: step)
        XCTAssertEqual(result.deliveriesQueued, 1)
    }

    func testEscalationIsScheduledWithThePolicyInForceAtPublicationAndNeverTwice() async throws {
        let amber = try await org(.amber), green = try await org(.green)
        let defaults = EscalationDefaults(defaultPolicy: EscalationPolicy(id: "default", name: "Défaut", match: EscalationMatch(minSeverity: .critical),
                                                                         steps: [EscalationStep(after: ISO8601Duration(minutes: 30), roles: [.deputy])]))
        routing = AlertRouter(store: store, messages: try TemplateMessages.load(), escalation: defaults)
        // The configured default: critical alerts, every organisation concerned.
        let critical = try await publish(.green, severity: .critical)
        var steps = try await store.escalations(alertId: critical.alert.id)
        XCTAssertEqual(Set(steps.map(\.orgId)), [amber.id, green.id])
        XCTAssertEqual(steps.map(\.policyId), ["default", "default"])
        XCTAssertEqual(steps.first?.dueAt, critical.alert.updatedAt.addingTimeInterval(1_800))
        let notCritical = try await publish(.green, severity: .high)
        let none = try await store.escalations(alertId: notCritical.alert.id)
        XCTAssertEqual(none.count, 0)

        // Amber's own policy, saved now, replaces the default for the next alerts (read again since it changed).
        try await store.saveEscalationPolicy(EscalationPolicy(id: "own", orgId: amber.id, name: "Nuit", match: EscalationMatch(minSeverity: .high),
                                                              steps: [EscalationStep(after: ISO8601Duration(minutes: 5), roles: [.oncall])]))
        let high = try await publish(.green, severity: .high)
        steps = try await store.escalations(alertId: high.alert.id)
        XCTAssertEqual(steps.map(\.orgId), [amber.id])
        XCTAssertEqual(steps.first?.targets, EscalationTargets(roles: [.oncall]))

        // A revision schedules nothing twice, and a cancellation nothing at all.
        _ = try await store.revise(alertId: critical.alert.id, route: try await routing.router()) { alert in
            var draft = alert.draft
            draft.title = "Alerte corrigée"
            return try AlertLifecycle.revise(alert, with: draft, by: nil)
        }
        _ = try await store.revise(alertId: critical.alert.id, route: try await routing.router()) { try AlertLifecycle.cancel($0, reason: nil, by: nil) }
        let kept = try await store.escalations(alertId: critical.alert.id)
        XCTAssertEqual(kept.count, 2)

        // Off: nothing scheduled.
        routing = AlertRouter(store: store, messages: try TemplateMessages.load(), escalation: EscalationDefaults(enabled: false))
        let off = try await publish(.green, severity: .critical)
        let nothing = try await store.escalations(alertId: off.alert.id)
        XCTAssertEqual(nothing.count, 0)
    }
}
