import Foundation
import XCTest
import TocsinCore
import TocsinTestSupport

final class ReachReportTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    func alert(tlp: TLP = .green, regions: [String] = []) -> Alert {
        Alert.first(from: AlertDraft(title: "Rançongiciel", summary: "s", severity: .high, tlp: tlp, regions: regions), id: "a1", now: t0)
    }

    func row(_ org: String, region: String? = "11", clearance: TLP = .green, subscriptions: Int = 1, deliveries: [DeliveryStanding] = [],
             delivered: Double? = nil, seen: Double? = nil, acked: Double? = nil) -> OrganisationReach {
        OrganisationReach(alertId: "a1", orgId: org, orgName: "Org \(org)", region: region, clearance: clearance, concernedAt: t0, concernedRevision: 1,
                          delivered: delivered.map { ReachMark(at: t0 + $0, channel: "webhook") }, seen: seen.map { ReachMark(at: t0 + $0, channel: "feed") },
                          acknowledged: acked.map { ReachMark(at: t0 + $0, channel: "api") }, activeSubscriptions: subscriptions, deliveries: deliveries)
    }

    func standing(_ state: DeliveryState, channel: String = "webhook", status: Int? = nil, error: String? = nil) -> DeliveryStanding {
        DeliveryStanding(subscriptionId: "s-\(UUID().uuidString)", channel: Channel(channel), revision: 1, state: state, lastError: error, lastStatus: status)
    }

    func testCountsReasonsAndRegions() {
        let rows = [
            row("o1", subscriptions: 0),
            row("o2", subscriptions: 2),
            row("o3", deliveries: [standing(.pending)]),
            row("o4", deliveries: [standing(.dead, status: 500), standing(.retryScheduled, status: 503)]),
            row("o5", subscriptions: 0, deliveries: [standing(.dead, status: 410, error: "gone")]),
            row("o6", region: Region.all, deliveries: [standing(.delivered)], delivered: 2),
            row("o7", region: "53", deliveries: [standing(.delivered)], delivered: 3, seen: 10),
            row("o8", region: "53", deliveries: [standing(.delivered)], delivered: 4, seen: 20, acked: 30),
            row("o9", region: nil, deliveries: [standing(.dead, channel: "email", status: 550)]),
        ]
        let report = ReachReport.make(alert: alert(), rows: rows, now: t0 + 60)
        XCTAssertEqual(report.counts, ReachCounts(concerned: 9, delivered: 3, seen: 2, acknowledged: 1))
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: report.uninformed.map { ($0.orgId, $0.reason) }),
                       ["o1": .noSubscription, "o2": .filtered, "o3": .pending, "o4": .failing, "o5": .deadLettered, "o9": .deadLettered])
        XCTAssertTrue(report.uninformed.first { $0.orgId == "o5" }!.detail.contains("410"))
        XCTAssertTrue(report.uninformed.first { $0.orgId == "o9" }!.detail.contains("hard bounce"))
        XCTAssertEqual(report.unacknowledged.map(\.orgId), ["o6", "o7"])
        XCTAssertEqual(report.unacknowledged.map(\.step), [.delivered, .seen])
        XCTAssertEqual(report.unacknowledged[1].since, t0 + 10)
        XCTAssertEqual(report.byRegion["national"], ReachCounts(concerned: 1, delivered: 1))
        XCTAssertEqual(report.byRegion["53"], ReachCounts(concerned: 2, delivered: 2, seen: 2, acknowledged: 1))
        XCTAssertEqual(report.byRegion["none"], ReachCounts(concerned: 1))
        XCTAssertEqual(report.byRegion["11"]?.concerned, 5)
        XCTAssertEqual(report.delays.delivered, DelaySummary(count: 3, p50: 3, p90: 4, max: 4))
        XCTAssertEqual(report.delays.acknowledged, DelaySummary(count: 1, p50: 30, p90: 30, max: 30))
    }

    func testOrganisationsThatMayNoLongerReadAreLeftOut() {
        let rows = [row("o1", clearance: .green, delivered: 1), row("o2", clearance: .amber, delivered: 1), row("o3", region: "53", clearance: .amber)]
        let report = ReachReport.make(alert: alert(tlp: .amber, regions: ["11"]), rows: rows, now: t0)
        XCTAssertEqual(report.rows.map(\.orgId), ["o2"])
        XCTAssertEqual(report.counts.concerned, 1)
    }

    func testCSVQuotesAndNeutralisesFormulas() {
        var evil = row("o1", subscriptions: 0)
        evil.orgName = "=HYPERLINK(\"http://x\"), \"CHU\""
        let report = ReachReport.make(alert: alert(), rows: [evil, row("o2", deliveries: [standing(.delivered)], delivered: 1)], now: t0)
        let lines = report.csv.components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "org_id,org_name,region,step,delivered_at,seen_at,acknowledged_at,reason")
        XCTAssertEqual(lines[1], "o1,\"'=HYPERLINK(\"\"http://x\"\"), \"\"CHU\"\"\",11,concerned,,,,no-subscription")
        XCTAssertEqual(lines[2], "o2,Org o2,11,delivered,\(RFC3339.format(t0 + 1)),,,unacknowledged")
        XCTAssertEqual(lines[3], "")
        XCTAssertEqual(ReachReport.csvCell("-1"), "'-1")
        XCTAssertEqual(ReachReport.csvCell("@x"), "'@x")
    }

    func testNearestRankPercentiles() {
        let ten = (1...10).map(Double.init)
        XCTAssertEqual(DelaySummary.percentile(ten, 50), 5)
        XCTAssertEqual(DelaySummary.percentile(ten, 90), 9)
        XCTAssertEqual(DelaySummary.percentile([7], 90), 7)
        XCTAssertNil(DelaySummary.percentile([], 50))
        XCTAssertEqual(DelaySummary([]), DelaySummary(count: 0, p50: nil, p90: nil, max: nil))
        XCTAssertEqual(DelaySummary.percentile((1...3).map(Double.init), 50), 2)
    }

    func testRandomisedCountsMatchABruteForceRecount() {
        var random = SplitMix64(seed: 0x7EAC4)
        let regions = Array(Region.names.keys) + [Region.all]
        let states: [DeliveryState] = [.pending, .inFlight, .delivered, .retryScheduled, .dead, .superseded]
        for _ in 0..<200 {
            let rows: [OrganisationReach] = (0..<Int.random(in: 0...60, using: &random)).map { n in
                let deliveries = (0..<Int.random(in: 0...3, using: &random)).map { _ in standing(states.randomElement(using: &random)!) }
                let delivered = deliveries.contains { $0.state == .delivered } || Bool.random(using: &random) && Bool.random(using: &random)
                let d = Double(Int.random(in: 0...100, using: &random))
                let seen = delivered && Bool.random(using: &random)
                let acked = seen && Bool.random(using: &random)
                return row("o\(n)", region: regions.randomElement(using: &random)!, clearance: [TLP.clear, .green, .amber].randomElement(using: &random)!,
                           subscriptions: Int.random(in: 0...2, using: &random), deliveries: deliveries,
                           delivered: delivered ? d : nil, seen: seen ? d + 5 : nil, acked: acked ? d + 50 : nil)
            }
            let alert = alert(tlp: .green)
            let report = ReachReport.make(alert: alert, rows: rows, now: t0)
            let readable = rows.filter { $0.clearance != .clear }
            XCTAssertEqual(report.counts.concerned, readable.count)
            XCTAssertEqual(report.counts.delivered, readable.filter { $0.delivered != nil }.count)
            XCTAssertEqual(report.counts.seen, readable.filter { $0.seen != nil }.count)
            XCTAssertEqual(report.counts.acknowledged, readable.filter { $0.acknowledged != nil }.count)
            XCTAssertEqual(Set(report.uninformed.map(\.orgId)), Set(readable.filter { $0.delivered == nil }.map(\.orgId)))
            XCTAssertEqual(Set(report.unacknowledged.map(\.orgId)), Set(readable.filter { $0.delivered != nil && $0.acknowledged == nil }.map(\.orgId)))
            XCTAssertEqual(report.byRegion.values.map(\.concerned).reduce(0, +), readable.count)
            for (key, counts) in report.byRegion {
                let inRegion = readable.filter { ReachReport.regionKey($0.region) == key }
                XCTAssertEqual(counts.acknowledged, inRegion.filter { $0.acknowledged != nil }.count)
            }
            let ackDelays = readable.compactMap { $0.acknowledged.map { $0.at.timeIntervalSince(t0) } }.sorted()
            XCTAssertEqual(report.delays.acknowledged.count, ackDelays.count)
            XCTAssertEqual(report.delays.acknowledged.max, ackDelays.last)
            if !ackDelays.isEmpty {
                XCTAssertEqual(report.delays.acknowledged.p90, ackDelays[max(0, Int(ceil(Double(ackDelays.count * 90) / 100)) - 1)])
            }
        }
    }
}
