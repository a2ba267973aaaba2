import Foundation
import Mustache
import TocsinCore

/// The web pages people open from a link Tocsin sent them (`<locale>/pages/<name>.html.mustache`), loaded once for
/// every locale at start, so that a missing or broken page stops the start rather than the first click.
///
/// Values are HTML-escaped by the templates (`{{value}}`); the words come from the locale's `messages.json`.
public struct PageTemplates: Sendable {
    /// The pages every locale folder must have.
    public static let names = ["ack"]

    let library: MustacheLibrary
    public let messages: Messages

    /// Loads and compiles the pages under `directory` for every locale of `messages`.
    public init(directory: String, messages: Messages) throws(TemplatesFolder.TemplateError) {
        var templates: [String: MustacheTemplate] = [:]
        for locale in messages.locales {
            for name in Self.names {
                let path = "\(locale)/pages/\(name).html"
                templates[path] = try TemplatesFolder.template(path, in: directory, what: "page template")
            }
        }
        library = MustacheLibrary(templates: templates)
        self.messages = messages
    }

    /// The page `name` in `locale` (French for a locale without a folder).
    public func render(_ name: String, _ context: [String: Any], locale: String) throws(TemplatesFolder.TemplateError) -> String {
        let path = "\(messages.locale(for: locale))/pages/\(name).html"
        guard let output = library.render(context, withTemplate: path) else {
            throw TemplatesFolder.TemplateError(description: "page template \(path) is missing")
        }
        return output
    }
}
