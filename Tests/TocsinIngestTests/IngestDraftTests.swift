import Foundation
import TocsinCore
@testable import TocsinIngest
import XCTest

final class IngestDraftTests: XCTestCase {
    func testSeverityPrecedenceIsSourceThenCVSSThenDefault() {
        let score = CVSSScore(version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", baseScore: 9.8, severity: .critical, source: nil)
        XCTAssertTrue(IngestDraft.severity(source: .low, cvss: [score], options: IngestOptions()) == (.low, "source"))
        XCTAssertTrue(IngestDraft.severity(source: nil, cvss: [score], options: IngestOptions()) == (.critical, "cvss"))
        XCTAssertTrue(IngestDraft.severity(source: nil, options: IngestOptions()) == (.medium, "default"))
        XCTAssertTrue(IngestDraft.severity(source: nil, options: IngestOptions(defaultSeverity: .high)) == (.high, "default"))
    }

    func testReferencesKeepOnlyWebURLsOnce() {
        let kept = IngestDraft.references([
            Reference(url: " https://example.org/a ", title: "  A  "), Reference(url: "https://example.org/a"),
            Reference(url: "ftp://example.org/b"), Reference(url: "https://exa mple.org/c"), Reference(url: "mailto:x@example.org"),
            Reference(url: "http://example.org/d", title: String(repeating: "word ", count: 100)),
        ])
        XCTAssertEqual(kept.map(\.url), ["https://example.org/a", "http://example.org/d"])
        XCTAssertEqual(kept.first?.title, "A")
        XCTAssertLessThanOrEqual(kept.last?.title?.count ?? 0, IngestDraft.referenceTitleLimit)
        XCTAssertEqual(IngestDraft.webURL("\n https://example.org/ \n"), "https://example.org/")
        XCTAssertNil(IngestDraft.webURL("/relative"))
    }

    func testTruncationCutsAtAWordAndMarksTheCut() {
        XCTAssertEqual(IngestDraft.truncated("short", to: 10), "short")
        XCTAssertEqual(IngestDraft.truncated("one two three four", to: 12), "one two…")
        XCTAssertEqual(IngestDraft.title("  Two\n lines\tjoined "), "Two lines joined")
    }

    func testValidationFailuresNameTheFieldBelowThePath() {
        let draft = AlertDraft(title: "  ", summary: "", severity: .low, tlp: .clear)
        XCTAssertThrowsError(try IngestDraft.validated(draft, format: .feed, path: "items[3]")) { error in
            XCTAssertEqual((error as? IngestError)?.path, "items[3].title")
            XCTAssertEqual((error as? IngestError)?.message, "the alert built from it is invalid: must not be empty")
        }
    }
}
