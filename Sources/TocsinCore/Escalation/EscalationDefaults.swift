import Foundation

/// The broker-wide escalation settings routing reads: whether escalation runs at all, and the default policy from the
/// configuration, which applies after the defaults stored through the API and after an organisation's own.
public struct EscalationDefaults: Sendable, Hashable {
    public var enabled: Bool
    public var defaultPolicy: EscalationPolicy?

    public init(enabled: Bool = true, defaultPolicy: EscalationPolicy? = EscalationDefaults.standardPolicy) {
        self.enabled = enabled
        self.defaultPolicy = defaultPolicy
    }

    /// The id the configured default policy goes by in the steps it schedules.
    public static let configuredPolicyId = "default"

    /// Critical alerts that concern the organisation's declared inventory: the deputy after 30 minutes without
    /// acknowledgement, whoever is on call after an hour, the region's ARS after two.
    public static let standardPolicy = EscalationPolicy(
        id: configuredPolicyId, orgId: nil, name: "Critical alerts concerning the inventory",
        match: EscalationMatch(minSeverity: .critical, concernsInventory: true),
        steps: [
            EscalationStep(after: ISO8601Duration(minutes: 30), roles: [.deputy]),
            EscalationStep(after: ISO8601Duration(hours: 1), roles: [.oncall]),
            EscalationStep(after: ISO8601Duration(hours: 2), regionARS: true),
        ],
        repeats: 0)

    /// The policies in force: those stored (organisations' own and defaults, oldest first), then the configured
    /// default; none when escalation is off.
    public func policies(stored: [EscalationPolicy]) -> [EscalationPolicy] {
        guard enabled else { return [] }
        return stored + (defaultPolicy.map { [$0] } ?? [])
    }

    /// A default policy from its JSON (the policy document the API takes, without an organisation), checked.
    public static func policy(json: Data) throws -> EscalationPolicy {
        let input = try StrictJSONDecoder().decode(EscalationPolicyInput.self, from: json)
        var policy = try input.makePolicy(id: configuredPolicyId, now: Date(timeIntervalSince1970: 0))
        guard policy.orgId == nil else { throw ValidationError(field: "orgId", message: "is not taken by the default policy") }
        policy.createdAt = nil
        policy.updatedAt = nil
        return policy
    }
}
