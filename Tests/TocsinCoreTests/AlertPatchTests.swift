import Foundation
import TocsinCore
import XCTest

/// The parts of a revision patch read outside the strict decoder refuse values of the wrong type, as it does.
final class AlertPatchTests: XCTestCase {
    let current = AlertDraft(title: "Rançongiciel", summary: "", severity: .high, tlp: .green, cves: ["CVE-2024-3400"],
                             indicators: [Indicator(type: .ipv4, value: "203.0.113.7")])

    func apply(_ json: String) throws -> AlertPatch { try AlertPatch.apply(Data(json.utf8), to: current) }

    func testConfirmWidenIsABooleanNotANumber() throws {
        XCTAssertTrue(try apply(#"{"confirmWiden": true}"#).confirmsWidening)
        XCTAssertFalse(try apply(#"{"confirmWiden": false}"#).confirmsWidening)
        for value in ["0", "1", "\"true\"", "null"] {
            XCTAssertThrowsError(try apply(#"{"confirmWiden": \#(value)}"#), value) { error in
                XCTAssertEqual((error as? ValidationError)?.field, "confirmWiden")
            }
        }
    }

    func testRemoveEntriesOfTheWrongTypeAreRefused() throws {
        XCTAssertEqual(try apply(#"{"remove": {"cves": ["cve-2024-3400"]}}"#).draft.cves, [])
        XCTAssertEqual(try apply(#"{"remove": {"indicators": ["203.0.113.7"]}}"#).draft.indicators, [])
        XCTAssertEqual(try apply(#"{"remove": {"indicators": [{"value": "203.0.113.7"}]}}"#).draft.indicators, [])
        for (json, field) in [(#"{"remove": {"cves": [{}]}}"#, "remove.cves[0]"), (#"{"remove": {"categories": ["a", 5]}}"#, "remove.categories[1]"),
                              (#"{"remove": {"indicators": [7]}}"#, "remove.indicators[0]"),
                              (#"{"remove": {"references": [{"title": "no url"}]}}"#, "remove.references[0]")] {
            XCTAssertThrowsError(try apply(json), json) { error in XCTAssertEqual((error as? ValidationError)?.field, field, json) }
        }
    }

    /// `remove` applies after the replacements whatever the order of the keys, and a malformed replacement is refused
    /// even when `remove` would take it out again.
    func testRemoveAppliesAfterReplacementsAndDoesNotHideMalformedOnes() throws {
        for json in [#"{"cves": ["CVE-2024-1", "CVE-2024-2"], "remove": {"cves": ["CVE-2024-1"]}}"#,
                     #"{"remove": {"cves": ["CVE-2024-1"]}, "cves": ["CVE-2024-1", "CVE-2024-2"]}"#] {
            XCTAssertEqual(try apply(json).draft.cves, ["CVE-2024-2"], json)
        }
        let hidden = #"{"references": [{"title": "no url"}], "remove": {"references": [{"url": ""}]}}"#
        XCTAssertThrowsError(try apply(hidden), "a reference without url was accepted")
    }
}
