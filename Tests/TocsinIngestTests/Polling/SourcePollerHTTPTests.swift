import Foundation
import TocsinCore
import TocsinIngest
import TocsinTestSupport
import XCTest

/// Rounds against a real HTTP server on loopback serving real documents of the fixture corpus.
final class SourcePollerHTTPTests: XCTestCase {
    private var server: PollFixtureServer!

    override func setUpWithError() throws {
        server = try PollFixtureServer()
    }

    override func tearDown() {
        server?.stop()
        server = nil
    }

    private func poller(_ sink: PollRecordingSink, store: SourceMemoryStateStore = SourceMemoryStateStore(),
                        log: @escaping SourcePollLog = { _, _, _ in }) -> SourcePoller {
        SourcePoller(fetcher: PollURLSessionFetcher(), sink: sink, store: store, log: log)
    }

    private func json(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    private func rolieEntry(id: String, url: String, updated: String) -> [String: Any] {
        ["id": id, "title": id, "published": updated, "updated": updated,
         "link": [["rel": "self", "href": url]], "content": ["type": "application/json", "src": url],
         "format": ["schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0"]]
    }

    private func rolieFeed(id: String, entries: [[String: Any]]) throws -> Data {
        try json(["feed": ["id": id, "title": id, "updated": "2024-10-10T00:00:00Z", "entry": entries]])
    }

    private func providerMetadata(feeds: [(url: String, tlp: String)]) throws -> Data {
        try json([
            "canonical_url": server.base + "/provider/provider-metadata.json",
            "metadata_version": "2.0", "role": "csaf_provider", "last_updated": "2024-10-10T00:00:00Z",
            "publisher": ["category": "vendor", "name": "Example", "namespace": "https://example.com"],
            "distributions": [["rolie": ["feeds": feeds.map { ["url": $0.url, "tlp_label": $0.tlp, "summary": $0.tlp] }]]],
        ])
    }

    /// A provider with three ROLIE feeds: the real CISA IT TLP:WHITE feed rewritten to the local server (cut to
    /// the two documents the corpus holds: VA-24-254-01 updated 2024-09-10, VA-24-201-01 updated 2024-09-18),
    /// a GREEN feed (BSI-2022-0001, and RHSA-2022:0011 on another origin) and an AMBER feed.
    private func serveROLIEProvider() throws -> String {
        let cisaPrefix = "https://raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/IT/white/"
        let local = server.base + "/provider/white/"
        let realFeed = String(decoding: try Fixtures.data("csaf/cisa/cisa-csaf-it-feed-tlp-white.json"), as: UTF8.self)
            .replacingOccurrences(of: cisaPrefix, with: local)
        var feed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(realFeed.utf8)) as? [String: Any])
        var body = try XCTUnwrap(feed["feed"] as? [String: Any])
        let entries = try XCTUnwrap(body["entry"] as? [[String: Any]])
        body["entry"] = entries.filter { ["VA-24-201-01", "VA-24-254-01"].contains($0["id"] as? String) }
        feed["feed"] = body
        try server.write(try json(feed), at: "provider/white/feed-tlp-white.json")
        try server.write(try Fixtures.data("csaf/cisa/va-24-201-01.json"), at: "provider/white/2024/va-24-201-01.json")
        try server.write(try Fixtures.data("csaf/cisa/va-24-254-01.json"), at: "provider/white/2024/va-24-254-01.json")

        try server.write(try rolieFeed(id: "feed-tlp-green", entries: [
            rolieEntry(id: "BSI-2022-0001", url: server.base + "/provider/green/bsi-2022-0001.json", updated: "2022-03-17T13:03:42Z"),
            rolieEntry(id: "RHSA-2022:0011", url: server.otherOriginBase + "/provider/green/rhsa-2022_0011.json", updated: "2022-01-04T12:00:00Z"),
        ]), at: "provider/green/feed-tlp-green.json")
        try server.write(try Fixtures.data("csaf/oasis/bsi-2022-0001.json"), at: "provider/green/bsi-2022-0001.json")
        try server.write(try Fixtures.data("csaf/oasis/rhsa-2022_0011.json"), at: "provider/green/rhsa-2022_0011.json")

