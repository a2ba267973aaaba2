import Foundation
import TocsinCore

/// The parts of a draft that the threat-intelligence adapters (STIX, MISP) fill the same way: summaries cut to
/// size, multi-valued attributes and indicator hygiene, before `IngestDraft`'s references and final check.
enum ThreatDraftSupport {
    /// Summaries are a paragraph; the full text goes to the body.
    static let summaryLength = 600

    /// A short summary of a description (its first paragraph, cut to `summaryLength`) and the body to keep beside
    /// it: the whole description when the summary does not already say everything.
    static func summaryAndBody(_ description: String?) -> (summary: String, body: String?) {
        let text = (description ?? "").trimmingWhitespace()
        guard !text.isEmpty else { return ("", nil) }
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        let firstParagraph = normalised.components(separatedBy: "\n\n").first ?? normalised
        let summary = IngestDraft.truncated(firstParagraph.split(whereSeparator: \.isWhitespace).joined(separator: " "), to: summaryLength)
        let whole = normalised.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if summary == whole { return (summary, nil) }
        return (summary, IngestDraft.truncated(normalised, to: AlertDraft.Limits.body))
    }

    /// Distinct non-empty values in first-seen order, joined with "\n" as multi-valued attributes are; nil when none.
    static func joined(_ values: [String]) -> String? {
        var seen = Set<String>()
        let kept = values.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty && seen.insert($0).inserted }
        return kept.isEmpty ? nil : kept.joined(separator: "\n")
    }

    /// Indicators without duplicates (the first occurrence wins, except that a stated one replaces an extracted
    /// copy and one flagged for detection an unflagged copy), without values the draft would refuse (empty or longer than the limit).
    static func cleaned(_ indicators: [Indicator]) -> [Indicator] {
        var result: [Indicator] = []
        var positions: [String: Int] = [:]
        for var indicator in indicators {
            indicator.value = indicator.value.trimmingWhitespace()
            guard !indicator.value.isEmpty, indicator.value.count <= AlertDraft.Limits.value else { continue }
            if let comment = indicator.comment?.trimmingWhitespace() {
                indicator.comment = comment.isEmpty ? nil : IngestDraft.truncated(comment, to: AlertDraft.Limits.value)
            }
            let key = indicator.deduplicationKey
            if let position = positions[key] {
                let kept = result[position]
                if kept.effectiveOrigin == .extracted, indicator.effectiveOrigin == .stated {
                    result[position] = indicator
                } else if kept.effectiveOrigin == indicator.effectiveOrigin, indicator.toIds == true, kept.toIds != true {
                    result[position] = indicator
                }
            } else {
                positions[key] = result.count
                result.append(indicator)
            }
        }
        return result
    }

    /// Applies what every alert of a source gets, caps the indicator list and runs `AlertDraft.validated()`,
    /// reporting a refusal at `path` (the part of the document the draft was built from).
    static func finish(_ draft: AlertDraft, format: IngestFormat, path: String, options: IngestOptions) throws(IngestError) -> AlertDraft {
        var draft = draft
        draft.categories += IngestDraft.extraCategories(options)
        draft.indicators = cleaned(draft.indicators)
        if draft.indicators.count > AlertDraft.Limits.indicators {
            // A very large event still makes one alert; the omission is recorded rather than hidden.
            draft.attributes["tocsin.indicatorsOmitted"] = String(draft.indicators.count - AlertDraft.Limits.indicators)
            draft.indicators = Array(draft.indicators.prefix(AlertDraft.Limits.indicators))
        }
        draft.cves = draft.cves.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter(CVE.isValid)
        if draft.cves.count > AlertDraft.Limits.listItems { draft.cves = Array(draft.cves.prefix(AlertDraft.Limits.listItems)) }
        draft.references = IngestDraft.references(draft.references)
        draft.summary = IngestDraft.truncated(draft.summary, to: AlertDraft.Limits.summary)
        return try IngestDraft.validated(draft, format: format, path: path)
    }
}
