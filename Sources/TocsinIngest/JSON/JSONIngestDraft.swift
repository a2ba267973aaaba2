import Foundation
import TocsinCore

/// The draft parts the vulnerability adapters (CSAF, CVE, NVD, KEV) fill the same way: CVSS scores and their
/// bands, vendors' severity words, bodies made of sections, identifier lists and URLs found in free text.
enum JSONIngestDraft {
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

    /// `IngestDraft.isWebURL(_:)`, under the name source polling calls.
    static func isWebURL(_ text: String) -> Bool {
        IngestDraft.isWebURL(text)
    }

    /// The http(s) URLs found in free text (KEV notes, remediation details), in order, without duplicates.
    static func urls(in text: String) -> [String] {
        var found: [String] = []
        for token in text.split(whereSeparator: { $0.isWhitespace || $0 == ";" || $0 == "\"" || $0 == "<" || $0 == ">" }) {
            guard token.hasPrefix("http://") || token.hasPrefix("https://") else { continue }
            var url = String(token)
            while let last = url.last, ".,)]".contains(last) { url.removeLast() }
            if IngestDraft.isWebURL(url), !found.contains(url) { found.append(url) }
        }
        return found
    }

    /// Joins non-empty sections with blank lines and keeps the result within `AlertDraft.Limits.body`.
    static func body(_ sections: [String]) -> String? {
        let text = sections.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "\n\n")
        return text.isEmpty ? nil : IngestDraft.truncated(text, to: AlertDraft.Limits.body)
    }

    /// Unique identifiers (CVE, CWE) in their first-seen order, upper-cased.
    static func uniqueIDs(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { seen.insert($0).inserted }
    }
}
