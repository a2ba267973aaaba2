import Foundation
import TocsinCore
import TocsinTestSupport
import XCTest

final class RelayPolicyTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func alert(tlp: TLP = .green, regions: [String] = [], id: String = TocsinID.make()) -> Alert {
        Alert.first(from: AlertDraft(title: "Alerte", summary: "Résumé", severity: .high, tlp: tlp, regions: regions), id: id, now: now)
    }

    func reader(_ clearance: TLP, region: String? = Region.all) -> RoutableSubscription {
        RoutableSubscription(subscriptionId: "stream", orgId: "ars", channel: .feed, clearance: clearance, orgRegion: region,
                             filter: SubscriptionFilter(), pulled: true)
    }

    /// The copy as it leaves broker `from` for a reader cleared `clearance`.
    func sent(_ alert: Alert, from: String = "N", clearance: TLP = .amber, region: String? = Region.all, previous: Alert? = nil) -> RelaySend {
        RelayPolicy.send(alert, previous: previous, to: reader(clearance, region: region), brokerId: from)
    }

    func testAnAlertLeavesWithItsOriginAndPathAndArrivesWithThisBrokerAppended() throws {
        let original = alert(tlp: .amber)
        guard case .send(let out) = sent(original) else { return XCTFail("an AMBER alert goes to a reader cleared AMBER") }
        XCTAssertEqual(out.origin, AlertOrigin(brokerId: "N", alertId: original.id))
        XCTAssertEqual(out.relayPath, ["N"])
        guard case .store(let copy) = RelayPolicy(brokerId: "A").receive(out, held: nil, now: now) else { return XCTFail("taken") }
        XCTAssertEqual(copy.id, original.id)
        XCTAssertEqual(copy.revision, original.revision)
        XCTAssertEqual(copy.publishedAt, original.publishedAt)
        XCTAssertEqual(copy.tlp, .amber, "the marking is kept")
        XCTAssertEqual(copy.relayPath, ["N", "A"])
        XCTAssertEqual(copy.origin, out.origin)
        // JSON keeps both fields.
        let decoded = try TocsinJSON.decoder().decode(Alert.self, from: try TocsinJSON.encoder().encode(copy))
        XCTAssertEqual(decoded.origin, copy.origin)
        XCTAssertEqual(decoded.relayPath, ["N", "A"])
    }

    func testAmberStrictAndRedNeverGoOnARelayStreamAndAreRefusedDownstream() {
        for marking in [TLP.amberStrict, .red] {
            XCTAssertEqual(sent(alert(tlp: marking), clearance: .red), .skip, "\(marking) is not sent to a relay reader")
            var forged = RelayPolicy.outgoing(alert(tlp: marking), brokerId: "N")
            forged.relayPath = ["N"]
            XCTAssertEqual(RelayPolicy(brokerId: "A").receive(forged, held: nil, now: now), .drop(.marking))
        }
    }

    func testALoopIsDroppedOnReturnAndTheHopLimitHolds() {
        let a = RelayPolicy(brokerId: "A"), b = RelayPolicy(brokerId: "B")
        guard case .send(let out) = sent(alert(), from: "A"), case .store(let atB) = b.receive(out, held: nil, now: now),
              case .send(let back) = sent(atB, from: "B") else { return XCTFail("the first crossing is taken") }
        XCTAssertEqual(a.receive(back, held: nil, now: now), .drop(.loop))
        var long = back
        long.relayPath = ["N", "R1", "R2", "R3"]
        XCTAssertEqual(RelayPolicy(brokerId: "R4").receive(long, held: nil, now: now), .drop(.hopLimit))
        long.relayPath = ["N", "R1", "R2"]
        if case .drop = RelayPolicy(brokerId: "R3").receive(long, held: nil, now: now) { XCTFail("a path of 4 is within the default limit") }
    }

    func testARegionalBrokerTakesNationalAlertsAndItsOwnRegionOnly() {
        let normandie = RelayPolicy(brokerId: "A", regions: ["28"])
        for (regions, taken) in [([String](), true), (["28"], true), (["28", "11"], true), (["11"], false)] {
            guard case .send(let out) = sent(alert(regions: regions)) else { return XCTFail("sent") }
            let decision = normandie.receive(out, held: nil, now: now)
            if taken { guard case .store = decision else { return XCTFail("\(regions) taken") } } else { XCTAssertEqual(decision, .drop(.region)) }
        }
    }

    func testOnlyANewerRevisionIsTakenAndACancellationPropagates() throws {
        let policy = RelayPolicy(brokerId: "A")
        let first = alert()
        guard case .send(let out1) = sent(first), case .store(let held) = policy.receive(out1, held: nil, now: now) else { return XCTFail() }
        XCTAssertEqual(policy.receive(out1, held: held, now: now), .drop(.stale))
        let cancelled = try AlertLifecycle.cancel(first, reason: "fausse alerte", by: nil)
        guard case .send(let out2) = sent(cancelled, previous: first), case .store(let copy) = policy.receive(out2, held: held, now: now) else {
            return XCTFail("the cancellation is taken")
        }
        XCTAssertEqual(copy.status, .cancelled)
        XCTAssertEqual(copy.revision, 2)
        XCTAssertEqual(policy.receive(out1, held: copy, now: now), .drop(.stale), "an older revision never comes back")
    }

    func testARaisedMarkingSendsAWithdrawalThatNamesOnlyTheAlert() throws {
        let policy = RelayPolicy(brokerId: "A")
        let first = alert(tlp: .green)
        guard case .send(let out) = sent(first), case .store(let held) = policy.receive(out, held: nil, now: now) else { return XCTFail() }
        var raised = try AlertLifecycle.revise(first, with: first.draft, by: nil)
        raised.content.tlp = .red
        raised.content.summary = "secret"
        XCTAssertEqual(sent(raised, previous: first), .withdraw(alertId: first.id, revision: 2))
        guard case .store(let withdrawn) = policy.withdraw(held: held, revision: 2, now: now) else { return XCTFail("withdrawn") }
        XCTAssertEqual(withdrawn.status, .cancelled)
        XCTAssertEqual(withdrawn.tlp, .green, "reaches those who had it, and only those cleared for what they had")
        XCTAssertEqual(withdrawn.summary, "")
        XCTAssertEqual(withdrawn.content.attributes[RelayPolicy.withdrawnAttribute], "true")
        XCTAssertEqual(policy.withdraw(held: nil, revision: 2, now: now), .drop(.unknown))
        // A marking raised within what the reader may read is an ordinary revision.
        var amber = raised
        amber.content.tlp = .amber
        guard case .send = sent(amber, clearance: .amber, previous: first) else { return XCTFail("AMBER goes to an AMBER reader") }
        XCTAssertEqual(sent(amber, clearance: .green, previous: first), .withdraw(alertId: first.id, revision: 2))
    }

    func testAMalformedAlertIsDropped() {
        XCTAssertEqual(RelayPolicy(brokerId: "A").receive(alert(), held: nil, now: now), .drop(.malformed), "no origin, no path")
    }

    // MARK: Randomised: no path lets an organisation receive what its clearance does not cover

    /// One broker of a random chain: the organisation it relays for at its upstream (clearance, region), the regions
    /// it serves, and its own establishments.
    struct Broker {
        var id: String
        var policy: RelayPolicy
        var readerClearance: TLP
        var readerRegion: String?
        var subscriptions: [RoutableSubscription]
        var held: [String: Alert] = [:]
        var told: Set<String> = []
    }

    func testRandomChainsNeverDeliverBeyondClearanceRegionOrRelayableMarkings() throws {
        var random = SplitMix64(seed: 20_261_203)
        let regions = ["28", "11", "84", "93"]
        var deliveries = 0
        for round in 0..<400 {
            let length = Int.random(in: 2...6, using: &random)
            var brokers: [Broker] = []
            for index in 0..<length {
                let served: Set<String> = Bool.random(using: &random) ? [] : [regions.randomElement(using: &random)!]
                let subscriptions = RoutableSubscription.randomEstablishments(ofBroker: index, regions: regions, using: &random)
                brokers.append(Broker(id: "B\(index)", policy: RelayPolicy(brokerId: "B\(index)", regions: served),
                                      readerClearance: TLP.allCases.randomElement(using: &random)!,
                                      readerRegion: served.first ?? (Bool.random(using: &random) ? Region.all : regions.randomElement(using: &random)!),
                                      subscriptions: subscriptions))
            }
            // The alert's life at the origin: revisions with random markings and regions, maybe a cancellation.
            var revisions = [alert(tlp: TLP.allCases.randomElement(using: &random)!,
                                   regions: Bool.random(using: &random) ? [] : [regions.randomElement(using: &random)!])]
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                var next = try AlertLifecycle.revise(revisions.last!, with: revisions.last!.draft, by: nil)
                next.content.tlp = TLP.allCases.randomElement(using: &random)!
                if Bool.random(using: &random) { next.content.regions = Bool.random(using: &random) ? [] : [regions.randomElement(using: &random)!] }
                revisions.append(next)
            }
            if Bool.random(using: &random) { revisions.append(try AlertLifecycle.cancel(revisions.last!, reason: nil, by: nil)) }

            for (number, revision) in revisions.enumerated() {
                var current: Alert? = revision
                var previousAtUpstream: Alert? = number > 0 ? revisions[number - 1] : nil
                for index in brokers.indices {
                    guard let stored = current else { break }
                    // The broker routes what it stored to its establishments, as routing does.
                    let recipients = RoutingIndex(brokers[index].subscriptions).route(stored, previousRecipients: brokers[index].told)
                    for recipient in recipients {
                        deliveries += 1
                        XCTAssertTrue(recipient.clearance.clears(stored.tlp), "round \(round): \(recipient.orgId) cleared \(recipient.clearance) got \(stored.tlp)")
                        XCTAssertNil(stored.refusal(clearance: recipient.clearance, region: recipient.orgRegion), "round \(round)")
                        if index > 0 {
                            XCTAssertTrue(RelayPolicy.relayable(stored.tlp), "round \(round): \(stored.tlp) delivered downstream")
                            // Never wider than what every relaying organisation on the way was cleared for.
                            for upstream in 1...index {
                                XCTAssertTrue(brokers[upstream].readerClearance.clears(stored.tlp), "round \(round): widened past B\(upstream)'s clearance")
                            }
                            XCTAssertTrue(brokers[index].policy.serves(stored) || stored.status == .cancelled, "round \(round): another region's alert")
                        }
                        brokers[index].told.insert(recipient.subscriptionId)
                    }
                    // The next broker reads this one's stream.
                    guard index + 1 < brokers.count else { break }
                    let next = brokers[index + 1]
                    let reader = RoutableSubscription(subscriptionId: "stream", orgId: "relay", channel: .feed, clearance: next.readerClearance,
                                                      orgRegion: next.readerRegion, filter: SubscriptionFilter(), pulled: true)
                    let decision: RelayPolicy.Decision
                    switch RelayPolicy.send(stored, previous: previousAtUpstream, to: reader, brokerId: brokers[index].id) {
                    case .send(let out):
                        XCTAssertTrue(RelayPolicy.relayable(out.tlp))
                        XCTAssertTrue(next.readerClearance.clears(out.tlp))
                        decision = next.policy.receive(out, held: next.held[out.id], now: now)
                    case .withdraw(let id, let number):
                        decision = next.policy.withdraw(held: next.held[id], revision: number, now: now)
                    case .skip:
                        decision = .drop(.stale)
                    }
                    previousAtUpstream = next.held[revision.id]
                    if case .store(let copy) = decision {
                        brokers[index + 1].held[copy.id] = copy
                        current = copy
                    } else {
                        current = nil
                    }
                }
            }
        }
        XCTAssertGreaterThan(deliveries, 500, "the random chains delivered enough to mean something")
    }

    func testTwoBrokersFollowingEachOtherStopAfterOneCrossing() {
        let a = RelayPolicy(brokerId: "A"), b = RelayPolicy(brokerId: "B")
        var inFlight: Alert? = alert()
        var hops = 0
        var at = "A"
        while let current = inFlight, hops < 10 {
            guard case .send(let out) = sent(current, from: at) else { break }
            let receiver = at == "A" ? b : a
            if case .store(let copy) = receiver.receive(out, held: nil, now: now) { inFlight = copy } else { inFlight = nil }
            at = at == "A" ? "B" : "A"
            hops += 1
        }
        XCTAssertEqual(hops, 2, "one crossing, dropped on return")
    }
}
