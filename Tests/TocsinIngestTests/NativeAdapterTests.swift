import XCTest
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport

final class NativeAdapterTests: XCTestCase {
    private let adapter = NativeAdapter()

    private let valid = """
    {"title": "  PAN-OS GlobalProtect command injection ", "summary": "Exploited in the wild.", "severity": "critical",
     "tlp": "tlp:white", "cves": ["cve-2024-3400"], "categories": ["Vulnerability"],
     "indicators": [{"type": "ipv4", "value": "198.51.100.1", "toIds": true}],
     "references": [{"url": "https://security.paloaltonetworks.com/CVE-2024-3400"}],
     "sourceRef": "PAN-SA-2024-0001", "sourcePublishedAt": "2024-04-12T00:00:00Z"}
    """

    private func failure(_ json: String) -> IngestError? {
        do {
            _ = try adapter.parse(Data(json.utf8), options: IngestOptions())
            return nil
        } catch { return error }
    }

    func testValidDraft() throws {
        let alerts = try adapter.parse(Data(valid.utf8), options: IngestOptions(sourceName: "vendor-feed", extraCategories: ["Edge"]))
        XCTAssertEqual(alerts.count, 1)
        let draft = try XCTUnwrap(alerts.first?.draft)
        XCTAssertEqual(draft.title, "PAN-OS GlobalProtect command injection")
        XCTAssertEqual(draft.severity, .critical)
        XCTAssertEqual(draft.tlp, .clear)
        XCTAssertEqual(draft.cves, ["CVE-2024-3400"])
        XCTAssertEqual(draft.categories, ["vulnerability", "edge"])
        XCTAssertEqual(draft.indicators, [Indicator(type: .ipv4, value: "198.51.100.1", toIds: true)])
        XCTAssertEqual(draft.source, "vendor-feed")
        XCTAssertEqual(draft.sourceRef, "PAN-SA-2024-0001")
        XCTAssertEqual(draft.sourcePublishedAt, RFC3339.parse("2024-04-12T00:00:00Z"))
        XCTAssertEqual(draft.attributes["tocsin.severitySource"], "source")
        XCTAssertEqual(alerts.first?.action, .publish)
    }

    func testArrayGivesSeveralAlerts() throws {
        let second = #"{"title": "Second", "severity": "low", "tlp": "GREEN"}"#
        let alerts = try adapter.parse(Data("[\(valid), \(second)]".utf8), options: IngestOptions())
        XCTAssertEqual(alerts.map(\.draft.title), ["PAN-OS GlobalProtect command injection", "Second"])
        XCTAssertEqual(alerts.map(\.draft.source), ["native", "native"])
    }

    func testWrongTypeNamesItsPath() {
        let severity = failure(#"{"title": "x", "severity": 5, "tlp": "RED"}"#)
        XCTAssertEqual(severity?.path, "severity")
        XCTAssertEqual(severity?.format, .native)
        XCTAssertEqual(severity?.message, "has the wrong type (expected String)")
        XCTAssertEqual(failure(#"{"title": "x", "severity": "low", "tlp": "RED", "indicators": [{"type": "ipv4", "value": 7}]}"#)?.path, "indicators[0].value")
        XCTAssertEqual(failure(#"[{"title": "x", "severity": "low", "tlp": "RED"}, {"title": "y", "severity": "low", "tlp": "RED", "knownExploited": "yes"}]"#)?.path,
                       "[1].knownExploited")
        XCTAssertEqual(failure(#"{"severity": "low", "tlp": "RED"}"#)?.path, "title")
        XCTAssertEqual(failure(#"{"title": "x", "severity": "low", "tlp": "RED", "indicators": [{"type": "bitcoin", "value": "1A1z"}]}"#)?.path, "indicators[0].type")
    }

    func testUnknownTLP() {
        let error = failure(#"{"title": "x", "severity": "low", "tlp": "PURPLE"}"#)
        XCTAssertEqual(error?.path, "tlp")
        XCTAssertEqual(error?.message, "unknown TLP marking 'PURPLE'; expected CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
    }

    func testValidationErrorsNameTheField() {
        XCTAssertEqual(failure(#"{"title": "  ", "severity": "low", "tlp": "RED"}"#)?.path, "title")
        let reference = failure(#"[{"title": "x", "severity": "low", "tlp": "RED", "references": [{"url": "ftp://example.org/x"}]}]"#)
        XCTAssertEqual(reference?.path, "[0].references[0].url")
        XCTAssertEqual(reference?.message, "must be an http or https URL")
        XCTAssertEqual(failure(#"{"title": "x", "severity": "low", "tlp": "RED", "cves": ["CVE-24-1"]}"#)?.path, "cves[0]")
    }

    func testMalformedInput() {
        XCTAssertEqual(failure("{\"title\": ")?.message, "the document is not valid JSON")
        XCTAssertEqual(failure(String(repeating: "[", count: 70) + String(repeating: "]", count: 70))?.message.hasPrefix("the JSON nests deeper"), true)
    }

    func testRecognition() throws {
        XCTAssertTrue(NativeAdapter.recognises(Data(valid.utf8)))
        XCTAssertTrue(NativeAdapter.recognises(Data("[\(valid)]".utf8)))
        let encoded = try TocsinJSON.encoder().encode(AlertDraft(title: "t", summary: "", severity: .low, tlp: .green,
                                                                  indicators: (0..<300).map { Indicator(type: .domain, value: "host\($0).example") }))
        XCTAssertTrue(NativeAdapter.recognises(encoded), "sorted keys put title after the indicators")
        XCTAssertFalse(NativeAdapter.recognises(try Fixtures.data("stix/oasis-examples/apt1.json")))
        XCTAssertFalse(NativeAdapter.recognises(try Fixtures.data("misp/eset/sshdoor__misp-events__bespin.json")))
        XCTAssertFalse(NativeAdapter.recognises(Data(#"{"title": "nested", "document": {"tlp": "RED", "severity": "low"}}"#.utf8)))
    }
}
