import Foundation
@testable import TocsinServer
import TocsinCore
import XCTest

/// The analyst's alert form, without a broker: what it sends is the JSON the API takes, decoded by the API's strict
/// decoder, and a revision sends only what changed.
final class ConsoleAlertFormTests: XCTestCase {
    func form(_ fields: [String: String]) -> ConsoleAlertForm {
        var form = ConsoleForm()
        form.fields = fields
        return ConsoleAlertForm(form)
    }

    func testTheFormBecomesTheDraftTheAPIDecodes() throws {
        let typed = form([
            "title": "Vue PACS : exécution de code", "summary": "Résumé", "body": "  ", "severity": "critical", "tlp": "AMBER",
            "regions": "28, 11", "categories": "vulnerability", "cves": "CVE-2024-3400; CVE-2024-1234",
            "indicators": "203.0.113.7\ndomain pacs-update.example\n\n sha256 \(String(repeating: "a", count: 64))\nhttps://evil.example/x",
            "products": "Philips | Vue PACS | <12.2.8.410, 12.3\n | Serveur sans éditeur |",
        ])
        let draft = try TocsinJSON.strictDecoder().decode(AlertDraft.self, from: JSONSerialization.data(withJSONObject: typed.draftJSON())).validated()
        XCTAssertEqual(draft.title, "Vue PACS : exécution de code")
        XCTAssertNil(draft.body, "a blank text is no text")
        XCTAssertEqual(draft.severity, .critical)
        XCTAssertEqual(draft.tlp, .amber)
        XCTAssertEqual(draft.regions, ["28", "11"])
        XCTAssertEqual(draft.cves, ["CVE-2024-3400", "CVE-2024-1234"])
        XCTAssertEqual(draft.indicators.map(\.type), [.ipv4, .domain, .sha256, .url])
        XCTAssertEqual(draft.affectedProducts.first?.vendor, "Philips")
        XCTAssertEqual(draft.affectedProducts.first?.versions, ["<12.2.8.410", "12.3"])
        XCTAssertNil(draft.affectedProducts.last?.vendor)
    }

    func testAMarkingTheAPIRefusesIsRefusedAlike() {
        let typed = form(["title": "t", "summary": "s", "severity": "high", "tlp": "PURPLE"])
        XCTAssertThrowsError(try TocsinJSON.strictDecoder().decode(AlertDraft.self, from: JSONSerialization.data(withJSONObject: typed.draftJSON())))
    }

    func testARevisionSendsOnlyWhatChanged() throws {
        let draft = AlertDraft(title: "Titre", summary: "Résumé", severity: .high, tlp: .green, regions: ["28"],
                               indicators: [Indicator(type: .ipv4, value: "203.0.113.7")])
        let current = ConsoleAlertForm(draft.content)
        var edited = current
        XCTAssertTrue(edited.patchJSON(from: current, confirmWiden: false).isEmpty, "an unchanged form patches nothing")
        edited.tlp = "AMBER"
        edited.regions = "28 ,"
        let patch = edited.patchJSON(from: current, confirmWiden: true)
        XCTAssertEqual(Set(patch.keys), ["tlp", "confirmWiden"], "\(patch)")
        let applied = try AlertPatch.apply(JSONSerialization.data(withJSONObject: patch), to: draft)
        XCTAssertEqual(applied.draft.tlp, .amber)
        XCTAssertTrue(applied.confirmsWidening)
    }
}
