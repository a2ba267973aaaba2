import Foundation
import TocsinCore
@testable import TocsinDelivery
import TocsinStore
import TocsinTestSupport
import XCTest

/// A fan-out renders each alert's email once per kind of reader (`EmailVariant`) and puts each recipient's own values
/// in: the bytes sent must be exactly those of rendering the templates for each recipient alone.
final class EmailVariantTests: XCTestCase {
    static let templatesDirectory = EmailGoldenTests.root.appendingPathComponent("Templates").path
    let date = Date(timeIntervalSince1970: 1_780_000_000)

    func channel(templates: String = templatesDirectory, acknowledging: Bool = true, replyTo: String? = nil) throws -> EmailChannel {
        let sender = SMTPSender(configuration: SMTPConfiguration(url: "smtp://127.0.0.1:9", from: "alertes@cert-sante.test", replyTo: replyTo,
                                                                 concurrency: 1))
        addTeardownBlock { sender.shutdown() }
        let links = AckLinks(signer: AckLinkSigner(key: Array("variant-acknowledgement-key-32-by".utf8)), publicUrl: "https://tocsin.test/")
        return EmailChannel(sender: sender, templates: try EmailTemplates(directory: templates), publicUrl: "https://tocsin.test/",
                            ackLinks: acknowledging ? links : nil)
    }

    /// Words that test the edges: HTML's five, accents, a long word, line ends, a tab, `=`, a mark of another process.
    static let words = ["CHU", "de", "Rouen", "Saint-Étienne", "<b>", "&", "\"quoted\"", "l'hôpital", "=", "\t", "a\r\nb", "c\nd", "e\rf",
                        "Ωμέγα", "🚑", "x" + String(repeating: "y", count: 90), "\u{1}m123x456&0\u{1}", "\u{1}m123x456&amp;2\u{1}", " ", "  "]

