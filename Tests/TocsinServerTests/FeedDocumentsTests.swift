import Foundation
import TocsinCore
import TocsinDelivery
@testable import TocsinServer
import TocsinTestSupport
import XCTest

/// The three feed formats, byte for byte, in each language. The expected documents are in
/// `Golden/feed.<locale>.txt`; a locale Tocsin does not know reads French.
///
/// To record a golden file again after a deliberate change of wording, delete it and run the test once.
final class FeedDocumentsTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Alerts that between them use every severity, every status and every optional part of an entry.
    static func alerts() throws -> [Alert] {
        let published = try GoldenAlerts.date("2026-03-05T08:15:00Z")
        let revised = try GoldenAlerts.date("2026-07-14T22:40:00Z")
        return [
            try GoldenAlerts.alert("0000000f-0000-4000-8000-000000000001", revision: 1, status: .published, updated: published,
                  AlertDraft(title: "Rançongiciel « LockBit » <&>", summary: "Établissements de santé : bloquer.", body: "Détails.",
                             severity: .critical, tlp: .amber, categories: ["ransomware"], cves: ["CVE-2026-0001", "CVE-2026-0002"],
                             regions: ["28"],
                             indicators: [Indicator(type: .domain, value: "evil.example.com"),
                                          Indicator(type: .ipv4, value: "203.0.113.7", origin: .extracted, confidence: 0.75)],
                             references: [Reference(url: "https://cert.example/avis/1?a=1&b=2", title: "Avis")])),
            try GoldenAlerts.alert("0000000f-0000-4000-8000-000000000002", revision: 3, status: .updated, updated: revised,
                  AlertDraft(title: "Phishing wave", summary: "Second wave.", severity: .high, tlp: .green)),
            try GoldenAlerts.alert("0000000f-0000-4000-8000-000000000003", revision: 2, status: .cancelled, updated: revised,
                  AlertDraft(title: "Fausse alerte", summary: "Annulée.", severity: .medium, tlp: .clear,
                             attributes: [Alert.cancelReasonAttribute: "doublon de l'avis 1"])),
            try GoldenAlerts.alert("0000000f-0000-4000-8000-000000000004", revision: 2, status: .cancelled, updated: revised,
                  AlertDraft(title: "Basse", summary: "Low.", severity: .low, tlp: .amberStrict)),
            try GoldenAlerts.alert("0000000f-0000-4000-8000-000000000005", revision: 1, status: .published, updated: published,
                  AlertDraft(title: "Info", summary: "Info.", severity: .info, tlp: .red)),
        ]
    }

    static let concerns = [
        InventoryConcern(item: "Philips Vue PACS 12.2.6.10", product: "Philips Vue PACS", confidence: .versionInRange,
                         french: "concerne votre Philips Vue PACS 12.2.6.10", english: "concerns your Philips Vue PACS 12.2.6.10"),
        InventoryConcern(item: "Vue PACS", product: "Philips Vue PACS", confidence: .productOnly,
                         french: "concerne peut-être votre Vue PACS (version à vérifier)", english: "may concern your Vue PACS (check the version)"),
    ]

    func testFeedsAreWordForWordInEveryLanguage() throws {
        let alerts = try Self.alerts()
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Templates").path
        let messages = try TemplatesFolder.messages(in: templates)
        for locale in ["fr", "en", "de", "en-GB"] {
            let entries = alerts.enumerated().map { index, alert in
                FeedEntry(alert: alert, locale: locale, publicUrl: "https://tocsin.test", messages: messages, concerns: index == 0 ? Self.concerns : [])
            }
            let documents = FeedDocuments(title: "Feed title", feedURL: "https://tocsin.test/feeds/t/atom.xml", homeURL: "https://tocsin.test",
                                          entries: entries, updated: try GoldenAlerts.date("2026-07-14T22:40:00Z"))
            var out = "=== atom\n" + documents.atom(feedId: "urn:uuid:feed")
            out += "=== rss\n" + documents.rss()
            out += "=== json\n" + String(decoding: try documents.jsonFeed(nextURL: "https://tocsin.test/next"), as: UTF8.self) + "\n"
            try assertGolden(out, file: "feed.\(locale).txt")
        }
    }

    func assertGolden(_ actual: String, file name: String, line: UInt = #line) throws {
        let url = Self.golden.appendingPathComponent(name)
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return XCTFail("recorded \(name); check it and run again", line: line)
        }
        if actual != expected {
            let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
            let first = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            XCTFail("\(name) differs at line \(first + 1):\n  expected: \(first < e.count ? e[first] : "(end)")\n  actual:   \(first < a.count ? a[first] : "(end)")", line: line)
        }
    }
}
