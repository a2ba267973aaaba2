import Foundation
import TocsinCore
import XCTest

final class AlertDraftTests: XCTestCase {
    func decode(_ json: String) throws -> AlertDraft {
        try TocsinJSON.decoder().decode(AlertDraft.self, from: Data(json.utf8))
    }

    func testTheDesignDocumentExampleDecodesAndValidates() throws {
        let draft = try decode("""
            {"title":"Rançongiciel LockBit","summary":"…","severity":"critical","tlp":"AMBER",
             "categories":["Ransomware"],"cves":["cve-2024-3400"],"regions":["28"],
             "indicators":[{"type":"ipv4","value":"203.0.113.7"}]}
            """).validated()
        XCTAssertEqual(draft.categories, ["ransomware"])
        XCTAssertEqual(draft.cves, ["CVE-2024-3400"])
        XCTAssertEqual(draft.indicators.first?.type, .ipv4)
    }

    func testRejectsBadValuesWithTheFieldPath() throws {
        let cases: [(String, String)] = [
            (#"{"title":" ","severity":"high","tlp":"GREEN"}"#, "title"),
            (#"{"title":"x","severity":"high","tlp":"GREEN","cves":["CVE-24-1"]}"#, "cves[0]"),
            (#"{"title":"x","severity":"high","tlp":"GREEN","regions":["99"]}"#, "regions[0]"),
            (#"{"title":"x","severity":"high","tlp":"GREEN","indicators":[{"type":"ipv4","value":""}]}"#, "indicators[0].value"),
            (#"{"title":"x","severity":"high","tlp":"GREEN","references":[{"url":"javascript:alert(1)"}]}"#, "references[0].url"),
        ]
        for (json, field) in cases {
            XCTAssertThrowsError(try decode(json).validated(), json) { error in
                XCTAssertEqual((error as? ValidationError)?.field, field, json)
            }
        }
    }

    func testUnknownIndicatorTypeAndMissingFieldsFailDecoding() {
        XCTAssertThrowsError(try decode(#"{"title":"x","severity":"high","tlp":"GREEN","indicators":[{"type":"ip","value":"1"}]}"#))
        XCTAssertThrowsError(try decode(#"{"title":"x","tlp":"GREEN"}"#)) { error in
            XCTAssertEqual((error as? DecodingError)?.fieldAndReason.field, "severity")
        }
    }

    func testLifecycleRevisesAndCancelsButNothingAfterCancel() throws {
        let draft = AlertDraft(title: "Alerte", summary: "s", severity: .high, tlp: .green)
        let first = Alert.first(from: draft, now: Date(timeIntervalSince1970: 0))
        var changed = draft
        changed.severity = .critical
        let second = try AlertLifecycle.revise(first, with: changed, by: "t", now: Date(timeIntervalSince1970: 10))
        XCTAssertEqual(second.revision, 2)
        XCTAssertEqual(second.status, .updated)
        XCTAssertEqual(second.publishedAt, first.publishedAt)
        XCTAssertEqual(second.eventType, "alert.updated")
        let third = try AlertLifecycle.cancel(second, reason: "faux positif", by: "t")
        XCTAssertEqual(third.status, .cancelled)
        XCTAssertEqual(third.revision, 3)
        XCTAssertThrowsError(try AlertLifecycle.revise(third, with: draft, by: "t"))
        XCTAssertThrowsError(try AlertLifecycle.cancel(third, reason: nil, by: "t"))
    }
}
