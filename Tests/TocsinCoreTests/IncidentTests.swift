import Foundation
import TocsinCore
import TocsinTestSupport
import XCTest

/// The flash lane's pure parts: reading a victim's indicators, the incident's moves, the flash alert's draft, the
/// sightings' count and the timeline.
final class IncidentTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func testMalformedIndicatorsAreSetAsideWithWhereAndWhyNeverRefusingTheRest() {
        let outcome = IndicatorIntake.check([
            .init(type: "IPv4", value: " 203.0.113.7 "), .init(type: "ipv4", value: "256.1.1.1"), .init(type: "sha256", value: "abc"),
            .init(type: "domain", value: "Evil.Example"), .init(type: "colour", value: "red"), .init(type: "cve", value: "cve-2024-3400"),
            .init(type: "url", value: "https://evil.example/x"), .init(type: "url", value: "not a url"),
        ])
        XCTAssertEqual(outcome.indicators.map(\.value), ["203.0.113.7", "evil.example", "CVE-2024-3400", "https://evil.example/x"])
        XCTAssertEqual(Set(outcome.indicators.map(\.origin)), [.stated])
        XCTAssertEqual(outcome.rejected.map(\.at), ["indicators[1]", "indicators[2]", "indicators[4]", "indicators[7]"])
        XCTAssertTrue(outcome.rejected[2].reason.contains("unknown type 'colour'"))
    }

    func testACSVIsReadLineByLineWithItsHeaderAndCommentsSkipped() {
        let outcome = IndicatorIntake.csv("type,value,comment\n# seen on the proxy\nipv4,192.0.2.1,C2\n\nmd5\nsha1,\(String(repeating: "a", count: 40))\n",
                                          at: "attachments[0]")
        XCTAssertEqual(outcome.indicators.map(\.value), ["192.0.2.1", String(repeating: "a", count: 40)])
        XCTAssertEqual(outcome.indicators[0].comment, "C2")
        XCTAssertEqual(outcome.rejected.map(\.at), ["attachments[0] line 5"])
    }

    func testADeclarationNeedsOnlyASummaryAndAsksAmberByDefault() throws {
        let (incident, rejected) = try IncidentDeclaration(summary: "  Rançongiciel  ").incident(orgId: "o1", attached: .init(), now: now)
        XCTAssertEqual(incident.summary, "Rançongiciel")
        XCTAssertEqual(incident.requestedTLP, .amber)
        XCTAssertEqual(incident.status, .new)
        XCTAssertTrue(rejected.isEmpty)
        XCTAssertThrowsError(try IncidentDeclaration(summary: " ").incident(orgId: "o1", attached: .init(), now: now))
        XCTAssertThrowsError(try IncidentDeclaration(summary: "x", detectedAt: now + 3_600).incident(orgId: "o1", attached: .init(), now: now))
        XCTAssertThrowsError(try IncidentDeclaration(summary: "x", callback: .init(email: "nope")).incident(orgId: "o1", attached: .init(), now: now))
    }

    func testIndicatorsAreAddedOnceAndAClosedIncidentTakesNone() throws {
        var incident = Incident(orgId: "o1", summary: "x", indicators: [Indicator(type: .domain, value: "evil.example", origin: .stated)], declaredAt: now)
        let (next, added) = try IncidentLifecycle.adding([Indicator(type: .domain, value: "EVIL.example"), Indicator(type: .ipv4, value: "192.0.2.1")],
                                                         to: incident, now: now)
        XCTAssertEqual(added, 1)
        XCTAssertEqual(next.indicators.count, 2)
        incident = try IncidentLifecycle.close(next, now: now)
        XCTAssertThrowsError(try IncidentLifecycle.adding([Indicator(type: .ipv4, value: "192.0.2.2")], to: incident, now: now))
        XCTAssertThrowsError(try IncidentLifecycle.acknowledge(incident, now: now))
    }

    func testAcknowledgingStartsTheClockOnceAndFlashingHappensOnce() throws {
        let incident = Incident(orgId: "o1", summary: "x", declaredAt: now)
        let acknowledged = try IncidentLifecycle.acknowledge(incident, now: now + 60)
        XCTAssertEqual(acknowledged.acknowledgedAt, now + 60)
        XCTAssertEqual(try IncidentLifecycle.acknowledge(acknowledged, now: now + 120).acknowledgedAt, now + 60)
        let flashed = try IncidentLifecycle.flashed(acknowledged, alertId: "a1", namesDeclarant: false, now: now + 600)
        XCTAssertEqual(flashed.status, .flashPublished)
        XCTAssertThrowsError(try IncidentLifecycle.flashed(flashed, alertId: "a2", namesDeclarant: false, now: now + 700))
        // A flash straight from the queue acknowledges it too.
        XCTAssertEqual(try IncidentLifecycle.flashed(incident, alertId: "a1", namesDeclarant: false, now: now + 5).acknowledgedAt, now + 5)
    }

    func testTheFlashAlertNamesTheVictimByKindAndRegionAndNeverWidensTheMarking() throws {
        let messages = try TemplateMessages.load()
        let org = Organisation(name: "CHU de Rouen", kind: .chu, region: "28", tlpClearance: .amber)
        let incident = Incident(orgId: org.id, summary: "Le CHU de Rouen est chiffré", malware: "Clop", careImpact: .stopped,
                                indicators: [Indicator(type: .ipv4, value: "192.0.2.1")], requestedTLP: .amber, declaredAt: now)
        let draft = try FlashDraft.make(incident, declarant: org, request: FlashRequest(), messages: messages)
        XCTAssertEqual(draft.title, "Flash : Clop, incident en cours dans un CHU de la région Normandie")
        XCTAssertFalse(draft.summary.contains("Rouen"), "the declarant's own words are not copied: \(draft.summary)")
        XCTAssertTrue(draft.summary.contains("interrompue"), draft.summary)
        XCTAssertEqual(draft.tlp, .amber)
        XCTAssertEqual(draft.indicators.map(\.origin), [.stated])
        XCTAssertEqual(draft.categories, ["flash"])
        XCTAssertThrowsError(try FlashDraft.make(incident, declarant: org, request: FlashRequest(tlp: .green), messages: messages)) {
            XCTAssertEqual($0 as? FlashError, .widerThanRequested(requested: .amber, asked: .green))
        }
        let red = try FlashDraft.make(incident, declarant: org, request: FlashRequest(tlp: .red, kinds: [.chu, .chu], locale: "en"), messages: messages)
        XCTAssertEqual(red.tlp, .red)
        XCTAssertEqual(red.kinds, [.chu])
        XCTAssertEqual(red.title, "Flash: Clop, incident under way at a university hospital (CHU) in the Normandie region")
        let named = try FlashDraft.make(incident, declarant: org, request: FlashRequest(namesDeclarant: true), messages: messages)
        XCTAssertTrue(named.title.contains("CHU de Rouen"))
    }

    func testEscalationWritesToACompromisedOrganisationsOutOfBandContactsOnly() {
        var org = Organisation(name: "CHU", kind: .chu, region: "28", tlpClearance: .amber, contacts: [
            Contact(role: .rssi, email: "rssi@chu.test"), Contact(role: .director, email: "dg@chu.test"),
            Contact(role: .oncall, email: "astreinte@ars.test", outOfBand: true),
        ])
        let alert = Alert.first(from: AlertDraft(title: "t", summary: "s", severity: .high, tlp: .amber))
        let targets = EscalationTargets(roles: [.rssi, .director])
        XCTAssertEqual(targets.recipients(for: alert, organisation: org, directory: [org]).map(\.contact.email), ["rssi@chu.test", "dg@chu.test"])
        org.compromised = true
        XCTAssertEqual(targets.recipients(for: alert, organisation: org, directory: [org]).map(\.contact.email), ["astreinte@ars.test"])
    }

    func testSightingsAreCountedByOrganisationAndRegionNamingNoOne() {
        let indicators = [Indicator(type: .domain, value: "phish.example"), Indicator(type: .ipv4, value: "192.0.2.1")]
        let sightings = [
            Sighting(alertId: "a", indicatorType: .domain, indicatorValue: "phish.example", orgId: "o1", region: "28", at: now),
            Sighting(alertId: "a", indicatorType: .domain, indicatorValue: "PHISH.example", orgId: "o2", region: "28", at: now + 10),
            Sighting(alertId: "a", indicatorType: .domain, indicatorValue: "phish.example", orgId: "o3", region: "11", at: now + 20),
        ]
        let summary = SightingSummary.make(alertId: "a", indicators: indicators, sightings: sightings)
        XCTAssertEqual(summary.organisations, 3)
        XCTAssertEqual(summary.indicators[0].organisations, 3)
        XCTAssertEqual(summary.indicators[0].regions, 2)
        XCTAssertEqual(summary.indicators[0].lastSeenAt, now + 20)
        XCTAssertEqual(summary.indicators[1].organisations, 0)
    }

    func testTheTimelineTimesEachStepAndLeavesTheDeclarantOutOfThePeers() {
        var incident = Incident(orgId: "victim", summary: "x", detectedAt: now - 3_600, declaredAt: now)
        incident.acknowledgedAt = now + 300
        incident.flashPublishedAt = now + 1_800
        func row(_ org: String, delivered: TimeInterval?, acknowledged: TimeInterval?) -> OrganisationReach {
            OrganisationReach(alertId: "a", orgId: org, orgName: org, region: "28", clearance: .amber, concernedAt: now + 1_800, concernedRevision: 1,
                              delivered: delivered.map { ReachMark(at: now + 1_800 + $0, channel: "webhook") },
                              acknowledged: acknowledged.map { ReachMark(at: now + 1_800 + $0, channel: "api") })
        }
        let timeline = IncidentTimeline.make(incident, reach: [
            row("victim", delivered: 1, acknowledged: 2), row("p1", delivered: 2, acknowledged: 600), row("p2", delivered: 3, acknowledged: nil),
            row("p3", delivered: nil, acknowledged: nil),
        ])
        XCTAssertEqual(timeline.peersConcerned, 3)
        XCTAssertEqual(timeline.peersDelivered, 2)
        XCTAssertEqual(timeline.peersAcknowledged, 1)
        XCTAssertEqual(timeline.seconds["detectionToDeclaration"], 3_600)
        XCTAssertEqual(timeline.seconds["declarationToAcknowledgement"], 300)
        XCTAssertEqual(timeline.seconds["acknowledgementToFlash"], 1_500)
        XCTAssertEqual(timeline.seconds["flashToFirstDelivery"], 2)
        XCTAssertEqual(timeline.seconds["flashToMedianDelivery"], 3)
        XCTAssertEqual(timeline.seconds["flashToFirstAcknowledgement"], 600)
        XCTAssertNil(timeline.seconds["flashToMedianAcknowledgement"], "half of the peers have not acknowledged")
        XCTAssertEqual(timeline.seconds["detectionToFlash"], 5_400)
    }
}
