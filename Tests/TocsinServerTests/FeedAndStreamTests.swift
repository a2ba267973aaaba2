import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TocsinCore
import TocsinDelivery
import TocsinNet
import XCTest

/// Pull feeds and the live stream: what a feed reader, a SIEM or `tocsin tail` gets.
final class FeedAndStreamTests: BrokerTestCase {
    /// A feed subscription for a GREEN-cleared organisation in Normandie, wanting high severity and above.
    func greenFeed() async throws -> (org: String, token: String) {
        let org = try await broker.createOrg("EHPAD Les Tilleuls", clearance: "GREEN", region: "28")
        let answer = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "feed", "filter": ["minSeverity": "high"]])
        XCTAssertEqual(answer.status, 201, answer.text)
        return (org, try XCTUnwrap(answer.json["feedToken"] as? String))
    }

    /// Parses XML with Foundation's parser; fails the test when it is not well-formed.
    final class XMLCollector: NSObject, XMLParserDelegate {
        var elements: [(name: String, text: String, attributes: [String: String])] = []
        var stack: [(String, String, [String: String])] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append((name, "", attributes))
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if !stack.isEmpty { stack[stack.count - 1].1 += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let element = stack.removeLast()
            elements.append((element.0, element.1, element.2))
        }
        func texts(_ name: String) -> [String] { elements.filter { $0.name == name }.map(\.text) }
    }

    func parseXML(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> XMLCollector {
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))", file: file, line: line)
        return collector
    }

    func testTheThreeFeedsListWhatTheSubscriptionMayReadAndValidate() async throws {
        let feed = try await greenFeed()
        let amber = try await broker.publish(alertJSON(title: "Ambre", tlp: "AMBER", severity: "critical"))
        let low = try await broker.publish(alertJSON(title: "Faible", tlp: "GREEN", severity: "low"))
        let elsewhere = try await broker.publish(alertJSON(title: "Ailleurs", tlp: "GREEN", severity: "high", regions: ["11"]))
        let visible = try await broker.publish(alertJSON(title: "Vulnérabilité <critique> & \"exploitée\"", tlp: "GREEN", severity: "critical", regions: ["28"]))
        let hidden = [amber, low, elsewhere]

        let atom = try await broker.request("GET", "/feeds/\(feed.token)/atom.xml", token: nil)
        XCTAssertEqual(atom.status, 200)
        XCTAssertEqual(atom.header("Content-Type"), "application/atom+xml; charset=utf-8")
        let atomXML = parseXML(atom.body)
        XCTAssertEqual(atomXML.elements.last?.name, "feed")
        XCTAssertEqual(atomXML.texts("id").filter { $0.hasPrefix("urn:uuid:") && $0 != atomXML.texts("id").first }, ["urn:uuid:\(visible)"])
        XCTAssertEqual(atomXML.texts("title").last, "[TLP:GREEN][CRITIQUE] Vulnérabilité <critique> & \"exploitée\"")
        for date in atomXML.texts("updated") + atomXML.texts("published") { XCTAssertNotNil(RFC3339.parse(date), date) }
        XCTAssertTrue(atomXML.elements.contains { $0.name == "category" && $0.attributes["term"] == "tlp:green" })
        for id in hidden { XCTAssertFalse(atom.text.contains(id), "feed leaks \(id)") }

        let rss = try await broker.request("GET", "/feeds/\(feed.token)/rss.xml", token: nil)
        let rssXML = parseXML(rss.body)
        XCTAssertEqual(rssXML.texts("guid"), ["urn:uuid:\(visible)"])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        for date in rssXML.texts("pubDate") + rssXML.texts("lastBuildDate") { XCTAssertNotNil(formatter.date(from: date), date) }
        XCTAssertEqual(rssXML.texts("channel").count, 1)

        let json = try await broker.request("GET", "/feeds/\(feed.token)/feed.json", token: nil)
        XCTAssertEqual(json.json["version"] as? String, "https://jsonfeed.org/version/1.1")
        let items = try XCTUnwrap(json.json["items"] as? [[String: Any]])
        XCTAssertEqual(items.map { $0["id"] as? String }, ["urn:uuid:\(visible)"])
        XCTAssertEqual((items[0]["_tocsin"] as? [String: Any])?["tlp"] as? String, "GREEN")
        XCTAssertNotNil(RFC3339.parse(items[0]["date_modified"] as? String ?? ""))

        let value1 = try await broker.request("GET", "/feeds/not-a-token/atom.xml", token: nil).status
        XCTAssertEqual(value1, 401)
    }

    func testFeedsAnswer304UntilARevisionChangesThemAndKeepEntryIds() async throws {
        let feed = try await greenFeed()
        let id = try await broker.publish(alertJSON(tlp: "GREEN", severity: "high"))
        let first = try await broker.request("GET", "/feeds/\(feed.token)/atom.xml", token: nil)
        let etag = try XCTUnwrap(first.header("ETag"))
        let lastModified = try XCTUnwrap(first.header("Last-Modified"))
        let value2 = try await broker.request("GET", "/feeds/\(feed.token)/atom.xml", token: nil, extraHeaders: [("If-None-Match", etag)]).status
        XCTAssertEqual(value2, 304)
        let value3 = try await broker.request("GET", "/feeds/\(feed.token)/atom.xml", token: nil,
                                                extraHeaders: [("If-Modified-Since", lastModified)]).status
        XCTAssertEqual(value3, 304)
        try await Task.sleep(for: .milliseconds(1_100))
        let value4 = try await broker.post("/api/v1/alerts/\(id)/revisions", alertJSON(title: "Mise à jour", tlp: "GREEN", severity: "high")).status
        XCTAssertEqual(value4, 201)
        let second = try await broker.request("GET", "/feeds/\(feed.token)/atom.xml", token: nil, extraHeaders: [("If-None-Match", etag)])
        XCTAssertEqual(second.status, 200)
        XCTAssertNotEqual(second.header("ETag"), etag)
        let value5 = try await broker.request("GET", "/feeds/\(feed.token)/atom.xml", token: nil,
                                                extraHeaders: [("If-Modified-Since", lastModified)]).status
        XCTAssertEqual(value5, 200)
        let entryIds = parseXML(second.body).texts("id").filter { $0.contains(id) }
        XCTAssertEqual(entryIds, ["urn:uuid:\(id)"], "one entry per alert, with the same id across revisions")
        XCTAssertTrue(second.text.contains("Mise à jour"))
    }

    /// A feed speaks its organisation's language, word for word: the feed title, the entry title, the inventory
    /// concerns, the cancellation, the CVE, indicator and reference lines.
    func testFeedWordsAreThoseOfTheOrganisationsLanguage() async throws {
        let alert: [String: Any] = [
            "title": "Philips Vue PACS", "summary": "Mettre à jour.", "body": "Détails.", "severity": "critical", "tlp": "GREEN",
            "cves": ["CVE-2024-3400"], "indicators": [["type": "ipv4", "value": "203.0.113.7"]],
            "references": [["url": "https://cert.example/avis/1"]],
            "affectedProducts": [["vendor": "Philips", "product": "Vue PACS", "versions": ["<12.2.8.410"]]],
        ]
        var expected: [String: (feed: String, title: String, text: String)] = [:]
        expected["fr"] = ("Alertes Tocsin — Hôpital fr", "[ANNULÉE][TLP:GREEN][CRITIQUE] Philips Vue PACS",
                          "concerne votre Philips Vue PACS 12.2.6.10 (PACS radiologie)\n\nconcerne peut-être votre Vue PACS (version à vérifier)"
                          + "\n\nAnnulée : doublon\n\nMettre à jour.\n\nDétails.\n\nCVE : CVE-2024-3400\n\nIndicateurs :\n- ipv4 203.0.113.7"
                          + "\n\nRéférences :\n- https://cert.example/avis/1")
        expected["en"] = ("Tocsin alerts — Hôpital en", "[CANCELLED][TLP:GREEN][CRITICAL] Philips Vue PACS",
                          "concerns your Philips Vue PACS 12.2.6.10 (PACS radiologie)\n\nmay concern your Vue PACS (check the version)"
                          + "\n\nCancelled: doublon\n\nMettre à jour.\n\nDétails.\n\nCVE : CVE-2024-3400\n\nIndicators :\n- ipv4 203.0.113.7"
                          + "\n\nReferences :\n- https://cert.example/avis/1")
        var tokens: [String: String] = [:]
        for locale in ["fr", "en"] {
            let created = try await broker.post("/api/v1/orgs", ["name": "Hôpital \(locale)", "kind": "CH", "region": "28", "tlpClearance": "GREEN", "locale": locale])
            let org = try XCTUnwrap(created.json["id"] as? String, created.text)
            let inventory = #"[{"vendor":"Philips","product":"Vue PACS","version":"12.2.6.10","label":"PACS radiologie"},{"product":"Vue PACS"}]"#
            let declared = try await broker.request("PUT", "/api/v1/orgs/\(org)/inventory", token: broker.adminToken, raw: Array(inventory.utf8),
                                                    contentType: "application/json")
            XCTAssertEqual(declared.status, 200, declared.text)
            let subscription = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "feed"])
            tokens[locale] = try XCTUnwrap(subscription.json["feedToken"] as? String, subscription.text)
        }
        let id = try await broker.publish(alert)
        let cancelled = try await broker.post("/api/v1/alerts/\(id)/cancel", ["reason": "doublon"])
        XCTAssertEqual(cancelled.status, 200, cancelled.text)
        for (locale, token) in tokens {
            let words = try XCTUnwrap(expected[locale])
            let json = try await broker.request("GET", "/feeds/\(token)/feed.json", token: nil)
            XCTAssertEqual(json.json["title"] as? String, words.feed)
            let item = try XCTUnwrap((json.json["items"] as? [[String: Any]])?.first, json.text)
            XCTAssertEqual(item["title"] as? String, words.title)
            XCTAssertEqual(item["content_text"] as? String, words.text)
            let atom = parseXML(try await broker.request("GET", "/feeds/\(token)/atom.xml", token: nil).body)
            XCTAssertEqual(atom.texts("title"), [words.feed, words.title])
            let rss = parseXML(try await broker.request("GET", "/feeds/\(token)/rss.xml", token: nil).body)
            XCTAssertEqual(rss.texts("description"), [words.feed, words.text])
        }
    }

    func testFeedsPageWithLimitAndCursor() async throws {
        let feed = try await greenFeed()
        var ids: [String] = []
        for n in 0..<3 { ids.append(try await broker.publish(alertJSON(title: "Alerte \(n)", tlp: "GREEN", severity: "high"))) }
        let page1 = try await broker.request("GET", "/feeds/\(feed.token)/feed.json?limit=2", token: nil)
        XCTAssertEqual((page1.json["items"] as? [[String: Any]])?.map { $0["id"] as? String }, ["urn:uuid:\(ids[2])", "urn:uuid:\(ids[1])"])
        let next = try XCTUnwrap(page1.json["next_url"] as? String)
        XCTAssertTrue(page1.header("Link")?.contains("rel=\"next\"") == true)
        let path = String(next[next.range(of: "/feeds/")!.lowerBound...])
        let page2 = try await broker.request("GET", path, token: nil)
        XCTAssertEqual((page2.json["items"] as? [[String: Any]])?.map { $0["id"] as? String }, ["urn:uuid:\(ids[0])"])
        XCTAssertNil(page2.json["next_url"])
    }

    /// Reads the stream on a thread of its own until `count` events arrived (or 10 s passed).
    static func readStream(port: Int, token: String, lastEventId: String?, count: Int, query: String = "",
                           seconds: TimeInterval = 10) async -> [ServerSentEventParser.Event] {
        let url = "http://127.0.0.1:\(port)/api/v1/stream\(query)"
        var headers = [("Authorization", "Bearer \(token)")]
        if let lastEventId { headers.append(("Last-Event-ID", lastEventId)) }
        let finalHeaders = headers
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                final class Box: @unchecked Sendable { var parser = ServerSentEventParser(); var events: [ServerSentEventParser.Event] = [] }
                let box = Box()
                let deadline = Date() + seconds
                _ = CurlStream.get(url: url, headers: finalHeaders) { bytes in
                    box.events += box.parser.feed(bytes)
                    return box.events.count < count && Date() < deadline
                }
                continuation.resume(returning: box.events)
            }
            thread.start()
        }
    }

    func testTheStreamResumesFromLastEventIdWithoutLossAndHonoursClearance() async throws {
        let org = try await broker.createOrg("CH de Dieppe", clearance: "GREEN", region: "28")
        let token = try await broker.post("/api/v1/tokens", ["role": "subscriber", "orgId": org]).json["token"] as! String

        let port = broker.port
        async let firstRead = Self.readStream(port: port, token: token, lastEventId: nil, count: 1)
        try await Task.sleep(for: .milliseconds(500))
        let a = try await broker.publish(alertJSON(title: "A", tlp: "GREEN"))
        let first = await firstRead
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(first.first?.type, "alert.published")
        let lastId = try XCTUnwrap(first.first?.id)
        XCTAssertTrue(first.first?.data.contains(a) == true)

        // Disconnected: B is for us, C is above our clearance, D is an update of A.
        let b = try await broker.publish(alertJSON(title: "B", tlp: "GREEN"))
        _ = try await broker.publish(alertJSON(title: "C", tlp: "AMBER"))
        let value6 = try await broker.post("/api/v1/alerts/\(a)/revisions", alertJSON(title: "A bis", tlp: "GREEN")).status
        XCTAssertEqual(value6, 201)
        let resumed = await Self.readStream(port: port, token: token, lastEventId: lastId, count: 2)
        XCTAssertEqual(resumed.map(\.type), ["alert.published", "alert.updated"])
        XCTAssertTrue(resumed[0].data.contains(b))
        XCTAssertTrue(resumed[1].data.contains(a))
        XCTAssertFalse(resumed.contains { $0.data.contains("\"title\":\"C\"") })
        let ids = resumed.compactMap { $0.id.flatMap(Int.init) }
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertGreaterThan(ids[0], Int(lastId)!)
    }

    func testTailFollowsTheStreamFromTheTerminal() async throws {
        let token = try await broker.post("/api/v1/tokens", ["role": "publisher"]).json["token"] as! String
        _ = try await broker.publish(alertJSON(title: "Premier", tlp: "GREEN"))
        _ = try await broker.publish(alertJSON(title: "Second", tlp: "RED", severity: "critical"))
        let process = Process()
        process.executableURL = BrokerProcess.binary
        process.arguments = ["tail", "--url", "http://127.0.0.1:\(broker.port)", "--token", token, "--from", "0", "--json"]
        let output = broker.dataDir + "/tail.out"
        FileManager.default.createFile(atPath: output, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try process.run()
        defer { process.terminate() }
        try await eventually { ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").count >= 2 }
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        let events = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(events.compactMap { ($0["alert"] as? [String: Any])?["title"] as? String }, ["Premier", "Second"])
        XCTAssertEqual(events.first?["event"] as? String, "alert.published")
    }

    func testTailReadsTheURLFromTheEnvironmentAndNamesTheOneItCannotReach() throws {
        let process = Process()
        process.executableURL = BrokerProcess.binary
        process.arguments = ["tail", "--token", "tcs_x", "--once"]
        process.environment = ["TOCSIN_URL": "http://127.0.0.1:1", "PATH": "/usr/bin:/bin"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(text.contains("cannot reach http://127.0.0.1:1"), text)
    }
}
