import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// `PUT /api/v1/orgs/{id}/compromised` flags an organisation whose own systems may be in the attacker's hands, and
/// `DELETE` clears the flag: while flagged, its deliveries go by email to its out-of-band contacts only, never to its
/// webhooks or its own mail server. The organisation itself (its subscriber token) or the CERT (admins, publishers)
/// may switch it; each switch is audited (`organisation.compromise`, `organisation.restore`).
struct CompromiseRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.put("orgs/:id/compromised", use: flag)
        group.delete("orgs/:id/compromised", use: clear)
    }

    @Sendable func flag(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try await set(true, context: context)
    }

    @Sendable func clear(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try await set(false, context: context)
    }

    func set(_ compromised: Bool, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher, .subscriber], to: "flag an organisation compromised")
        let id = try context.parameters.require("id")
        if principal.role == .subscriber, principal.orgId != id { throw Problem.notFound("organisation \(id) not found") }
        guard var org = try await env.store.organisation(id: id) else { throw Problem.notFound("organisation \(id) not found") }
        if compromised, !org.contacts.contains(where: \.outOfBand) {
            throw Problem.validation("organisation \(id) has no out-of-band contact: add one (\"outOfBand\": true) first, "
                                     + "or its alerts would reach no one", field: "contacts")
        }
        if org.compromised != compromised {
            org.compromised = compromised
            org.updatedAt = Date()
            try await env.store.updateOrganisation(org)
        }
        if compromised { try await ensureOutOfBandSubscription(org) }
        context.logger.warning("organisation compromised flag switched", metadata: ["org": "\(id)", "compromised": "\(compromised)"])
        return try JSONResponse.make(OrganisationView(org, for: principal))
    }

    /// The email subscription to the out-of-band contacts, made when the organisation has none active, so that the
    /// flag never silences it.
    func ensureOutOfBandSubscription(_ org: Organisation) async throws {
        var page = PageRequest(limit: 500)
        repeat {
            let batch = try await env.store.subscriptions(orgId: org.id, page: page)
            if batch.items.contains(where: { $0.active && $0.channel.rawValue == "email" && $0.target == RoleAddress.outOfBandTarget }) { return }
            page.cursor = batch.nextCursor
        } while page.cursor != nil
        let subscription = Subscription(orgId: org.id, channel: Channel(rawValue: "email"), target: RoleAddress.outOfBandTarget,
                                        filter: SubscriptionFilter())
        try await env.store.createSubscription(subscription, secret: SubscriptionSecret.Kind.unsubscribe.make())
    }
}
