import Foundation
import TocsinCore
@testable import TocsinDelivery
import TocsinStore
import TocsinTestSupport
import XCTest

/// Every email, byte for byte, in each language: subjects, both parts of single alerts and digests, TLP notices and
/// severity labels. The expected text is in `Golden/email.<locale>.txt`; a locale Tocsin does not know reads French.
///
/// To record a golden file again after a deliberate change of wording, delete it and run the test once.
final class EmailGoldenTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Alerts that between them use every severity, every TLP, every status and every optional part.
    static func alerts() throws -> [Alert] {
        let published = try GoldenAlerts.date("2026-03-05T08:15:00Z")
        let revised = try GoldenAlerts.date("2026-07-14T22:40:00Z")
        return [
            try GoldenAlerts.alert("0000000a-0000-4000-8000-000000000001", revision: 1, status: .published, updated: published,
                  AlertDraft(title: "Rançongiciel « LockBit » : bloquer evil.example.com",
                             summary: "Établissements de santé : bloquer les indicateurs.",
                             body: "Détails : le serveur 203.0.113.7 diffuse la charge.", severity: .critical, tlp: .amber,
                             cves: ["CVE-2026-0001", "CVE-2026-0002"],
                             indicators: [Indicator(type: .domain, value: "evil.example.com"), Indicator(type: .ipv4, value: "203.0.113.7"),
                                          Indicator(type: .url, value: "http://evil.example.com/a.exe", origin: .extracted, confidence: 0.8)],
                             references: [Reference(url: "https://cert.example/avis/1", title: "Avis <CERT> & co"),
                                          Reference(url: "http://evil.example.com/a.exe")])),
            try GoldenAlerts.alert("0000000a-0000-4000-8000-000000000002", revision: 3, status: .updated, updated: revised,
                  AlertDraft(title: "Phishing wave", summary: "Second wave.", severity: .high, tlp: .green)),
            try GoldenAlerts.alert("0000000a-0000-4000-8000-000000000003", revision: 2, status: .cancelled, updated: revised,
                  AlertDraft(title: "Fausse alerte", summary: "Annulée.", severity: .low, tlp: .clear,
                             attributes: [Alert.cancelReasonAttribute: "doublon de l'avis 1"])),
            try GoldenAlerts.alert("0000000a-0000-4000-8000-000000000004", revision: 1, status: .published, updated: published,
                  AlertDraft(title: "Moyenne", summary: "Medium.", severity: .medium, tlp: .amberStrict)),
            try GoldenAlerts.alert("0000000a-0000-4000-8000-000000000005", revision: 2, status: .cancelled, updated: revised,
                  AlertDraft(title: "Info", summary: "Info.", severity: .info, tlp: .red)),
        ]
    }

    static let concerns = [
        InventoryConcern(item: "Philips Vue PACS 12.2.6.10", product: "Philips Vue PACS", confidence: .versionInRange,
                         french: "concerne votre Philips Vue PACS 12.2.6.10", english: "concerns your Philips Vue PACS 12.2.6.10"),
        InventoryConcern(item: "Vue PACS", product: "Philips Vue PACS", confidence: .productOnly,
                         french: "concerne peut-être votre Vue PACS (version à vérifier)", english: "may concern your Vue PACS (check the version)"),
    ]

    func render(locale: String, channel: EmailChannel) throws -> String {
        let alerts = try Self.alerts()
        func claimed(_ alert: Alert, digest: DigestMode, concerns: [InventoryConcern]) throws -> ClaimedDelivery {
            ClaimedDelivery(delivery: Delivery(alertId: alert.id, revision: alert.revision, subscriptionId: "s", orgId: "o", channel: .email),
                            target: "rssi@chu.test", alertJSON: try TocsinJSON.encode(alert), eventType: alert.eventType,
                            eventTime: alert.updatedAt, orgName: "CHU de Rouen", locale: locale, digest: digest, concerns: concerns,
                            secrets: [SubscriptionSecret(.unsubscribe, "unsub-token")])
        }
        func show(_ name: String, _ message: MIMEMessage) -> String {
            let subject = message.headers.first { $0.0 == "Subject" }?.1 ?? "(none)"
            return "=== \(name)\nSubject: \(subject)\n--- text\n\(message.text)\n--- html\n\(message.html)\n"
        }
        let messages = channel.templates.messages
        var out = ""
        for (index, alert) in alerts.enumerated() {
            out += "subject \(index + 1): \(EmailChannel.subject(alert, locale: locale, messages: messages))\n"
        }
        for tlp in TLP.allCases { out += "notice \(tlp.rawValue): \(messages.tlpNotice(tlp, locale: locale))\n" }
        for mode in [DigestMode.hourly, .daily] {
            for count in [1, 2, 5] {
                out += "digest subject \(mode.rawValue) \(count): \(EmailChannel.digestSubject(Array(alerts.prefix(count)), mode: mode, locale: locale, messages: messages))\n"
            }
        }
        for (index, alert) in alerts.enumerated() {
            var delivery = try claimed(alert, digest: .immediate, concerns: index == 0 ? Self.concerns : [])
            // Alert 2 is relayed by a regional broker that annotated it: its note, in a section of its own.
            if index == 1 { delivery.annotation = "Note de l'ARS Normandie : contactez la cellule régionale au 02 00 00 00 00." }
            out += show("alert \(index + 1)", try channel.message(for: delivery))
        }
        out += show("hourly digest", try channel.digestMessage(for: try alerts.enumerated().map { index, alert in
            try claimed(alert, digest: .hourly, concerns: index == 0 ? Self.concerns : [])
        }))
        out += show("daily digest", try channel.digestMessage(for: [try claimed(alerts[1], digest: .daily, concerns: [])]))
        return out
    }

    func testEmailsAreWordForWordInEveryLanguage() throws {
        let templates = try EmailTemplates(directory: Self.root.appendingPathComponent("Templates").path)
        let sender = SMTPSender(configuration: SMTPConfiguration(url: "smtp://127.0.0.1:9", from: "alertes@cert-sante.test", concurrency: 1))
        defer { sender.shutdown() }
        // A fixed key, so that the acknowledgement links are the same on every run.
        let links = AckLinks(signer: AckLinkSigner(key: Array("golden-acknowledgement-key-32-by".utf8)), publicUrl: "https://tocsin.test/")
        let channel = EmailChannel(sender: sender, templates: templates, publicUrl: "https://tocsin.test/", ackLinks: links)
        for locale in ["fr", "en", "de", "en-GB"] {
            try assertGolden(try render(locale: locale, channel: channel), file: "email.\(locale).txt")
        }
    }

    /// A drill: the same email, marked `[EXERCICE]` / `[EXERCISE]` in front of its subject and its digest's.
    func testExerciseEmailsAreMarked() throws {
        let templates = try EmailTemplates(directory: Self.root.appendingPathComponent("Templates").path)
        let sender = SMTPSender(configuration: SMTPConfiguration(url: "smtp://127.0.0.1:9", from: "alertes@cert-sante.test", concurrency: 1))
        defer { sender.shutdown() }
        let channel = EmailChannel(sender: sender, templates: templates, publicUrl: "https://tocsin.test/")
        var drill = try GoldenAlerts.alert("0000000a-0000-4000-8000-000000000006", revision: 1, status: .published,
                                           updated: try GoldenAlerts.date("2026-03-05T08:15:00Z"),
                                           AlertDraft(title: "Exercice national : rançongiciel simulé", summary: "Ceci est un exercice.",
                                                      severity: .critical, tlp: .green))
        drill.exerciseId = "care-2026-12"
        for locale in ["fr", "en"] {
            let claimed = ClaimedDelivery(delivery: Delivery(alertId: drill.id, revision: 1, subscriptionId: "s", orgId: "o", channel: .email),
                                          target: "rssi@chu.test", alertJSON: try TocsinJSON.encode(drill), eventType: drill.eventType,
                                          eventTime: drill.updatedAt, orgName: "CHU de Rouen", locale: locale, digest: .immediate, concerns: [],
                                          secrets: [SubscriptionSecret(.unsubscribe, "unsub-token")])
            let messages = channel.templates.messages
            var out = "subject: \(EmailChannel.subject(drill, locale: locale, messages: messages))\n"
            out += "digest subject: \(EmailChannel.digestSubject([drill], mode: .hourly, locale: locale, messages: messages))\n"
            let message = try channel.message(for: claimed)
            out += "Subject: \(message.headers.first { $0.0 == "Subject" }?.1 ?? "(none)")\n--- text\n\(message.text)\n"
            try assertGolden(out, file: "email-exercise.\(locale).txt")
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
