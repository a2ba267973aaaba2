import Foundation
import TocsinCore
import XCTest

/// `trimmingWhitespace()` removes exactly what Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)` does.
final class StringWhitespaceTests: XCTestCase {
    func testEveryScalarIsTrimmedAsFoundationTrimsIt() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(scalar)\(scalar)mot\(scalar)"
            XCTAssertEqual(text.trimmingWhitespace(), text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
        }
    }

    func testTextsAreTrimmedAsFoundationTrimsThem() {
        let samples = ["", " ", "\n\t ", "mot", " mot ", "\u{A0}Alerte critique\u{3000}", "\r\nligne\r\n", "é", " é ",
                       "\u{200B}x\u{200B}", " \u{301}accent", "a b", "🙂 ", "\u{85}fin\u{2028}"]
        for sample in samples {
            XCTAssertEqual(sample.trimmingWhitespace(), sample.trimmingCharacters(in: .whitespacesAndNewlines), sample.debugDescription)
            let substring = ("[" + sample + "]").dropFirst().dropLast()
            XCTAssertEqual(substring.trimmingWhitespace(), sample.trimmingCharacters(in: .whitespacesAndNewlines), sample.debugDescription)
        }
    }
}
