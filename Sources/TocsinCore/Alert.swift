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
    /// CVSS scores the source gives or enrichment computed, highest first.
    public var cvss: [CVSSScore]
    /// True when the vulnerability is known to be exploited (CISA KEV, or the source says so).
    public var knownExploited: Bool
    /// The source's own version of the document (CSAF `tracking.version`, a CERT-FR revision date…).
    public var sourceVersion: String?
    /// Fields of the source kept as they are, namespaced by format (`cap.urgency`, `misp.threat_level`…).
    public var attributes: [String: String]
    /// The source's own publication date; the reception date when the source gives none.
    public var sourcePublishedAt: Date
    /// The source's own date of the version this revision carries, when it gives one.
    public var sourceUpdatedAt: Date?
    /// When Tocsin first received the alert.
    public var receivedAt: Date
    /// When the first revision was published.
    public var publishedAt: Date
    /// When the current revision was published.
    public var updatedAt: Date
    /// Who published the current revision (token id), for the audit trail. Kept beside the alert, never in what
    /// recipients receive; the API shows it to admins and publishers only.
    public var publishedBy: String?
    /// The organisation that published the alert, which alone (with admins) may revise or cancel it; nil for the
    /// broker's own alerts (unbound publishers, the command line, the source pollers). Never sent to recipients.
    public var publisherOrgId: String?

    /// The fields recipients receive: everything but the bookkeeping of who published it.
    enum CodingKeys: String, CodingKey {
        case id, source, sourceRef, revision, status, title, summary, body, severity, tlp, categories, cves, regions
        case indicators, affectedProducts, references, cvss, knownExploited, sourceVersion, attributes
        case sourcePublishedAt, sourceUpdatedAt, receivedAt, publishedAt, updatedAt
    }

    public init(
        id: String, source: String, sourceRef: String? = nil, revision: Int, status: AlertStatus, title: String,
        summary: String, body: String? = nil, severity: Severity, tlp: TLP, categories: [String] = [],
        cves: [String] = [], regions: [String] = [], indicators: [Indicator] = [],
        affectedProducts: [AffectedProduct] = [], references: [Reference] = [], cvss: [CVSSScore] = [],
        knownExploited: Bool = false, sourceVersion: String? = nil, attributes: [String: String] = [:],
        sourcePublishedAt: Date, sourceUpdatedAt: Date? = nil, receivedAt: Date, publishedAt: Date, updatedAt: Date,
        publishedBy: String? = nil, publisherOrgId: String? = nil
    ) {
        self.publisherOrgId = publisherOrgId
        self.sourceUpdatedAt = sourceUpdatedAt
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
        self.cvss = cvss
        self.knownExploited = knownExploited
        self.sourceVersion = sourceVersion
        self.attributes = attributes
        self.sourcePublishedAt = sourcePublishedAt
        self.receivedAt = receivedAt
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.publishedBy = publishedBy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        source = try c.decode(String.self, forKey: .source)
        sourceRef = try c.decodeIfPresent(String.self, forKey: .sourceRef)
        revision = try c.decode(Int.self, forKey: .revision)
        status = try c.decode(AlertStatus.self, forKey: .status)
        title = try c.decode(String.self, forKey: .title)
        summary = try c.decode(String.self, forKey: .summary)
        body = try c.decodeIfPresent(String.self, forKey: .body)
        severity = try c.decode(Severity.self, forKey: .severity)
        tlp = try c.decode(TLP.self, forKey: .tlp)
        categories = try c.decodeIfPresent([String].self, forKey: .categories) ?? []
        cves = try c.decodeIfPresent([String].self, forKey: .cves) ?? []
        regions = try c.decodeIfPresent([String].self, forKey: .regions) ?? []
        indicators = try c.decodeIfPresent([Indicator].self, forKey: .indicators) ?? []
        affectedProducts = try c.decodeIfPresent([AffectedProduct].self, forKey: .affectedProducts) ?? []
        references = try c.decodeIfPresent([Reference].self, forKey: .references) ?? []
        cvss = try c.decodeIfPresent([CVSSScore].self, forKey: .cvss) ?? []
        knownExploited = try c.decodeIfPresent(Bool.self, forKey: .knownExploited) ?? false
        sourceVersion = try c.decodeIfPresent(String.self, forKey: .sourceVersion)
        attributes = try c.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        sourcePublishedAt = try c.decode(Date.self, forKey: .sourcePublishedAt)
        sourceUpdatedAt = try c.decodeIfPresent(Date.self, forKey: .sourceUpdatedAt)
        receivedAt = try c.decode(Date.self, forKey: .receivedAt)
        publishedAt = try c.decode(Date.self, forKey: .publishedAt)
        updatedAt = try c.decode(Date.self, forKey: .updatedAt)
    }

    /// Why the publisher cancelled the alert, as written, when it said.
    public static let cancelReasonAttribute = "tocsin.cancelReason"

    /// The cancellation's reason, when the alert is cancelled and the publisher gave one.
    public var cancelReason: String? { status == .cancelled ? attributes[Self.cancelReasonAttribute] : nil }

    /// The attribute that marks a revision stored quietly (a backfill): readable, never pushed.
    public static let backfilledAttribute = "tocsin.backfilled"

    /// True for a revision stored without notifying anyone.
    public var isBackfilled: Bool { attributes[Self.backfilledAttribute] == "true" }

    /// The attribute that marks a revision pushed only to the subscriptions it reaches for the first time: a
    /// known-exploited flag from a catalog is news only to those whose filter the previous revision did not match
    /// (its raised severity now reaches their minimum); the others already have the alert.
    public static let notifyAttribute = "tocsin.notify"
    public static let notifyNewlyMatching = "newly-matching"

    /// True for a revision pushed only to the subscriptions the previous revision did not match.
    public var notifiesNewlyMatchingOnly: Bool { attributes[Self.notifyAttribute] == Self.notifyNewlyMatching }

    /// True when the alert names no region and so concerns every organisation.
    public var isNational: Bool { regions.isEmpty }

    /// The event name a webhook carries for this revision: `alert.published`, `alert.updated`, `alert.cancelled`.
    public var eventType: String { "alert.\(status.rawValue)" }
}

