import Foundation
import TocsinCore

/// The words of the web console, per locale: every `Templates/<locale>/web/messages/<group>.json` (one JSON object
/// of strings per view group, read strictly), each key known as `<group>.<key>`. French is the reference: a locale
/// lacking one of its keys, or having one it has not, stops the start, naming the file and the key.
///
/// Templates read them as `{{t.<group>.<key>}}`; Swift as `text("<group>.<key>", locale:)`, with `{name}`
/// placeholders filled from `values`.
struct ConsoleWords: Sendable {
    private let tables: [String: [String: String]]
    /// The same words nested by group, as the templates read them under `t`.
    private let nested: [String: [String: [String: String]]]

    init(directory: String, locales: [String]) throws {
        var tables: [String: [String: String]] = [:]
        var files: [String: String] = [:]
        for locale in locales {
            let folder = "\(directory)/\(locale)/web/messages"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
            guard !names.isEmpty else {
                throw Messages.LoadError(file: folder, reason: "holds no words for the web console (<group>.json)")
            }
            var table: [String: String] = [:]
            for name in names {
                let path = "\(folder)/\(name)"
                guard let data = FileManager.default.contents(atPath: path) else { throw Messages.LoadError(file: path, reason: "cannot be read") }
                let group = String(name.dropLast(5))
                for (key, value) in try Messages.table(json: data, source: path) {
                    table["\(group).\(key)"] = value
                    files["\(locale)/\(group).\(key)"] = path
                }
            }
            tables[locale] = table
        }
        guard let french = tables[Messages.defaultLocale] else {
            throw Messages.LoadError(file: "\(directory)/\(Messages.defaultLocale)/web/messages", reason: "is missing")
        }
        for (locale, table) in tables where locale != Messages.defaultLocale {
            if let key = french.keys.sorted().first(where: { table[$0] == nil }) {
                throw Messages.LoadError(file: "\(directory)/\(locale)/web/messages/\(key.split(separator: ".")[0]).json",
                                         reason: "lacks the key \"\(key.split(separator: ".", maxSplits: 1)[1])\", which French has")
            }
            if let key = table.keys.sorted().first(where: { french[$0] == nil }) {
                throw Messages.LoadError(file: files["\(locale)/\(key)"] ?? locale, reason: "has the key \"\(key)\", which French has not")
            }
        }
        self.tables = tables
        nested = tables.mapValues { table in
            var groups: [String: [String: String]] = [:]
            for (key, value) in table {
                let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
                groups[parts[0], default: [:]][parts[1]] = value
            }
            return groups
        }
    }

    /// The locale whose words are read for `locale`: itself when it has words, else French.
    func locale(_ locale: String) -> String { tables[locale] == nil ? Messages.defaultLocale : locale }

    /// The phrase `key` (`inbox.title`) in `locale`, its `{placeholders}` filled from `values`; the key itself when
    /// no locale has it (a test renders every page, so this never reaches a reader).
    func text(_ key: String, locale: String, _ values: [String: String] = [:]) -> String {
        var phrase = tables[self.locale(locale)]?[key] ?? tables[Messages.defaultLocale]?[key] ?? key
        for (name, value) in values { phrase = phrase.replacingOccurrences(of: "{\(name)}", with: value) }
        return phrase
    }

    /// Every word of `locale`, nested by group, for the templates' `t`.
    func all(locale: String) -> [String: [String: String]] { nested[self.locale(locale)] ?? [:] }
}