        try server.write(try rolieFeed(id: "feed-tlp-amber", entries: [
            rolieEntry(id: "RHSA-2021:5186", url: server.base + "/provider/amber/rhsa-2021_5186.json", updated: "2021-12-16T00:00:00Z"),
        ]), at: "provider/amber/feed-tlp-amber.json")
        try server.write(try Fixtures.data("csaf/oasis/rhsa-2021_5186.json"), at: "provider/amber/rhsa-2021_5186.json")

        try server.write(try providerMetadata(feeds: [
            (server.base + "/provider/white/feed-tlp-white.json", "WHITE"),
            (server.base + "/provider/green/feed-tlp-green.json", "GREEN"),
            (server.base + "/provider/amber/feed-tlp-amber.json", "AMBER"),
        ]), at: "provider/provider-metadata.json")
        return server.base + "/provider/provider-metadata.json"
    }

    func testCSAFProviderIsFollowedThroughItsROLIEFeedsWithConditionalRequests() async throws {
        let metadataURL = try serveROLIEProvider()
        let source = SourceConfiguration(name: "example-csaf", url: metadataURL, format: .csafProvider,
                                         headers: ["Authorization": "Bearer provider-token-0123456789"])
        let sink = PollRecordingSink()
        let poller = poller(sink)

        // First round: every document of the WHITE and GREEN feeds, oldest first per feed; the AMBER feed untouched.
        var state = await poller.pollOnce(source)
        var calls = await sink.calls
        XCTAssertEqual(calls.map { URL(string: $0.origin)?.lastPathComponent }, [
            "va-24-254-01.json", "va-24-201-01.json", "rhsa-2022_0011.json", "bsi-2022-0001.json",
        ])
        XCTAssertTrue(calls.allSatisfy { $0.format == .csaf && $0.options.sourceName == "example-csaf" })
        // The feed's TLP becomes the documents' default: WHITE is read as CLEAR.
        XCTAssertEqual(calls.map(\.options.defaultTLP), [.clear, .clear, .green, .green])
        XCTAssertNil(state.lastError)
        XCTAssertEqual(state.lastStatus, .updated)
        XCTAssertEqual(state.itemsSeen, 4)
        XCTAssertEqual(state.alertsPublished, 4)
        XCTAssertEqual(state.consecutiveFailures, 0)
        XCTAssertNotNil(state.lastSuccessAt)
        XCTAssertEqual(state.cursors[server.base + "/provider/white/feed-tlp-white.json"], RFC3339.parse("2024-09-18T16:00:00Z"))
        var requests = try await server.requests()
        XCTAssertFalse(requests.contains { $0.path.hasPrefix("/provider/amber/") }, "an AMBER feed is not followed by default")
        XCTAssertFalse(requests.contains(where: \.isConditional))
        // The credentials go to the provider's origin only, never to a document on another host.
        XCTAssertTrue(requests.filter { $0.host.hasPrefix("127.0.0.1") }.allSatisfy(\.authorization))
        let foreign = try XCTUnwrap(requests.first { $0.path == "/provider/green/rhsa-2022_0011.json" })
        XCTAssertTrue(foreign.host.hasPrefix("localhost"))
        XCTAssertFalse(foreign.authorization)

        // Second round: the metadata and both feeds answer 304; nothing is fetched or handed.
        try await server.reset()
        state = await poller.pollOnce(source)
        requests = try await server.requests()
        XCTAssertEqual(requests.map(\.path).sorted(), [
            "/provider/green/feed-tlp-green.json", "/provider/provider-metadata.json", "/provider/white/feed-tlp-white.json",
        ])
        XCTAssertTrue(requests.allSatisfy { $0.status == 304 && $0.if_none_match != nil && $0.if_modified_since != nil })
        calls = await sink.calls
        XCTAssertEqual(calls.count, 4)
        XCTAssertEqual(state.lastStatus, .unchanged)
        XCTAssertEqual(state.lastRound?.notModified, 3)
        XCTAssertEqual(state.itemsSeen, 4)

        // A new revision of VA-24-201-01: the feed says it was updated; only that document is fetched again.
        var document = try XCTUnwrap(try JSONSerialization.jsonObject(with: try Fixtures.data("csaf/cisa/va-24-201-01.json")) as? [String: Any])
        var head = try XCTUnwrap(document["document"] as? [String: Any])
        var tracking = try XCTUnwrap(head["tracking"] as? [String: Any])
        tracking["version"] = "1.0.2"
        head["tracking"] = tracking
        document["document"] = head
        try server.write(try json(document), at: "provider/white/2024/va-24-201-01.json")
        let feedPath = server.directory.appendingPathComponent("provider/white/feed-tlp-white.json")
        var feed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: feedPath)) as? [String: Any])
        var body = try XCTUnwrap(feed["feed"] as? [String: Any])
        body["entry"] = try XCTUnwrap(body["entry"] as? [[String: Any]]).map { entry in
            var entry = entry
            if entry["id"] as? String == "VA-24-201-01" { entry["updated"] = "2024-10-20T08:00:00Z" }
            return entry
        }
        feed["feed"] = body
        try server.write(try json(feed), at: "provider/white/feed-tlp-white.json")
        try await server.reset()
        state = await poller.pollOnce(source)
        requests = try await server.requests()
        let documentRequests = requests.filter { $0.path.hasSuffix(".json") && !$0.path.contains("feed") && !$0.path.contains("metadata") }
        XCTAssertEqual(documentRequests.map(\.path), ["/provider/white/2024/va-24-201-01.json"])
        XCTAssertNotNil(documentRequests.first?.if_none_match, "the document is fetched with its validators")
        XCTAssertEqual(documentRequests.first?.status, 200)
        calls = await sink.calls
        XCTAssertEqual(calls.count, 5)
        XCTAssertEqual(calls.last.map { URL(string: $0.origin)?.lastPathComponent }, "va-24-201-01.json")
        XCTAssertEqual(state.alertsRevised, 1)
        XCTAssertEqual(state.lastStatus, .updated)
        XCTAssertEqual(state.cursors[server.base + "/provider/white/feed-tlp-white.json"], RFC3339.parse("2024-10-20T08:00:00Z"))
    }

    func testAllowedFeedTLPsAndSourceDefaultNeverWidenTheFeed() async throws {
        let metadataURL = try serveROLIEProvider()
        // AMBER feeds allowed, and a source default of AMBER: it narrows the WHITE and GREEN feeds' defaults.
        let source = SourceConfiguration(name: "example-csaf", url: metadataURL, format: .csafProvider, defaultTLP: .amber,
                                         csafFeedTLPs: [.clear, .green, .amber])
        let sink = PollRecordingSink()
        _ = await poller(sink).pollOnce(source)
        let calls = await sink.calls
        XCTAssertEqual(calls.count, 5)
        XCTAssertTrue(calls.allSatisfy { $0.options.defaultTLP == .amber })

        // A source default of CLEAR does not widen the GREEN feed.
        let sink2 = PollRecordingSink()
        let narrow = SourceConfiguration(name: "example-csaf", url: metadataURL, format: .csafProvider, defaultTLP: .clear)
        _ = await poller(sink2).pollOnce(narrow)
        let greens = await sink2.calls.filter { $0.origin.contains("/green/") }
        XCTAssertEqual(greens.map(\.options.defaultTLP), [.green, .green])
    }

    func testFailingDocumentsAreNamedAndTheOthersGoOn() async throws {
        let feedURL = server.base + "/provider/white/feed.json"
        try server.write(try rolieFeed(id: "feed", entries: [
            rolieEntry(id: "MALFORMED", url: server.base + "/provider/white/malformed.json", updated: "2024-01-01T00:00:00Z"),
            rolieEntry(id: "VA-24-254-01", url: server.base + "/provider/white/va-24-254-01.json", updated: "2024-02-01T00:00:00Z"),
            rolieEntry(id: "VA-24-201-01", url: server.base + "/provider/white/va-24-201-01.json", updated: "2024-03-01T00:00:00Z"),
        ]), at: "provider/white/feed.json")
        // A document cut short: the adapter rejects it.
        try server.write(try Fixtures.data("csaf/cisa/va-24-201-01.json").prefix(300), at: "provider/white/malformed.json")
        try server.write(try Fixtures.data("csaf/cisa/va-24-254-01.json"), at: "provider/white/va-24-254-01.json")
        try server.write(try Fixtures.data("csaf/cisa/va-24-201-01.json"), at: "provider/white/va-24-201-01.json")
        try server.setStatus(500, for: "provider/white/va-24-254-01.json")
        try server.write(try providerMetadata(feeds: [(feedURL, "WHITE")]), at: "provider/provider-metadata.json")
        let source = SourceConfiguration(name: "example-csaf", url: server.base + "/provider/provider-metadata.json", format: .csafProvider)
        let sink = PollRecordingSink()
        let poller = poller(sink)

        var state = await poller.pollOnce(source)
        var calls = await sink.calls
        XCTAssertEqual(calls.map { URL(string: $0.origin)?.lastPathComponent }, ["malformed.json", "va-24-201-01.json"])
        let error = try XCTUnwrap(state.lastError)
        XCTAssertTrue(error.hasPrefix("2 of 3 documents failed"), error)
        XCTAssertTrue(error.contains("malformed.json: rejected: csaf: the body is not valid JSON"), error)
        XCTAssertTrue(error.contains("va-24-254-01.json: HTTP 500"), error)
        XCTAssertEqual(state.consecutiveFailures, 1)
        XCTAssertEqual(state.lastStatus, .partial)
        XCTAssertEqual(state.documentsFailed, 2)
        XCTAssertEqual(state.itemsSeen, 2)
        XCTAssertEqual(state.alertsPublished, 1)
        XCTAssertNil(state.lastSuccessAt)
        // The cursor stops before the document that could not be fetched, past the rejected one.
        XCTAssertEqual(state.cursors[feedURL], RFC3339.parse("2024-01-01T00:00:00Z"))

        // The server recovers: the document that failed is fetched again, the rejected revision is not.
        try server.setStatus(nil, for: "provider/white/va-24-254-01.json")
        try await server.reset()
        state = await poller.pollOnce(source)
        let requests = try await server.requests()
        XCTAssertFalse(requests.contains { $0.path.hasSuffix("malformed.json") })
        XCTAssertEqual(requests.first { $0.path.hasSuffix("va-24-201-01.json") }?.status, 304)
        calls = await sink.calls
        XCTAssertEqual(calls.last.map { URL(string: $0.origin)?.lastPathComponent }, "va-24-254-01.json")
        XCTAssertNil(state.lastError)
        XCTAssertEqual(state.consecutiveFailures, 0)
        XCTAssertEqual(state.lastStatus, .updated)
        XCTAssertEqual(state.cursors[feedURL], RFC3339.parse("2024-03-01T00:00:00Z"))

        // Nothing is left: the feed's own validators are now kept, and it answers 304.
        try await server.reset()
        state = await poller.pollOnce(source)
        let third = try await server.requests()
        XCTAssertEqual(third.map(\.status), [304, 304])
        XCTAssertEqual(state.lastStatus, .unchanged)
    }

    func testTransientSinkFailureKeepsTheDocumentForTheNextRound() async throws {
        let feedURL = server.base + "/provider/white/feed.json"
        try server.write(try rolieFeed(id: "feed", entries: [
            rolieEntry(id: "VA-24-254-01", url: server.base + "/provider/white/va-24-254-01.json", updated: "2024-02-01T00:00:00Z"),
        ]), at: "provider/white/feed.json")
        try server.write(try Fixtures.data("csaf/cisa/va-24-254-01.json"), at: "provider/white/va-24-254-01.json")
        try server.write(try providerMetadata(feeds: [(feedURL, "WHITE")]), at: "provider/provider-metadata.json")
        let source = SourceConfiguration(name: "example-csaf", url: server.base + "/provider/provider-metadata.json", format: .csafProvider)
        let sink = PollRecordingSink()
        await sink.setUnavailable([server.base + "/provider/white/va-24-254-01.json"])
        let poller = poller(sink)
        var state = await poller.pollOnce(source)
        XCTAssertTrue(state.lastError?.contains("could not be stored: the store is unavailable") ?? false, state.lastError ?? "")
        XCTAssertNil(state.cursors[feedURL])
        await sink.setUnavailable([])
        state = await poller.pollOnce(source)
        XCTAssertNil(state.lastError)
        let calls = await sink.calls
        XCTAssertEqual(calls.count, 2, "the document is handed again, whole")
        XCTAssertEqual(state.alertsPublished, 1)
    }

    func testDirectoryProviderIsFollowedThroughChangesCSV() async throws {
        // The real Stackable provider metadata, its directory moved to the local server, and its real
        // changes.csv cut to the documents the corpus holds:
        // cve-2022-1471 (2026-07-13T09:49:30Z), cve-2026-42203 (2026-07-13T09:48:05Z),
        // stacksa_2024_0101_0001 (2024-11-11T20:20:37Z).
        let directory = server.base + "/stackable/advisories/"
        let metadata = String(decoding: try Fixtures.data("csaf/stackable/provider-metadata.json"), as: UTF8.self)
            .replacingOccurrences(of: "https://advisories.stackable.tech/csaf/v2/advisories/", with: directory)
            .replacingOccurrences(of: "https://advisories.stackable.tech/.well-known/csaf/", with: server.base + "/stackable/")
        try server.write(Data(metadata.utf8), at: "stackable/provider-metadata.json")
        let held = ["2026/cve-2022-1471.json", "2026/cve-2026-42203.json", "2024/stacksa_2024_0101_0001.json"]
        let changes = String(decoding: try Fixtures.data("csaf/stackable/changes.csv"), as: UTF8.self)
            .split(separator: "\n").filter { line in held.contains { line.hasPrefix("\"\($0)\"") } }
        XCTAssertEqual(changes.count, 3)
        try server.write(Data((changes.joined(separator: "\n") + "\n").utf8), at: "stackable/advisories/changes.csv")
        for path in held {
            try server.write(try Fixtures.data("csaf/stackable/" + URL(fileURLWithPath: path).lastPathComponent), at: "stackable/advisories/" + path)
        }
        // At most two documents on the first round: the newest two.
        let source = SourceConfiguration(name: "stackable", url: server.base + "/stackable/provider-metadata.json",
                                         format: .csafProvider, documentLimit: 2)
        let sink = PollRecordingSink()
        let poller = poller(sink)
        var state = await poller.pollOnce(source)
        var calls = await sink.calls
        XCTAssertEqual(calls.map(\.origin), [directory + "2026/cve-2026-42203.json", directory + "2026/cve-2022-1471.json"])
        XCTAssertTrue(calls.allSatisfy { $0.options.defaultTLP == nil && $0.format == .csaf })
        XCTAssertNil(state.lastError)
        XCTAssertEqual(state.cursors[directory + "changes.csv"], RFC3339.parse("2026-07-13T09:49:30Z"))

        try await server.reset()
        state = await poller.pollOnce(source)
        let statuses = try await server.requests().map(\.status)
        XCTAssertEqual(statuses, [304, 304])
        XCTAssertEqual(state.lastStatus, .unchanged)

        // A new revision of one document, and a row that climbs out of the directory.
        try server.write(Data("\"../../outside.json\",\"2026-08-01T00:00:01Z\"\n\"2026/cve-2026-42203.json\",\"2026-08-01T00:00:00Z\"\n".utf8)
                         + (try Data(contentsOf: server.directory.appendingPathComponent("stackable/advisories/changes.csv"))),
                         at: "stackable/advisories/changes.csv")
        try server.write(try Fixtures.data("csaf/stackable/cve-2026-42203.json") + Data("\n".utf8), at: "stackable/advisories/2026/cve-2026-42203.json")
        try await server.reset()
        state = await poller.pollOnce(source)
        calls = await sink.calls
        XCTAssertEqual(calls.count, 3)
        XCTAssertEqual(calls.last?.origin, directory + "2026/cve-2026-42203.json")
        let third = try await server.requests()
        XCTAssertFalse(third.contains { $0.path.contains("outside") })
        XCTAssertTrue(state.lastError?.contains("'../../outside.json' is not a document path inside the directory") ?? false, state.lastError ?? "")
        XCTAssertEqual(state.alertsRevised, 1)
        XCTAssertEqual(state.cursors[directory + "changes.csv"], RFC3339.parse("2026-08-01T00:00:00Z"))
    }

    func testDocumentSourceUsesConditionalGETAndHandsAChangedDocumentAgain() async throws {
        let kev = try Fixtures.data("cve/kev/known_exploited_vulnerabilities.json")
        try server.write(kev, at: "kev.json")
        let source = SourceConfiguration(name: "cisa-kev", url: server.base + "/kev.json", format: .ingest(.kev),
                                         defaultSeverity: .high, categories: ["vulnerability"])
        let sink = PollRecordingSink()
        let poller = poller(sink)

        var state = await poller.pollOnce(source)
        var calls = await sink.calls
        XCTAssertEqual(calls.count, 1)
        XCTAssertEqual(calls.first?.format, .kev)
        XCTAssertEqual(calls.first?.data, kev)
        XCTAssertEqual(calls.first?.origin, server.base + "/kev.json")
        XCTAssertEqual(calls.first?.options.defaultSeverity, .high)
        XCTAssertEqual(calls.first?.options.extraCategories, ["vulnerability"])
        XCTAssertEqual(calls.first?.options.quiet, true, "a new source's first poll is stored quietly (notify: new)")
        XCTAssertEqual(state.lastHTTPStatus, 200)
        XCTAssertNotNil(state.validators[source.url]?.etag)
        XCTAssertNotNil(state.validators[source.url]?.lastModified)

        try await server.reset()
        state = await poller.pollOnce(source)
        var requests = try await server.requests()
        XCTAssertEqual(requests.count, 1)
        XCTAssertEqual(requests.first?.status, 304)
        XCTAssertEqual(requests.first?.if_none_match, state.validators[source.url]?.etag)
        XCTAssertNotNil(requests.first?.if_modified_since)
        calls = await sink.calls
        XCTAssertEqual(calls.count, 1)
        XCTAssertEqual(state.lastHTTPStatus, 304)
        XCTAssertEqual(state.lastStatus, .unchanged)
        XCTAssertNil(state.lastError)

        // The catalog changes: it is handed again, as a revision.
        var catalog = try XCTUnwrap(try JSONSerialization.jsonObject(with: kev) as? [String: Any])
        catalog["catalogVersion"] = "2099.01.01"
        try server.write(try json(catalog), at: "kev.json")
        try await server.reset()
        state = await poller.pollOnce(source)
        requests = try await server.requests()
        XCTAssertEqual(requests.first?.status, 200)
        XCTAssertNotNil(requests.first?.if_none_match)
        calls = await sink.calls
        XCTAssertEqual(calls.count, 2)
        XCTAssertEqual(calls.last?.options.quiet, false, "what changes after the first poll notifies")
        XCTAssertEqual(state.alertsPublished, 1)
        XCTAssertEqual(state.alertsRevised, 1)
        XCTAssertEqual(state.itemsSeen, 2)
        XCTAssertEqual(state.lastStatus, .updated)
    }

    func testASourceWithNotifyAllIsNeverQuiet() async throws {
        let kev = try Fixtures.data("cve/kev/known_exploited_vulnerabilities.json")
        try server.write(kev, at: "kev.json")
        let configuration = try JSONDecoder().decode(SourceConfiguration.self, from: Data(#"{"name":"kev","url":"\#(server.base)/kev.json","format":"kev","notify":"all"}"#.utf8))
        XCTAssertEqual(configuration.notify, .all)
        let sink = PollRecordingSink()
        _ = await poller(sink).pollOnce(configuration)
        let calls = await sink.calls
        XCTAssertEqual(calls.first?.options.quiet, false)
    }

    func testFeedSourceIsHandedWholeOnce() async throws {
        let atom = try Fixtures.data("feeds/ghsa-swift.atom.xml")
        try server.write(atom, at: "feeds/ghsa-swift.atom.xml")
        let source = SourceConfiguration(name: "ghsa-swift", url: server.base + "/feeds/ghsa-swift.atom.xml", format: .ingest(.feed))
        XCTAssertEqual(source.kind, .feed)
        let sink = PollRecordingSink()
        let poller = poller(sink)
        _ = await poller.pollOnce(source)
        let state = await poller.pollOnce(source)
        let calls = await sink.calls
        XCTAssertEqual(calls.count, 1)
        XCTAssertEqual(calls.first?.format, .feed)
        XCTAssertEqual(calls.first?.data, atom)
        XCTAssertEqual(state.itemsSeen, 1)
        XCTAssertEqual(state.lastHTTPStatus, 304)
    }

    func testSourceFailuresCountUpAndOtherSourcesGoOn() async throws {
        try server.write(try Fixtures.data("cve/kev/known_exploited_vulnerabilities.json"), at: "kev.json")
        try server.write(try Fixtures.data("cve/kev/known_exploited_vulnerabilities.json"), at: "down.json")
        try server.setStatus(500, for: "down.json")
        try server.write(Data("{\"catalogVersion\": ".utf8), at: "broken.json")
        let down = SourceConfiguration(name: "down", url: server.base + "/down.json", format: .ingest(.kev))
        let broken = SourceConfiguration(name: "broken", url: server.base + "/broken.json", format: .ingest(.kev))
        let good = SourceConfiguration(name: "good", url: server.base + "/kev.json", format: .ingest(.kev))
        let sink = PollRecordingSink()
        let store = SourceMemoryStateStore()
        let poller = poller(sink, store: store)
        for _ in 0..<2 {
            for source in [down, broken, good] { _ = await poller.pollOnce(source) }
        }
        let states = await store.all()
        XCTAssertEqual(states["down"]?.lastError, "GET \(server.base)/down.json: HTTP 500")
        XCTAssertEqual(states["down"]?.consecutiveFailures, 2)
        XCTAssertEqual(states["down"]?.lastStatus, .failed)
        XCTAssertEqual(states["down"]?.lastHTTPStatus, 500)
        XCTAssertEqual(states["broken"]?.lastError, "\(server.base)/broken.json: rejected: kev: the body is not valid JSON")
        XCTAssertEqual(states["broken"]?.consecutiveFailures, 2)
        XCTAssertNil(states["broken"]?.validators[broken.url], "a rejected document is fetched whole again")
        XCTAssertNil(states["good"]?.lastError)
        XCTAssertEqual(states["good"]?.itemsSeen, 1)
        // Backoff: the failing sources are due later than the healthy one.
        let goodNext = try XCTUnwrap(states["good"]?.nextAttemptAt)
        let downNext = try XCTUnwrap(states["down"]?.nextAttemptAt)
        XCTAssertGreaterThan(downNext.timeIntervalSince(goodNext), 900)

        // Recovery resets the count.
        try server.setStatus(nil, for: "down.json")
        let recovered = await poller.pollOnce(down)
        XCTAssertEqual(recovered.consecutiveFailures, 0)
        XCTAssertNil(recovered.lastError)
        XCTAssertNotNil(recovered.lastSuccessAt)
    }

    func testSecretsNeverAppearInErrorsLogsOrDescriptions() async throws {
        let token = "s3cr3t-T0ken-for-tests"
        let apiKey = "k3y-abcdef-98765"
        let querySecret = "q-secret-123"
        try server.write(Data("{}".utf8), at: "secret/kev.json")
        try server.setStatus(500, for: "secret/kev.json")
        let source = SourceConfiguration(name: "private-feed", url: server.base + "/secret/kev.json?apikey=\(querySecret)",
                                         format: .ingest(.kev), headers: ["Authorization": "Bearer \(token)", "X-Api-Key": apiKey])
        let lines = PollLogLines()
        let sink = PollRecordingSink()
        let store = SourceMemoryStateStore()
        let state = await poller(sink, store: store, log: lines.append).pollOnce(source)
        let requests = try await server.requests()
        XCTAssertEqual(requests.first?.authorization, true, "the credentials are sent to the source itself")

        // A fetcher whose error message repeats a header value.
        let leaky = SourcePoller(fetcher: PollLeakyFetcher(message: "refused with Authorization: Bearer \(token)"),
                                 sink: sink, store: store, log: lines.append)
        let leakyState = await leaky.pollOnce(source)

        var texts = [state.lastError ?? "", leakyState.lastError ?? "", source.description, source.debugDescription,
                     String(describing: source), "\(source)", String(reflecting: source)]
        var dumped = ""
        dump(source, to: &dumped)
        texts.append(dumped)
        texts.append(String(decoding: try TocsinJSON.encoder().encode(SourceHealth(source: source, state: leakyState)), as: UTF8.self))
        texts.append(String(decoding: try TocsinJSON.encoder().encode(leakyState), as: UTF8.self))
        texts += lines.all.map { "\($0.message) \($0.metadata)" }
        for text in texts {
            for secret in [token, apiKey, querySecret] {
                XCTAssertFalse(text.contains(secret), "a secret leaked into: \(text)")
            }
        }
        XCTAssertTrue(state.lastError?.hasSuffix("HTTP 500") ?? false, state.lastError ?? "")
        XCTAssertTrue(leakyState.lastError?.contains("refused with Authorization: <redacted>") ?? false, leakyState.lastError ?? "")
        XCTAssertTrue(source.description.contains("Authorization: <redacted>"))
        XCTAssertEqual(SourceHealth(source: source, state: state).headerNames, ["Authorization", "X-Api-Key"])
        XCTAssertEqual(SourceHealth(source: source, state: state).url, server.base + "/secret/kev.json?apikey=redacted")
    }

    func testDocumentValidatorsAreBoundedButListingsKeepTheirs() async throws {
        let metadataURL = try serveROLIEProvider()
        let source = SourceConfiguration(name: "example-csaf", url: metadataURL, format: .csafProvider)
        let poller = SourcePoller(fetcher: PollURLSessionFetcher(), sink: PollRecordingSink(), store: SourceMemoryStateStore(),
                                  options: SourcePoller.Options(maximumValidators: 3))
        let state = await poller.pollOnce(source)
        XCTAssertEqual(state.validators.count, 3)
        XCTAssertEqual(Set(state.validators.keys), [
            metadataURL, server.base + "/provider/white/feed-tlp-white.json", server.base + "/provider/green/feed-tlp-green.json",
        ])
        XCTAssertEqual(state.itemsSeen, 4)
    }
}

/// A fetcher that always fails with the given message.
struct PollLeakyFetcher: SourceFetcher {
    var message: String

    func get(_ url: String, headers: [(String, String)], timeout: TimeInterval, maxBytes: Int) async throws -> SourceResponse {
        throw SourceFetchError.transport(message)
    }
}

/// Collects the poller's log lines.
final class PollLogLines: @unchecked Sendable {
    struct Line { var level: SourcePollLogLevel; var message: String; var metadata: [String: String] }
    private let lock = NSLock()
    private var lines: [Line] = []

    var all: [Line] { lock.withLock { lines } }

    var append: SourcePollLog {
        { [self] level, message, metadata in lock.withLock { lines.append(Line(level: level, message: message, metadata: metadata)) } }
    }
}
