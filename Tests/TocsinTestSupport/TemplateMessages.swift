import Foundation
import TocsinCore

/// The words of the repository's `Templates/fr` and `Templates/en`, as the broker reads them at start, for tests of
/// code that writes phrases (inventory concerns, routing).
public enum TemplateMessages {
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates")

    public static func load() throws -> Messages {
        var tables: [String: [String: String]] = [:]
        for locale in ["fr", "en"] {
            let file = directory.appendingPathComponent(locale).appendingPathComponent("messages.json")
            tables[locale] = try Messages.table(json: try Data(contentsOf: file), source: file.path)
        }
        return try Messages(tables: tables)
    }
}
