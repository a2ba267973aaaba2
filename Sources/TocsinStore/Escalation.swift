import Foundation
import TocsinCore

/// Escalation: the policies organisations and admins declare, and the steps each alert schedules, durable rows
/// due at a time and claimed under a lease like deliveries.
///
/// Steps are written with the revision that concerns an organisation (`RoutingPlan.escalations`, in the alert log's
/// transaction), at most once per alert, organisation, step and round. Claiming cancels, in the same transaction,
/// every due step of an alert the organisation acknowledged or the publisher cancelled.
public protocol EscalationStore: Sendable {
    /// Every policy, broker-wide defaults and organisations' own, oldest first.
    func escalationPolicies() async throws -> [EscalationPolicy]
    /// The policies as they stand unless they have not changed since version `known`: then nil policies.
    func escalationPolicies(unlessVersion known: Int64?) async throws -> (version: Int64, policies: [EscalationPolicy]?)
    func escalationPolicy(id: String) async throws -> EscalationPolicy?
    /// Creates or replaces the policy with this id.
    func saveEscalationPolicy(_ policy: EscalationPolicy) async throws
    func deleteEscalationPolicy(id: String) async throws -> Bool
    /// Takes up to `limit` due steps under a lease until `leaseUntil`, with what sending them needs; due steps of an
    /// alert acknowledged by the organisation, or cancelled, become `cancelled` instead.
    /// Ends now the leases of every claimed step, for a broker starting on a store that it alone serves, so a
    /// step a killed process had claimed is sent again at once. Returns how many were taken back.
    func reclaimAbandonedEscalations(now: Date) async throws -> Int
    func claimDueEscalations(now: Date, leaseUntil: Date, limit: Int) async throws -> [ClaimedEscalation]
    /// Records what became of a claimed step. Only the holder of the current claim (same `attempts`) moves it on;
    /// a `sent` step also appends an `escalated` row to the reach history. Returns false when the claim was lost.
    @discardableResult
    func recordEscalation(_ result: EscalationResult) async throws -> Bool
    /// The earliest date a waiting step falls due (a claimed one: when its lease ends).
    func nextEscalationDueDate() async throws -> Date?
    /// The steps of an alert, in the order they fall due.
    func escalations(alertId: String) async throws -> [EscalationStepRecord]
    /// Counts of steps by state, for metrics.
    func escalationCounts() async throws -> [EscalationStepState: Int]
}

/// Where one escalation step stands.
public enum EscalationStepState: String, Codable, Sendable, CaseIterable {
    case pending
    case inFlight = "in_flight"
    case sent
    /// The organisation acknowledged, or the alert was cancelled, before it fell due.
    case cancelled
    /// Nobody to write to (no contact holds the roles), or every send failed.
    case skipped
    case failed
}

/// One step of one alert for one organisation, as stored.
public struct EscalationStepRecord: Codable, Sendable, Hashable {
    public var id: String
    public var alertId: String
    public var orgId: String
    public var policyId: String?
    public var step: Int
    public var round: Int
    public var dueAt: Date
    public var state: EscalationStepState
    public var targets: EscalationTargets
    public var after: ISO8601Duration
    public var attempts: Int
    public var leaseUntil: Date?
    public var sentAt: Date?
    public var lastError: String?

    public init(id: String, alertId: String, orgId: String, policyId: String?, step: Int, round: Int, dueAt: Date, state: EscalationStepState,
                targets: EscalationTargets, after: ISO8601Duration, attempts: Int = 0, leaseUntil: Date? = nil, sentAt: Date? = nil,
                lastError: String? = nil) {
        self.id = id
        self.alertId = alertId
        self.orgId = orgId
        self.policyId = policyId
        self.step = step
        self.round = round
        self.dueAt = dueAt
        self.state = state
        self.targets = targets
        self.after = after
        self.attempts = attempts
        self.leaseUntil = leaseUntil
        self.sentAt = sentAt
        self.lastError = lastError
    }
}

/// A step taken from the store with what sending it needs: the alert as it stands now and the organisation that
/// must acknowledge, read at send time.
public struct ClaimedEscalation: Sendable {
    public var record: EscalationStepRecord
    public var alert: Alert
    public var organisation: Organisation

    public init(record: EscalationStepRecord, alert: Alert, organisation: Organisation) {
        self.record = record
        self.alert = alert
        self.organisation = organisation
    }
}

/// What became of a claimed step.
public struct EscalationResult: Sendable {
    public var id: String
    /// The claim's attempt number, so a worker whose lease was taken over records nothing.
    public var attempts: Int
    public var state: EscalationStepState
    public var at: Date
    /// Why it was skipped or failed, or which sends failed when some succeeded; never names a person.
    public var error: String?
    /// For the reach history: who was written to, as references (`contact:<id>`).
    public var recipients: [String]

    public init(id: String, attempts: Int, state: EscalationStepState, at: Date, error: String? = nil, recipients: [String] = []) {
        self.id = id
        self.attempts = attempts
        self.state = state
        self.at = at
        self.error = error
        self.recipients = recipients
    }
}
