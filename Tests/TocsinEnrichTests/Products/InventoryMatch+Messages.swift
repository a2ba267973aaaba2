import Foundation
import TocsinCore
import TocsinEnrich

/// The words of the repository's `Templates/fr` and `Templates/en`, as the broker reads them at start.
enum TemplateMessages {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Templates")

    static func load() throws -> Messages {
        var tables: [String: [String: String]] = [:]
        for locale in ["fr", "en"] {
            let file = directory.appendingPathComponent(locale).appendingPathComponent("messages.json")
            tables[locale] = try Messages.table(json: try Data(contentsOf: file), source: file.path)
        }
        return try Messages(tables: tables)
    }
}

extension InventoryMatch {
    /// The phrase in `locale`, in the words of the repository's templates.
    func phrase(locale: String) throws -> String { phrase(try TemplateMessages.load(), locale: locale) }
}
