import XCTest
import TocsinCore
@testable import TocsinIngest

final class ThreatSupportTests: XCTestCase {
    func testIndicatorForms() {
        XCTAssertEqual(ThreatIndicatorForm.ipKind("198.51.100.1"), .ipv4)
        XCTAssertEqual(ThreatIndicatorForm.ipKind("10.0.0.0/8"), .ipv4)
        XCTAssertNil(ThreatIndicatorForm.ipKind("256.1.1.1"))
        XCTAssertNil(ThreatIndicatorForm.ipKind("1.2.3.4/33"))
        XCTAssertEqual(ThreatIndicatorForm.ipKind("::1"), .ipv6)
        XCTAssertEqual(ThreatIndicatorForm.ipKind("2001:db8::/32"), .ipv6)
        XCTAssertEqual(ThreatIndicatorForm.ipKind("::ffff:192.0.2.1"), .ipv6)
        XCTAssertEqual(ThreatIndicatorForm.ipKind("2001:0db8:dead:beef:dead:beef:dead:0001"), .ipv6)
        XCTAssertNil(ThreatIndicatorForm.ipKind("2001:db8::1::2"))
        XCTAssertNil(ThreatIndicatorForm.ipKind("1:2:3:4:5:6:7"))
        XCTAssertNil(ThreatIndicatorForm.ipKind("circl.lu"))
        XCTAssertTrue(ThreatIndicatorForm.isDomain("www.webserver.dynssl.com"))
        XCTAssertTrue(ThreatIndicatorForm.isDomain("xn--bcher-kva.example."))
        XCTAssertFalse(ThreatIndicatorForm.isDomain("domain autuo.xicp.net"))
        XCTAssertFalse(ThreatIndicatorForm.isDomain("localhost"))
        XCTAssertFalse(ThreatIndicatorForm.isDomain("10.0.0.1"))
        XCTAssertTrue(ThreatIndicatorForm.isEmail("donald.duck@disney.com"))
        XCTAssertFalse(ThreatIndicatorForm.isEmail("@disney.com"))
        XCTAssertEqual(ThreatIndicatorForm.guess("jdoe@random.org"), .email)
        XCTAssertNil(ThreatIndicatorForm.guess("Mozilla Firefox"))
    }

    func testTopLevelMembers() {
        let members = ThreatSniff.topLevelMembers(#"{"id": "bundle--1", "objects": [{"type": "indicator"}], "count": 3, "type": "bundle"}"#)
        XCTAssertEqual(members, ["id": "bundle--1", "objects": "", "count": "", "type": "bundle"])
        XCTAssertEqual(ThreatSniff.topLevelMembers(#"[{"title": "a\"b", "tlp": "RED"}, {"other": 1}]"#), ["title": #"a\"b"#, "tlp": "RED"])
        XCTAssertEqual(ThreatSniff.topLevelMembers(#"{"AS": {"MISP": {"type": "AS"}}, "cut": "#), ["AS": "", "cut": ""])
        XCTAssertEqual(ThreatSniff.topLevelMembers("not json"), [:])
        XCTAssertEqual(ThreatSniff.head(Data("\u{FEFF}  \n{\"a\": 1}".utf8)), "{\"a\": 1}")
    }

    func testLenientReaders() throws {
        let node = try ThreatJSON.parse(Data(#"{"a": "12", "b": 12, "c": true, "d": "1", "e": 0, "f": "", "g": 1.5, "h": null}"#.utf8), format: .misp)
        XCTAssertEqual(try node.integer("a"), 12)
        XCTAssertEqual(try node.integer("b"), 12)
        XCTAssertEqual(try node.text("b"), "12")
        XCTAssertEqual(try node.text("g"), "1.5")
        XCTAssertEqual(try node.flag("c"), true)
        XCTAssertEqual(try node.flag("d"), true)
        XCTAssertEqual(try node.flag("e"), false)
        XCTAssertNil(try node.integer("f"))
        XCTAssertNil(try node.string("h"))
        XCTAssertNil(try node.string("missing"))
        XCTAssertThrowsError(try node.string("b")) { error in
            XCTAssertEqual(error as? IngestError, IngestError(format: .misp, path: "b", message: "must be a string, not a number"))
        }
        XCTAssertThrowsError(try node.integer("g"))
        XCTAssertThrowsError(try node.flag("a"))
    }

    func testDocumentLimits() {
        XCTAssertThrowsError(try ThreatJSON.parse(Data(), format: .stix)) { error in
            XCTAssertEqual((error as? IngestError)?.message, "the document is empty")
        }
        XCTAssertThrowsError(try ThreatJSON.parse(Data(count: IngestLimits.documentBytes + 1), format: .stix)) { error in
            XCTAssertEqual((error as? IngestError)?.message, "the document is larger than 32 MiB")
        }
        // Brackets inside strings do not count.
        XCTAssertNoThrow(try ThreatJSON.parse(Data(("{\"a\": \"" + String(repeating: "[", count: 200) + "\"}").utf8), format: .stix))
        XCTAssertNotNil(IngestJSON.depthExceeded(Data((String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)).utf8), limit: 64))
        XCTAssertNil(IngestJSON.depthExceeded(Data((String(repeating: "{\"a\":", count: 64) + "1" + String(repeating: "}", count: 64)).utf8), limit: 64))
    }

    func testTitlesAndSummaries() {
        XCTAssertEqual(IngestDraft.title("  Two\n lines\tjoined "), "Two lines joined")
        let long = IngestDraft.title(String(repeating: "word ", count: 200))
        XCTAssertLessThanOrEqual(long.count, AlertDraft.Limits.title)
        XCTAssertTrue(long.hasSuffix("word…"))
        let (summary, body) = ThreatDraftSupport.summaryAndBody("First paragraph.\r\n\r\nSecond paragraph.")
        XCTAssertEqual(summary, "First paragraph.")
        XCTAssertEqual(body, "First paragraph.\n\nSecond paragraph.")
        XCTAssertEqual(ThreatDraftSupport.summaryAndBody("Only one.").body, nil)
        XCTAssertEqual(ThreatDraftSupport.summaryAndBody(nil).summary, "")
    }

    func testIndicatorCleaning() {
        let cleaned = ThreatDraftSupport.cleaned([
            Indicator(type: .domain, value: "Evil.example", toIds: false),
            Indicator(type: .domain, value: "evil.example ", toIds: true, comment: "flagged"),
            Indicator(type: .url, value: "http://a.example/X"),
            Indicator(type: .url, value: "http://a.example/x"),
            Indicator(type: .other, value: ""),
            Indicator(type: .other, value: String(repeating: "a", count: AlertDraft.Limits.value + 1)),
        ])
        XCTAssertEqual(cleaned, [
            Indicator(type: .domain, value: "evil.example", toIds: true, comment: "flagged"),
            Indicator(type: .url, value: "http://a.example/X"),
            Indicator(type: .url, value: "http://a.example/x"),
        ])
    }
}
