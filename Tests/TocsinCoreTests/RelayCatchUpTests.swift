import Foundation
import TocsinCore
import TocsinTestSupport
import XCTest

/// Catching up through an upstream's alert log: what the upstream lists for a relay reader, and in what order and
/// from when the downstream stores it.
final class RelayCatchUpTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func alert(tlp: TLP = .green, regions: [String] = []) -> Alert {
        Alert.first(from: AlertDraft(title: "Alerte", summary: "Résumé", severity: .high, tlp: tlp, regions: regions), id: TocsinID.make(), now: now)
    }

    func reader(_ clearance: TLP, region: String? = Region.all) -> RoutableSubscription {
        RoutableSubscription(subscriptionId: "stream", orgId: "ars", channel: .feed, clearance: clearance, orgRegion: region,
                             filter: SubscriptionFilter(includeExercises: true), pulled: true)
    }

    func revised(_ alert: Alert, tlp: TLP? = nil, regions: [String]? = nil) throws -> Alert {
        var next = try AlertLifecycle.revise(alert, with: alert.draft, by: nil)
        if let tlp { next.content.tlp = tlp }
        if let regions { next.content.regions = regions }
        return next
    }

    func testTheNewestRevisionGoesAsTheStreamSendsItAWithdrawalWhenAnEarlierOneWentAndNothingOtherwise() throws {
        let first = alert(tlp: .green)
        let second = try revised(first, tlp: .amber)
        guard case .send(let out) = RelayPolicy.catchUp(second, earlier: [], to: reader(.amber), brokerId: "N") else { return XCTFail("AMBER to AMBER") }
        XCTAssertEqual(out.revision, 2)
        XCTAssertEqual(out.origin, AlertOrigin(brokerId: "N", alertId: first.id), "origin and path filled in as on the stream")
        XCTAssertEqual(out.relayPath, ["N"])
        XCTAssertNil(out.publishedBy)

        // Raised past what may be relayed after revisions the reader had: a notice naming the alert and nothing else.
        let red = try revised(second, tlp: .red)
        XCTAssertEqual(RelayPolicy.catchUp(red, earlier: [first, second], to: reader(.amber), brokerId: "N"), .withdraw(alertId: first.id, revision: 3))
        let strict = try revised(second, tlp: .amberStrict)
        XCTAssertEqual(RelayPolicy.catchUp(strict, earlier: [second, first], to: reader(.amberStrict), brokerId: "N"),
                       .withdraw(alertId: first.id, revision: 3), "AMBER+STRICT never goes downstream, even to a reader cleared for it")
        // Never had it: nothing, not even its id.
        let alwaysRed = alert(tlp: .red)
        XCTAssertEqual(RelayPolicy.catchUp(try revised(alwaysRed), earlier: [alwaysRed], to: reader(.red), brokerId: "N"), .skip)
        XCTAssertEqual(RelayPolicy.catchUp(second, earlier: [first], to: reader(.green), brokerId: "N"), .withdraw(alertId: first.id, revision: 2),
                       "raised past the reader's clearance")
        XCTAssertEqual(RelayPolicy.catchUp(alert(tlp: .amber), earlier: [], to: reader(.green), brokerId: "N"), .skip)
        // Regions: another region's alert is not listed; one that left the reader's region is withdrawn.
        let regional = alert(regions: ["84"])
        XCTAssertEqual(RelayPolicy.catchUp(regional, earlier: [], to: reader(.amber, region: "28"), brokerId: "N"), .skip)
        let national = alert()
        let moved = try revised(national, regions: ["84"])
        XCTAssertEqual(RelayPolicy.catchUp(moved, earlier: [national], to: reader(.amber, region: "28"), brokerId: "N"), .withdraw(alertId: national.id, revision: 2))
        // A cancellation goes as the stream sends it; one of an alert the reader never had goes nowhere.
        let cancelled = try AlertLifecycle.cancel(second, reason: nil, by: nil)
        guard case .send(let cancellation) = RelayPolicy.catchUp(cancelled, earlier: [], to: reader(.amber), brokerId: "N") else { return XCTFail("sent") }
        XCTAssertEqual(RelayCatchUpItem(.send(cancellation)).event, "alert.cancelled")
        let cancelledRed = try AlertLifecycle.cancel(try revised(alwaysRed), reason: nil, by: nil)
        XCTAssertEqual(RelayPolicy.catchUp(cancelledRed, earlier: [alwaysRed], to: reader(.amber), brokerId: "N"), .skip)
    }

    func testItemsAreStoredWithdrawalsFirstThenFromTheOldestUpdateAndReadFromAnHourBeforeTheLastSeen() throws {
        var old = alert(), recent = alert(), middle = alert()
        old.updatedAt = now - 300
        middle.updatedAt = now - 200
        recent.updatedAt = now - 100
        let items = [RelayCatchUpItem(.send(recent)), RelayCatchUpItem(.withdraw(alertId: "W", revision: 2)), RelayCatchUpItem(.send(old)),
                     RelayCatchUpItem(.send(middle))]
        XCTAssertEqual(RelayCatchUp.ordered(items).map { $0.alert?.id ?? $0.withdrawal?.id }, ["W", old.id, middle.id, recent.id])
        XCTAssertEqual(RelayCatchUpItem(.withdraw(alertId: "W", revision: 2)).event, "alert.withdrawn")
        XCTAssertEqual(RelayCatchUpItem(.send(recent)).event, "alert.published")

        XCTAssertNil(RelayCatchUp.since(seenUntil: nil), "never seen anything: the whole log")
        XCTAssertEqual(RelayCatchUp.since(seenUntil: now), now - 3600)
        XCTAssertFalse(RelayCatchUp.isLongOutage(lastContact: nil, now: now, after: 600), "a broker that never read the upstream reads its whole stream")
        XCTAssertFalse(RelayCatchUp.isLongOutage(lastContact: now - 599, now: now, after: 600))
        XCTAssertTrue(RelayCatchUp.isLongOutage(lastContact: now - 601, now: now, after: 600))

        // The page as it goes on the wire and comes back.
        let page = RelayCatchUpPage(head: 42, items: items, nextCursor: "17")
        let decoded = try TocsinJSON.decoder().decode(RelayCatchUpPage.self, from: try TocsinJSON.encoder().encode(page))
        XCTAssertEqual(decoded.head, 42)
        XCTAssertEqual(decoded.items, items)
        XCTAssertEqual(decoded.nextCursor, "17")
    }

    // MARK: Randomised: a catch-up never lets an organisation receive what its clearance does not cover

    /// One broker of a random chain: the relaying organisation's clearance and region at its upstream, the regions it
    /// serves, its establishments, and every revision it stored of the alert.
    struct Broker {
        var policy: RelayPolicy
        var reader: RoutableSubscription
        var subscriptions: [RoutableSubscription]
        var history: [Alert] = []
        var told: Set<String> = []
        var held: Alert? { history.last }
    }

    /// Random chains of brokers and random lives of an alert (markings, regions, cancellation): each link follows the
    /// stream but misses random revisions (an outage, ids that restarted) and catches up at the end through the alert
    /// log. Nothing goes beyond a clearance, a relayable marking or a served region, and when the origin's last
    /// revision may go all the way, every broker ends up holding it.
    func testRandomChainsThatCatchUpNeverDeliverBeyondClearanceAndEndWithTheLastRevision() throws {
        var random = SplitMix64(seed: 20_261_203_12)
        let regions = ["28", "11", "84", "93"]
        var deliveries = 0, caughtUp = 0
        for round in 0..<400 {
            var brokers: [Broker] = []
            for index in 0..<Int.random(in: 2...4, using: &random) {
                let served: Set<String> = Bool.random(using: &random) ? [] : [regions.randomElement(using: &random)!]
                let subscriptions = RoutableSubscription.randomEstablishments(ofBroker: index, regions: regions, using: &random)
                let region = served.first ?? (Bool.random(using: &random) ? Region.all : regions.randomElement(using: &random)!)
                brokers.append(Broker(policy: RelayPolicy(brokerId: "B\(index)", regions: served),
                                      reader: reader(TLP.allCases.randomElement(using: &random)!, region: region), subscriptions: subscriptions))
            }
            var revisions = [alert(tlp: TLP.allCases.randomElement(using: &random)!,
                                   regions: Bool.random(using: &random) ? [] : [regions.randomElement(using: &random)!])]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                revisions.append(try revised(revisions.last!, tlp: TLP.allCases.randomElement(using: &random)!,
                                             regions: Bool.random(using: &random) ? nil : (Bool.random(using: &random) ? [] : [regions.randomElement(using: &random)!])))
            }
            if Bool.random(using: &random) { revisions.append(try AlertLifecycle.cancel(revisions.last!, reason: nil, by: nil)) }
            brokers[0].history = []

            /// Broker `index` stores `decision` and routes what it stored to its establishments.
            func apply(_ decision: RelayPolicy.Decision, at index: Int) -> Alert? {
                guard case .store(let copy) = decision else { return nil }
                brokers[index].history.append(copy)
                let recipients = RoutingIndex(brokers[index].subscriptions).route(copy, previousRecipients: brokers[index].told)
                for recipient in recipients {
                    deliveries += 1
                    XCTAssertNil(copy.refusal(clearance: recipient.clearance, region: recipient.orgRegion), "round \(round)")
                    XCTAssertTrue(RelayPolicy.relayable(copy.tlp), "round \(round): \(copy.tlp) delivered downstream")
                    for upstream in 1...index {
                        XCTAssertTrue(brokers[upstream].reader.clearance.clears(copy.tlp), "round \(round): widened past B\(upstream)'s clearance")
                    }
                    XCTAssertTrue(brokers[index].policy.serves(copy) || copy.status == .cancelled, "round \(round): another region's alert")
                    brokers[index].told.insert(recipient.subscriptionId)
                }
                return copy
            }

            // The stream, with random revisions missed on each link.
            for revision in revisions {
                brokers[0].history.append(revision)
                var previousAtUpstream: Alert? = brokers[0].history.dropLast().last
                var current: Alert? = revision
                for index in 1..<brokers.count {
                    guard let stored = current, Int.random(in: 0..<3, using: &random) > 0 else { break }
                    let decision: RelayPolicy.Decision
                    switch RelayPolicy.send(stored, previous: previousAtUpstream, to: brokers[index].reader, brokerId: brokers[index - 1].policy.brokerId) {
                    case .send(let out): decision = brokers[index].policy.receive(out, held: brokers[index].held, now: now)
                    case .withdraw(let id, let number): decision = brokers[index].policy.withdraw(held: brokers[index].held?.id == id ? brokers[index].held : nil,
                                                                                                revision: number, now: now)
                    case .skip: decision = .drop(.stale)
                    }
                    previousAtUpstream = brokers[index].held
                    current = apply(decision, at: index)
                }
            }
            // Then each link catches up, in order, with what its upstream holds.
            for index in 1..<brokers.count {
                guard let latest = brokers[index - 1].held else { continue }
                let send = RelayPolicy.catchUp(latest, earlier: Array(brokers[index - 1].history.dropLast()), to: brokers[index].reader,
                                               brokerId: brokers[index - 1].policy.brokerId)
                let decision: RelayPolicy.Decision
                switch send {
                case .send(let out):
                    XCTAssertTrue(RelayPolicy.relayable(out.tlp) && brokers[index].reader.clearance.clears(out.tlp), "round \(round)")
                    decision = brokers[index].policy.receive(out, held: brokers[index].held, now: now)
                case .withdraw(_, let number): decision = brokers[index].policy.withdraw(held: brokers[index].held, revision: number, now: now)
                case .skip: decision = .drop(.stale)
                }
                if apply(decision, at: index) != nil { caughtUp += 1 }
            }
            // The origin's last revision, when every link may have it, is held all the way down.
            let last = revisions.last!
            var allowedAllTheWay = true
            for index in 1..<brokers.count where !(RelayPolicy.allowed(last, to: brokers[index].reader) && brokers[index].policy.serves(last)) {
                allowedAllTheWay = false
            }
            if allowedAllTheWay {
                for index in 1..<brokers.count {
                    XCTAssertEqual(brokers[index].held?.revision, last.revision, "round \(round): B\(index) caught up")
                    XCTAssertEqual(brokers[index].held?.status, last.status, "round \(round)")
                }
            }
        }
        XCTAssertGreaterThan(deliveries, 300, "the random chains delivered enough to mean something")
        XCTAssertGreaterThan(caughtUp, 50, "catch-ups stored enough to mean something")
    }
}
