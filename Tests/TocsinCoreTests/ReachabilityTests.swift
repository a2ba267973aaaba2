import Foundation
import XCTest
import TocsinCore

final class ReachabilityTests: XCTestCase {
    func dead(_ status: Int?, channel: String = "webhook") -> DeliveryStanding {
        DeliveryStanding(subscriptionId: "s", channel: Channel(channel), revision: 1, state: .dead, lastError: "gone", lastStatus: status)
    }

    func testAnOrganisationIsUnreachableOnlyWhenNoChannelWorks() {
        XCTAssertEqual(OrganisationChannels(orgId: "o", subscriptions: []).unreachableReasons, ["no-subscription: no subscription"])
        // Nothing delivered yet: no evidence against it.
        XCTAssertNil(OrganisationChannels(orgId: "o", subscriptions: [SubscriptionStanding(subscriptionId: "a", channel: .webhook, active: true)]).unreachableReasons)
        // An active feed works, whatever happened elsewhere.
        let feed = SubscriptionStanding(subscriptionId: "f", channel: Channel("feed"), active: true, pulled: true)
        let bounced = SubscriptionStanding(subscriptionId: "m", channel: Channel("email"), active: true, lastFinished: dead(550, channel: "email"))
        XCTAssertNil(OrganisationChannels(orgId: "o", subscriptions: [bounced, feed]).unreachableReasons)
        // A 410 disabled one, a hard bounce on the other: unreachable, with both reasons.
        let gone = SubscriptionStanding(subscriptionId: "w", channel: .webhook, active: false, disabledReason: "receiver answered 410 Gone",
                                        lastFinished: dead(410))
        let reasons = OrganisationChannels(orgId: "o", subscriptions: [gone, bounced]).unreachableReasons ?? []
        XCTAssertEqual(reasons.count, 2)
        XCTAssertTrue(reasons[0].hasPrefix("dead-lettered: email subscription m") && reasons[0].contains("hard bounce"), reasons[0])
        XCTAssertTrue(reasons[1].hasPrefix("disabled: webhook subscription w disabled (receiver answered 410 Gone)"), reasons[1])
        // A later success brings it back.
        var recovered = bounced
        recovered.lastFinished?.state = .delivered
        XCTAssertNil(OrganisationChannels(orgId: "o", subscriptions: [gone, recovered]).unreachableReasons)
    }

    func testTheExerciseReportAddsUpItsAlertsByOrganisationAndRegion() {
        let t0 = Date(timeIntervalSince1970: 1_780_000_000)
        func alert(_ id: String) -> Alert {
            var draft = AlertDraft(title: "Exercice", summary: "s", severity: .high, tlp: .green)
            draft.exerciseId = "ex"
            return Alert.first(from: draft, id: id, now: t0)
        }
        func row(_ alert: String, _ org: String, region: String, acked: Double?) -> OrganisationReach {
            OrganisationReach(alertId: alert, orgId: org, orgName: org, region: region, clearance: .amber, concernedAt: t0, concernedRevision: 1,
                              delivered: ReachMark(at: t0 + 1, channel: "webhook"), acknowledged: acked.map { ReachMark(at: t0 + $0, channel: "api") },
                              activeSubscriptions: 1)
        }
        let first = ReachReport.make(alert: alert("a1"), rows: [row("a1", "o1", region: "11", acked: 10), row("a1", "o2", region: "53", acked: nil)], now: t0)
        let second = ReachReport.make(alert: alert("a2"), rows: [row("a2", "o1", region: "11", acked: 30), row("a2", "o2", region: "53", acked: 20)], now: t0)
        let report = ExerciseReport.make(exerciseId: "ex", reports: [first, second], now: t0)
        XCTAssertEqual(report.alerts.map(\.id), ["a1", "a2"])
        XCTAssertEqual(report.counts, ReachCounts(concerned: 4, delivered: 4, seen: 3, acknowledged: 3))
        XCTAssertEqual(report.timeToAcknowledge, DelaySummary(count: 3, p50: 20, p90: 30, max: 30))
        XCTAssertEqual(report.byOrganisation.map(\.orgId), ["o1", "o2"])
        XCTAssertEqual(report.byOrganisation[0].timeToAcknowledge, DelaySummary(count: 2, p50: 10, p90: 30, max: 30))
        XCTAssertEqual(report.byRegion["53"]?.counts.acknowledged, 1)
        XCTAssertEqual(report.neverAcknowledged.map(\.alertId), ["a1"])
        XCTAssertEqual(report.unreachable.count, 0)
    }
}
