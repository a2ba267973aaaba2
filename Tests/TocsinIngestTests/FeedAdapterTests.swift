import Foundation
import XCTest
import TocsinCore
import TocsinTestSupport
@testable import TocsinIngest

final class FeedAdapterTests: XCTestCase {
    private let adapter = FeedAdapter()

    func testEveryFeedFixtureParsesAndIsRecognised() throws {
        let files = try Fixtures.files(in: "feeds", extensions: [".xml", ".json"])
        XCTAssertEqual(files.count, 7)
        let expectedCounts = [
            "amazon-linux-2023-alas.rss.xml": 1, "amazon-linux-alas.rss.xml": 97, "ghsa-notify-container.rss.xml": 20,
            "ghsa-notify-empty-channel.rss.xml": 0, "ghsa-swift.atom.xml": 20, "ghsa-swift.feed.json": 20, "nws-cap-atom-index.xml": 163,
        ]
        for url in files {
            let data = try Data(contentsOf: url)
            XCTAssertTrue(FeedAdapter.recognises(data), url.lastPathComponent)
            XCTAssertFalse(CAPAdapter.recognises(data), url.lastPathComponent)
            XCTAssertFalse(CERTFRAdapter.recognises(data), url.lastPathComponent)
            let alerts = try adapter.parse(data, options: IngestOptions())
            XCTAssertEqual(alerts.count, expectedCounts[url.lastPathComponent], url.lastPathComponent)
            for alert in alerts {
                assertValid(alert)
                XCTAssertEqual(alert.action, .publish)
                XCTAssertNotNil(alert.draft.sourceRef, url.lastPathComponent)
                XCTAssertNotNil(alert.draft.sourcePublishedAt, url.lastPathComponent)
                XCTAssertEqual(alert.draft.tlp, .clear)
                XCTAssertEqual(alert.draft.source, "feed")
            }
        }
    }

    func testAmazonLinuxRSS() throws {
        let alerts = try ingest(adapter, "feeds/amazon-linux-alas.rss.xml")
        let first = try XCTUnwrap(alerts.first).draft
        XCTAssertEqual(first.title, "ALAS-2018-1106 (medium): 389-ds-base")
        XCTAssertEqual(first.sourceRef, "https://alas.aws.amazon.com/AL2/ALAS-2018-1106.html")
        XCTAssertEqual(first.references.map(\.url), ["https://alas.aws.amazon.com/AL2/ALAS-2018-1106.html"])
        XCTAssertEqual(first.cves, ["CVE-2018-14648"])
        XCTAssertEqual(first.summary, "CVE-2018-14648")
        XCTAssertEqual(first.sourcePublishedAt, date("2018-11-15T00:10:00Z"))
        XCTAssertNil(first.sourceVersion)
        XCTAssertEqual(first.severity, .medium)
        XCTAssertEqual(first.attributes["tocsin.severitySource"], "default")
        let last = try XCTUnwrap(alerts.last).draft
        XCTAssertEqual(last.title, "ALAS-2018-939 (critical): kernel")
        XCTAssertEqual(last.cves, ["CVE-2017-5754", "CVE-2017-5715"])
        XCTAssertEqual(last.summary, "CVE-2017-5754, CVE-2017-5715")
    }

    func testPerItemLastBuildDateIsTheItemVersion() throws {
        let draft = try XCTUnwrap(ingest(adapter, "feeds/amazon-linux-2023-alas.rss.xml").first).draft
        XCTAssertEqual(draft.title, "ALAS-2023-126 (important): device-mapper-multipath")
        XCTAssertEqual(draft.cves, ["CVE-2022-3787", "CVE-2022-41973", "CVE-2022-41974"])
        XCTAssertEqual(draft.sourcePublishedAt, date("2023-03-07T00:29:00Z"))
        XCTAssertEqual(draft.sourceUpdatedAt, date("2023-03-08T00:51:00Z"))
        XCTAssertEqual(draft.sourceVersion, "2023-03-08T00:51:00.000Z")
    }

    func testRSSItemsWithoutGuidUseTheirLink() throws {
        let alerts = try ingest(adapter, "feeds/ghsa-notify-container.rss.xml")
        let first = try XCTUnwrap(alerts.first).draft
        XCTAssertEqual(first.title, "Path Traversal in Docker")
        XCTAssertEqual(first.sourceRef, "https://github.com/advisories/GHSA-vj3f-3286-r4pf")
        XCTAssertEqual(first.sourcePublishedAt, date("2022-05-11T06:53:49Z"))
        XCTAssertTrue(first.summary.hasPrefix("Path traversal vulnerability in Docker before 1.3.3"))
        let quoted = try XCTUnwrap(alerts.first { $0.draft.title == "Directory Traversal in Docker" }).draft
        XCTAssertTrue(quoted.summary.contains("(1) \"docker load\" operation"), quoted.summary)
    }

    func testEmptyChannelGivesNoAlert() throws {
        XCTAssertEqual(try ingest(adapter, "feeds/ghsa-notify-empty-channel.rss.xml").count, 0)
    }

