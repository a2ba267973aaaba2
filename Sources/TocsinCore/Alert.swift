import Foundation

/// Where an alert stands in its life: first published, updated by a later revision, or cancelled.
public enum AlertStatus: String, Codable, Sendable, CaseIterable {
    case published
    case updated
    case cancelled
}

/// A security alert in canonical form, whatever format it arrived in.
///
/// An alert is identified by `id` and changes only by new revisions: `revision` starts at 1 and each update or
/// cancellation adds one. Every revision is kept in the alert log; deliveries point at one revision.
public struct Alert: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    /// Who published it: `api` for the publish API, or the configured source's name.
    public var source: String
    /// The identifier the source gives the document (CSAF tracking id, CERT-FR reference…), when any.
    public var sourceRef: String?
    public var revision: Int
    public var status: AlertStatus
    public var title: String
    public var summary: String
    public var body: String?
    public var severity: Severity
    public var tlp: TLP
    public var categories: [String]
    public var cves: [String]
    /// INSEE codes of the regions the alert concerns; empty means national.
    public var regions: [String]
    public var indicators: [Indicator]
    public var affectedProducts: [AffectedProduct]
    public var references: [Reference]
    /// The source's own publication date; the reception date when the source gives none.
    public var sourcePublishedAt: Date
    /// When Tocsin first received the alert.
    public var receivedAt: Date
    /// When the first revision was published.
    public var publishedAt: Date
    /// When the current revision was published.
    public var updatedAt: Date
    /// Who published the current revision (token id), for the audit trail.
    public var publishedBy: String?

    public init(
        id: String, source: String, sourceRef: String? = nil, revision: Int, status: AlertStatus, title: String,
        summary: String, body: String? = nil, severity: Severity, tlp: TLP, categories: [String] = [],
        cves: [String] = [], regions: [String] = [], indicators: [Indicator] = [],
        affectedProducts: [AffectedProduct] = [], references: [Reference] = [], sourcePublishedAt: Date,
        receivedAt: Date, publishedAt: Date, updatedAt: Date, publishedBy: String? = nil
    ) {
        self.id = id
        self.source = source
        self.sourceRef = sourceRef
        self.revision = revision
        self.status = status
        self.title = title
        self.summary = summary
        self.body = body
        self.severity = severity
        self.tlp = tlp
        self.categories = categories
        self.cves = cves
        self.regions = regions
        self.indicators = indicators
        self.affectedProducts = affectedProducts
        self.references = references
        self.sourcePublishedAt = sourcePublishedAt
        self.receivedAt = receivedAt
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.publishedBy = publishedBy
    }

    /// True when the alert names no region and so concerns every organisation.
    public var isNational: Bool { regions.isEmpty }

    /// The event name a webhook carries for this revision: `alert.published`, `alert.updated`, `alert.cancelled`.
    public var eventType: String { "alert.\(status.rawValue)" }
}

extension Alert {
    /// Why an organisation with this clearance and region may not receive the alert, or nil when it may: the TLP
    /// and region rules that hold at every exit (routing, sending, redelivery, API, feeds, stream) and that no
    /// subscription filter can loosen.
    public func refusal(clearance: TLP, region: String?) -> String? {
        guard clearance.clears(tlp) else { return "organisation not cleared for \(tlp.label) (cleared \(clearance.label))" }
        guard isNational || region.map(regions.contains) == true else { return "organisation outside the alert's regions" }
        return nil
    }

    /// Builds revision 1 of a new alert from a validated draft.
    public static func first(
        from draft: AlertDraft, id: String = TocsinID.make(), source: String = "api", publishedBy: String? = nil,
        now: Date = Date()
    ) -> Alert {
        let now = now.millisecondPrecision
        return Alert(
            id: id, source: draft.source ?? source, sourceRef: draft.sourceRef, revision: 1, status: .published,
            title: draft.title, summary: draft.summary, body: draft.body, severity: draft.severity, tlp: draft.tlp,
            categories: draft.categories, cves: draft.cves, regions: draft.regions, indicators: draft.indicators,
            affectedProducts: draft.affectedProducts, references: draft.references,
            sourcePublishedAt: draft.sourcePublishedAt ?? now, receivedAt: now, publishedAt: now, updatedAt: now,
            publishedBy: publishedBy
        )
    }
}
