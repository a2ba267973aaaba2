import Foundation
import TocsinCore

/// The finishing rules every JSON adapter applies to a draft in the same way: severity precedence, title and
/// text lengths, http(s)-only references, CVSS score bands.
enum JSONIngestDraft {
    /// Severity by precedence: the source's own, else the band of the highest CVSS score, else the configured
    /// default (`medium` when none); also returns the `tocsin.severitySource` value that says which applied.
    static func severity(source: Severity?, cvss: [CVSSScore], options: IngestOptions) -> (Severity, String) {
        if let source { return (source, "source") }
        if let best = cvss.max(by: { $0.baseScore < $1.baseScore }) { return (best.severity, "cvss") }
        return (options.defaultSeverity ?? .medium, "default")
    }

    /// The severity of a CVSS base score: the v3/v4 qualitative bands (none → info), or the v2 bands, which stop
    /// at high.
    static func band(score: Double, version: String) -> Severity {
        if version.hasPrefix("2") {
            switch score {
            case ..<4.0: return .low
            case ..<7.0: return .medium
            default: return .high
            }
        }
        switch score {
        case ...0.0: return .info
        case ..<4.0: return .low
        case ..<7.0: return .medium
        case ..<9.0: return .high
        default: return .critical
        }
    }

    /// A score as Core keeps it, or nil when the numbers are not a CVSS score (out of 0…10, no vector).
    static func score(version: String, vector: String, baseScore: Double, source: String?) -> CVSSScore? {
        let vector = vector.trimmingCharacters(in: .whitespaces)
        guard baseScore.isFinite, (0...10).contains(baseScore), !vector.isEmpty, vector.count <= 512 else { return nil }
        return CVSSScore(version: version, vector: vector, baseScore: baseScore, severity: band(score: baseScore, version: version), source: source)
    }

    /// Reads a severity word as vendors write it (`Critical`, `Important`, `Moderate`, `Low`, `High`, `None`…).
    static func severity(word: String) -> Severity? {
        switch word.trimmingCharacters(in: .whitespaces).lowercased() {
        case "critical", "critique", "urgent": .critical
        case "high", "important", "élevé", "elevé", "élevée", "haute", "severe": .high
        case "medium", "moderate", "moyen", "moyenne", "modéré", "modérée": .medium
        case "low", "faible", "minor": .low
        case "none", "info", "informational", "information", "negligible": .info
        default: nil
        }
    }

    /// `text` cut to `limit` characters, with "…" marking the cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(max(0, limit - 1))).trimmingCharacters(in: .whitespaces) + "…"
    }

    /// A title that fits `AlertDraft.Limits.title`, on one line.
    static func title(_ text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return truncated(oneLine, to: AlertDraft.Limits.title)
    }

    /// True for absolute http and https URLs, the only references an alert may carry.
    static func isWebURL(_ text: String) -> Bool {
        guard text.count <= AlertDraft.Limits.value, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", url.host != nil else { return false }
        return true
    }

    /// Keeps http(s) references, drops duplicate URLs and stops at `AlertDraft.Limits.listItems`.
    static func references(_ candidates: [Reference]) -> [Reference] {
        var seen = Set<String>()
        var result: [Reference] = []
        for candidate in candidates {
            let url = candidate.url.trimmingCharacters(in: .whitespaces)
            guard isWebURL(url), seen.insert(url).inserted else { continue }
            let title = candidate.title.map { truncated($0.trimmingCharacters(in: .whitespacesAndNewlines), to: 300) }
            result.append(Reference(url: url, title: title?.isEmpty == true ? nil : title))
            if result.count >= AlertDraft.Limits.listItems { break }
        }
        return result
    }

    /// The http(s) URLs found in free text (KEV notes, remediation details), in order, without duplicates.
    static func urls(in text: String) -> [String] {
        var found: [String] = []
        for token in text.split(whereSeparator: { $0.isWhitespace || $0 == ";" || $0 == "\"" || $0 == "<" || $0 == ">" }) {
            guard token.hasPrefix("http://") || token.hasPrefix("https://") else { continue }
            var url = String(token)
            while let last = url.last, ".,)]".contains(last) { url.removeLast() }
            if isWebURL(url), !found.contains(url) { found.append(url) }
        }
        return found
    }

    /// Joins non-empty sections with blank lines and keeps the result within `AlertDraft.Limits.body`.
    static func body(_ sections: [String]) -> String? {
        let text = sections.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.joined(separator: "\n\n")
        return text.isEmpty ? nil : truncated(text, to: AlertDraft.Limits.body)
    }

    /// Unique identifiers (CVE, CWE) in their first-seen order, upper-cased.
    static func uniqueIDs(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { seen.insert($0).inserted }
    }
}