    func testGitHubAtomFeed() throws {
        let alerts = try ingest(adapter, "feeds/ghsa-swift.atom.xml", options: IngestOptions(extraCategories: ["Vulnérabilité", " "]))
        let first = try XCTUnwrap(alerts.first).draft
        XCTAssertEqual(first.title, "[leaf-kit] Leaf-kit html escaping does not work on characters that are part of extended grapheme cluster")
        XCTAssertEqual(first.sourceRef, "https://github.com/advisories/GHSA-4hfh-fch3-5q7p")
        XCTAssertEqual(first.sourcePublishedAt, date("2026-02-19T19:40:08Z"))
        XCTAssertEqual(first.sourceUpdatedAt, date("2026-02-23T22:21:50Z"))
        XCTAssertEqual(first.sourceVersion, "2026-02-23T22:21:50.000Z")
        XCTAssertEqual(first.attributes["feed.categories"], "MODERATE")
        XCTAssertEqual(first.categories, ["vulnérabilité"])
        XCTAssertEqual(first.cves, ["CVE-2026-27120"])
        XCTAssertTrue(first.summary.hasPrefix("Summary htmlEscaped in leaf-kit will only escape html special characters"), first.summary)
        XCTAssertLessThanOrEqual(first.summary.count, IngestDraft.summaryLimit)
        XCTAssertFalse(first.summary.contains("<"), "tags are stripped")
        XCTAssertTrue(first.body?.contains("<div title=\"#(msg)\">Hover to see message</div>") == true, "escaped markup is decoded once")
    }

    func testJSONFeedMatchesTheAtomFeedOfTheSameAdvisories() throws {
        let json = try ingest(adapter, "feeds/ghsa-swift.feed.json")
        let atom = try ingest(adapter, "feeds/ghsa-swift.atom.xml")
        XCTAssertEqual(json.map(\.draft.sourceRef), atom.map(\.draft.sourceRef))
        XCTAssertEqual(json.map(\.draft.title), atom.map(\.draft.title))
        XCTAssertEqual(json.map(\.draft.cves), atom.map(\.draft.cves))
        let first = try XCTUnwrap(json.first).draft
        XCTAssertEqual(first.sourcePublishedAt, date("2026-02-19T19:40:08Z"))
        XCTAssertEqual(first.sourceVersion, "2026-02-23T22:21:50.000Z")
        XCTAssertEqual(first.attributes["feed.categories"], "severity")
    }

    func testNWSCAPAtomIndexKeepsTheCAPExtensions() throws {
        let alerts = try ingest(adapter, "feeds/nws-cap-atom-index.xml")
        let first = try XCTUnwrap(alerts.first).draft
        XCTAssertEqual(first.title, "High Wind Warning issued August 15 at 2:52PM AKDT until August 16 at 7:00AM AKDT by NWS")
        XCTAssertEqual(first.sourceRef, "https://alerts.weather.gov/cap/wwacapget.php?x=AK125AB652A170.HighWindWarning.125AB660BDF0AK.AFGNPWNSB.e9d4afdcacb3b7015f58bccc1db60d46")
        XCTAssertEqual(first.sourcePublishedAt, date("2018-08-15T22:52:00Z"))
        XCTAssertEqual(first.attributes["cap.event"], "High Wind Warning")
        XCTAssertEqual(first.attributes["cap.severity"], "Severe")
        XCTAssertEqual(first.attributes["cap.areaDesc"], "Eastern Beaufort Sea Coast")
        XCTAssertEqual(first.severity, .high)
        XCTAssertEqual(first.attributes["tocsin.severitySource"], "source")
        let bySeverity = Dictionary(grouping: alerts, by: { $0.draft.attributes["cap.severity"] ?? "" }).mapValues(\.count)
        XCTAssertEqual(bySeverity, ["Minor": 56, "Moderate": 49, "Severe": 39, "Unknown": 19])
        XCTAssertEqual(alerts.filter { $0.draft.attributes["tocsin.severitySource"] == "default" }.count, 19)
    }

    func testRefusals() {
        func error(_ text: String) -> IngestError? {
            do { _ = try adapter.parse(Data(text.utf8), options: IngestOptions()); return nil } catch { return error }
        }
        XCTAssertEqual(error("<html><body/></html>")?.path, "/")
        XCTAssertEqual(error("<rss version=\"2.0\"/>")?.path, "/rss/channel")
        XCTAssertEqual(error("<rss version=\"2.0\"><channel><item><link>https://x.org/</link></item></channel></rss>")?.path, "/rss/channel/item[0]")
        XCTAssertEqual(error("{\"version\": \"https://example.org/\", \"items\": []}")?.path, "version")
        XCTAssertEqual(error("{\"version\": \"https://jsonfeed.org/version/1.1\"}")?.path, "items")
        XCTAssertEqual(error("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"id\": true}]}")?.path, "items[0].id")
        XCTAssertTrue(error("[1, 2]")?.message.contains("neither XML") == true)
        let deep = "{\"version\": \"https://jsonfeed.org/version/1\", \"items\": " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        XCTAssertTrue(error(deep)?.message.contains("deeper") == true)
        XCTAssertEqual(error("<!DOCTYPE rss SYSTEM \"http://evil/\"><rss/>")?.format, .feed)
        XCTAssertEqual(error("")?.message, "the document is empty")
    }

    func testHTMLToText() {
        XCTAssertEqual(FeedText.plainText(fromHTML: "<p>One &amp; <b>two</b></p><script>alert(1)</script><ul><li>a</li><li>b</li></ul>x &lt; y, 3 < 4"),
                       "One & two\n\na\nb\n\nx < y, 3 < 4")
        XCTAssertEqual(FeedText.decodeEntities("&eacute;t&eacute; &#8364; &#x20AC; &unknown; &#0;"), "été € € &unknown; &#0;")
        XCTAssertEqual(FeedText.cves(in: "cve-2024-3400, CVE-2024-3400 and XCVE-2024-1111, CVE-2024-12 CVE-2021-44228."), ["CVE-2024-3400", "CVE-2021-44228"])
        let long = IngestDraft.title(String(repeating: "word ", count: 200))
        XCTAssertLessThanOrEqual(long.count, AlertDraft.Limits.title)
        XCTAssertTrue(long.hasSuffix("word…"), long)
    }
}
