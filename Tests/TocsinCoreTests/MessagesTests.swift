import Foundation
import TocsinCore
import XCTest

/// The words of each locale: placeholders, the French fallback and what a complete set of messages is.
final class MessagesTests: XCTestCase {
    static func complete(_ word: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: MessageKey.allCases.map { ($0.rawValue, "\(word) \($0.rawValue)") })
    }

    func testPlaceholdersAreFilledOnceAndUnknownOnesKept() throws {
        var french = Self.complete("fr")
        french["feed.title"] = "Alertes — {org} {unknown} {"
        let messages = try Messages(tables: ["fr": french])
        XCTAssertEqual(messages.text(.feedTitle, locale: "fr", ["org": "CHU {org} & co"]), "Alertes — CHU {org} & co {unknown} {")
    }

    func testALocaleWithoutMessagesReadsFrench() throws {
        var english = Self.complete("en")
        english["severity.high"] = "HIGH"
        let messages = try Messages(tables: ["fr": Self.complete("fr"), "en": english])
        XCTAssertEqual(messages.severity(.high, locale: "en"), "HIGH")
        XCTAssertEqual(messages.severity(.high, locale: "en-GB"), "fr severity.high")
        XCTAssertEqual(messages.locale(for: "de"), "fr")
        XCTAssertEqual(messages.locales, ["fr", "en"])
    }

    func testFrenchMustSayEverythingAndTheOthersWhatFrenchSays() {
        var french = Self.complete("fr")
        french["tlpNotice.red"] = nil
        XCTAssertThrowsError(try Messages(tables: ["fr": french])) { error in
            XCTAssertEqual("\(error)", "fr/messages.json: lacks the key \"tlpNotice.red\", which Tocsin writes")
        }
        XCTAssertThrowsError(try Messages(tables: ["en": Self.complete("en")])) { error in
            XCTAssertTrue("\(error)".hasPrefix("fr/messages.json: is missing"), "\(error)")
        }
        var english = Self.complete("en")
        english["feed.cves"] = nil
        XCTAssertThrowsError(try Messages(tables: ["fr": Self.complete("fr"), "en": english])) { error in
            XCTAssertEqual("\(error)", "en/messages.json: lacks the key \"feed.cves\", which fr/messages.json has")
        }
    }
}
