import Foundation

/// Where an alert stands in its life: first published, updated by a later revision, or cancelled.
public enum AlertStatus: String, Codable, Sendable, CaseIterable {
    case published
    case updated
    case cancelled
}

/// A security alert in canonical form, whatever format it arrived in: its identity and dates beside its content.
///
/// An alert is identified by `id` and changes only by new revisions: `revision` starts at 1 and each update or
/// cancellation adds one. Every revision is kept in the alert log; deliveries point at one revision. The content's
/// fields read and write as the alert's own (`alert.title`, `alert.regions`), and its JSON is one flat object.
@dynamicMemberLookup
public struct Alert: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    /// Who published it: `api` for the publish API, or the configured source's name.
    public var source: String
    public var revision: Int
    public var status: AlertStatus
    /// What the current revision says.
    public var content: AlertContent
    /// The source's own publication date; the reception date when the source gives none.
    public var sourcePublishedAt: Date
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
    /// The drill this alert belongs to; nil for a real alert. Set by the first revision, kept by every later one: a
    /// drill stays a drill. It goes through the real channels and escalation, every message marked `[EXERCICE]`,
    /// and stays out of real metrics.
    public var exerciseId: String?
    /// For an alert relayed from another broker: the broker that published it and its id there; nil for an alert
    /// published here.
    public var origin: AlertOrigin?
    /// The brokers a relayed alert went through, the origin first and this broker last; empty for an alert published
    /// here. A broker drops an alert whose path already names it (a loop) or is longer than its hop limit.
    public var relayPath: [String] = []

    /// The identity's keys, beside the content's in the same object: everything recipients receive but the
    /// bookkeeping of who published it.
    enum CodingKeys: String, CodingKey {
        case id, source, revision, status, sourcePublishedAt, receivedAt, publishedAt, updatedAt, exerciseId, origin, relayPath
    }

    public init(
        id: String, source: String, revision: Int, status: AlertStatus, content: AlertContent, sourcePublishedAt: Date,
        receivedAt: Date, publishedAt: Date, updatedAt: Date, publishedBy: String? = nil, publisherOrgId: String? = nil,
        exerciseId: String? = nil
    ) {
        self.exerciseId = exerciseId
        self.id = id
        self.source = source
        self.revision = revision
        self.status = status
        self.content = content
        self.sourcePublishedAt = sourcePublishedAt
        self.receivedAt = receivedAt
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.publishedBy = publishedBy
        self.publisherOrgId = publisherOrgId
    }

    /// `alert.title`, `alert.severity = …`: the content's fields, read and changed in place.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<AlertContent, Value>) -> Value {
        get { content[keyPath: keyPath] }
        // Yields the field itself, so that changing a list in place does not copy it.
        _modify { yield &content[keyPath: keyPath] }
    }

    public init(from decoder: any Decoder) throws {
        content = try AlertContent(from: decoder)
        // An alert always has a summary, which a draft may leave out: reading it again throws the same error its
        // absence did when the alert declared its own fields.
        _ = try decoder.container(keyedBy: AlertContent.CodingKeys.self).decode(String.self, forKey: .summary)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        source = try c.decode(String.self, forKey: .source)
        revision = try c.decode(Int.self, forKey: .revision)
        status = try c.decode(AlertStatus.self, forKey: .status)
        sourcePublishedAt = try c.decode(Date.self, forKey: .sourcePublishedAt)
        receivedAt = try c.decode(Date.self, forKey: .receivedAt)
        publishedAt = try c.decode(Date.self, forKey: .publishedAt)
        updatedAt = try c.decode(Date.self, forKey: .updatedAt)
        exerciseId = try c.decodeIfPresent(String.self, forKey: .exerciseId)
        origin = try c.decodeIfPresent(AlertOrigin.self, forKey: .origin)
        relayPath = try c.decodeIfPresent([String].self, forKey: .relayPath) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        try content.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(source, forKey: .source)
        try c.encode(revision, forKey: .revision)
        try c.encode(status, forKey: .status)
        try c.encode(sourcePublishedAt, forKey: .sourcePublishedAt)
        try c.encode(receivedAt, forKey: .receivedAt)
        try c.encode(publishedAt, forKey: .publishedAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encodeIfPresent(exerciseId, forKey: .exerciseId)
        try c.encodeIfPresent(origin, forKey: .origin)
        if !relayPath.isEmpty { try c.encode(relayPath, forKey: .relayPath) }
    }

    /// True for a copy of an alert another broker published.
    public var isRelayed: Bool { origin != nil }

    /// Why the publisher cancelled the alert, as written, when it said.
    public static let cancelReasonAttribute = "tocsin.cancelReason"

    /// The cancellation's reason, when the alert is cancelled and the publisher gave one.
    public var cancelReason: String? { status == .cancelled ? content.attributes[Self.cancelReasonAttribute] : nil }

    /// The attribute that marks a revision stored quietly (a backfill): readable, never pushed.
    public static let backfilledAttribute = "tocsin.backfilled"

    /// True for a revision stored without notifying anyone.
    public var isBackfilled: Bool { content.attributes[Self.backfilledAttribute] == "true" }

    /// The attribute that marks a revision pushed only to the subscriptions it reaches for the first time: a
    /// known-exploited flag from a catalog is news only to those whose filter the previous revision did not match
    /// (its raised severity now reaches their minimum); the others already have the alert.
    public static let notifyAttribute = "tocsin.notify"
    public static let notifyNewlyMatching = "newly-matching"

    /// True for a revision pushed only to the subscriptions the previous revision did not match.
    public var notifiesNewlyMatchingOnly: Bool { content.attributes[Self.notifyAttribute] == Self.notifyNewlyMatching }

    /// True for a drill: real channels and escalation, every message marked, kept out of real metrics.
    public var isExercise: Bool { exerciseId != nil }

    /// True when the alert names no region and so concerns every organisation.
    public var isNational: Bool { content.regions.isEmpty }

    /// The event name a webhook carries for this revision: `alert.published`, `alert.updated`, `alert.cancelled`.
    public var eventType: String { "alert.\(status.rawValue)" }
}

extension Alert {
    /// Why an organisation with this clearance and region (`Region.all` for a national one) may not receive the
    /// alert, or nil when it may: the TLP
    /// and region rules that hold at every exit (routing, sending, redelivery, API, feeds, stream) and that no
    /// subscription filter can loosen.
    public func refusal(clearance: TLP, region: String?) -> String? {
        guard clearance.clears(content.tlp) else { return "organisation not cleared for \(content.tlp.label) (cleared \(clearance.label))" }
        guard isNational || region == Region.all || region.map(content.regions.contains) == true else { return "organisation outside the alert's regions" }
        return nil
    }

    /// Builds revision 1 of a new alert from a validated draft.
    public static func first(
        from draft: AlertDraft, id: String = TocsinID.make(), source: String = "api", publishedBy: String? = nil,
        publisherOrgId: String? = nil, now: Date = Date()
    ) -> Alert {
        let now = now.millisecondPrecision
        return Alert(
            id: id, source: draft.source ?? source, revision: 1, status: .published, content: draft.content,
            sourcePublishedAt: draft.sourcePublishedAt ?? now, receivedAt: now, publishedAt: now, updatedAt: now,
            publishedBy: publishedBy, publisherOrgId: publisherOrgId, exerciseId: draft.exerciseId
        )
    }

    /// The alert's content as a draft, for a revision that changes only part of it.
    public var draft: AlertDraft { AlertDraft(content, source: source, sourcePublishedAt: sourcePublishedAt, exerciseId: exerciseId) }
}
