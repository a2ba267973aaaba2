import Foundation
import Mustache
import TocsinCore

/// The templates folder: one subfolder per locale (`fr/`, `en/`, …), each with the words of that locale in
/// `messages.json`, its email templates under `email/` and its web pages under `pages/`. The locales are the
/// subfolders there are; adding a locale is adding a folder.
public enum TemplatesFolder {
    /// A template that cannot be used, named by its path.
    public struct TemplateError: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The compiled template `name` (`fr/email/alert.text`, without `.mustache`) of the folder at `directory`; a
    /// missing or broken one is an error naming its path, meant for the start rather than the first use.
    static func template(_ name: String, in directory: String, what: String) throws(TemplateError) -> MustacheTemplate {
        let path = (directory as NSString).appendingPathComponent(name + ".mustache")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TemplateError(description: "\(what) \(path) cannot be read (set templates.dir)")
        }
        do {
            return try MustacheTemplate(string: text)
        } catch {
            throw TemplateError(description: "\(what) \(path) is not valid Mustache: \(error)")
        }
    }

    /// The locales of the folder at `directory`: its subfolders, in name order (hidden ones left out).
    public static func locales(in directory: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw Messages.LoadError(file: directory, reason: "cannot be read (set templates.dir): \(error.localizedDescription)")
        }
        return names.filter { name in
            var isDirectory: ObjCBool = false
            let path = (directory as NSString).appendingPathComponent(name)
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }

    /// Reads `<locale>/messages.json` of every locale once; a missing or unreadable file, or one that lacks a key
    /// French has, is an error naming the file and the key, at start rather than at the first alert.
    public static func messages(in directory: String) throws -> Messages {
        func path(_ locale: String) -> String { ((directory as NSString).appendingPathComponent(locale) as NSString).appendingPathComponent("messages.json") }
        var tables: [String: [String: String]] = [:]
        for locale in try locales(in: directory) {
            guard let data = FileManager.default.contents(atPath: path(locale)) else {
                throw Messages.LoadError(file: path(locale), reason: "cannot be read: every locale folder needs its messages")
            }
            tables[locale] = try Messages.table(json: data, source: path(locale))
        }
        return try Messages(tables: tables, source: path)
    }
}
