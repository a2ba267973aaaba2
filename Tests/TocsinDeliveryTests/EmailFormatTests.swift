import Foundation
import TocsinCore
import TocsinDelivery
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
}
