import Foundation
@testable import TocsinCore
import TocsinTestSupport
import XCTest

/// The byte-level checks of draft validation (control characters, CVE ids, trimmed list items, length limits) answer
/// as the character-level ones they go before.
final class ValidationFastPathTests: XCTestCase {
    private static let pieces = ["a", "CVE", "-", "2024", "3400", "12345678901234567890", "cve", " ", "\t", "\n", "\r", "\r\n", "\u{0}",
                                 "\u{1B}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{3000}", "é", "e\u{301}",
                                 "\u{301}", "٣", "🙂", "-\u{301}", "Ⅳ", "0", "9"]

    private static func characterLevelCVE(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "CVE", parts[1].count == 4, parts[2].count >= 4, parts[2].count <= 19 else { return false }
        return parts[1].allSatisfy { $0.isASCII && $0.isNumber } && parts[2].allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func characterLevelCheck(_ text: String, longText: Bool) -> Bool {
        for scalar in text.unicodeScalars where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            if longText, scalar == "\n" || scalar == "\t" || scalar == "\r" { continue }
            return false
        }
        return true
    }

    func testFastChecksMatchTheCharacterLevelOnesOnRandomTexts() {
        var generator = SplitMix64(seed: 2024)
        for round in 0..<50_000 {
            let count = Int.random(in: 0...9, using: &generator)
            var text = (0..<count).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            if round % 3 == 0 { text = "CVE-" + String(Int.random(in: 1990...2030, using: &generator)) + "-" + text }
            XCTAssertEqual(CVE.isValid(text), Self.characterLevelCVE(text), text.debugDescription)
            for longText in [false, true] {
                XCTAssertEqual((try? TextRules.check(text, field: "f", longText: longText)) != nil, Self.characterLevelCheck(text, longText: longText),
                               text.debugDescription)
            }
            XCTAssertEqual(AlertContent.trimmingSpaces(text), text.trimmingCharacters(in: .whitespaces), text.debugDescription)
            let limit = Int.random(in: 0...12, using: &generator)
            XCTAssertEqual(AlertContent.fits(text, limit), text.count <= limit, text.debugDescription)
        }
        XCTAssertTrue(CVE.isValid("CVE-2024-3400"))
        XCTAssertTrue(CVE.isValid("CVE-2024-1234567890123456789"))
        XCTAssertFalse(CVE.isValid("CVE-2024-12345678901234567890"))
        XCTAssertFalse(CVE.isValid("cve-2024-3400"))
    }

    func testEveryControlCharacterIsStillRefused() {
        for value in UInt32(0)...0xFF {
            let text = "a" + String(Unicode.Scalar(value)!) + "b"
            XCTAssertEqual((try? TextRules.check(text, field: "f")) != nil, Self.characterLevelCheck(text, longText: false), "U+\(String(value, radix: 16))")
            XCTAssertEqual((try? TextRules.check(text, field: "f", longText: true)) != nil, Self.characterLevelCheck(text, longText: true), "U+\(String(value, radix: 16))")
        }
    }
}
