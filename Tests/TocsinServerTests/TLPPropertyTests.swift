import Foundation
import TocsinCore
import TocsinDelivery
import TocsinTestSupport
import XCTest

/// The property that would have caught the TLP:RED leak through a write path: over random organisations
/// (clearances, regions), tokens of every role, alerts with random markings and regions, revisions that raise or
/// lower the marking, cancellations and ingested documents whose references collide across publishers, no exit
/// gives an organisation content of a revision its clearance and region do not allow — API reads, feeds, the
/// stream, webhooks, email, the acknowledgement pages behind its links, ingest answers, write answers and
/// acknowledgements (which succeed only for what the organisation may read).
///
/// Every revision carries a unique marker in its title and summary (a cancellation in its reason). At the end the admin reads every revision as
/// stored; a marker is allowed for an organisation when some revision carrying it is readable by that organisation.
/// The seed is fixed (`TOCSIN_PROPERTY_SEED` picks another, `random` a random one) and printed on failure.
final class TLPPropertyTests: XCTestCase {
    struct Org {
        var id: String
        var clearance: TLP
        var region: String?
        var subscriber: String
        var relay: String
        var feedToken: String
    }

    /// What a caller answered with, to check against what its organisation may read.
    struct Answer {
        var orgId: String
        var text: String
        var ownMarkers: Set<String>
    }

    /// The fixed seed, unless `TOCSIN_PROPERTY_SEED` names another (to replay a failure).
    static let seed: UInt64 = ProcessInfo.processInfo.environment["TOCSIN_PROPERTY_SEED"].flatMap { UInt64($0) } ?? 20_261_202

    func testNoExitShowsAnOrganisationMoreThanItsClearanceAndRegionAllow() async throws {
        try await run(seed: Self.seed, operations: 80)
    }

    /// A new seed at every run, printed on failure, so that the suite keeps exploring.
    func testTheSamePropertyWithARandomSeed() async throws {
        try await run(seed: UInt64.random(in: 1...UInt64.max), operations: 40)
    }