extension Alert {
    /// Why an organisation with this clearance and region (`Region.all` for a national one) may not receive the
    /// alert, or nil when it may: the TLP
    /// and region rules that hold at every exit (routing, sending, redelivery, API, feeds, stream) and that no
    /// subscription filter can loosen.
    public func refusal(clearance: TLP, region: String?) -> String? {
        guard clearance.clears(tlp) else { return "organisation not cleared for \(tlp.label) (cleared \(clearance.label))" }
        guard isNational || region == Region.all || region.map(regions.contains) == true else { return "organisation outside the alert's regions" }
        return nil
    }

    /// Builds revision 1 of a new alert from a validated draft.
    public static func first(
        from draft: AlertDraft, id: String = TocsinID.make(), source: String = "api", publishedBy: String? = nil,
        publisherOrgId: String? = nil, now: Date = Date()
    ) -> Alert {
        let now = now.millisecondPrecision
        return Alert(
            id: id, source: draft.source ?? source, sourceRef: draft.sourceRef, revision: 1, status: .published,
            title: draft.title, summary: draft.summary, body: draft.body, severity: draft.severity, tlp: draft.tlp,
            categories: draft.categories, cves: draft.cves, regions: draft.regions, indicators: draft.indicators,
            affectedProducts: draft.affectedProducts, references: draft.references, cvss: draft.cvss,
            knownExploited: draft.knownExploited, sourceVersion: draft.sourceVersion, attributes: draft.attributes,
            sourcePublishedAt: draft.sourcePublishedAt ?? now, sourceUpdatedAt: draft.sourceUpdatedAt, receivedAt: now,
            publishedAt: now, updatedAt: now, publishedBy: publishedBy, publisherOrgId: publisherOrgId
        )
    }

    /// The alert's content as a draft, for a revision that changes only part of it.
    public var draft: AlertDraft {
        AlertDraft(
            title: title, summary: summary, body: body, severity: severity, tlp: tlp, categories: categories, cves: cves,
            regions: regions, indicators: indicators, affectedProducts: affectedProducts, references: references, cvss: cvss,
            knownExploited: knownExploited, source: source, sourceRef: sourceRef, sourceVersion: sourceVersion,
            sourcePublishedAt: sourcePublishedAt, sourceUpdatedAt: sourceUpdatedAt, attributes: attributes
        )
    }
}