    static func text(_ random: inout SplitMix64, words count: ClosedRange<Int>) -> String {
        (0..<Int.random(in: count, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
    }

    static func alert(_ random: inout SplitMix64, index: Int) throws -> Alert {
        let statuses: [AlertStatus] = [.published, .updated, .cancelled]
        let status = statuses.randomElement(using: &random)!
        let indicators = [Indicator(type: .domain, value: "evil\(index).example.com"), Indicator(type: .ipv4, value: "203.0.113.\(index % 250)"),
                          Indicator(type: .url, value: "http://evil\(index).example.com/a.exe", origin: .extracted, confidence: 0.7)]
        var attributes: [String: String] = [:]
        if status == .cancelled, Bool.random(using: &random) { attributes[Alert.cancelReasonAttribute] = text(&random, words: 1...6) }
        var draft = AlertDraft(title: text(&random, words: 1...12), summary: text(&random, words: 0...40),
                               body: Bool.random(using: &random) ? text(&random, words: 0...200) : nil,
                               severity: Severity.allCases.randomElement(using: &random)!, tlp: TLP.allCases.randomElement(using: &random)!,
                               cves: Bool.random(using: &random) ? ["CVE-2026-\(1000 + index)"] : [],
                               indicators: Array(indicators.prefix(Int.random(in: 0...3, using: &random))),
                               references: Bool.random(using: &random) ? [Reference(url: "https://cert.example/avis/\(index)", title: "Avis <\(index)>"),
                                                                          Reference(url: "http://evil\(index).example.com/a.exe")] : [],
                               attributes: attributes)
        if index % 7 == 0 { draft.title += " evil\(index).example.com" }
        var alert = try GoldenAlerts.alert(UUID().uuidString.lowercased(), revision: status == .published ? 1 : Int.random(in: 2...4, using: &random),
                                           status: status, updated: try GoldenAlerts.date("2026-07-14T22:40:00Z"), draft)
        if index % 5 == 0 { alert.exerciseId = "drill-\(index)" }
        return alert
    }

    static func recipient(_ random: inout SplitMix64, alert: Alert, locale: String, index: Int) throws -> ClaimedDelivery {
        let concerns = [InventoryConcern(item: "Philips Vue PACS 12.2.6.10", product: "Philips Vue PACS", confidence: .versionInRange,
                                         french: "concerne votre Philips Vue PACS 12.2.6.10", english: "concerns your Philips Vue PACS 12.2.6.10")]
        let addresses = (0..<Int.random(in: 1...3, using: &random)).map { "rssi\(index)-\($0)@établissement-\(index).test" }
        var claimed = ClaimedDelivery(
            delivery: Delivery(alertId: alert.id, revision: alert.revision, subscriptionId: "sub-\(index)", orgId: "org-\(index % 9)", channel: .email),
            target: addresses[0], alertJSON: try TocsinJSON.encode(alert), eventType: alert.eventType, eventTime: alert.updatedAt,
            orgName: text(&random, words: 0...6), locale: locale, digest: .immediate,
            concerns: Bool.random(using: &random) ? concerns : [],
            secrets: Bool.random(using: &random) ? [SubscriptionSecret(.unsubscribe, "token-\(index)-\(UInt32.random(in: 0...UInt32.max, using: &random))")] : [],
            addresses: Bool.random(using: &random) ? addresses : [addresses[0]])
        if Int.random(in: 0..<4, using: &random) == 0 { claimed.annotation = text(&random, words: 1...10) }
        return claimed
    }

    /// Random alerts, each to many recipients in every locale (those Tocsin has, one it falls back from, one it does
    /// not know), with and without concerns lines, annotations, unsubscribe tokens, role addresses and acknowledgement
    /// links: every message made from a variant is byte for byte the one rendered for its recipient alone.
    func testVariantMessagesAreTheBytesOfRenderingEachRecipientAlone() throws {
        var random = SplitMix64(seed: 0x5EED_E4A1)
        for (round, acknowledging) in [true, false].enumerated() {
            let channel = try channel(acknowledging: acknowledging, replyTo: round == 0 ? nil : "cert@sante.test")
            for index in 0..<16 {
                let alert = try Self.alert(&random, index: index)
                for recipient in 0..<20 {
                    let locale = ["fr", "en", "de", "en-GB"].randomElement(using: &random)!
                    let claimed = try Self.recipient(&random, alert: alert, locale: locale, index: index * 100 + recipient)
                    let boundary = "tocsin-\(index)-\(recipient)"
                    let shared = try channel.wireMessage(for: claimed, now: date, boundary: boundary)
                    let alone = try channel.message(for: claimed, date: date).render(boundary: boundary)
                    XCTAssertEqual(String(decoding: shared, as: UTF8.self), String(decoding: alone, as: UTF8.self), "alert \(index), recipient \(recipient)")
                    XCTAssertNotNil(channel.variants.variant(for: claimed, channel: channel), "the stock templates take variants")
                }
            }
        }
    }

    /// One variant serves every recipient of the same kind: the templates run once for a fan-out in one language.
    func testAFanOutRendersOneVariantPerKindOfReader() throws {
        let channel = try channel()
        var random = SplitMix64(seed: 7)
        let alert = try Self.alert(&random, index: 1)
        var first: EmailVariant?
        for index in 0..<50 {
            var claimed = try Self.recipient(&random, alert: alert, locale: "fr", index: index)
            claimed.concerns = []
            claimed.annotation = nil
            let variant = try XCTUnwrap(channel.variants.variant(for: claimed, channel: channel))
            if let first { XCTAssertEqual(first.text.count, variant.text.count) } else { first = variant }
        }
        XCTAssertEqual(channel.variants.count, 1)
    }

    /// Templates that transform a recipient's value (here `uppercased(orgName)`) are rendered per recipient, and the
    /// bytes are still those of rendering alone.
    func testTemplatesThatTransformAValueAreRenderedPerRecipient() throws {
        let directory = NSTemporaryDirectory() + "tocsin-templates-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Self.templatesDirectory, toPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/fr/email/alert.text.mustache"
        try (try String(contentsOfFile: path, encoding: .utf8)).replacingOccurrences(of: "Destinataire : {{orgName}}", with: "Destinataire : {{uppercased(orgName)}}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let channel = try channel(templates: directory)
        var random = SplitMix64(seed: 11)
        let alert = try Self.alert(&random, index: 3)
        for index in 0..<10 {
            var claimed = try Self.recipient(&random, alert: alert, locale: "fr", index: index)
            claimed.orgName = "CHU de Rouen \(index)"
            XCTAssertNil(channel.variants.variant(for: claimed, channel: channel))
            let message = String(decoding: try channel.wireMessage(for: claimed, now: date, boundary: "b"), as: UTF8.self)
            XCTAssertEqual(message, String(decoding: try channel.message(for: claimed, date: date).render(boundary: "b"), as: UTF8.self))
            XCTAssertTrue(message.contains("Destinataire : CHU DE ROUEN \(index)"))
        }
        // English templates, untouched, still take variants.
        XCTAssertNotNil(channel.variants.variant(for: try Self.recipient(&random, alert: alert, locale: "en", index: 99), channel: channel))
    }

    func testTransformsAndOtherDelimitersAreSeenInTemplates() {
        XCTAssertFalse(EmailTemplates.transforms("Destinataire : {{orgName}} (CHU) {{#a}}x{{/a}} {{{html}}}"))
        XCTAssertTrue(EmailTemplates.transforms("{{ uppercased(orgName) }}"))
        XCTAssertTrue(EmailTemplates.transforms("{{=<% %>=}}<% orgName %>"))
    }

    /// The byte-level quoted-printable is the String one it replaced, on random text with every kind of line end,
    /// spaces and tabs at line ends, `=`, long lines and non-ASCII.
    func testQuotedPrintableIsTheSameAsTheStringEncoding() {
        var random = SplitMix64(seed: 42)
        let alphabet: [String] = ["a", "Z", " ", "\t", "=", "\r\n", "\n", "\r", "é", "€", "🚑", ".", "~", "\u{7F}", "\u{0}", String(repeating: "w", count: 80)]
        for _ in 0..<1_000 {
            let text = (0..<Int.random(in: 0...120, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
            XCTAssertEqual(QuotedPrintable.encode(text), Self.stringQuotedPrintable(text), text.debugDescription)
        }
    }

    /// The encoder as it was, on Strings: the reference for the byte-level one.
    static func stringQuotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var output: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded: [String] = []
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                if (byte >= 33 && byte <= 126 && byte != 61) || (byte == 32 && !isLast) || (byte == 9 && !isLast) {
                    encoded.append(String(UnicodeScalar(byte)))
                } else {
                    encoded.append(String(format: "=%02X", byte))
                }
            }
            var current = ""
            var lines: [String] = []
            for token in encoded {
                if current.count + token.count > 75 {
                    lines.append(current + "=")
                    current = ""
                }
                current += token
            }
            lines.append(current)
            output.append(lines.joined(separator: "\r\n"))
        }
        return output.joined(separator: "\r\n")
    }

    /// HTML escaping is the templates' own, character by character.
    func testHTMLEscapingIsTheTemplatesOwn() {
        XCTAssertEqual(HTMLEscape.escape("CHU <Rouen> & \"l'hôpital\""), "CHU &lt;Rouen&gt; &amp; &quot;l&#39;hôpital&quot;")
        XCTAssertEqual(HTMLEscape.escape("plain"), "plain")
        // A combining mark after `<` makes another character, which the templates leave as it is.
        XCTAssertEqual(HTMLEscape.escape("<\u{338}"), "<\u{338}")
    }
}
