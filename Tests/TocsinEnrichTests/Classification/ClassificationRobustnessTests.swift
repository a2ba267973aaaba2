import TocsinCore
import TocsinTestSupport
import XCTest
@testable import TocsinEnrich

final class ClassificationRobustnessTests: XCTestCase {
    /// Every document of the corpus, read as an alert's text, classifies without trouble: categories are
    /// lower-case, from the taxonomy (no publisher categories here), each with a reason.
    func testEveryFixtureAsTextClassifies() throws {
        let files = try Fixtures.files(in: ".", extensions: [".json", ".xml", ".txt", ".csv", ".md"])
        XCTAssertGreaterThan(files.count, 50)
        for url in files {
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            let draft = AlertDraft(title: url.lastPathComponent, summary: String(text.prefix(1_000)), body: text,
                                   severity: .medium, tlp: .clear)
            let result = Classification.classify(draft)
            XCTAssertFalse(result.categories.isEmpty, url.path)
            for category in result.categories {
                XCTAssertNotNil(ClassificationTaxonomy.category(named: category), "\(url.lastPathComponent): \(category)")
                XCTAssertNotNil(result.reasons[category], "\(url.lastPathComponent): \(category)")
            }
            XCTAssertEqual(result.severity, .medium)
        }
    }

    func testHostileTextIsBounded() {
        let long = String(repeating: "a", count: 1_000_000)
        let words = String(repeating: "rançongiciel ", count: 100_000)
        let marks = String(repeating: "e\u{0301}\u{0301}\u{0301}", count: 100_000)
        let draft = AlertDraft(title: long, summary: words, body: marks + "\u{0000}\u{FFFF}🙂", severity: .low, tlp: .clear)
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["ransomware"])
        XCTAssertLessThanOrEqual(ClassificationFoldedText([words]).words.count, ClassificationFoldedText.scalarLimit)
    }

    func testMalformedAttributesGiveNothingRatherThanFail() {
        let draft = AlertDraft(title: "x", summary: "", severity: .low, tlp: .clear, attributes: [
            "misp.tags": ":\n=\n\"\"\n:=\"\nmisp-galaxy:\nmisp-galaxy:=\"\"\necsirt", "cap.category": "\n\n",
            "stix.types": "\u{0000}", "csaf.category": "", "kev.ransomware": "KNOWN ", "tocsin.severityBeforeClassification": "bogus",
        ])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["ransomware"], "only the KEV flag, read case-insensitively, gives a category")
        XCTAssertEqual(result.severity, .low)
    }

    /// Thousands of alerts a second: a CERT-FR avis of a few kilobytes, classified repeatedly.
    func testThroughput() throws {
        let object = try JSONSerialization.jsonObject(with: Fixtures.data("cert-fr/avis-json/CERTFR-2021-AVI-639.json")) as? [String: Any]
        let content = object?["content"] as? String ?? ""
        XCTAssertGreaterThan(content.count, 1_500)
        let draft = AlertDraft(title: object?["title"] as? String ?? "", summary: object?["summary"] as? String ?? "",
                               body: content, severity: .high, tlp: .clear,
                               attributes: ["certfr.kind": "avis", "tocsin.severitySource": "source"])
        let count = 2_000
        let start = Date()
        var total = 0
        for _ in 0..<count { total += Classification.classify(draft).categories.count }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(total, count * 2)
        print("classification: \(count) alerts of \(content.count) characters in \(String(format: "%.3f", elapsed)) s, \(Int(Double(count) / max(elapsed, 0.000_001))) per second")
        // A generous bound that holds in debug builds on a shared machine; release builds are several times faster.
        XCTAssertLessThan(elapsed, 10)
    }
}
