import Foundation
import TocsinCore
@testable import TocsinDelivery
import TocsinStore
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
