import Foundation
import TocsinCore
import XCTest

final class RoutingTests: XCTestCase {
    func sub(_ clearance: TLP, region: String? = "28", filter: SubscriptionFilter = SubscriptionFilter(), id: String = TocsinID.make()) -> RoutableSubscription {
        RoutableSubscription(subscriptionId: id, orgId: "org-\(id)", channel: Channel("webhook"), clearance: clearance, orgRegion: region, filter: filter)
    }

    func alert(tlp: TLP = .green, severity: Severity = .high, regions: [String] = [], categories: [String] = [], cves: [String] = [],
               title: String = "Alerte") -> Alert {
        Alert.first(from: AlertDraft(title: title, summary: "Résumé", severity: severity, tlp: tlp, categories: categories, cves: cves, regions: regions))
    }

    func testTLPIsNeverWidened() {
        let green = sub(.green), amber = sub(.amber), strict = sub(.amberStrict)
        let index = RoutingIndex([green, amber, strict])
        XCTAssertEqual(Set(index.route(alert(tlp: .amber)).map(\.subscriptionId)), [amber.subscriptionId, strict.subscriptionId])
        XCTAssertEqual(index.route(alert(tlp: .red)).count, 0)
        XCTAssertEqual(index.route(alert(tlp: .clear)).count, 3)
    }

    func testAnAlertForSomeKindsOfEstablishmentGoesToThoseOnly() {
        func of(_ kind: Organisation.Kind?) -> RoutableSubscription {
            RoutableSubscription(subscriptionId: TocsinID.make(), orgId: TocsinID.make(), channel: Channel("webhook"), clearance: .amber,
                                 orgRegion: "28", filter: SubscriptionFilter(), orgKind: kind)
        }
        let chu = of(.chu), ch = of(.ch), unknown = of(nil)
        let index = RoutingIndex([chu, ch, unknown])
        var forCHU = alert()
        forCHU.kinds = [.chu]
        XCTAssertEqual(index.route(forCHU).map(\.subscriptionId), [chu.subscriptionId, unknown.subscriptionId],
                       "a reader of no known kind (an admin's stream) is not narrowed")
        XCTAssertEqual(index.route(alert()).count, 3, "no kinds: every kind")
        let audience = AcknowledgementPolicy.audience(of: forCHU, among: [
            AudienceMember(orgId: "a", clearance: .amber, region: "28", kind: .chu), AudienceMember(orgId: "b", clearance: .amber, region: "28", kind: .ch),
        ])
        XCTAssertEqual(audience.map(\.orgId), ["a"])
    }

    func testACompromisedOrganisationIsReachedOnItsOutOfBandLaneOnly() {
        func lane(compromised: Bool, outOfBand: Bool, id: String) -> RoutableSubscription {
            RoutableSubscription(subscriptionId: id, orgId: "org", channel: Channel(outOfBand ? "email" : "webhook"), clearance: .amber,
                                 orgRegion: "28", filter: SubscriptionFilter(), orgCompromised: compromised, outOfBand: outOfBand)
        }
        let healthy = RoutingIndex([lane(compromised: false, outOfBand: false, id: "siem"), lane(compromised: false, outOfBand: true, id: "oob")])
        XCTAssertEqual(healthy.route(alert()).map(\.subscriptionId), ["siem"], "the out-of-band lane stands by")
        let compromised = RoutingIndex([lane(compromised: true, outOfBand: false, id: "siem"), lane(compromised: true, outOfBand: true, id: "oob")])
        XCTAssertEqual(compromised.route(alert()).map(\.subscriptionId), ["oob"])
        var update = alert()
        update.revision = 2
        XCTAssertEqual(compromised.route(update, previousRecipients: ["siem"]).map(\.subscriptionId), ["oob"],
                       "an update does not follow the earlier recipients onto a closed lane")
        XCTAssertEqual(RoleAddress.addresses(for: RoleAddress.outOfBandTarget, contacts: [
            Contact(role: .rssi, email: "rssi@chu.test"), Contact(role: .oncall, email: "astreinte@ars.test", outOfBand: true),
        ]), ["astreinte@ars.test"])
    }

    func testRegionalAlertsStayInTheirRegions() {
        let normandie = sub(.amber, region: "28"), idf = sub(.amber, region: "11"), national = sub(.amber, region: nil)
        let index = RoutingIndex([normandie, idf, national])
        XCTAssertEqual(index.route(alert(regions: ["28"])).map(\.subscriptionId), [normandie.subscriptionId])
        XCTAssertEqual(index.route(alert()).count, 3)
    }

    func testFiltersOnSeverityCategoriesCVEsRegionsAndKeywords() {
        let severe = sub(.amber, filter: SubscriptionFilter(minSeverity: .critical))
        let ransomware = sub(.amber, filter: SubscriptionFilter(categories: ["ransomware"]))
        let cve = sub(.amber, filter: SubscriptionFilter(cves: ["CVE-2024-3400"]))
        let regions = sub(.amber, region: nil, filter: SubscriptionFilter(regions: ["11"]))
        let keyword = sub(.amber, filter: SubscriptionFilter(keywords: ["rançongiciel"]))
        let index = RoutingIndex([severe, ransomware, cve, regions, keyword])

        func ids(_ a: Alert) -> Set<String> { Set(index.route(a).map(\.subscriptionId)) }
        XCTAssertEqual(ids(alert(severity: .high)), [regions.subscriptionId])
        XCTAssertTrue(ids(alert(severity: .critical)).contains(severe.subscriptionId))
        XCTAssertTrue(ids(alert(categories: ["ransomware"])).contains(ransomware.subscriptionId))
        XCTAssertTrue(ids(alert(cves: ["CVE-2024-3400"])).contains(cve.subscriptionId))
        XCTAssertFalse(ids(alert(regions: ["28"])).contains(regions.subscriptionId))
        XCTAssertTrue(ids(alert(title: "Campagne de RANCONGICIEL")).contains(keyword.subscriptionId))
    }

    func testRevisionsReachPreviousRecipientsUnlessTheMarkingNowExcludesThem() {
        let green = sub(.green, filter: SubscriptionFilter(minSeverity: .critical))
        let amber = sub(.amber, filter: SubscriptionFilter(minSeverity: .critical))
        let index = RoutingIndex([green, amber])
        let lowered = alert(tlp: .green, severity: .medium)
        XCTAssertEqual(index.route(lowered).count, 0)
        let previous: Set = [green.subscriptionId, amber.subscriptionId]
        XCTAssertEqual(index.route(lowered, previousRecipients: previous).count, 2)
        let raised = alert(tlp: .amber, severity: .medium)
        XCTAssertEqual(index.route(raised, previousRecipients: previous).map(\.subscriptionId), [amber.subscriptionId])
    }

    func testFiftyThousandSubscriptionsRouteCorrectly() {
        let subs = (0..<50_000).map { i in sub(i % 2 == 0 ? .green : .amber, region: i % 3 == 0 ? "11" : "28") }
        let index = RoutingIndex(subs)
        let expected = subs.filter { $0.clearance == .amber && $0.orgRegion == "28" }.count
        XCTAssertEqual(index.route(alert(tlp: .amber, regions: ["28"])).count, expected)
    }
}
