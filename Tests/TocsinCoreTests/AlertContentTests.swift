import Foundation
import TocsinCore
import XCTest

/// An alert's content is declared once (`AlertContent`): every field of it must come through validation, publishing,
/// revising, patching and JSON unchanged, including the fields it gains later.
final class AlertContentTests: XCTestCase {
    /// A draft that gives every field a value other than its default, already in validated form.
    static let full = { var draft = AlertDraft(
        title: "Rançongiciel LockBit : indicateurs de compromission", summary: "Campagne en cours.",
        body: "Des établissements de santé sont visés.", severity: .critical, tlp: .amber,
        categories: ["ransomware"], cves: ["CVE-2024-3400"], regions: ["28"],
        indicators: [Indicator(type: .ipv4, value: "203.0.113.7", toIds: true, comment: "C2")],
        affectedProducts: [AffectedProduct(vendor: "Palo Alto Networks", product: "PAN-OS", versions: ["10.2"])],
        references: [Reference(url: "https://www.cert.ssi.gouv.fr/alerte/CERTFR-2024-ALE-006/", title: "CERT-FR")],
        cvss: [CVSSScore(version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", baseScore: 10, severity: .critical)],
        knownExploited: true, source: "cert-fr", sourceRef: "CERTFR-2024-ALE-006", sourceVersion: "2",
        sourcePublishedAt: Date(timeIntervalSince1970: 1_713_000_000), sourceUpdatedAt: Date(timeIntervalSince1970: 1_713_086_400),
        attributes: ["certfr.kind": "alerte"]
    ); draft.exerciseId = "exercice-2026-nov"; draft.kinds = [.chu, .ch]; return draft }()

    /// A field the sample leaves at its default would pass the round trips below even when lost on the way.
    func testTheSampleGivesEveryFieldAValue() {
        let fields = Mirror(reflecting: Self.full.content).children.map { ("content.\($0.label ?? "?")", $0.value) }
            + Mirror(reflecting: Self.full).children.filter { $0.label != "content" }.map { ($0.label ?? "?", $0.value) }
        for (label, value) in fields {
            let mirror = Mirror(reflecting: value)
            let isDefault = (mirror.displayStyle == .optional && mirror.children.isEmpty)
                || (value as? any Collection)?.isEmpty == true || (value as? Bool) == false
            XCTAssertFalse(isDefault, "\(label) is left at its default in the sample: give it a value")
        }
    }

    func testEveryFieldSurvivesValidateFirstReviseDraft() throws {
        let draft = try Self.full.validated()
        XCTAssertEqual(draft, Self.full)
        let first = Alert.first(from: draft, now: Date(timeIntervalSince1970: 1_713_100_000))
        XCTAssertEqual(first.draft, draft)
        let second = try AlertLifecycle.revise(first, with: draft, by: "t", now: Date(timeIntervalSince1970: 1_713_200_000))
        XCTAssertEqual(second.draft, draft)
        // A revision takes every field from the draft, not from the alert it revises.
        // (The source and the exercise are the alert's for good; the bare alert shares them.)
        let bare = Alert.first(from: AlertDraft(AlertDraft(title: "x", summary: "", severity: .low, tlp: .clear).content,
                                                exerciseId: Self.full.exerciseId), source: "cert-fr")
        XCTAssertEqual(try AlertLifecycle.revise(bare, with: draft, by: "t").draft, draft)
    }

    func testEveryFieldSurvivesJSONAndAnEmptyPatch() throws {
        let data = try TocsinJSON.encoder().encode(Self.full)
        XCTAssertEqual(try TocsinJSON.strictDecoder().decode(AlertDraft.self, from: data), Self.full)
        let keys = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        XCTAssertEqual(Set(keys), AlertPatch.fields, "a patch names exactly the fields a draft has")
        XCTAssertEqual(try AlertPatch.apply(Data("{}".utf8), to: Self.full).draft, Self.full)

        let alert = Alert.first(from: Self.full, now: Date(timeIntervalSince1970: 1_713_100_000))
        XCTAssertEqual(try TocsinJSON.strictDecoder().decode(Alert.self, from: TocsinJSON.encoder().encode(alert)), alert)
    }

    /// The `doc` column of existing databases holds alerts as they were encoded when `Alert` listed its own fields:
    /// one flat object, which must still decode and encode to the same bytes.
    func testAStoredAlertDecodesAndEncodesToTheSameBytes() throws {
        let stored = #"{"affectedProducts":[{"product":"PAN-OS","ranges":[],"vendor":"Palo Alto Networks","versions":["10.2"]}],"#
            + #""attributes":{"certfr.kind":"alerte"},"body":"Détails","categories":["ransomware"],"cves":["CVE-2024-3400"],"#
            + #""cvss":[{"baseScore":10,"severity":"critical","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H","version":"3.1"}],"#
            + #""id":"01HVZ8J3K2M4N5P6Q7R8S9T0VW","indicators":[{"comment":"C2","toIds":true,"type":"ipv4","value":"203.0.113.7"}],"#
            + #""knownExploited":true,"publishedAt":"2024-04-14T13:06:40.000Z","receivedAt":"2024-04-14T13:06:40.000Z","#
            + #""references":[{"title":"CERT-FR","url":"https://www.cert.ssi.gouv.fr/alerte/CERTFR-2024-ALE-006/"}],"#
            + #""regions":["28"],"revision":2,"severity":"critical","source":"cert-fr","sourcePublishedAt":"2024-04-13T09:20:00.000Z","#
            + #""sourceRef":"CERTFR-2024-ALE-006","sourceUpdatedAt":"2024-04-14T09:20:00.000Z","sourceVersion":"2","#
            + #""status":"updated","summary":"Campagne en cours.","title":"Rançongiciel LockBit","tlp":"AMBER","#
            + #""updatedAt":"2024-04-15T16:53:20.000Z"}"#
        let alert = try TocsinJSON.strictDecoder().decode(Alert.self, from: Data(stored.utf8))
        XCTAssertEqual(alert.revision, 2)
        XCTAssertEqual(alert.sourceRef, "CERTFR-2024-ALE-006")
        XCTAssertEqual(alert.indicators.first?.value, "203.0.113.7")
        XCTAssertEqual(String(decoding: try TocsinJSON.encoder().encode(alert), as: UTF8.self), stored)
    }

    func testAnAlertStillNeedsItsSummaryAndRefusesUnknownKeys() throws {
        let alert = Alert.first(from: Self.full, now: Date(timeIntervalSince1970: 1_713_100_000))
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: TocsinJSON.encoder().encode(alert)) as? [String: Any])
        object["summary"] = nil
        XCTAssertThrowsError(try TocsinJSON.strictDecoder().decode(Alert.self, from: JSONSerialization.data(withJSONObject: object))) { error in
            XCTAssertEqual((error as? DecodingError)?.fieldAndReason.field, "summary")
        }
        object["summary"] = "s"
        object["sumary"] = "s"
        XCTAssertThrowsError(try TocsinJSON.strictDecoder().decode(Alert.self, from: JSONSerialization.data(withJSONObject: object))) { error in
            XCTAssertEqual(error as? StrictJSONError, .unknownKey(path: "sumary"))
        }
    }
}
