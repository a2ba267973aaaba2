import Foundation
import TocsinIngest
import TocsinTestSupport
import XCTest

/// The byte-level text clean-up gives what the character-level one it replaced gave, on random markup and on the
/// fixture corpus's feeds, except that it reads CRLF as one line break and a CR always as a line break (the old one
/// read CRLF as a space, and merged a CR with a line feed that a tag brought after it).
final class FeedTextTests: XCTestCase {
    /// Pieces random fragments are made of: tags, entities (good and broken), line breaks, Unicode white space,
    /// accented letters and a few traps ("a < b", unterminated tags and references).
    private static let pieces = [
        "<p>", "</p>", "<br>", "<br/>", "<li>", "</li>", "<DIV class=\"x\">", "</div>", "<pre>", "</pre>", "<td>", "<th>",
        "<tr>", "<h2>", "<script>var a = '<p>';</script>", "<STYLE>p { }</style>", "<script>", "<!-- note -->", "<b>", "</b>",
        "<a href=\"https://exemple.fr/?a=1&amp;b=2\">", "</a>", "<é>", "<>", "< ", "a < b", "x > y", "<p", "&amp;", "&lt;",
        "&gt;", "&eacute;", "&#233;", "&#x20AC;", "&#X41;", "&#0;", "&#xD800;", "&nbsp;", "&unknown;", "&", "&amp", "&#;",
        "&#+65;", "&abcdefghijklmnopqrstuvwxyzabcdefgh;", "\n", "\r", "\r\n", "\n\n\n", "\t", " ", "  ", "\u{A0}",
        "\u{2028}", "\u{2029}", "\u{85}", "\u{3000}", "\u{2009}", "\u{202F}", "\u{0B}", "\u{0C}", "mot", "Alerte",
        "CVE-2024-3400", "été", "Ω", "日本", "🙂", "x", ";", "#", "/", "!",
    ]

    func testTheByteLevelCleanUpMatchesTheCharacterLevelOneOnRandomMarkup() {
        var generator = SplitMix64(seed: 2026)
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...14, using: &generator)
            let text = (0..<count).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            let reference = Self.lineFeeds(text)
            XCTAssertEqual(FeedText.plainText(fromHTML: text), ReferenceFeedText.plainText(fromHTML: reference), "plainText of \(text.debugDescription)")
            XCTAssertEqual(FeedText.tidyLines(text), ReferenceFeedText.tidyLines(reference), "tidyLines of \(text.debugDescription)")
            XCTAssertEqual(FeedText.collapse(text), ReferenceFeedText.collapse(text), "collapse of \(text.debugDescription)")
            XCTAssertEqual(FeedText.decodeEntities(text), ReferenceFeedText.decodeEntities(text), "decodeEntities of \(text.debugDescription)")
        }
    }

    /// The text with CRLF and CR as LF, which the old clean-up read as the new one reads CRLF and CR.
    private static func lineFeeds(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    func testCRLFIsOneLineBreak() {
        XCTAssertEqual(FeedText.tidyLines("Ligne 1\r\nLigne 2\r\n\r\nParagraphe"), "Ligne 1\nLigne 2\n\nParagraphe")
        XCTAssertEqual(FeedText.plainText(fromHTML: "a &amp; b\r\nc"), "a & b\nc")
    }

    func testTheCleanUpMatchesOnEveryFeedOfTheCorpus() throws {
        var checked = 0
        for folder in ["feeds", "cert-fr", "cap"] {
          let root = try Fixtures.url(folder).path
          for case let path as String in FileManager.default.enumerator(atPath: root)! where path.hasSuffix(".xml") || path.hasSuffix(".json") {
            guard let text = try? String(contentsOfFile: root + "/" + path, encoding: .utf8) else { continue }
            let reference = Self.lineFeeds(text)
            XCTAssertEqual(FeedText.plainText(fromHTML: text), ReferenceFeedText.plainText(fromHTML: reference), path)
            checked += 1
          }
        }
        XCTAssertGreaterThan(checked, 3)
    }
}
