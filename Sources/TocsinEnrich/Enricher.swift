import Foundation
import TocsinCore

/// The enrichment run on every alert before it is stored and routed: CVSS scores computed from their vectors,
/// and the severity an alert without a source severity takes from its highest score.
///
/// Pure and cheap: no I/O, the same draft always gives the same result.
public struct Enricher: Sendable {
    public init() {}

    /// The enriched copy of `draft`.
    public func enrich(_ draft: AlertDraft) -> AlertDraft {
        var draft = draft
        draft.cvss = Self.scored(draft.cvss)
        if draft.attributes["tocsin.severitySource"] == "default", let highest = CVSS.highestSeverity(draft.cvss), highest > draft.severity {
            draft.severity = highest
            draft.attributes["tocsin.severitySource"] = "cvss"
        }
        return draft
    }

    /// Scores recomputed from their vectors as the FIRST specifications define them (a vector that does not parse
    /// keeps the score its source gave), highest first.
    static func scored(_ scores: [CVSSScore]) -> [CVSSScore] {
        scores.map { score in
            guard let computed = try? CVSSScore(computing: score.vector, source: score.source) else { return score }
            return computed
        }
        .sorted { $0.baseScore > $1.baseScore }
    }
}
