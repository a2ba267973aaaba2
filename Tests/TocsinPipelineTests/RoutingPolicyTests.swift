import Foundation
import TocsinPipeline
import TocsinCore
import TocsinDelivery
import TocsinStore
import TocsinTestSupport
import XCTest

/// Who a revision is pushed to and when: the routing policy, without I/O.
final class RoutingPolicyTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func subscription(_ id: String, org: String? = nil, clearance: TLP = .amber, region: String? = "28", channel: Channel = .webhook,
                      filter: SubscriptionFilter = SubscriptionFilter(), digest: DigestMode = .immediate) -> RoutableSubscription {
        RoutableSubscription(subscriptionId: id, orgId: org ?? "org-\(id)", channel: channel, clearance: clearance, orgRegion: region,
                             filter: filter, digest: digest)
    }

    func alert(_ tlp: TLP = .green, severity: Severity = .medium, revision: Int = 1, attributes: [String: String] = [:]) -> Alert {
        var alert = Alert.first(from: AlertDraft(title: "Vulnérabilité", summary: "Résumé", severity: severity, tlp: tlp, attributes: attributes),
                                id: "a1", now: now)
        alert.revision = revision
        return alert
    }

    func recipients(_ alert: Alert, previous: Alert? = nil, previousRecipients: Set<String> = [], _ subs: [RoutableSubscription],
                    concerned: Set<String> = []) -> [String] {
        RoutingPolicy.recipients(of: alert, previous: previous, previousRecipients: previousRecipients, index: RoutingIndex(subs),
                                 concerned: concerned, pulled: ChannelRegistry.catalog.pulled).map(\.subscriptionId)
    }

    func testABackfilledRevisionIsPushedToNoOne() {
        let subs = [subscription("s1"), subscription("s2")]
        XCTAssertEqual(recipients(alert(), subs), ["s1", "s2"])
        XCTAssertEqual(recipients(alert(attributes: [Alert.backfilledAttribute: "true"]), subs), [])
        XCTAssertEqual(recipients(alert(revision: 2, attributes: [Alert.backfilledAttribute: "true"]), previousRecipients: ["s1"], subs), [])
    }

    func testFeedsArePulledAndTakeNoDelivery() {
        XCTAssertEqual(recipients(alert(), [subscription("hook"), subscription("feed", channel: .feed), subscription("mail", channel: .email)]),
                       ["hook", "mail"])
    }

    func testAKnownExploitedFlagReachesOnlyTheSubscriptionsItsSeverityNowReaches() {
        let subs = [subscription("all"), subscription("high", filter: SubscriptionFilter(minSeverity: .high)),
                    subscription("critical", filter: SubscriptionFilter(minSeverity: .critical))]
        let before = alert(severity: .medium)
        let flagged = alert(severity: .high, revision: 2, attributes: [Alert.notifyAttribute: Alert.notifyNewlyMatching])
        XCTAssertEqual(recipients(flagged, previous: before, previousRecipients: ["all"], subs), ["high"])
        // The same revision without the mark tells everyone it reaches, and everyone told before.
        XCTAssertEqual(recipients(alert(severity: .high, revision: 2), previous: before, previousRecipients: ["all"], subs), ["all", "high"])
    }

    func testARevisionReachesEarlierRecipientsThatMayStillReadIt() {
        let subs = [subscription("green", clearance: .green, filter: SubscriptionFilter(minSeverity: .high)),
                    subscription("amber", filter: SubscriptionFilter(minSeverity: .high)), subscription("low", filter: SubscriptionFilter(minSeverity: .critical))]
        // Lowered to `low`: no filter matches it now, but those told before hear of the change.
        XCTAssertEqual(recipients(alert(.green, severity: .low, revision: 2), previousRecipients: ["green", "amber"], subs), ["green", "amber"])
        // Raised to AMBER: the organisation cleared for GREEN hears nothing more, filter or not.
        XCTAssertEqual(recipients(alert(.amber, severity: .low, revision: 2), previousRecipients: ["green", "amber"], subs), ["amber"])
    }

    func testOnlyInventoryMatchesTakesTheAlertOnlyForConcernedOrganisations() {
        let subs = [subscription("inventory", org: "chu", filter: SubscriptionFilter(onlyInventoryMatches: true)), subscription("everything", org: "ars")]
        XCTAssertEqual(recipients(alert(), subs), ["everything"])
        XCTAssertEqual(recipients(alert(), subs, concerned: ["chu"]), ["inventory", "everything"])
    }

    func testThePlanSetsDueDatesByDigestAndCarriesEachOrganisationsConcerns() throws {
        var schedule = DigestSchedule()
        schedule.timeZone = try XCTUnwrap(TimeZone(identifier: "Europe/Paris"))
        let subs = [subscription("now", org: "chu"), subscription("hourly", org: "chu", channel: .email, digest: .hourly),
                    subscription("daily", org: "ehpad", channel: .email, digest: .daily)]
        let concern = InventoryConcern(item: "FortiOS 7.2", product: "FortiOS", confidence: .productOnly, french: "concerne", english: "concerns")
        let first = alert()
        let plan = RoutingPolicy.plan(first, recipients: subs, concerns: ["chu": [concern]], digests: schedule)
        XCTAssertEqual(plan.deliveries.map(\.subscriptionId), ["now", "hourly", "daily"])
        XCTAssertEqual(plan.deliveries.map(\.dueAt), [first.updatedAt, schedule.due(after: first.updatedAt, mode: .hourly),
                                                      schedule.due(after: first.updatedAt, mode: .daily)])
        XCTAssertGreaterThan(plan.deliveries[2].dueAt, plan.deliveries[1].dueAt)
        XCTAssertEqual(plan.deliveries.map(\.concerns), [[concern], [concern], []])
        XCTAssertFalse(plan.supersedesWaiting)
        XCTAssertTrue(RoutingPolicy.plan(alert(revision: 2), recipients: subs, concerns: [:], digests: schedule).supersedesWaiting)
    }

    func testTheFeedAndStreamPredicateIsTheRoutingOne() {
        // Random subscriptions and alerts: one subscription alone takes an alert exactly when routing over many does.
        var random = SplitMix64(seed: 0x5EED)
        func next(_ n: Int) -> Int { Int.random(in: 0..<n, using: &random) }
        let tlps = TLP.allCases, severities = Severity.allCases
        let categories = ["ransomware", "phishing", "vulnerability"], regions = ["11", "28", "84"]
        for _ in 0..<300 {
            var subs: [RoutableSubscription] = []
            for index in 0..<8 {
                let filter = SubscriptionFilter(minSeverity: next(2) == 0 ? nil : severities[next(severities.count)],
                                                categories: next(2) == 0 ? [] : [categories[next(3)]],
                                                regions: next(3) == 0 ? [regions[next(3)]] : [],
                                                keywords: next(4) == 0 ? ["rançon"] : [], onlyInventoryMatches: next(5) == 0)
                subs.append(subscription("s\(index)", org: "o\(next(4))", clearance: tlps[next(tlps.count)],
                                         region: next(4) == 0 ? Region.all : regions[next(3)], filter: filter))
            }
            let draft = AlertDraft(title: next(2) == 0 ? "Rançongiciel actif" : "Vulnérabilité", summary: "", severity: severities[next(severities.count)],
                                   tlp: tlps[next(tlps.count)], categories: next(2) == 0 ? [categories[next(3)]] : [],
                                   regions: next(2) == 0 ? [regions[next(3)]] : [])
            let alert = Alert.first(from: draft, now: now)
            let concerned: Set<String> = next(2) == 0 ? ["o1", "o2"] : []
            let routed = Set(RoutingIndex(subs).route(alert, concerned: concerned).map(\.subscriptionId))
            for sub in subs {
                XCTAssertEqual(sub.takes(alert, concerned: concerned), routed.contains(sub.subscriptionId), "\(sub) \(alert.title)")
                // No filter widens TLP or region.
                if sub.takes(alert, concerned: concerned) { XCTAssertTrue(sub.mayReceive(alert)) }
            }
        }
    }
}
