import Foundation
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport
import XCTest

final class SourceCSAFSelectionTests: XCTestCase {
    private let directory = URL(string: "https://advisories.stackable.tech/csaf/v2/advisories/")!

    /// The real Stackable `changes.csv`: 24 rows, 23 documents (stacksa_2024_0089_0001 is listed twice,
    /// 2024-11-25T22:34:25Z and 2024-08-29T20:30:16Z), newest 2026-07-13T16:44:34Z.
    private func stackable() throws -> [SourceCSAFCandidate] {
        try CSAFDirectoryListing.changes(Fixtures.data("csaf/stackable/changes.csv")).compactMap { change in
            CSAFDirectoryListing.url(of: change.path, in: directory).map {
                SourceCSAFCandidate(url: $0.absoluteString, updated: change.updated, defaultTLP: nil)
            }
        }
    }

    private func names(_ candidates: [SourceCSAFCandidate]) -> [String] {
        candidates.map { URL(string: $0.url)?.lastPathComponent ?? "" }
    }

    func testFirstRoundTakesTheNewestOldestFirst() throws {
        let candidates = try stackable()
        XCTAssertEqual(candidates.count, 24)
        let (selected, truncated) = SourceCSAFSelection.select(candidates, after: nil, limit: 3)
        XCTAssertFalse(truncated, "older documents are skipped for good on the first round")
        XCTAssertEqual(names(selected), ["cve-2022-1471.json", "cve-2021-21295.json", "cve-2015-1832.json"])
        let all = SourceCSAFSelection.select(candidates, after: nil, limit: 500).selected
        XCTAssertEqual(all.count, 23)
        XCTAssertEqual(all.first { $0.url.hasSuffix("stacksa_2024_0089_0001.json") }?.updated, RFC3339.parse("2024-11-25T22:34:25Z"))
        XCTAssertEqual(names(Array(all.prefix(2))), ["stacksa_2024_0089_0001.json", "stacksa_2024_0101_0001.json"].reversed())
    }

    func testLaterRoundsTakeWhatIsNewerThanTheCursor() throws {
        let candidates = try stackable()
        let cursor = RFC3339.parse("2026-07-13T09:49:21Z")
        let (selected, truncated) = SourceCSAFSelection.select(candidates, after: cursor, limit: 500)
        XCTAssertFalse(truncated)
        XCTAssertEqual(names(selected), ["cve-2022-1471.json", "cve-2021-21295.json", "cve-2015-1832.json"])
        // Too many: the oldest first, the rest next round.
        let (first, more) = SourceCSAFSelection.select(candidates, after: cursor, limit: 2)
        XCTAssertTrue(more)
        XCTAssertEqual(names(first), ["cve-2022-1471.json", "cve-2021-21295.json"])
    }

    func testDocumentsSharingADateAreNotSplitAcrossRounds() {
        let date = Date(timeIntervalSince1970: 2_000)
        let candidates = [
            SourceCSAFCandidate(url: "https://x.example/a.json", updated: Date(timeIntervalSince1970: 1_000)),
            SourceCSAFCandidate(url: "https://x.example/b.json", updated: date),
            SourceCSAFCandidate(url: "https://x.example/c.json", updated: date),
            SourceCSAFCandidate(url: "https://x.example/d.json", updated: Date(timeIntervalSince1970: 3_000)),
        ]
        let cursor = Date(timeIntervalSince1970: 500)
        XCTAssertEqual(names(SourceCSAFSelection.select(candidates, after: cursor, limit: 2).selected), ["a.json"])
        XCTAssertEqual(names(SourceCSAFSelection.select(Array(candidates.dropFirst()), after: Date(timeIntervalSince1970: 1_000), limit: 1).selected),
                       ["b.json", "c.json"])
    }

    func testCursorStopsBeforeAPendingDocument() {
        let a = SourceCSAFCandidate(url: "https://x.example/a.json", updated: Date(timeIntervalSince1970: 1_000))
        let b = SourceCSAFCandidate(url: "https://x.example/b.json", updated: Date(timeIntervalSince1970: 2_000))
        let c = SourceCSAFCandidate(url: "https://x.example/c.json", updated: Date(timeIntervalSince1970: 3_000))
        XCTAssertEqual(SourceCSAFSelection.advancedCursor(from: nil, done: [a, b, c], pending: []), c.updated)
        XCTAssertEqual(SourceCSAFSelection.advancedCursor(from: nil, done: [a, c], pending: [b]), a.updated)
        XCTAssertNil(SourceCSAFSelection.advancedCursor(from: nil, done: [b, c], pending: [a]))
        XCTAssertEqual(SourceCSAFSelection.advancedCursor(from: Date(timeIntervalSince1970: 500), done: [b], pending: [a]), Date(timeIntervalSince1970: 500))
        XCTAssertEqual(SourceCSAFSelection.advancedCursor(from: c.updated, done: [a], pending: []), c.updated, "a cursor never moves back")
    }
}

private extension SourceCSAFCandidate {
    init(url: String, updated: Date?) {
        self.init(url: url, updated: updated, defaultTLP: nil)
    }
}
