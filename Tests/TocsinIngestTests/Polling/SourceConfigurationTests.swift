import Foundation
import TocsinCore
import TocsinIngest
import XCTest

final class SourceConfigurationTests: XCTestCase {
    private func decode(_ text: String) throws -> SourceConfiguration {
        try JSONDecoder().decode(SourceConfiguration.self, from: Data(text.utf8))
    }

    private func error(_ source: SourceConfiguration, minimumInterval: TimeInterval = 60) -> String? {
        do {
            try source.validate(minimumInterval: minimumInterval)
            return nil
        } catch {
            return error.description
        }
    }

    func testDecodingAppliesDefaults() throws {
        let source = try decode(#"{"name": "cisa-kev", "url": "https://www.cisa.gov/kev.json", "format": "kev"}"#)
        XCTAssertEqual(source.format, .ingest(.kev))
        XCTAssertEqual(source.kind, .document)
        XCTAssertEqual(source.interval, 900)
        XCTAssertEqual(source.headers, [:])
        XCTAssertTrue(source.enabled)
        XCTAssertEqual(source.csafFeedTLPs, [.clear, .green])
        XCTAssertEqual(source.documentLimit, 500)
        XCTAssertNil(error(source))
    }

    func testDecodingEveryField() throws {
        let source = try decode("""
        {"name": "bsi", "url": "https://wid.cert-bund.de/.well-known/csaf/provider-metadata.json", "format": "csaf-provider",
         "interval": 3600, "headers": {"Authorization": "Bearer abc"}, "defaultTLP": "tlp:green", "defaultSeverity": "High",
         "categories": ["vulnerability"], "enabled": false, "csafFeedTLPs": ["WHITE"], "documentLimit": 50, "timeout": 30}
        """)
        XCTAssertEqual(source.format, .csafProvider)
        XCTAssertEqual(source.kind, .csafProvider)
        XCTAssertEqual(source.format.ingestFormat, .csaf)
        XCTAssertEqual(source.defaultTLP, .green)
        XCTAssertEqual(source.defaultSeverity, .high)
        XCTAssertEqual(source.csafFeedTLPs, [.clear])
        XCTAssertFalse(source.enabled)
        XCTAssertEqual(source.ingestOptions().sourceName, "bsi")
        XCTAssertEqual(source.ingestOptions().extraCategories, ["vulnerability"])
        XCTAssertNil(error(source))
        // Written back, it reads the same (the configuration file is the one place headers are kept).
        let again = try JSONDecoder().decode(SourceConfiguration.self, from: JSONEncoder().encode(source))
        XCTAssertEqual(again, source)
    }

    func testFormatsAndKinds() {
        XCTAssertEqual(SourceFormat(rawValue: "feed")?.kind, .feed)
        XCTAssertEqual(SourceFormat(rawValue: "CERTFR")?.kind, .document)
        XCTAssertEqual(SourceFormat(rawValue: "csaf")?.kind, .document)
        XCTAssertEqual(SourceFormat(rawValue: "csaf-provider"), .csafProvider)
        XCTAssertNil(SourceFormat(rawValue: "rss"))
    }

    func testUnknownFormatNamesTheAcceptedOnes() {
        XCTAssertThrowsError(try decode(#"{"name": "x", "url": "https://example.com/", "format": "rss"}"#)) { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["format"])
            XCTAssertTrue(context.debugDescription.contains("unknown source format 'rss'; expected one of csaf, stix"), context.debugDescription)
            XCTAssertTrue(context.debugDescription.hasSuffix("native, csaf-provider"), context.debugDescription)
        }
    }

    func testValidationNamesTheSourceAndTheField() {
        let base = SourceConfiguration(name: "cisa-kev", url: "https://www.cisa.gov/kev.json", format: .ingest(.kev))
        var source = base
        source.name = "CISA KEV"
        XCTAssertEqual(error(source), "source 'CISA KEV': name: must be 1 to 64 characters among a-z, 0-9 and '-'")
        source = base
        source.url = "ftp://example.com/kev.json"
        XCTAssertEqual(error(source), "source 'cisa-kev': url: must be an absolute http or https URL")
        source.url = "https://user:pw@example.com/kev.json"
        XCTAssertEqual(error(source), "source 'cisa-kev': url: must not carry credentials; put them in 'headers' (e.g. Authorization)")
        source = base
        source.interval = 30
        XCTAssertEqual(error(source), "source 'cisa-kev': interval: must be at least 60 seconds")
        XCTAssertNil(error(source, minimumInterval: 1), "tests may allow shorter intervals")
        source = base
        source.headers = ["If-None-Match": "x"]
        XCTAssertEqual(error(source), "source 'cisa-kev': headers.If-None-Match: is set by the poller and cannot be configured")
        source.headers = ["Bad Name": "x"]
        XCTAssertEqual(error(source), "source 'cisa-kev': headers.Bad Name: is not a valid header name")
        source.headers = ["Authorization": "Bearer secret-value\r\nX-Injected: 1"]
        let message = error(source) ?? ""
        XCTAssertEqual(message, "source 'cisa-kev': headers.Authorization: must be at most 8192 characters on one line")
        XCTAssertFalse(message.contains("secret-value"))
        source = base
        source.categories = ["ok", " "]
        XCTAssertEqual(error(source), "source 'cisa-kev': categories[1]: must be a non-empty name of at most 100 characters")
        source = SourceConfiguration(name: "p", url: "https://example.com/provider-metadata.json", format: .csafProvider, csafFeedTLPs: [])
        XCTAssertEqual(error(source), "source 'p': csafFeedTLPs: must name at least one TLP, or no ROLIE feed would be followed")
        source = base
        source.documentLimit = 0
        XCTAssertEqual(error(source), "source 'cisa-kev': documentLimit: must be between 1 and 100000")
    }

    func testNamesMustBeUnique() {
        let a = SourceConfiguration(name: "kev", url: "https://a.example/kev.json", format: .ingest(.kev))
        let b = SourceConfiguration(name: "kev", url: "https://b.example/kev.json", format: .ingest(.kev))
        XCTAssertThrowsError(try SourceConfiguration.validate([a, b])) { error in
            XCTAssertEqual((error as? SourceConfigurationError)?.description, "source 'kev': name: is used by another source; names must be unique")
        }
    }

    func testDescriptionHidesHeaderValuesAndQueryValues() {
        let source = SourceConfiguration(name: "misp", url: "https://misp.example/events?key=abcdef123456&page=1", format: .ingest(.misp),
                                         headers: ["Authorization": "abcdef-api-key-0001"])
        XCTAssertEqual(source.description,
                       "SourceConfiguration(name: misp; format: misp; url: https://misp.example/events?key=redacted&page=redacted; interval: 900s; enabled: true; headers: Authorization: <redacted>)")
        XCTAssertFalse(source.debugDescription.contains("abcdef"))
    }
}
