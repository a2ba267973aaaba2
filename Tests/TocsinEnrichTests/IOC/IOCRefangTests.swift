import TocsinEnrich
import XCTest

final class IOCRefangTests: XCTestCase {
    private func assertRefang(_ input: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(IOCRefang.refang(input), expected, file: file, line: line)
    }

    func testSchemes() {
        assertRefang("hxxp://evil.com/a", "http://evil.com/a")
        assertRefang("hXXps://evil.com", "https://evil.com")
        assertRefang("HXXP://evil.com", "http://evil.com")
        assertRefang("h**p://evil.com", "http://evil.com")
        assertRefang("hxtp://evil.com", "http://evil.com")
        assertRefang("fxp://evil.com", "ftp://evil.com")
        assertRefang("hxxp[:]//evil[.]com", "http://evil.com")
        assertRefang("hxxps[://]evil[.]com", "https://evil.com")
        // Not a scheme: no colon after it, or inside a word.
        assertRefang("hxxpd and ahxxp://x", "hxxpd and ahxxp://x")
        assertRefang("http://plain.example", "http://plain.example")
    }

    func testBracketedDots() {
        assertRefang("evil[.]com", "evil.com")
        assertRefang("evil(.)com", "evil.com")
        assertRefang("evil{.}com", "evil.com")
        assertRefang("evil[dot]com", "evil.com")
        assertRefang("evil(DOT)com", "evil.com")
        assertRefang("evil[ . ]com", "evil.com")
        assertRefang("192[.]168[dot]0[.]1", "192.168.0.1")
        assertRefang("evil [dot] com", "evil.com")
        assertRefang("evil\\.com", "evil.com")
        assertRefang("evil。com", "evil.com")
        assertRefang("evil．com", "evil.com")
    }

    func testBracketedSeparators() {
        assertRefang("user[at]evil[.]com", "user@evil.com")
        assertRefang("user(at)evil.com", "user@evil.com")
        assertRefang("user [at] evil [dot] com", "user@evil.com")
        assertRefang("user[@]evil.com", "user@evil.com")
        assertRefang("http[:]//evil.com", "http://evil.com")
        assertRefang("http[://]evil.com", "http://evil.com")
        assertRefang("http://example.com[/]test", "http://example.com/test")
    }

    func testCommaHosts() {
        assertRefang("http://192,168,0,1", "http://192.168.0.1")
        assertRefang("http://example,com/", "http://example.com/")
        // A dotted host followed by a comma is a list, not a defanged host.
        assertRefang("http://a.example.com,http://b.example.com", "http://a.example.com,http://b.example.com")
        // Commas outside a URL host are prose.
        assertRefang("1,2,3,4", "1,2,3,4")
    }

    func testSpelledDotOnlyInIndicatorContext() {
        assertRefang("www dot evil dot com", "www.evil.com")
        assertRefang("evil DOT com", "evil.com")
        assertRefang("mail me at user@evil dot com", "mail me at user@evil.com")
        assertRefang("hxxp://evil dot com", "http://evil.com")
        assertRefang("evil[.]example dot com", "evil.example.com")
        assertRefang("the dot com era", "the dot com era")
        assertRefang("a red dot on the map", "a red dot on the map")
    }

    func testTextThatIsNotDefangedIsUntouched() {
        for text in ["f(x) = (a) + [b] {c}", "wait (...) and [1]", "C:\\Users\\Public", "(at) the meeting", "x[.", "日本語のテキスト。"] {
            assertRefang(text, text)
        }
    }
}
