import Foundation
import Mustache
import TocsinCore

/// The email templates of every locale, loaded once from the templates folder (`<locale>/email/*.mustache`), with
/// the words of each locale (`<locale>/messages.json`) for what the templates do not write themselves.
public struct EmailTemplates: Sendable {
    /// Why the templates could not be used.
    public typealias LoadError = TemplatesFolder.TemplateError

    let library: MustacheLibrary
    /// The templates that may do more with a value than write it (a transform such as `uppercased(orgName)`, or
    /// other delimiters): their output is not made from a variant shared by recipients (`EmailVariant`).
    let transforming: Set<String>
    /// The words of every locale: subjects, labels, notices. Its locales are the folders the templates came from.
    public let messages: Messages

    /// Loads and compiles the email templates under `directory` for every locale of `messages`; a missing or
    /// broken template is an error here, at start, rather than at the first alert.
    public init(directory: String, messages: Messages) throws {
        var templates: [String: MustacheTemplate] = [:]
        var transforming: Set<String> = []
        for locale in messages.locales {
            for kind in ["alert", "digest", "escalation"] {
                for part in ["text", "html"] {
                    let name = "\(locale)/email/\(kind).\(part)"
                    templates[name] = try TemplatesFolder.template(name, in: directory, what: "email template")
                    let path = (directory as NSString).appendingPathComponent(name + ".mustache")
                    if Self.transforms((try? String(contentsOfFile: path, encoding: .utf8)) ?? "{{=") { transforming.insert(name) }
                }
            }
        }
        library = MustacheLibrary(templates: templates)
        self.transforming = transforming
        self.messages = messages
    }

    /// Loads the messages and the email templates of every locale folder under `directory`.
    public init(directory: String) throws {
        try self.init(directory: directory, messages: try TemplatesFolder.messages(in: directory))
    }

    /// The templates folder: the configured one, else `Templates` in the working directory or near the binary.
    public static func locate(configured: String?) -> String? {
        if let configured { return configured }
        // The binary's own path, also when it was started through PATH (argv[0] then names no folder).
        let binary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let executable = binary.resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [
            FileManager.default.currentDirectoryPath + "/Templates",
            executable.appendingPathComponent("Templates").path,
            executable.appendingPathComponent("../share/tocsin/Templates").standardized.path,
            executable.appendingPathComponent("../../Templates").standardized.path,
            executable.appendingPathComponent("../../../Templates").standardized.path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/fr/email/alert.text.mustache") }
    }

    /// Whether a template's tags may change a value rather than write it: a transform (`{{name(value)}}`), or a
    /// change of delimiters that hides the tags from this look.
    static func transforms(_ source: String) -> Bool {
        if source.contains("{{=") { return true }
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { return false }
            if rest[open.upperBound..<close.lowerBound].contains("(") { return true }
            rest = rest[close.upperBound...]
        }
        return false
    }

    /// Whether the `kind` template of `locale` writes every value as it is given (escaped or not).
    func writesValuesAsGiven(locale: String, kind: String = "alert") -> Bool {
        let base = "\(messages.locale(for: locale))/email/\(kind)."
        return !transforming.contains(base + "text") && !transforming.contains(base + "html")
    }

    func render(_ context: [String: Any], locale: String, kind: String = "alert", part: String) throws -> String {
        let name = "\(messages.locale(for: locale))/email/\(kind).\(part)"
        guard let output = library.render(context, withTemplate: name) else {
            throw LoadError(description: "email template \(name) is missing")
        }
        return output
    }
}
