import Foundation
import TocsinCore

/// The enrichment run on every alert before it is stored and routed, one step after the other:
///
/// 1. CVSS: scores recomputed from their vectors as FIRST defines them, highest first;
/// 2. indicators of compromise found in the title, summary and body (`IOCExtractor`) are added after the ones the
///    source gave, and CVE ids found anywhere in the text (references included) join `cves` — references are the
///    advisory's own links, so they give CVE ids but never indicators;
/// 3. classification into Tocsin's categories and normalised severity (`Classification`), which also gives an
///    alert without a source severity the severity of its highest CVSS score and raises known-exploited ones.
///
/// Pure: no I/O once built, the same draft always gives the same result.
public struct Enricher: Sendable {
    /// Finds indicators in free text; nil when no Public Suffix List was available (no text extraction then).
    public var indicators: IOCExtractor?

    public init(indicators: IOCExtractor? = nil) {
        self.indicators = indicators
    }

    /// Debian's copy of the Public Suffix List (package `publicsuffix`).
    public static let defaultPublicSuffixList = "/usr/share/publicsuffix/public_suffix_list.dat"

    /// An enricher with the Public Suffix List at `publicSuffixList` and the MISP warninglists in `warninglists`
    /// (a file or a folder; nil for none). Warninglisted values found in text are dropped; those the source
    /// stated itself are kept.
    public static func make(publicSuffixList: String = defaultPublicSuffixList, warninglists: String? = nil) throws(IOCError) -> Enricher {
        let suffixes = try IOCPublicSuffixList(contentsOfFile: publicSuffixList)
        let lists = try warninglists.map { path throws(IOCError) in try IOCWarninglists(contentsOf: path) } ?? .empty
        return Enricher(indicators: IOCExtractor(publicSuffixes: suffixes, warninglists: lists))
    }

    /// The enriched copy of `draft`.
    public func enrich(_ draft: AlertDraft) -> AlertDraft {
        var draft = draft
        draft.cvss = Self.scored(draft.cvss)
        if let indicators {
            let found = indicators.extract([draft.title, draft.summary, draft.body ?? ""])
            Self.merge(found, into: &draft)
            let referenceCVEs = indicators.extract(draft.references.map { [$0.url, $0.title ?? ""].joined(separator: " ") })
                .filter { $0.type == .cve }
            Self.merge(referenceCVEs, into: &draft)
        }
        return draft.classified()
    }

    /// Adds what extraction found and the draft lacks: CVE ids to `cves`, the rest to `indicators` (within the
    /// draft's limit), marked as found in the text.
    static func merge(_ found: [Indicator], into draft: inout AlertDraft) {
        var cves = Set(draft.cves)
        var known = Set(draft.indicators.map { "\($0.type.rawValue)|\($0.value.lowercased())" })
        for indicator in found {
            if indicator.type == .cve {
                if cves.insert(indicator.value).inserted { draft.cves.append(indicator.value) }
                continue
            }
            guard draft.indicators.count < AlertDraft.Limits.indicators,
                  known.insert("\(indicator.type.rawValue)|\(indicator.value.lowercased())").inserted else { continue }
            var extracted = indicator
            if extracted.comment == nil { extracted.comment = "found in the text" }
            draft.indicators.append(extracted)
        }
    }

    /// Scores recomputed from their vectors (a vector that does not parse keeps the score its source gave),
    /// highest first.
    static func scored(_ scores: [CVSSScore]) -> [CVSSScore] {
        scores.map { score in (try? CVSSScore(computing: score.vector, source: score.source)) ?? score }
            .sorted { $0.baseScore > $1.baseScore }
    }
}