    func run(seed: UInt64, operations: Int) async throws {
        var random = SplitMix64(seed: seed)
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let sink = try SMTPSink()
        let broker = try await BrokerProcess.start(environment: [
            "TOCSIN_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "TOCSIN_SMTP_FROM": "alertes@cert-sante.test",
            "TOCSIN_SMTP_START_TLS": "off", "TOCSIN_TEMPLATES_DIR": EmailTests.templatesDirectory,
        ])
        defer { broker.stop() }
        let context = "seed \(seed) (rerun with TOCSIN_PROPERTY_SEED=\(seed))"

        // Organisations of every clearance, some regional, some national, each with every kind of exit.
        let regions: [String?] = ["28", "11", "84", nil]
        var orgs: [Org] = []
        for n in 0..<8 {
            let clearance = TLP.allCases[n % TLP.allCases.count]
            let region = regions.randomElement(using: &random)!
            var body: [String: Any] = ["name": "Organisation \(n)", "kind": "CH", "tlpClearance": clearance.rawValue]
            if let region { body["region"] = region }
            let created = try await broker.post("/api/v1/orgs", body)
            let id = try XCTUnwrap(created.json["id"] as? String, created.text)
            _ = try await broker.subscribeWebhook(org: id, url: receiver.url(id))
            let email = try await broker.post("/api/v1/subscriptions", ["orgId": id, "channel": "email", "target": "rssi-\(n)@org.test"])
            XCTAssertEqual(email.status, 201, email.text)
            let feed = try await broker.post("/api/v1/subscriptions", ["orgId": id, "channel": "feed"])
            let subscriber = try await broker.token("subscriber", org: id), relay = try await broker.token("relay", org: id)
            orgs.append(Org(id: id, clearance: clearance, region: region, subscriber: subscriber, relay: relay,
                            feedToken: try XCTUnwrap(feed.json["feedToken"] as? String)))
        }
        let free = try await broker.post("/api/v1/tokens", ["role": "publisher"])
        let freePublisher = try XCTUnwrap(free.json["token"] as? String)
        let boundOrg = orgs.randomElement(using: &random)!
        let bound = try await broker.post("/api/v1/tokens", ["role": "publisher", "orgId": boundOrg.id])
        let boundPublisher = try XCTUnwrap(bound.json["token"] as? String)

        // Writers: admin, the two publishers, every organisation's relay (and its subscriber, which may not write).
        var writers: [(token: String, orgId: String?)] = [(broker.adminToken, nil), (freePublisher, nil), (boundPublisher, nil)]
        for org in orgs { writers += [(org.relay, org.id), (org.subscriber, org.id)] }

        var answers: [Answer] = []
        var alertIds: [String] = []
        var markerCount = 0
        func marker() -> String {
            markerCount += 1
            return "MK\(String(format: "%05d", markerCount))X"
        }
        func randomRegions() -> [String] {
            switch Int.random(in: 0..<4, using: &random) {
            case 0, 1: []
            case 2: [["28", "11", "84"].randomElement(using: &random)!]
            default: ["28", "11"]
            }
        }
        var ingestDay = 1
        for _ in 0..<operations {
            // Half the writes come from organisations' relays, the tokens an attacker most likely holds.
            let relayOrg = orgs.randomElement(using: &random)!
            let writer = Bool.random(using: &random) ? (token: relayOrg.relay, orgId: Optional(relayOrg.id)) : writers.randomElement(using: &random)!
            let tlp = TLP.allCases.randomElement(using: &random)!
            let mark = marker()
            var alert = alertJSON(title: "Alerte \(mark)", tlp: tlp.rawValue, regions: randomRegions())
            alert["summary"] = "Résumé \(mark)"
            let answer: BrokerProcess.Answer
            switch Int.random(in: 0..<10, using: &random) {
            case 0...2:
                answer = try await broker.post("/api/v1/alerts", alert, token: writer.token)
                if answer.status == 201, let id = answer.json["id"] as? String { alertIds.append(id) }
            case 3...5 where !alertIds.isEmpty:
                // A lower marking or wider regions need confirming: confirmed half the time.
                if Bool.random(using: &random) { alert["confirmWiden"] = true }
                answer = try await broker.post("/api/v1/alerts/\(alertIds.randomElement(using: &random)!)/revisions", alert, token: writer.token)
            case 6 where !alertIds.isEmpty:
                answer = try await broker.request("POST", "/api/v1/alerts/\(alertIds.randomElement(using: &random)!)/cancel", token: writer.token,
                                                  json: ["reason": "Annulation \(mark)"])
            default:
                // Native documents whose references collide across publishers, with newer and older versions.
                ingestDay += Int.random(in: -1...2, using: &random)
                var document = alert
                document["sourceRef"] = "REF-\(Int.random(in: 1...3, using: &random))"
                document["sourceUpdatedAt"] = String(format: "2026-11-%02dT10:00:00Z", min(max(ingestDay, 1), 28))
                answer = try await broker.request("POST", "/api/v1/ingest/native", token: writer.token,
                                                  raw: Array(try JSONSerialization.data(withJSONObject: document)))
                for item in answer.json["items"] as? [[String: Any]] ?? [] {
                    if let id = item["alertId"] as? String, !alertIds.contains(id) { alertIds.append(id) }
                }
            }
            XCTAssertLessThan(answer.status, 500, "\(context): \(answer.text)")
            if let orgId = writer.orgId { answers.append(Answer(orgId: orgId, text: answer.text, ownMarkers: [mark])) }
        }

        // Let the outbox drain.
        try await eventually(timeout: 60, "\(context): outbox did not drain") {
            let waiting = try await broker.get("/api/v1/deliveries?state=pending&limit=1").items.count
                + (try await broker.get("/api/v1/deliveries?state=in_flight&limit=1").items.count)
            return waiting == 0
        }

        // The truth: every revision as stored, and which organisations may read each marker.
        var visibleTo: [String: Set<String>] = [:]
        var allMarkers: Set<String> = []
        var revisionPaths: [String] = []
        for id in Set(alertIds) {
            let current = try await broker.get("/api/v1/alerts/\(id)")
            guard let last = current.json["revision"] as? Int else { continue }
            for revision in 1...last {
                revisionPaths.append("/api/v1/alerts/\(id)/revisions/\(revision)")
                let stored = try await broker.get("/api/v1/alerts/\(id)/revisions/\(revision)").json
                // What a revision says: its title, summary and, once cancelled, the reason given.
                let reason = (stored["attributes"] as? [String: String])?["tocsin.cancelReason"] ?? ""
                let text = "\(stored["title"] ?? "") \(stored["summary"] ?? "") \(reason)"
                let tlp = TLP(rawValue: stored["tlp"] as? String ?? "") ?? .red
                let alertRegions = stored["regions"] as? [String] ?? []
                for found in Self.markers(in: text) {
                    allMarkers.insert(found)
                    for org in orgs where org.clearance.clears(tlp) && (alertRegions.isEmpty || org.region.map(alertRegions.contains) == true) {
                        visibleTo[found, default: []].insert(org.id)
                    }
                }
            }
        }
        XCTAssertFalse(allMarkers.isEmpty, context)
        func check(_ text: String, reader: String, exit: String, own: Set<String> = []) {
            for found in Self.markers(in: text) where !own.contains(found) && visibleTo[found]?.contains(reader) != true {
                XCTFail("\(context): \(exit) gave organisation \(reader) the content \(found), which it may not read")
            }
        }

        for answer in answers { check(answer.text, reader: answer.orgId, exit: "a write answer", own: answer.ownMarkers) }
        let mails = try sink.messages()
        let sessions = try sink.sessions()
        for (index, org) in orgs.enumerated() {
            // API reads: the list, every alert and every revision.
            var cursor: String?
            repeat {
                let page = try await broker.get("/api/v1/alerts?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""), token: org.subscriber)
                check(page.text, reader: org.id, exit: "GET /alerts")
                cursor = page.json["nextCursor"] as? String
            } while cursor != nil
            for id in Set(alertIds) {
                check(try await broker.get("/api/v1/alerts/\(id)", token: org.subscriber).text, reader: org.id, exit: "GET /alerts/{id}")
            }
            for path in revisionPaths {
                check(try await broker.get(path, token: org.relay).text, reader: org.id, exit: "GET revision")
            }
            // Feeds.
            for format in ["atom.xml", "rss.xml", "feed.json"] {
                let feed = try await broker.request("GET", "/feeds/\(org.feedToken)/\(format)?limit=200", token: nil)
                check(feed.text, reader: org.id, exit: "feed \(format)")
            }
            // The stream, from its beginning.
            let events = await FeedAndStreamTests.readStream(port: broker.port, token: org.subscriber, lastEventId: "0", count: 10_000,
                                                            seconds: 1.5)
            check(events.map(\.data).joined(separator: "\n"), reader: org.id, exit: "the stream")
            // Webhooks and email.
            for received in receiver.received(org.id) { check(String(decoding: received.body, as: UTF8.self), reader: org.id, exit: "a webhook") }
            for (mail, session) in zip(mails, sessions) where (session["rcpt"] as? [String])?.contains("rssi-\(index)@org.test") == true {
                check("\(mail)", reader: org.id, exit: "an email")
                // The acknowledgement page behind each link shows no more than the email did.
                for token in Self.ackTokens(in: "\(mail["text"] ?? "")") {
                    check(try await broker.request("GET", "/ack/\(token)", token: nil).text, reader: org.id, exit: "an acknowledgement page")
                }
            }
        }

        // Acknowledging: an organisation acknowledges only an alert it may read now (else 404, as an unknown one), and
        // the answer shows nothing it may not read.
        for org in orgs {
            for id in Set(alertIds) {
                let current = try await broker.get("/api/v1/alerts/\(id)").json
                let tlp = TLP(rawValue: current["tlp"] as? String ?? "") ?? .red
                let alertRegions = current["regions"] as? [String] ?? []
                let mayRead = org.clearance.clears(tlp) && (alertRegions.isEmpty || org.region.map(alertRegions.contains) == true)
                let answer = try await broker.request("POST", "/api/v1/alerts/\(id)/ack", token: Bool.random(using: &random) ? org.subscriber : org.relay)
                XCTAssertEqual(answer.status, mayRead ? 200 : 404, "\(context): organisation \(org.id) acknowledging \(id): \(answer.text)")
                check(answer.text, reader: org.id, exit: "an acknowledgement")
            }
        }
    }

    /// The tokens of the acknowledgement links in a text.
    static func ackTokens(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let range = rest.range(of: #"/ack/v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"#, options: .regularExpression) {
            found.append(String(rest[range].dropFirst("/ack/".count)))
            rest = rest[range.upperBound...]
        }
        return found
    }

    static func markers(in text: String) -> Set<String> {
        var found: Set<String> = []
        var rest = Substring(text)
        while let range = rest.range(of: #"MK\d{5}X"#, options: .regularExpression) {
            found.insert(String(rest[range]))
            rest = rest[range.upperBound...]
        }
        return found
    }
}
