import Foundation
import TocsinCore

/// The parts of a draft that the threat-intelligence adapters (STIX, MISP, native) fill the same way: titles and
/// summaries cut to size, multi-valued attributes, indicator and reference hygiene, and the final check against
/// `AlertDraft.validated()`.
enum ThreatDraftSupport {
    /// Summaries are a paragraph; the full text goes to the body.
    static let summaryLength = 600

    /// A one-line title: whitespace runs collapsed, cut to the draft limit with "…".
    static func title(_ raw: String) -> String {
        let line = raw.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return truncated(line, to: AlertDraft.Limits.title)
    }

    /// `text` cut to at most `limit` characters, at a word boundary when one is near, ending with "…".
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        var cut = String(text.prefix(limit - 1))
        if let space = cut.lastIndex(where: \.isWhitespace), cut.distance(from: space, to: cut.endIndex) < 40 {
            cut = String(cut[..<space])
        }
        return cut.trimmingCharacters(in: .whitespacesAndNewlines) + "…"
    }

    /// A short summary of a description (its first paragraph, cut to `summaryLength`) and the body to keep beside
    /// it: the whole description when the summary does not already say everything.
    static func summaryAndBody(_ description: String?) -> (summary: String, body: String?) {
        let text = (description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return ("", nil) }
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        let firstParagraph = normalised.components(separatedBy: "\n\n").first ?? normalised
        let summary = truncated(firstParagraph.split(whereSeparator: \.isWhitespace).joined(separator: " "), to: summaryLength)
        let whole = normalised.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if summary == whole { return (summary, nil) }
        return (summary, truncated(normalised, to: AlertDraft.Limits.body))
    }

    /// Distinct non-empty values in first-seen order, joined with "\n" as multi-valued attributes are; nil when none.
    static func joined(_ values: [String]) -> String? {
        var seen = Set<String>()
        let kept = values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && seen.insert($0).inserted }
        return kept.isEmpty ? nil : kept.joined(separator: "\n")
    }

    /// Indicators without duplicates (the first occurrence wins, except that one flagged for detection replaces an
    /// unflagged copy), without values the draft would refuse (empty or longer than the limit).
    static func cleaned(_ indicators: [Indicator]) -> [Indicator] {
        var result: [Indicator] = []
        var positions: [String: Int] = [:]
        for var indicator in indicators {
            indicator.value = indicator.value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !indicator.value.isEmpty, indicator.value.count <= AlertDraft.Limits.value else { continue }
            if let comment = indicator.comment?.trimmingCharacters(in: .whitespacesAndNewlines) {
                indicator.comment = comment.isEmpty ? nil : truncated(comment, to: AlertDraft.Limits.value)
            }
            let caseSensitive: Set<Indicator.Kind> = [.url, .filename, .other]
            let key = indicator.type.rawValue + "|" + (caseSensitive.contains(indicator.type) ? indicator.value : indicator.value.lowercased())
            if let position = positions[key] {
                if indicator.toIds == true, result[position].toIds != true { result[position] = indicator }
            } else {
                positions[key] = result.count
                result.append(indicator)
            }
        }
        return result
    }

    /// True when `url` is an http or https URL the draft accepts as a reference.
    static func isWebURL(_ url: String) -> Bool {
        guard url.count <= AlertDraft.Limits.value, !url.contains(where: \.isWhitespace), let parsed = URL(string: url),
              let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else { return false }
        return true
    }

    /// References limited to web URLs, without duplicates.
    static func webReferences(_ references: [Reference]) -> [Reference] {
        var seen = Set<String>()
        return references.filter { isWebURL($0.url) && seen.insert($0.url).inserted }
    }

    /// The severity when the source states none and gives no score: the configured default, else medium.
    static func defaultSeverity(_ options: IngestOptions) -> Severity {
        options.defaultSeverity ?? .medium
    }

    /// Applies what every alert of a source gets, caps the indicator list and runs `AlertDraft.validated()`,
    /// reporting a refusal at `path` (the part of the document the draft was built from).
    static func finish(_ draft: AlertDraft, format: IngestFormat, path: String, options: IngestOptions) throws(IngestError) -> AlertDraft {
        var draft = draft
        draft.categories += options.extraCategories
        draft.indicators = cleaned(draft.indicators)
        if draft.indicators.count > AlertDraft.Limits.indicators {
            // A very large event still makes one alert; the omission is recorded rather than hidden.
            draft.attributes["tocsin.indicatorsOmitted"] = String(draft.indicators.count - AlertDraft.Limits.indicators)
            draft.indicators = Array(draft.indicators.prefix(AlertDraft.Limits.indicators))
        }
        draft.cves = draft.cves.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter(CVE.isValid)
        if draft.cves.count > AlertDraft.Limits.listItems { draft.cves = Array(draft.cves.prefix(AlertDraft.Limits.listItems)) }
        draft.references = webReferences(draft.references)
        draft.summary = truncated(draft.summary, to: AlertDraft.Limits.summary)
        do {
            return try draft.validated()
        } catch {
            throw IngestError(format: format, path: path, message: "the alert built from it is invalid: \(error.field) \(error.message)")
        }
    }
}
