import Foundation
@testable import TocsinServer
import TocsinCore
import TocsinDelivery
import XCTest

/// The console's templates and words, without a broker: every value escaped, every word there in every locale.
final class ConsoleTemplateTests: XCTestCase {
    static var templates: String { EmailTests.templatesDirectory }

    /// All files under `Templates/<locale>/web/`.
    func webFiles() throws -> [String] {
        var found: [String] = []
        for locale in try TemplatesFolder.locales(in: Self.templates) {
            let root = "\(Self.templates)/\(locale)/web"
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            for case let path as String in walker where path.hasSuffix(".mustache") { found.append("\(root)/\(path)") }
        }
        return found
    }

    /// A triple mustache (`{{{x}}}`) or `{{&x}}` writes a value without escaping it: none may appear in a console
    /// template, so every value a page shows is HTML-escaped.
    func testNoConsoleTemplateWritesAValueUnescaped() throws {
        let files = try webFiles()
        XCTAssertGreaterThan(files.count, 10)
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            XCTAssertFalse(text.contains("{{{"), "\(file) has a triple mustache")
            XCTAssertFalse(text.contains("{{&"), "\(file) has an unescaped {{& value")
            XCTAssertFalse(text.range(of: "<script>") != nil || text.contains("style=\"") || text.range(of: "<style") != nil,
                           "\(file) has an inline script or style, which the Content-Security-Policy refuses")
            XCTAssertFalse(text.contains(" on") && text.range(of: #"\son[a-z]+="#, options: .regularExpression) != nil,
                           "\(file) has an inline event handler")
        }
    }

    /// Every `{{t.group.key}}` a template reads is a word of its locale.
    func testEveryWordATemplateReadsExists() throws {
        let messages = try TemplatesFolder.messages(in: Self.templates)
        let pages = try ConsolePages(directory: Self.templates, messages: messages)
        for file in try webFiles() {
            let locale = file.dropFirst(Self.templates.count + 1).split(separator: "/")[0]
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let words = pages.words.all(locale: String(locale))
            for match in text.matches(of: /\{\{t\.([a-zA-Z]+)\.([a-zA-Z]+)\}\}/) {
                XCTAssertNotNil(words[String(match.1)]?[String(match.2)], "\(file) reads t.\(match.1).\(match.2), which \(locale) lacks")
            }
        }
    }

    /// Every word the console's Swift code asks for (`env.text("group.key", …)`, menu entries) exists in every
    /// locale, and so do the words it makes from a contact role or a digest mode.
    func testEveryWordTheConsoleAsksForExists() throws {
        let messages = try TemplatesFolder.messages(in: Self.templates)
        let pages = try ConsolePages(directory: Self.templates, messages: messages)
        let folder = ConsoleBrowserTests.repository.appendingPathComponent("Sources/TocsinServer/Console").path
        var keys: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            for match in text.matches(of: /"((?:layout|errors|login|inbox|alert|inventory|organisation)\.[a-zA-Z]+)"/) {
                keys.insert(String(match.1))
            }
        }
        for key in ["errors.notFound", "errors.forbidden", "errors.tooLarge", "errors.badRequest", "errors.failed", "errors.csrf",
                    "errors.signedOut", "login.linkInvalid", "login.throttledPage"] {
            keys.insert(key)
            keys.insert(key + "Text")
        }
        for role in ContactRole.allCases { keys.insert("organisation.role\(role.rawValue.capitalized)") }
        for mode in DigestMode.allCases { keys.insert("organisation.digest\(mode.rawValue.capitalized)") }
        XCTAssertGreaterThan(keys.count, 30)
        for locale in ["fr", "en"] {
            let words = pages.words.all(locale: locale)
            for key in keys.sorted() {
                let parts = key.split(separator: ".").map(String.init)
                XCTAssertNotNil(words[parts[0]]?[parts[1]], "\(locale) lacks the console word \(key)")
            }
        }
    }

    /// The layout carries the language, the stylesheet and the script of the broker, and no value unescaped.
    func testAPageIsWrappedInTheLayoutAndEscapesValues() throws {
        let messages = try TemplatesFolder.messages(in: Self.templates)
        let pages = try ConsolePages(directory: Self.templates, messages: messages)
        for locale in ["fr", "en"] {
            let html = try pages.render("error", ["lang": locale, "title": "<b>x</b>", "message": "\"quoted\" & <i>"], locale: locale)
            XCTAssertTrue(html.contains("<html lang=\"\(locale)\">"), html)
            XCTAssertTrue(html.contains("/console/static/console.css"))
            XCTAssertTrue(html.contains("/console/static/console.js"))
            XCTAssertTrue(html.contains("&lt;b&gt;x&lt;/b&gt;"), html)
            XCTAssertFalse(html.contains("<i>"))
        }
    }

    /// Only a console path of this broker is a place to go after login.
    func testAfterLoginOnlyAConsolePathIsFollowed() {
        XCTAssertEqual(ConsoleSessionPolicy.safeNext("/console/alerts/abc"), "/console/alerts/abc")
        for bad in ["https://evil.example/console/", "//evil.example/console/", "/console/\\evil", "/api/v1/alerts", "/console//evil.example",
                    "/console/a b", nil] {
            XCTAssertNil(ConsoleSessionPolicy.safeNext(bad), bad ?? "nil")
        }
    }

    /// Forms as browsers post them, url-encoded or multipart.
    func testFormsAreReadAsBrowsersPostThem() {
        let form = ConsoleForm.urlEncoded("csrf=a%2Bb&email=rssi%40chu.test&note=deux+mots&csrf=second")
        XCTAssertEqual(form["csrf"], "a+b")
        XCTAssertEqual(form["email"], "rssi@chu.test")
        XCTAssertEqual(form["note"], "deux mots")
        let body = "--XYZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"sbom.json\"\r\nContent-Type: application/json\r\n\r\n{\"a\":1}\r\n--XYZ--\r\n"
        let multipart = ConsoleForm.multipart(Array(body.utf8), boundary: "XYZ")
        XCTAssertEqual(multipart?["csrf"], "tok")
        XCTAssertEqual(multipart?.files["file"]?.filename, "sbom.json")
        XCTAssertEqual(multipart.map { String(decoding: $0.files["file"]!.data, as: UTF8.self) }, "{\"a\":1}")
    }

    /// Login attempts beyond the limit are refused, per key.
    func testLoginAttemptsAreLimited() {
        let throttle = ConsoleLoginThrottle(limit: 3, window: 60)
        let now = Date()
        XCTAssertTrue(throttle.admit(["a"], now: now))
        XCTAssertTrue(throttle.admit(["a"], now: now))
        XCTAssertTrue(throttle.admit(["a"], now: now))
        XCTAssertFalse(throttle.admit(["a"], now: now))
        XCTAssertTrue(throttle.admit(["b"], now: now))
        XCTAssertTrue(throttle.admit(["a"], now: now.addingTimeInterval(61)))
    }
}
