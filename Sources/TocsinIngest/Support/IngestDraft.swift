import Foundation
import TocsinCore

/// The finishing rules every adapter applies to a draft in the same way: one-line titles and texts cut to size
/// with "…", http(s)-only references, severity precedence recorded as `tocsin.severitySource`, per-source
/// categories, and the final check against `AlertDraft.validated()`.
enum IngestDraft {
    /// The attribute that says where an alert's severity comes from: `source`, `cvss` or `default`.
    static let severitySourceKey = "tocsin.severitySource"

    /// The longest summary the adapters produce; longer text goes to the body.
    static let summaryLimit = 1_000

    /// The longest reference title kept.
    static let referenceTitleLimit = 300

    // MARK: Severity

    /// Severity by precedence: the source's own, else the band of the highest CVSS score, else the configured
    /// default (`medium` when none); also returns the `tocsin.severitySource` value that says which applied.
    static func severity(source: Severity?, cvss: [CVSSScore] = [], options: IngestOptions) -> (severity: Severity, from: String) {
        if let source { return (source, "source") }
        if let best = cvss.max(by: { $0.baseScore < $1.baseScore }) { return (best.severity, "cvss") }
        return (options.defaultSeverity ?? .medium, "default")
    }

    // MARK: Text

    /// A title that passes validation: one line, white space collapsed, at most `AlertDraft.Limits.title`
    /// characters (cut with "…").
    static func title(_ text: String) -> String {
        truncated(FeedText.collapse(text), to: AlertDraft.Limits.title)
    }

    /// At most `limit` characters, cut at a word boundary when one is near, with "…" marking the cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit, text.count > limit, limit > 1 else { return text }
        var cut = String(text.prefix(limit - 1))
        if let space = cut.lastIndex(where: \.isWhitespace), cut.distance(from: space, to: cut.endIndex) < 40 {
            cut = String(cut[..<space])
        }
        return cut.trimmingWhitespace() + "…"
    }

    /// Categories from per-source options, trimmed, without empty or overlong ones.
    static func extraCategories(_ options: IngestOptions) -> [String] {
        options.extraCategories.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0.count <= 100 }
    }

    // MARK: References

    /// True for absolute http and https URLs short enough and without white space, the only references an alert
    /// may carry.
    static func isWebURL(_ text: String) -> Bool {
        guard text.utf8.count <= AlertDraft.Limits.value || text.count <= AlertDraft.Limits.value else { return false }
        // The byte check's form holds no white space; anything else is looked at by Characters first.
        if WebURL.hasPlainHTTPForm(text) { return true }
        return !text.contains(where: \.isWhitespace) && WebURL.isHTTP(text, requiringHost: true)
    }

    /// The URL, trimmed, when it is a web URL (`isWebURL(_:)`), else nil.
    static func webURL(_ text: String?) -> String? {
        guard let text = text?.trimmingWhitespace(), isWebURL(text) else { return nil }
        return text
    }

    /// Keeps http(s) references (URLs trimmed), drops duplicate URLs, tidies titles and stops at
    /// `AlertDraft.Limits.listItems`.
    static func references(_ candidates: [Reference]) -> [Reference] {
        var seen = Set<String>()
        var result: [Reference] = []
        for candidate in candidates {
            guard let url = webURL(candidate.url), seen.insert(url).inserted else { continue }
            let title = candidate.title.map { truncated($0.trimmingWhitespace(), to: referenceTitleLimit) }
            result.append(Reference(url: url, title: title?.isEmpty == true ? nil : title))
            if result.count >= AlertDraft.Limits.listItems { break }
        }
        return result
    }

    // MARK: Validation

    /// Runs `AlertDraft.validated()`, reporting a refusal at the field below `path` (the part of the document the
    /// draft was built from).
    static func validated(_ draft: AlertDraft, format: IngestFormat, path: String) throws(IngestError) -> AlertDraft {
        do {
            return try draft.validated()
        } catch {
            let field = path.isEmpty ? error.field : error.field.hasPrefix("[") ? path + error.field : "\(path).\(error.field)"
            throw IngestError(format: format, path: field, message: "the alert built from it is invalid: \(error.message)")
        }
    }
}
