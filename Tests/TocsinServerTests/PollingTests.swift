import Foundation
import TocsinTestSupport
import XCTest

/// Configured sources polled from a real HTTP server on loopback serving the fixture corpus: conditional GET,
/// idempotency, CSAF provider discovery through ROLIE, health in the API and in /metrics.
final class PollingTests: XCTestCase {
    var server: FixtureServer!
    var broker: BrokerProcess!

    override func setUp() async throws {
        server = try await FixtureServer.start()
    }

    override func tearDown() async throws {
        broker?.stop()
        server.stop()
    }

    func sources() async throws -> [String: [String: Any]] {
        let items = try await broker.get("/api/v1/sources").items
        return Dictionary(uniqueKeysWithValues: items.compactMap { item in (item["name"] as? String).map { ($0, item) } })
    }

    func testSourcesArePolledWithConditionalRequestsAndTheirDocumentsStoredOnce() async throws {
        // A CSAF provider (provider-metadata.json → a ROLIE feed → two real advisories), a feed and a CVE record.
        let csafA = try Fixtures.data("csaf/cisa/icsma-24-163-01.json"), csafB = try Fixtures.data("csaf/cisa/va-24-254-01.json")
        server.set("/csaf/white/2024/icsma-24-163-01.json", Array(csafA))
        server.set("/csaf/white/2024/va-24-254-01.json", Array(csafB))
        let rolie: [String: Any] = ["feed": [
            "id": "tocsin-test-white", "title": "Test CSAF feed (TLP:WHITE)", "updated": "2024-09-11T00:00:00Z",
            "link": [["rel": "self", "href": server.url("/csaf/white/feed.json")]],
            "category": [["scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"]],
            "entry": [
                ["id": "ICSMA-24-163-01", "title": "Philips Vue PACS", "published": "2024-06-11T00:00:00Z", "updated": "2024-06-11T00:00:00Z",
                 "link": [["rel": "self", "href": server.url("/csaf/white/2024/icsma-24-163-01.json")]],
                 "content": ["type": "application/json", "src": server.url("/csaf/white/2024/icsma-24-163-01.json")],
                 "format": ["schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0"]],
                ["id": "VA-24-254-01", "title": "Mediana", "published": "2024-09-10T00:00:00Z", "updated": "2024-09-10T00:00:00Z",
                 "link": [["rel": "self", "href": server.url("/csaf/white/2024/va-24-254-01.json")]],
                 "content": ["type": "application/json", "src": server.url("/csaf/white/2024/va-24-254-01.json")],
                 "format": ["schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0"]],
            ],
        ]]
        server.set("/csaf/white/feed.json", Array(try JSONSerialization.data(withJSONObject: rolie)))
        let metadata: [String: Any] = [
            "canonical_url": server.url("/.well-known/csaf/provider-metadata.json"),
            "distributions": [["rolie": ["feeds": [["summary": "WHITE advisories", "tlp_label": "WHITE", "url": server.url("/csaf/white/feed.json")]]]]],
            "last_updated": "2024-09-11T00:00:00Z", "list_on_CSAF_aggregators": false, "metadata_version": "2.0", "mirror_on_CSAF_aggregators": false,
            "public_openpgp_keys": [], "publisher": ["category": "coordinator", "name": "Test CERT", "namespace": "https://cert.test"],
            "role": "csaf_provider",
        ]
        server.set("/.well-known/csaf/provider-metadata.json", Array(try JSONSerialization.data(withJSONObject: metadata)))
        server.set("/feeds/ghsa.atom", Array(try Fixtures.data("feeds/ghsa-swift.atom.xml")))
        server.set("/cve/CVE-2024-3400.json", Array(try Fixtures.data("cve/cvelistV5/CVE-2024-3400.json")))

        let config = NSTemporaryDirectory() + "tocsin-sources-\(UUID().uuidString).yaml"
        try """
            sources:
              - name: test-csaf
                url: \(server.url("/.well-known/csaf/provider-metadata.json"))
                format: csaf-provider
                interval: 1s
              - name: ghsa
                url: \(server.url("/feeds/ghsa.atom"))
                format: feed
                interval: 1s
                categories: [vulnerability]
              - name: cve-panos
                url: \(server.url("/cve/CVE-2024-3400.json"))
                format: cve
                interval: 1s
                headers:
                  Authorization: Bearer s3cr3t-source-token
            polling:
              minimumInterval: 1s
              startSpread: 200ms
              allowedNetworks: [127.0.0.0/8]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        broker = try await BrokerProcess.start(configFile: config)

        // First rounds: every document stored once.
        try await eventually(timeout: 30, broker.log) {
            let sources = try await self.sources()
            return ["test-csaf", "ghsa", "cve-panos"].allSatisfy { (sources[$0]?["lastSuccessAt"] as? String) != nil }
                && (sources["test-csaf"]?["itemsSeen"] as? Int ?? 0) >= 2
        }
        let alerts = try await broker.get("/api/v1/alerts?limit=500").items
        let refs = Set(alerts.compactMap { $0["sourceRef"] as? String })
        XCTAssertTrue(refs.isSuperset(of: ["ICSMA-24-163-01", "VA-24-254-01", "CVE-2024-3400"]), "\(refs)")
        let ghsa = alerts.filter { $0["source"] as? String == "ghsa" }
        XCTAssertFalse(ghsa.isEmpty)
        XCTAssertTrue(ghsa.allSatisfy { ($0["categories"] as? [String] ?? []).contains("vulnerability") })
        let csaf = try XCTUnwrap(alerts.first { $0["sourceRef"] as? String == "ICSMA-24-163-01" })
        XCTAssertEqual(csaf["source"] as? String, "test-csaf")
        XCTAssertEqual(csaf["sourcePublishedAt"] as? String, "2024-06-11T06:00:00.000Z", "the source's own date")

        // Later rounds ask before fetching and store nothing new.
        try await eventually(timeout: 20) {
            self.server.requests("/cve/CVE-2024-3400.json").contains { $0.status == 304 && $0.ifNoneMatch != nil }
                && self.server.requests("/csaf/white/feed.json").contains { $0.status == 304 }
        }
        let again = try await broker.get("/api/v1/alerts?limit=500").items
        XCTAssertEqual(again.count, alerts.count, "a document polled twice is stored once")
        XCTAssertEqual(server.requests("/csaf/white/2024/icsma-24-163-01.json").filter { $0.status == 200 }.count, 1)

        let health = try await sources()
        let cve = try XCTUnwrap(health["cve-panos"])
        XCTAssertNil(cve["lastError"] as? String)
        XCTAssertFalse("\(health)".contains("s3cr3t-source-token"), "a source's secret never shows")
        XCTAssertFalse(broker.log.contains("s3cr3t-source-token"))
        let metrics = try await broker.request("GET", "/metrics", token: nil).text
        XCTAssertTrue(metrics.contains("tocsin_source_documents_total{source=\"test-csaf\"}"), metrics)
        XCTAssertTrue(metrics.contains("tocsin_source_up{source=\"ghsa\"} 1"), metrics)
    }

    func testAFailingSourceReportsItsErrorAndAPrivateAddressIsRefused() async throws {
        let config = NSTemporaryDirectory() + "tocsin-sources-\(UUID().uuidString).yaml"
        try """
            sources:
              - name: missing
                url: \(server.url("/nothing-here.json"))
                format: kev
                interval: 1s
              - name: internal
                url: http://10.0.0.1/kev.json
                format: kev
                interval: 1s
            polling:
              minimumInterval: 1s
              startSpread: 100ms
              allowedNetworks: [127.0.0.0/8]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        broker = try await BrokerProcess.start(configFile: config)
        try await eventually(timeout: 20, broker.log) {
            let sources = try await self.sources()
            return (sources["missing"]?["lastError"] as? String)?.contains("404") == true
                && (sources["internal"]?["lastError"] as? String)?.contains("non-public") == true
        }
        let polled = try await broker.request("POST", "/api/v1/sources/missing/poll", token: broker.adminToken)
        XCTAssertEqual(polled.status, 200, polled.text)
        XCTAssertGreaterThanOrEqual(polled.json["consecutiveFailures"] as? Int ?? 0, 1)
        let unknown = try await broker.request("POST", "/api/v1/sources/nope/poll", token: broker.adminToken)
        XCTAssertEqual(unknown.status, 404)
        // A source that never succeeded still has its last-success metric, at 0, so that the alert rule fires.
        let metrics = try await broker.request("GET", "/metrics", token: nil).text
        XCTAssertTrue(metrics.contains("tocsin_source_last_success_timestamp_seconds{source=\"missing\"} 0"), metrics)
    }

    func testAnInvalidSourceConfigurationIsRefusedAtStart() throws {
        let config = NSTemporaryDirectory() + "tocsin-sources-\(UUID().uuidString).yaml"
        try "sources:\n  - name: Bad Name\n    url: ftp://example.org/x\n    format: kev\n".write(toFile: config, atomically: true, encoding: .utf8)
        let broker = try BrokerProcess()
        let result = try broker.cli(["migrate", "--config", config])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("sources"), result.stderr)
    }
}
