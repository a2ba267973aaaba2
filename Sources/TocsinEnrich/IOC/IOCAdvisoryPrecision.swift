import TocsinCore

/// How many of the indicators an enricher publishes for vulnerability advisories the advisories stated
/// themselves: the truth is what the source stated (its own indicator list), so every indicator found in the
/// prose and not stated counts as a false positive. This is what a SOC that blocks everything it receives would
/// block wrongly.
public struct IOCAdvisoryPrecision: Sendable {
    /// A published indicator the advisory did not state, and the advisory it came from.
    public struct FalsePositive: Sendable, Hashable {
        public var advisory: String
        public var indicator: Indicator
    }

    /// The advisories read.
    public let advisories: Int
    /// The indicators (CVE ids aside) published over all advisories, stated and found.
    public let published: Int
    /// The indicators the advisories stated.
    public let stated: Int
    public let falsePositives: [FalsePositive]

    /// Share of the published indicators that the advisories stated (1 when nothing is published).
    public var precision: Double {
        published == 0 ? 1 : Double(published - falsePositives.count) / Double(published)
    }

    /// Enriches every draft and compares what it publishes with what the draft stated.
    public init(drafts: [AlertDraft], enricher: Enricher) {
        var published = 0
        var stated = 0
        var falsePositives: [FalsePositive] = []
        for draft in drafts {
            let truth = Set(draft.indicators.map(\.deduplicationKey))
            stated += truth.count
            let enriched = enricher.enrich(draft)
            for indicator in enriched.indicators where indicator.type != .cve {
                published += 1
                if !truth.contains(indicator.deduplicationKey) {
                    falsePositives.append(FalsePositive(advisory: draft.sourceRef ?? draft.title, indicator: indicator))
                }
            }
        }
        self.advisories = drafts.count
        self.published = published
        self.stated = stated
        self.falsePositives = falsePositives
    }

    /// A few lines for a report: counts, precision and, when `listing`, every false positive.
    public func report(listing: Bool = true) -> String {
        let tenths = Int((precision * 1000).rounded())
        var lines = ["\(advisories) advisories, \(published) indicators published (\(stated) stated by the sources), "
                     + "\(falsePositives.count) not stated: precision \(tenths / 10).\(tenths % 10)%"]
        if listing {
            for item in falsePositives {
                lines.append("  not stated: \(item.indicator.type.rawValue) \(item.indicator.value) [\(item.advisory)]")
            }
        }
        return lines.joined(separator: "\n")
    }
}
