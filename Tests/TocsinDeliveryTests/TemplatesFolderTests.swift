import Foundation
import TocsinCore
@testable import TocsinDelivery
import TocsinStore
import XCTest

/// The locales are the folders of `Templates/`: adding one is adding a folder, and a folder that does not say
/// everything French says is refused at load, naming the file and the key.
final class TemplatesFolderTests: XCTestCase {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates").path

    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "tocsin-templates-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Self.templates, toPath: directory)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func table(_ locale: String) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(locale)/messages.json"))
        return try Messages.table(json: data, source: locale)
    }

    func write(_ table: [String: String], _ locale: String) throws {
        try JSONSerialization.data(withJSONObject: table, options: [.sortedKeys]).write(to: URL(fileURLWithPath: "\(directory)/\(locale)/messages.json"))
    }

    func testTheShippedLocalesSayTheSameThings() throws {
        let messages = try TemplatesFolder.messages(in: Self.templates)
        XCTAssertEqual(messages.locales, ["fr", "en"])
        XCTAssertEqual(Set(try table("fr").keys), Set(MessageKey.allCases.map(\.rawValue)))
    }

    func testAFolderIsALocale() throws {
        try FileManager.default.copyItem(atPath: "\(directory)/fr", toPath: "\(directory)/de")
        var german = try table("de")
        german["severity.critical"] = "KRITISCH"
        german["status.updated"] = "[AKTUALISIERT]"
        try write(german, "de")
        try Data("{{subject}} / {{severity}}\n".utf8).write(to: URL(fileURLWithPath: "\(directory)/de/email/alert.text.mustache"))

        let templates = try EmailTemplates(directory: directory)
        XCTAssertEqual(templates.messages.locales, ["fr", "de", "en"])
        let alert = Alert.first(from: AlertDraft(title: "Lücke", summary: "s", severity: .critical, tlp: .green))
        XCTAssertEqual(EmailChannel.subject(alert, locale: "de", messages: templates.messages), "[TLP:GREEN][KRITISCH] Lücke")
        XCTAssertEqual(try templates.render(["subject": "S", "severity": "KRITISCH"], locale: "de", part: "text"), "S / KRITISCH\n")
        // A locale without a folder still reads French.
        XCTAssertEqual(EmailChannel.subject(alert, locale: "it", messages: templates.messages), "[TLP:GREEN][CRITIQUE] Lücke")
    }

    func testALocaleLackingAKeyFrenchHasIsRefusedNamingTheFileAndTheKey() throws {
        var english = try table("en")
        english["digest.subject.one"] = nil
        try write(english, "en")
        XCTAssertThrowsError(try TemplatesFolder.messages(in: directory)) { error in
            XCTAssertEqual("\(error)", "\(directory)/en/messages.json: lacks the key \"digest.subject.one\", which \(directory)/fr/messages.json has")
        }
        XCTAssertThrowsError(try EmailTemplates(directory: directory))
    }

    func testAKeyFrenchLacksAndAFolderWithoutMessagesAreRefused() throws {
        var english = try table("en")
        english["feed.titel"] = "typo"
        try write(english, "en")
        XCTAssertThrowsError(try TemplatesFolder.messages(in: directory)) { error in
            XCTAssertTrue("\(error)".contains("\"feed.titel\""), "\(error)")
        }
        english["feed.titel"] = nil
        try write(english, "en")
        try FileManager.default.createDirectory(atPath: "\(directory)/es", withIntermediateDirectories: true)
        XCTAssertThrowsError(try TemplatesFolder.messages(in: directory)) { error in
            XCTAssertTrue("\(error)".contains("\(directory)/es/messages.json"), "\(error)")
        }
    }

    func testEveryLocaleHasItsPagesOrTheStartStops() throws {
        let pages = try PageTemplates(directory: directory, messages: try TemplatesFolder.messages(in: directory))
        let page = try pages.render("ack", ["title": "Accuser <réception>", "message": "m", "button": "b"], locale: "en")
        XCTAssertTrue(page.contains("<html lang=\"en\">"), page)
        XCTAssertTrue(page.contains("<h1>Accuser &lt;réception&gt;</h1>"), "values are escaped: \(page)")
        XCTAssertTrue(try pages.render("ack", ["title": "t"], locale: "it").contains("<html lang=\"fr\">"), "a locale without a folder reads French")

        try FileManager.default.removeItem(atPath: "\(directory)/en/pages/ack.html.mustache")
        XCTAssertThrowsError(try PageTemplates(directory: directory, messages: try TemplatesFolder.messages(in: directory))) { error in
            XCTAssertTrue("\(error)".contains("\(directory)/en/pages/ack.html.mustache"), "\(error)")
        }
    }

    func testMessagesAreReadStrictly() throws {
        try Data(#"{"severity.critical": "CRITIQUE", "severity.critical": "AUTRE"}"#.utf8).write(to: URL(fileURLWithPath: "\(directory)/fr/messages.json"))
        XCTAssertThrowsError(try TemplatesFolder.messages(in: directory)) { error in
            XCTAssertTrue("\(error)".contains("\(directory)/fr/messages.json") && "\(error)".contains("twice"), "\(error)")
        }
        try Data(#"{"severity.critical": 4}"#.utf8).write(to: URL(fileURLWithPath: "\(directory)/fr/messages.json"))
        XCTAssertThrowsError(try TemplatesFolder.messages(in: directory))
    }
}
