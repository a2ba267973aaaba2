import Foundation
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport
import XCTest

final class CSAFDiscoveryTests: XCTestCase {
    func testProviderMetadataWithROLIEFeeds() throws {
        let metadata = try CSAFProviderMetadata.parse(try Fixtures.data("csaf/oasis/example-01-provider-metadata.json"))
        XCTAssertEqual(metadata.canonicalURL, "https://www.example.com/.well-known/csaf/provider-metadata.json")
        XCTAssertEqual(metadata.role, "csaf_trusted_provider")
        XCTAssertEqual(metadata.feeds, [CSAFProviderMetadata.Feed(
            url: "https://www.example.com/.well-known/csaf/feed-tlp-white.json", tlpLabel: "WHITE", tlp: .clear,
            summary: "All TLP:WHITE advisories of Example Company.")])
        XCTAssertEqual(metadata.directoryURLs, [])
        XCTAssertEqual(metadata.publicKeys.first?.fingerprint, "8F5F267907B2C4559DB360DB2294BA7D2B2298B1")
    }

    func testProviderMetadataWithADirectory() throws {
        let metadata = try CSAFProviderMetadata.parse(try Fixtures.data("csaf/stackable/provider-metadata.json"))
        XCTAssertEqual(metadata.directoryURLs, ["https://advisories.stackable.tech/csaf/v2/advisories/"])
        XCTAssertEqual(metadata.feeds, [])
        XCTAssertEqual(metadata.publisherName, "Stackable Product Security Team")
        XCTAssertEqual(metadata.lastUpdated, RFC3339.parse("2025-02-04T12:00:00Z"))
        XCTAssertThrowsError(try CSAFProviderMetadata.parse(Data(#"{"canonical_url":"x","metadata_version":"2.0","distributions":[{"directory_url":"ftp://x/"}]}"#.utf8))) { error in
            XCTAssertEqual((error as? IngestError)?.path, "distributions[0].directory_url")
        }
    }

    func testROLIEFeeds() throws {
        let example = try CSAFROLIEFeed.parse(try Fixtures.data("csaf/oasis/example-01-feed-tlp-white.json"))
        XCTAssertEqual(example.id, "example-csaf-feed-tlp-white")
        XCTAssertEqual(example.entries, [CSAFROLIEFeed.Entry(
            id: "2020-ESA-001", title: "Example Security Advisory 001",
            documentURL: "https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json",
            published: RFC3339.parse("2021-01-01T11:00:00.000Z"), updated: RFC3339.parse("2021-01-01T12:00:00.000Z"),
            hashURLs: ["https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json.sha512"],
            signatureURL: "https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json.asc", csafVersion: "2.0")])

        // CISA's real feed writes "ref" where ROLIE says "rel".
        let cisa = try CSAFROLIEFeed.parse(try Fixtures.data("csaf/cisa/cisa-csaf-it-feed-tlp-white.json"))
        let first = try XCTUnwrap(cisa.entries.first)
        XCTAssertEqual(first.id, "VA-24-254-02")
        XCTAssertEqual(first.documentURL, "https://raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/IT/white/2024/va-24-254-02.json")
        XCTAssertEqual(first.updated, RFC3339.parse("2024-10-03T16:03:00Z"))
        XCTAssertEqual(first.hashURLs, ["https://raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/IT/white/2024/va-24-254-02.json.sha512"])
        XCTAssertEqual(first.signatureURL, "https://raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/IT/white/2024/va-24-254-02.json.asc")
        XCTAssertEqual(cisa.entries.map(\.id).contains("VA-24-201-01"), true)
    }

    func testDirectoryListings() throws {
        let changes = try CSAFDirectoryListing.changes(try Fixtures.data("csaf/stackable/changes.csv"))
        XCTAssertEqual(changes.first, CSAFDirectoryListing.Change(path: "2026/cve-2015-1832.json", updated: try XCTUnwrap(RFC3339.parse("2026-07-13T16:44:34Z"))))
        let cisaChanges = try CSAFDirectoryListing.changes(try Fixtures.data("csaf/cisa/changes.csv"))
        XCTAssertEqual(cisaChanges.count, 4)
        XCTAssertEqual(cisaChanges.last, CSAFDirectoryListing.Change(path: "csaf_files/IT/white/2024/va-24-254-01.json", updated: try XCTUnwrap(RFC3339.parse("2024-09-10T20:08:00Z"))))

        let index = try CSAFDirectoryListing.index(try Fixtures.data("csaf/stackable/index.txt"))
        XCTAssertEqual(index.prefix(2), ["2026/cve-2015-1832.json", "2026/cve-2021-21295.json"])
        XCTAssertEqual(try CSAFDirectoryListing.index(try Fixtures.data("csaf/cisa/index.txt")).count, 4)

        let directory = try XCTUnwrap(URL(string: "https://advisories.stackable.tech/csaf/v2/advisories/"))
        XCTAssertEqual(CSAFDirectoryListing.url(of: "2026/cve-2022-1471.json", in: directory)?.absoluteString,
                       "https://advisories.stackable.tech/csaf/v2/advisories/2026/cve-2022-1471.json")
        XCTAssertNil(CSAFDirectoryListing.url(of: "../../secret.json", in: directory))
        XCTAssertNil(CSAFDirectoryListing.url(of: "https://elsewhere.example/x.json", in: directory))
        XCTAssertThrowsError(try CSAFDirectoryListing.changes(Data("2024/a.json,not a date\n".utf8))) { error in
            XCTAssertEqual((error as? IngestError)?.path, "changes.csv line 1")
        }
    }

    func testAggregator() throws {
        let aggregator = try CSAFAggregator.parse(try Fixtures.data("csaf/oasis/example-01-aggregator.json"))
        XCTAssertEqual(aggregator.name, "Example CSAF Lister")
        XCTAssertEqual(aggregator.category, "lister")
        XCTAssertEqual(aggregator.providers.map(\.metadataURL), [
            "https://www.example.com/.well-known/csaf/provider-metadata.json",
            "https://cert.example/advisories/csaf/provider-metadata.json",
        ])
        XCTAssertEqual(aggregator.providers.first?.publisherName, "Example Company ProductCERT")
    }
}
