import Foundation

/// Whom one escalation step tells, snapshotted from its policy when the alert was published, so that a later edit
/// of the policy changes nothing for the alerts already running.
public struct EscalationTargets: Codable, Sendable, Hashable {
    public var roles: [ContactRole]
    public var orgs: [String]
    public var regionARS: Bool

    public init(roles: [ContactRole] = [], orgs: [String] = [], regionARS: Bool = false) {
        self.roles = roles
        self.orgs = orgs
        self.regionARS = regionARS
    }

    enum CodingKeys: String, CodingKey { case roles, orgs, regionARS }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        roles = try c.decodeIfPresent([ContactRole].self, forKey: .roles) ?? []
        orgs = try c.decodeIfPresent([String].self, forKey: .orgs) ?? []
        regionARS = try c.decodeIfPresent(Bool.self, forKey: .regionARS) ?? false
    }
}

/// One step to fire for one alert and one organisation, unless the organisation acknowledges first.
public struct PlannedEscalationStep: Sendable, Hashable {
    public var orgId: String
    public var policyId: String
    /// The step's place in its policy (0-based) and the round (0 for the first pass, up to the policy's repeat count).
    public var step: Int
    public var round: Int
    public var dueAt: Date
    public var targets: EscalationTargets
    /// The time without acknowledgement the notice names: the step's delay plus the rounds before it.
    public var after: ISO8601Duration

    public init(orgId: String, policyId: String, step: Int, round: Int, dueAt: Date, targets: EscalationTargets, after: ISO8601Duration) {
        self.orgId = orgId
        self.policyId = policyId
        self.step = step
        self.round = round
        self.dueAt = dueAt
        self.targets = targets
        self.after = after
    }
}

/// Turns the policy in force into the steps of one alert for one organisation. Pure: no I/O, no clock.
public enum EscalationPlanner {
    /// Every step of every round of `policy`, due its delay after `concernedAt`; round `r` is shifted by `r` times the
    /// last step's delay. An alert the policy does not apply to, a cancellation and a backfilled revision get none.
    public static func steps(_ policy: EscalationPolicy, alert: Alert, orgId: String, concernedAt: Date, inventory: Bool) -> [PlannedEscalationStep] {
        guard alert.status != .cancelled, !alert.isBackfilled, policy.applies(to: alert, inventory: inventory),
              let period = policy.steps.last?.after else { return [] }
        var planned: [PlannedEscalationStep] = []
        for round in 0...max(policy.repeats, 0) {
            for (index, step) in policy.steps.enumerated() {
                let seconds = Int(step.after.timeInterval) + round * Int(period.timeInterval)
                let after = ISO8601Duration(days: seconds / 86_400, hours: seconds % 86_400 / 3_600, minutes: seconds % 3_600 / 60, seconds: seconds % 60)
                planned.append(PlannedEscalationStep(
                    orgId: orgId, policyId: policy.id, step: index, round: round, dueAt: concernedAt.addingTimeInterval(TimeInterval(seconds)),
                    targets: EscalationTargets(roles: step.roles, orgs: step.orgs, regionARS: step.regionARS), after: after))
            }
        }
        return planned
    }

    /// The steps for every organisation a revision concerns, with the policies in force now: the organisation's own
    /// first, then the defaults (`EscalationPolicy.choose`). `inventory` says which of them the alert concerns.
    public static func steps(for alert: Alert, concerned: [(orgId: String, inventory: Bool)], policies: [EscalationPolicy],
                             concernedAt: Date) -> [PlannedEscalationStep] {
        concerned.flatMap { org -> [PlannedEscalationStep] in
            guard let policy = EscalationPolicy.choose(from: policies, orgId: org.orgId, alert: alert, inventory: org.inventory) else { return [] }
            return steps(policy, alert: alert, orgId: org.orgId, concernedAt: concernedAt, inventory: org.inventory)
        }
    }
}

/// Someone one escalation step writes to, found at send time.
public struct EscalationRecipient: Sendable, Hashable {
    public var contact: Contact
    /// The organisation the contact belongs to, and whether it is the one that must acknowledge.
    public var orgId: String
    public var orgName: String
    public var ownOrganisation: Bool
    /// Whether the contact's organisation may read the alert; if not, the notice says only that an alert of this
    /// marking awaits acknowledgement, never what it says.
    public var mayRead: Bool
    public var locale: String

    public init(contact: Contact, orgId: String, orgName: String, ownOrganisation: Bool, mayRead: Bool, locale: String) {
        self.contact = contact
        self.orgId = orgId
        self.orgName = orgName
        self.ownOrganisation = ownOrganisation
        self.mayRead = mayRead
        self.locale = locale
    }
}

extension EscalationTargets {
    /// The people this step writes to: the organisation's contacts holding the step's roles; for `regionARS`, the
    /// `rssi` and `oncall` contacts of every organisation of kind ARS in the organisation's region; for each named
    /// organisation, its `rssi` and `oncall` contacts. Each address once. Another organisation not cleared for the
    /// alert's marking or region gets a notice without content (`mayRead` false). An organisation flagged compromised
    /// is written to at its out-of-band contacts only, whatever the roles: its own mail server may be the attacker's.
    /// Pure.
    public func recipients(for alert: Alert, organisation org: Organisation, directory: [Organisation]) -> [EscalationRecipient] {
        var seen = Set<String>()
        var out: [EscalationRecipient] = []
        func add(_ contact: Contact, of owner: Organisation) {
            guard seen.insert(contact.email.lowercased()).inserted else { return }
            let own = owner.id == org.id
            out.append(EscalationRecipient(contact: contact, orgId: owner.id, orgName: owner.name, ownOrganisation: own,
                                           mayRead: own || alert.refusal(clearance: owner.tlpClearance, region: owner.regionScope) == nil,
                                           locale: contact.locale ?? owner.locale))
        }
        if org.compromised {
            if !roles.isEmpty { for contact in org.contacts where contact.outOfBand { add(contact, of: org) } }
        } else {
            for role in roles {
                for contact in org.contacts(role) { add(contact, of: org) }
            }
        }
        var others: [Organisation] = []
        if regionARS, let region = org.region {
            others += directory.filter { $0.kind == .ars && $0.region == region && $0.id != org.id }
        }
        for id in orgs { if let named = directory.first(where: { $0.id == id }), named.id != org.id { others.append(named) } }
        for other in others {
            for contact in other.compromised ? other.contacts.filter(\.outOfBand) : other.contacts(.rssi) + other.contacts(.oncall) {
                add(contact, of: other)
            }
        }
        return out
    }
}
