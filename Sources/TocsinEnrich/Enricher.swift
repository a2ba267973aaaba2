import Foundation
import TocsinCore

/// The enrichment run on every alert before it is stored and routed, one step after the other:
///
/// 1. CVSS: scores recomputed from their vectors as FIRST defines them, highest first;
/// 2. origins: every indicator the source gave is `stated` unless it says otherwise, and no value appears twice
///    (a stated copy wins over an extracted one);
/// 3. indicators of compromise found in the title, summary and body (`IOCExtractor`) are added after the stated
///    ones, marked `extracted` with a confidence (`IOCConfidence`), except the alert's own hosts and versions
///    (`IOCAlertContext`); CVE ids found anywhere in the text (references included) join `cves`. References are
///    the advisory's own links, so they give CVE ids but never indicators. The prose of a vulnerability advisory
///    (`AlertContent.isAdvisoryProse`: CSAF, CVE, KEV, CERT-FR avis) gives CVE ids only, unless
///    `advisoryIndicators` is set;
/// 4. classification into Tocsin's categories and normalised severity (`Classification`), which also gives an
///    alert without a source severity the severity of its highest CVSS score and raises known-exploited ones.
///
/// Pure: no I/O once built, the same draft always gives the same result.
public struct Enricher: Sendable {
    /// Finds indicators in free text; nil when no Public Suffix List was available (no text extraction then).
    public var indicators: IOCExtractor?
    /// Whether the prose of vulnerability advisories gives indicators too (`enrich.advisoryIndicators`); off by
    /// default, because what it holds is versions, vendors' sites and remediation links.
    public var advisoryIndicators: Bool

    public init(indicators: IOCExtractor? = nil, advisoryIndicators: Bool = false) {
        self.indicators = indicators
        self.advisoryIndicators = advisoryIndicators
    }

    /// Debian's copy of the Public Suffix List (package `publicsuffix`).
    public static let defaultPublicSuffixList = "/usr/share/publicsuffix/public_suffix_list.dat"

    /// An enricher with the Public Suffix List at `publicSuffixList` and the MISP warninglists in `warninglists`
    /// (a file or a folder; nil for none). Warninglisted values found in text are dropped; those the source
    /// stated itself are kept.
    public static func make(publicSuffixList: String = defaultPublicSuffixList, warninglists: String? = nil,
                            advisoryIndicators: Bool = false) throws(IOCError) -> Enricher {
        let suffixes = try IOCPublicSuffixList(contentsOfFile: publicSuffixList)
        let lists = try warninglists.map { path throws(IOCError) in try IOCWarninglists(contentsOf: path) } ?? .empty
        return Enricher(indicators: IOCExtractor(publicSuffixes: suffixes, warninglists: lists),
                        advisoryIndicators: advisoryIndicators)
    }

    /// The enriched copy of `draft`.
    public func enrich(_ draft: AlertDraft) -> AlertDraft {
        var draft = draft
        draft.cvss = Self.scored(draft.cvss)
        draft.indicators = Self.withOrigins(draft.indicators)
        if let indicators {
            let context = IOCAlertContext(draft: draft, publicSuffixes: indicators.publicSuffixes)
            let extractor = indicators.with(productWords: context.productWords)
            let text = [draft.title, draft.summary, draft.body ?? ""].joined(separator: "\n")
            let result = extractor.extractDetailed(text)
            var found = result.indicators
            if draft.content.isAdvisoryProse, !advisoryIndicators {
                found = found.filter { $0.type == .cve }
            } else {
                found = IOCConfidence.scored(context.filter(found, dropped: result.warninglistHits.map(\.indicator),
                                                            publicSuffixes: indicators.publicSuffixes), in: text)
            }
            Self.merge(found, into: &draft)
            let referenceCVEs = indicators.extract(draft.references.map { [$0.url, $0.title ?? ""].joined(separator: " ") })
                .filter { $0.type == .cve }
            Self.merge(referenceCVEs, into: &draft)
        }
        return draft.classified()
    }

    /// The comment alerts stored before origins were recorded gave what extraction found.
    static let legacyExtractedComment = "found in the text"

    /// Every indicator with its origin (`stated` when the source says nothing; `extracted` for one an earlier
    /// enrichment found, recorded before origins were), without a value twice.
    static func withOrigins(_ indicators: [Indicator]) -> [Indicator] {
        indicators.map { indicator in
            guard indicator.origin == nil else { return indicator }
            var copy = indicator
            copy.origin = indicator.comment == legacyExtractedComment ? .extracted : .stated
            return copy
        }.deduplicatedByOrigin()
    }

    /// Adds what extraction found and the draft lacks: CVE ids to `cves`, the rest to `indicators` (within the
    /// draft's limit), marked `extracted`.
    static func merge(_ found: [Indicator], into draft: inout AlertDraft) {
        var cves = Set(draft.cves)
        var known = Set(draft.indicators.map(\.deduplicationKey))
        for indicator in found {
            if indicator.type == .cve {
                if cves.insert(indicator.value).inserted { draft.cves.append(indicator.value) }
                continue
            }
            guard draft.indicators.count < AlertDraft.Limits.indicators,
                  known.insert(indicator.deduplicationKey).inserted else { continue }
            var extracted = indicator
            extracted.origin = .extracted
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
