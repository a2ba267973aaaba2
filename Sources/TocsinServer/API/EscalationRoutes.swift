import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// `/api/v1/escalation-policies`: who is told next when an alert stays unacknowledged, and when; and
/// `/api/v1/alerts/{id}/escalations`: the steps an alert scheduled and where each stands.
///
/// Admins manage every policy, the broker-wide defaults (no `orgId`) included. A subscriber manages its own
/// organisation's policies only: `orgId` is its own whatever it sends, and another organisation's policy does not
/// exist for it (404). A policy applies to alerts published after it was saved: running alerts keep the steps they
/// were given.
struct EscalationRoutes {
    let env: APIEnvironment

    /// At most this many policies per organisation, and this many broker-wide defaults.
    static let maximumPerOrganisation = 50

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("escalation-policies", use: list)
        group.post("escalation-policies", use: create)
        group.get("escalation-policies/:id", use: show)
        group.patch("escalation-policies/:id", use: update)
        group.delete("escalation-policies/:id", use: delete)
        group.get("alerts/:id/escalations", use: steps)
    }

    /// The organisation a subscriber acts for, or nil for an admin.
    private func scope(_ context: TocsinRequestContext, action: String) throws -> (principal: Principal, orgId: String?) {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .subscriber], to: action)
        guard principal.role == .subscriber else { return (principal, nil) }
        guard let orgId = principal.orgId else { throw Problem.forbidden("the token is bound to no organisation") }
        return (principal, orgId)
    }

    /// The policy with the path's id, if the caller may manage it.
    private func policy(_ context: TocsinRequestContext, own orgId: String?) async throws -> EscalationPolicy {
        let id = try context.parameters.require("id")
        guard let policy = try await env.store.escalationPolicy(id: id), orgId == nil || policy.orgId == orgId else {
            throw Problem.notFound("escalation policy \(id) not found")
        }
        return policy
    }

    /// Refuses a policy naming an organisation that does not exist, as its field; only admins may send notices to
    /// other organisations by name (a subscriber reaches its region's ARS through `regionARS`).
    private func checkOrganisations(_ policy: EscalationPolicy, own: String?) async throws {
        if own != nil, let index = policy.steps.firstIndex(where: { !$0.orgs.isEmpty }) {
            throw Problem.validation("only an admin may name other organisations; use regionARS for the region's ARS", field: "steps[\(index)].orgs")
        }
        if let orgId = policy.orgId, try await env.store.organisation(id: orgId) == nil {
            throw Problem.validation("orgId names no organisation", field: "orgId")
        }
        for (index, step) in policy.steps.enumerated() {
            for (i, org) in step.orgs.enumerated() where try await env.store.organisation(id: org) == nil {
                throw Problem.validation("steps[\(index)].orgs[\(i)] names no organisation", field: "steps[\(index)].orgs[\(i)]")
            }
        }
    }

    @Sendable func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (_, own) = try scope(context, action: "read escalation policies")
        var policies = try await env.store.escalationPolicies()
        if let own { policies = policies.filter { $0.orgId == own } }
        if let filter = request.query("orgId") { policies = policies.filter { $0.orgId == filter } }
        let configured = own == nil && env.configuration.escalation.enabled ? env.configuration.escalation.defaultPolicy : nil
        return try JSONResponse.make(PolicyList(items: policies, configuredDefault: configured, enabled: env.configuration.escalation.enabled))
    }

    @Sendable func create(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (_, own) = try scope(context, action: "manage escalation policies")
        var input = try await request.decodeJSON(EscalationPolicyInput.self, limit: env.maxBody)
        if let own { input.orgId = .some(own) }
        let policy = try input.makePolicy()
        try await checkOrganisations(policy, own: own)
        let existing = try await env.store.escalationPolicies().filter { $0.orgId == policy.orgId }.count
        guard existing < Self.maximumPerOrganisation else {
            throw Problem.conflict("\(policy.orgId == nil ? "the broker" : "the organisation") already has \(Self.maximumPerOrganisation) escalation policies; change or delete one")
        }
        try await env.store.saveEscalationPolicy(policy)
        context.logger.info("escalation policy created", metadata: ["policy": "\(policy.id)", "org": "\(policy.orgId ?? "default")"])
        return try JSONResponse.make(policy, status: .created, headers: [.location: "/api/v1/escalation-policies/\(policy.id)"])
    }

    @Sendable func show(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (_, own) = try scope(context, action: "read escalation policies")
        return try JSONResponse.make(try await policy(context, own: own))
    }

    @Sendable func update(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (_, own) = try scope(context, action: "manage escalation policies")
        let current = try await policy(context, own: own)
        var input = try await request.decodeJSON(EscalationPolicyInput.self, limit: env.maxBody)
        if let own { input.orgId = .some(own) }
        let next = try input.apply(to: current)
        try await checkOrganisations(next, own: own)
        try await env.store.saveEscalationPolicy(next)
        context.logger.info("escalation policy changed", metadata: ["policy": "\(next.id)"])
        return try JSONResponse.make(next)
    }

    @Sendable func delete(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (_, own) = try scope(context, action: "manage escalation policies")
        let current = try await policy(context, own: own)
        guard try await env.store.deleteEscalationPolicy(id: current.id) else { throw Problem.notFound("escalation policy \(current.id) not found") }
        context.logger.info("escalation policy deleted", metadata: ["policy": "\(current.id)"])
        return Response(status: .noContent)
    }

    /// The steps an alert scheduled, for admins and publishers.
    @Sendable func steps(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher], to: "read an alert's escalations")
        let id = try context.parameters.require("id")
        guard try await env.store.alert(id: id) != nil else { throw Problem.notFound("alert \(id) not found") }
        // A mail server's refusal may quote an address: the detail is for admins, who see the contacts anyway.
        let admin = principal.role == .admin
        return try JSONResponse.make(StepList(items: try await env.store.escalations(alertId: id).map { StepView($0, detail: admin) }))
    }

    struct PolicyList: Encodable {
        var items: [EscalationPolicy]
        /// The default policy of the configuration, which applies after the stored ones (admins only).
        var configuredDefault: EscalationPolicy?
        var enabled: Bool

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(items, forKey: .items)
            try c.encode(configuredDefault, forKey: .configuredDefault)
            try c.encode(enabled, forKey: .enabled)
        }

        enum CodingKeys: String, CodingKey { case items, configuredDefault, enabled }
    }

    struct StepList: Encodable {
        var items: [StepView]
    }

    /// A step as the API shows it: no contact, no address.
    struct StepView: Encodable {
        var id: String
        var orgId: String
        var policyId: String?
        var step: Int
        var round: Int
        var dueAt: Date
        var after: String
        var state: String
        var targets: EscalationTargets
        var attempts: Int
        var sentAt: Date?
        var lastError: String?

        init(_ record: EscalationStepRecord, detail: Bool) {
            id = record.id
            orgId = record.orgId
            policyId = record.policyId
            step = record.step
            round = record.round
            dueAt = record.dueAt
            after = record.after.description
            state = record.state.rawValue
            targets = record.targets
            attempts = record.attempts
            sentAt = record.sentAt
            lastError = detail || [.cancelled, .skipped].contains(record.state) ? record.lastError : record.lastError.map { _ in "withheld: an admin reads it" }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(orgId, forKey: .orgId)
            try c.encode(policyId, forKey: .policyId)
            try c.encode(step, forKey: .step)
            try c.encode(round, forKey: .round)
            try c.encode(dueAt, forKey: .dueAt)
            try c.encode(after, forKey: .after)
            try c.encode(state, forKey: .state)
            try c.encode(targets, forKey: .targets)
            try c.encode(attempts, forKey: .attempts)
            try c.encode(sentAt, forKey: .sentAt)
            try c.encode(lastError, forKey: .lastError)
        }

        enum CodingKeys: String, CodingKey { case id, orgId, policyId, step, round, dueAt, after, state, targets, attempts, sentAt, lastError }
    }
}
