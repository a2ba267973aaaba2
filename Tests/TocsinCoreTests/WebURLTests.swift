import Foundation
import TocsinCore
import TocsinTestSupport
import XCTest

/// `WebURL.isHTTP` answers what `URL(string:)` answers (an http or https URL, with a host when asked), with its byte
/// fast path or without it.
final class WebURLTests: XCTestCase {
    /// What the references were checked with before: Foundation alone.
    private static func foundation(_ text: String, requiringHost: Bool) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        return !requiringHost || url.host != nil
    }

    private static let pieces = [
        "http", "https", "HTTP", "HtTpS", "ftp", "mailto:", "javascript:", ":", "://", "//", "/", "?", "#", "@", "[", "]", "::1",
        "example.com", "www.cert.ssi.gouv.fr", "a", "-", ".", "..", "_", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";",
        "=", "%", "%41", "%zz", "%2", "80", ":8080", "avis", "CERTFR-2024-AVI-0014", " ", "\t", "\n", "\r\n", "\u{A0}", "é",
        "exämple", "日本", "🙂", "\"", "<", ">", "{", "}", "|", "\\", "^", "`", "\u{0}", "\u{7F}", "\u{85}", "x=1&y=2",
    ]

    func testRandomTextsAreReadAsFoundationReadsThem() {
        var generator = SplitMix64(seed: 15)
        let starts = ["http://", "https://", "HTTP://", "http:/", "http:", "https://[", "http://user@", ""]
        for _ in 0..<40_000 {
            let start = starts.randomElement(using: &generator)!
            let count = Int.random(in: 0...8, using: &generator)
            let text = start + (0..<count).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            for requiringHost in [true, false] {
                XCTAssertEqual(WebURL.isHTTP(text, requiringHost: requiringHost), Self.foundation(text, requiringHost: requiringHost),
                               "\(text.debugDescription), requiring a host: \(requiringHost)")
            }
        }
    }

    func testChosenForms() {
        let texts = ["http://example.com", "https://www.cert.ssi.gouv.fr/alerte/CERTFR-2023-ALE-010/", "http://", "http:///x", "http://-/",
                     "http://a..b/", "HTTP://EXAMPLE.COM/x", "http://a/%zz", "http://a/#x#y", "http://a:80/", "http://a:x/", "http://u@a/",
                     "http://exa mple.com/", "https://example.com/a b", "http:a", "ftp://a/", "http://a?x", "http://a#x", "http://[::1]/",
                     "http://a/\u{7F}", "http://" + String(repeating: "a.", count: 300) + "a/"]
        for text in texts {
            for requiringHost in [true, false] {
                XCTAssertEqual(WebURL.isHTTP(text, requiringHost: requiringHost), Self.foundation(text, requiringHost: requiringHost),
                               "\(text.debugDescription), requiring a host: \(requiringHost)")
            }
        }
    }
}
