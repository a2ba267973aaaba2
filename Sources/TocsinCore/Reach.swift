import Foundation

/// How far an alert got with one organisation it concerns: `concerned` → `delivered` (on any channel) → `seen` →
/// `acknowledged`. Each step is kept once, the first time it happens, with when, by whom and through which channel.
public enum ReachStep: String, Codable, Sendable, CaseIterable, Comparable {
    case concerned
    case delivered
    case seen
    case acknowledged

    public static func < (lhs: ReachStep, rhs: ReachStep) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// When a step happened, who made it and through which channel.
public struct ReachMark: Codable, Sendable, Hashable {
    public var at: Date
    /// Who, as a reference: `contact:<id>`, `token:<id>`, `subscription:<id>`, `feed:<subscription id>`.
    public var by: String?
    /// Who, as a person reads it (a contact's name or address): personal data, shown only to the organisation and
    /// to admins.
    public var byName: String?
    /// How: a channel (`email`, `webhook`, `feed`), or `api`, `stream`, `link` (a signed acknowledgement link), `cap`.
    public var channel: String

    public init(at: Date, by: String? = nil, byName: String? = nil, channel: String) {
        self.at = at
        self.by = by
        self.byName = byName
        self.channel = channel
    }
}

/// Where one alert stands with one organisation it concerns, as the store keeps it, with what the reach report
/// needs to say why an organisation is still uninformed.
public struct OrganisationReach: Codable, Sendable, Hashable {
    public var alertId: String
    public var orgId: String
    public var orgName: String
    /// The organisation's region as routing sees it (`Region.all` for a national body, nil for none).
    public var region: String?
    public var clearance: TLP
    /// When the alert first concerned the organisation (the publication of the revision that did), and which
    /// revision that was.
    public var concernedAt: Date
    public var concernedRevision: Int
    /// Whether the alert matches the organisation's declared inventory.
    public var inventory: Bool
    public var delivered: ReachMark?
    public var seen: ReachMark?
    public var acknowledged: ReachMark?
    /// What the acknowledgement said, and the revision it acknowledged.
    public var note: String?
    public var acknowledgedRevision: Int?
    /// The organisation's active subscriptions now, and the deliveries of this alert to it, newest state of each.
    public var activeSubscriptions: Int
    public var deliveries: [DeliveryStanding]

    public init(alertId: String, orgId: String, orgName: String, region: String?, clearance: TLP, concernedAt: Date, concernedRevision: Int,
                inventory: Bool = false, delivered: ReachMark? = nil, seen: ReachMark? = nil, acknowledged: ReachMark? = nil,
                note: String? = nil, acknowledgedRevision: Int? = nil, activeSubscriptions: Int = 0, deliveries: [DeliveryStanding] = []) {
        self.alertId = alertId
        self.orgId = orgId
        self.orgName = orgName
        self.region = region
        self.clearance = clearance
        self.concernedAt = concernedAt
        self.concernedRevision = concernedRevision
        self.inventory = inventory
        self.delivered = delivered
        self.seen = seen
        self.acknowledged = acknowledged
        self.note = note
        self.acknowledgedRevision = acknowledgedRevision
        self.activeSubscriptions = activeSubscriptions
        self.deliveries = deliveries
    }

    /// The furthest step reached.
    public var step: ReachStep {
        if acknowledged != nil { return .acknowledged }
        if seen != nil { return .seen }
        if delivered != nil { return .delivered }
        return .concerned
    }
}

/// One delivery of an alert to an organisation, as the reach report reads it.
public struct DeliveryStanding: Codable, Sendable, Hashable {
    public var subscriptionId: String
    public var channel: Channel
    public var revision: Int
    public var state: DeliveryState
    public var lastError: String?
    public var lastStatus: Int?

    public init(subscriptionId: String, channel: Channel, revision: Int, state: DeliveryState, lastError: String? = nil, lastStatus: Int? = nil) {
        self.subscriptionId = subscriptionId
        self.channel = channel
        self.revision = revision
        self.state = state
        self.lastError = lastError
        self.lastStatus = lastStatus
    }
}

/// What recording an acknowledgement did.
public enum AcknowledgeOutcome: Sendable, Hashable {
    /// Recorded now.
    case recorded(ReachMark)
    /// Someone had already acknowledged this revision's content: who, when and with what note. Not an error.
    case already(ReachMark, note: String?)
}

/// When acknowledgement is asked again. Pure.
public enum AcknowledgementPolicy {
    /// Whether `next` reopens the acknowledgement of `previous`: a change of severity, marking, indicators or
    /// affected products is news the organisation must acknowledge again; a typo fixed in the text is not, and a
    /// cancellation asks nothing more.
    public static func reopens(previous: Alert?, next: Alert) -> Bool {
        guard let previous, next.status != .cancelled else { return false }
        return previous.severity != next.severity || previous.tlp != next.tlp
            || Set(previous.indicators) != Set(next.indicators) || previous.affectedProducts != next.affectedProducts
    }

    /// The organisations an alert revision concerns: every one its marking and regions let read it (a subscription
    /// filter narrows what is pushed, not who is concerned). A backfilled revision concerns no one new.
    /// The list is filtered in place when the caller hands it over: tens of thousands of organisations make no second list.
    public static func audience(of alert: Alert, among organisations: consuming [AudienceMember]) -> [AudienceMember] {
        guard !alert.isBackfilled else { return [] }
        let kinds = Set(alert.kinds ?? [])
        var members = consume organisations
        members.removeAll { member in
            guard alert.refusal(clearance: member.clearance, region: member.region) == nil else { return true }
            return !(kinds.isEmpty || member.kind.map(kinds.contains) == true)
        }
        return members
    }
}

/// An organisation as the audience rule reads it.
public struct AudienceMember: Sendable, Hashable {
    /// Held compact (`CompactID`): the audience rule reads every organisation of the directory.
    public var orgKey: CompactID
    public var orgId: String { orgKey.text }
    public var clearance: TLP
    /// `Region.all` for a national body, nil for none.
    public var region: String?
    /// The organisation's kind, for alerts meant for some kinds only; nil when unknown.
    public var kind: Organisation.Kind?

    public init(orgId: String, clearance: TLP, region: String?, kind: Organisation.Kind? = nil) {
        self.kind = kind
        orgKey = CompactID(orgId)
        self.clearance = clearance
        self.region = region
    }
}

/// The data of an `alert.acknowledged` event, as the organisation's own subscriptions receive it.
public struct AcknowledgedEvent: Codable, Sendable, Hashable {
    public static let type = "alert.acknowledged"

    public var alertId: String
    /// The revision that was current, and so acknowledged.
    public var revision: Int
    public var orgId: String
    public var acknowledgedAt: Date
    /// Who: a contact's name or address, a token's label, or the reference (`token:<id>`) when it has none.
    public var by: String
    /// How: `link`, `api`, `cap`.
    public var channel: String
    public var note: String?

    public init(alertId: String, revision: Int, orgId: String, mark: ReachMark, note: String?) {
        self.alertId = alertId
        self.revision = revision
        self.orgId = orgId
        self.acknowledgedAt = mark.at
        self.by = mark.byName ?? mark.by ?? ""
        self.channel = mark.channel
        self.note = note
    }
}
