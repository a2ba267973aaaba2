import Foundation
@testable import TocsinServer
import XCTest

/// The import files waiting for an admin to apply their dry run: for the session that uploaded them, once, for
/// 30 minutes, a few at a time.
final class ConsoleImportDraftsTests: XCTestCase {
    func testADraftIsTheUploadingSessionsOnceAndExpires() {
        let drafts = ConsoleImportDrafts()
        let now = Date()
        let id = drafts.keep(Data("nom\nA\n".utf8), fileName: "a.csv", sessionId: "s1", now: now)
        XCTAssertNil(drafts.take(id: id, sessionId: "s2", now: now), "another session applied the draft")
        XCTAssertEqual(drafts.take(id: id, sessionId: "s1", now: now)?.fileName, "a.csv")
        XCTAssertNil(drafts.take(id: id, sessionId: "s1", now: now), "a draft applied twice")
        let old = drafts.keep(Data("x".utf8), fileName: "b.csv", sessionId: "s1", now: now)
        XCTAssertNil(drafts.take(id: old, sessionId: "s1", now: now.addingTimeInterval(ConsoleImportDrafts.lifetime + 1)), "an expired draft applied")
    }

    func testOnlyAFewDraftsAreKeptTheOldestDroppedFirst() {
        let drafts = ConsoleImportDrafts()
        let now = Date()
        let ids = (0..<(ConsoleImportDrafts.maximum + 1)).map {
            drafts.keep(Data("x".utf8), fileName: "\($0).csv", sessionId: "s", now: now.addingTimeInterval(Double($0)))
        }
        XCTAssertNil(drafts.take(id: ids[0], sessionId: "s", now: now.addingTimeInterval(10)))
        XCTAssertNotNil(drafts.take(id: ids.last!, sessionId: "s", now: now.addingTimeInterval(10)))
    }
}
