import Foundation
import Mustache
import TocsinCore
import TocsinDelivery

/// The console's templates, compiled once at start for every locale: each `Templates/<locale>/web/*.mustache`
/// is a template named by its file name without `.html.mustache` (or `.mustache`), and the ones whose name starts
/// with `_` are the shared partials (`{{> _top}}` and `{{> _bottom}}` wrap every page in the layout). Every locale
/// must have the templates French has.
///
/// Values are always HTML-escaped (`{{value}}`): `ConsoleTemplateTests` fails on any triple mustache.
struct ConsolePages: Sendable {
    private let libraries: [String: MustacheLibrary]
    let words: ConsoleWords

    init(directory: String, messages: Messages) throws {
        var libraries: [String: MustacheLibrary] = [:]
        var names: [String: Set<String>] = [:]
        for locale in messages.locales {
            var templates: [String: MustacheTemplate] = [:]
            for folder in ["web", "web/mail"] {
                let path = "\(directory)/\(locale)/\(folder)"
                let files = (try? FileManager.default.contentsOfDirectory(atPath: path))?.filter { $0.hasSuffix(".mustache") }.sorted() ?? []
                for file in files {
                    let text: String
                    do { text = try String(contentsOfFile: "\(path)/\(file)", encoding: .utf8) } catch {
                        throw TemplatesFolder.TemplateError(description: "console template \(path)/\(file) cannot be read")
                    }
                    var name = String(file.dropLast(".mustache".count))
                    if name.hasSuffix(".html") { name = String(name.dropLast(5)) }
                    if folder == "web/mail" { name = "mail/" + name }
                    do { templates[name] = try MustacheTemplate(string: text) } catch {
                        throw TemplatesFolder.TemplateError(description: "console template \(path)/\(file) is not valid Mustache: \(error)")
                    }
                }
            }
            guard !templates.isEmpty else {
                throw TemplatesFolder.TemplateError(description: "\(directory)/\(locale)/web holds no console templates")
            }
            names[locale] = Set(templates.keys)
            libraries[locale] = MustacheLibrary(templates: templates)
        }
        if let french = names[Messages.defaultLocale] {
            for (locale, own) in names where locale != Messages.defaultLocale {
                if let missing = french.subtracting(own).sorted().first {
                    throw TemplatesFolder.TemplateError(description: "\(directory)/\(locale)/web lacks the console template \(missing), which French has")
                }
            }
        }
        self.libraries = libraries
        words = try ConsoleWords(directory: directory, locales: messages.locales)
    }

    /// The template `name` rendered in `locale` (French when the locale has no folder) with `context`, which also
    /// gets `t`, every word of the locale.
    func render(_ name: String, _ context: [String: Any], locale: String) throws -> String {
        let locale = words.locale(locale)
        var context = context
        context["t"] = words.all(locale: locale)
        guard let library = libraries[locale] ?? libraries[Messages.defaultLocale], let output = library.render(context, withTemplate: name) else {
            throw TemplatesFolder.TemplateError(description: "console template \(locale)/web/\(name) is missing")
        }
        return output
    }
}
