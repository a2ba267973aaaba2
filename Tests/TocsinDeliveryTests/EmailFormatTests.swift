import Foundation
import TocsinCore
@testable import TocsinDelivery
import TocsinStore
import TocsinTestSupport
import XCTest

final class EmailFormatTests: XCTestCase {
    func testIndicatorsAreDefanged() {
        XCTAssertEqual(Defang.indicator("http://evil.example.com/a.exe"), "hxxp[://]evil[.]example[.]com/a[.]exe")
        XCTAssertEqual(Defang.indicator("https://x.fr"), "hxxps[://]x[.]fr")
        XCTAssertEqual(Defang.indicator("203.0.113.7"), "203[.]0[.]113[.]7")
        XCTAssertEqual(Defang.indicator("phish@bad.example"), "phish[@]bad[.]example")
        XCTAssertEqual(Defang.indicator("d41d8cd98f00b204e9800998ecf8427e"), "d41d8cd98f00b204e9800998ecf8427e")
    }

    func testMessagesAreQuotedPrintableWithEncodedWordSubjectsAndCRLF() {
        let message = MIMEMessage(headers: [("Subject", "[TLP:AMBER][CRITIQUE] Rançongiciel « LockBit » : indicateurs à bloquer d'urgence")],
                                  text: "Établissements de santé : " + String(repeating: "vérifiez vos journaux ", count: 10),
                                  html: "<p>é</p>").render(boundary: "b")
        let text = String(decoding: message, as: UTF8.self)
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
        for line in text.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.count, 78, line) }
        XCTAssertTrue(text.hasPrefix("Subject: =?UTF-8?B?"))
        XCTAssertTrue(text.contains("=C3=89tablissements de sant=C3=A9"))
        XCTAssertTrue(text.contains("Content-Type: multipart/alternative; boundary=\"b\""))
        XCTAssertTrue(text.hasSuffix("--b--\r\n"))
        // Decoding the encoded words gives the subject back.
        let words = text.components(separatedBy: "\r\n").prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
            .map { $0.replacingOccurrences(of: "Subject: ", with: "").trimmingCharacters(in: .whitespaces) }
        let decoded = words.map { word -> String in
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return String(decoding: Data(base64Encoded: String(base64))!, as: UTF8.self)
        }.joined()
        XCTAssertEqual(decoded, "[TLP:AMBER][CRITIQUE] Rançongiciel « LockBit » : indicateurs à bloquer d'urgence")
    }

    /// Headers are written byte by byte when ASCII: the same lines as the String code they replaced (kept here as
    /// the reference), over random values with spaces, long words, line breaks and accents.
    func testHeaderLinesAreTheSameAsTheReferenceFoldingAndNeverBreakALine() {
        func reference(_ name: String, _ value: String) -> String {
            let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            guard clean.unicodeScalars.contains(where: { !$0.isASCII }) else {
                let line = "\(name): \(clean)"
                guard line.count > 78 else { return line + "\r\n" }
                var lines: [String] = []
                var current = ""
                for word in line.split(separator: " ", omittingEmptySubsequences: false) {
                    if !current.isEmpty && current.count + 1 + word.count > 78 {
                        lines.append(current)
                        current = String(word)
                    } else {
                        current = current.isEmpty ? String(word) : current + " " + word
                    }
                }
                lines.append(current)
                return lines.joined(separator: "\r\n ") + "\r\n"
            }
            return MIMEMessage.header(name, value)
        }
        var random = SplitMix64(seed: 0x4d494d45)
        let pieces = ["a", "rssi@chu-rouen.fr", " ", "  ", "<https://tocsin.example/unsubscribe/\(String(repeating: "x", count: 90))>",
                      "\r", "\n", "\r\n", "é", "Mon, 23 Nov 2026 09:49:15 +0000", "0190f0c2-7d1e-7c3a-9a55-0b7c2f1e4d2a@tocsin.example", ","]
        for _ in 0..<3_000 {
            let value = (0..<Int.random(in: 0...14, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let line = MIMEMessage.header("List-Unsubscribe", value)
            // Every line break is the header's end or a fold (followed by a space): none comes from the value.
            var bytes = Array(line.utf8)
            XCTAssertEqual(bytes.suffix(2), [13, 10])
            bytes.removeLast(2)
            var index = 0
            while index < bytes.count {
                if bytes[index] == 13 || bytes[index] == 10 {
                    XCTAssertTrue(bytes[index...].starts(with: [13, 10, 32]), "a line break survived in \(value.debugDescription): \(line.debugDescription)")
                    index += 2
                }
                index += 1
            }
            XCTAssertEqual(line, reference("List-Unsubscribe", value), value.debugDescription)
        }
        // The boundary keeps its shape and never repeats.
        let boundaries = (0..<1_000).map { _ in MIMEMessage.boundary() }
        XCTAssertEqual(Set(boundaries).count, boundaries.count)
        XCTAssertTrue(boundaries.allSatisfy { $0.wholeMatch(of: /tocsin-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil })
    }

    /// Reply lines are trimmed as Foundation's `.whitespaces` trims them, without Foundation, over random lines.
    func testSMTPReplyLinesAreTrimmedAsFoundationTrimsWhitespace() {
        var random = SplitMix64(seed: 0x534d5450)
        let pieces = ["250", " ", "\t", "2.0.0 Ok", "\u{a0}", "\u{3000}", "\u{2009}", "é", "\u{200b}", "x", "\u{85}", String(repeating: "y", count: 120)]
        for _ in 0..<5_000 {
            let line = (0..<Int.random(in: 0...10, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            XCTAssertEqual(SMTPSender.kept(line[...]), String(line.trimmingCharacters(in: .whitespaces).prefix(300)), line.debugDescription)
        }
    }

    func testSMTPRepliesMapToRetryOrDeadLetter() {
        XCTAssertEqual(SMTPResult.sent(code: 250).outcome.name, "success")
        XCTAssertEqual(SMTPResult.failed(code: 451, message: "greylisted").outcome.name, "retryable")
        XCTAssertEqual(SMTPResult.failed(code: 0, message: "connection refused").outcome.name, "retryable")
        XCTAssertEqual(SMTPResult.failed(code: 550, message: "no such user").outcome.name, "permanent")
        XCTAssertEqual(SMTPResult.failed(code: 550, message: "no such user").outcome.status, 550)
    }

    /// An alert that concerns the recipient's inventory says so first, in the recipient's language, alone or in a digest.
    func testInventoryConcernsAreShownInTheReadersLanguage() throws {
        let templates = try EmailTemplates(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates").path)
        let sender = SMTPSender(configuration: SMTPConfiguration(url: "smtp://127.0.0.1:9", from: "alertes@cert-sante.test", concurrency: 1))
        defer { sender.shutdown() }
        let channel = EmailChannel(sender: sender, templates: templates, publicUrl: "https://tocsin.test")
        let alert = Alert.first(from: AlertDraft(title: "Philips Vue PACS", summary: "Mettre à jour.", severity: .high, tlp: .clear,
                                                 affectedProducts: [AffectedProduct(vendor: "Philips", product: "Vue PACS", versions: ["<12.2.8.410"])]))
        let concern = InventoryConcern(item: "Philips Vue PACS 12.2.6.10", product: "Philips Vue PACS", confidence: .versionInRange,
                                       french: "concerne votre Philips Vue PACS 12.2.6.10", english: "concerns your Philips Vue PACS 12.2.6.10")
        for (locale, expected) in [("fr", concern.french), ("en", concern.english)] {
            let claimed = ClaimedDelivery(delivery: Delivery(alertId: alert.id, revision: 1, subscriptionId: "s", orgId: "o", channel: .email),
                                          target: "rssi@chu.test", alertJSON: try TocsinJSON.encode(alert), eventType: alert.eventType,
                                          eventTime: alert.updatedAt, orgName: "CHU", locale: locale, concerns: [concern])
            let single = try channel.message(for: claimed)
            XCTAssertTrue(single.text.contains(">> \(expected)"), single.text)
            XCTAssertTrue(single.html.contains(expected), single.html)
            var digest = claimed
            digest.digest = .hourly
            XCTAssertTrue(try channel.digestMessage(for: [digest]).text.contains(expected))
        }
    }
}

/// A busy digest period is sent as several messages, each within the limit; a subscription's immediate deliveries
/// are sent one after the other, in order, up to the sequence limit, the rest handed back.
final class DigestUnitTests: XCTestCase {
    func testDigestsAreSplitAtTheLimit() throws {
        func claimed(_ subscription: String, _ digest: DigestMode) -> ClaimedDelivery {
            ClaimedDelivery(delivery: Delivery(alertId: UUID().uuidString, revision: 1, subscriptionId: subscription, orgId: "o", channel: .email),
                            target: "rssi@chu.test", alertJSON: [], eventType: "alert.published", eventTime: Date(), digest: digest)
        }
        let now = [claimed("now", .immediate), claimed("now", .immediate), claimed("now", .immediate)]
        let batch = (0..<120).map { _ in claimed("daily", .daily) } + now + [claimed("other", .immediate)]
        let (units, overflow) = OutboxWorker.units(batch, sequenceLimit: 2)
        XCTAssertEqual(units.map(\.count).sorted(), [1, 2, 20, 50, 50])
        XCTAssertTrue(units.allSatisfy { $0.count <= OutboxWorker.digestLimit })
        XCTAssertEqual(units.first { $0.first?.delivery.subscriptionId == "now" }?.map(\.delivery.id), now.prefix(2).map(\.delivery.id))
        XCTAssertEqual(overflow.map(\.id), [now[2].delivery.id])
    }
}
