import Foundation
import Hummingbird
import TocsinCore
import TocsinDelivery
import TocsinStore

/// `/api/v1/subscriptions`: what each organisation receives, and where.
struct SubscriptionRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("subscriptions", use: create)
        group.get("subscriptions", use: list)
        group.get("subscriptions/:id", use: show)
        group.patch("subscriptions/:id", use: update)
        group.delete("subscriptions/:id", use: delete)
        group.post("subscriptions/:id/rotate-secret", use: rotateSecret)
    }

    struct Input: Decodable {
        var orgId: String?
        var channel: Channel?
        var target: String?
        var filter: SubscriptionFilter?
        var active: Bool?
        var digest: DigestMode?
        var acknowledgements: Bool?
    }

    @Sendable func create(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .subscriber, .relay], to: "manage subscriptions")
        let input = try await request.decodeJSON(Input.self, limit: env.maxBody)
        let kind = try input.channel.map(Self.kind(of:))
        guard let orgId = try env.scopedOrgId(principal, requested: input.orgId) else {
            throw Problem.validation("orgId is required", field: "orgId")
        }
        guard let kind else {
            let names = ChannelRegistry.sentence(ChannelRegistry.channels.map(\.rawValue))
            throw Problem.validation("channel is required (\(names))", field: "channel")
        }
        guard try await env.store.organisation(id: orgId) != nil else { throw Problem.notFound("organisation \(orgId) not found") }
        let target = try checkTarget(input.target, kind: kind)
        let created = try SubscriptionIssuer.make(orgId: orgId, kind: kind, target: target,
                                                  filter: input.filter ?? SubscriptionFilter(), active: input.active ?? true,
                                                  digest: input.digest ?? .immediate)
        var subscription = created.subscription
        if let acknowledgements = input.acknowledgements {
            try Self.checkAcknowledgements(acknowledgements, kind: kind)
            subscription.acknowledgements = acknowledgements
        }
        try await env.store.createSubscription(subscription, secret: created.secret)
        context.logger.info("subscription created", metadata: ["subscription": "\(subscription.id)", "org": "\(orgId)", "channel": "\(subscription.channel)"])
        var answer = created
        answer.subscription = subscription
        return try JSONResponse.make(answer, status: .created, headers: [.location: "/api/v1/subscriptions/\(subscription.id)"])
    }

    @Sendable func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .subscriber, .relay], to: "list subscriptions")
        let orgId = try env.scopedOrgId(principal, requested: request.query("orgId"))
        let page = try await env.store.subscriptions(orgId: orgId, page: AlertRoutes.page(request))
        return try JSONResponse.make(ListBody(items: page.items, nextCursor: page.nextCursor))
    }

    @Sendable func show(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try JSONResponse.make(try await owned(request, context))
    }

    @Sendable func update(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        var subscription = try await owned(request, context)
        let input = try await request.decodeJSON(Input.self, limit: env.maxBody)
        if let channel = input.channel {
            _ = try Self.kind(of: channel)
            if channel != subscription.channel {
                throw Problem.validation("the channel of a subscription cannot change; create another", field: "channel")
            }
        }
        let kind = try SubscriptionIssuer.kind(of: subscription.channel)
        if let target = input.target { subscription.target = try checkTarget(target, kind: kind) }
        if let filter = input.filter { subscription.filter = try filter.validated() }
        if let digest = input.digest {
            try SubscriptionIssuer.checkDigest(digest, kind: kind)
            subscription.digest = digest
        }
        if let acknowledgements = input.acknowledgements {
            try Self.checkAcknowledgements(acknowledgements, kind: kind)
            subscription.acknowledgements = acknowledgements
        }
        if let active = input.active {
            subscription.active = active
            if active { subscription.disabledReason = nil }
        }
        subscription.updatedAt = Date()
        try await env.store.updateSubscription(subscription, digestDue: env.configuration.digests.due(after: Date(), mode: subscription.digest))
        return try JSONResponse.make(subscription)
    }

    struct RotateInput: Decodable { var overlap: String? }

    struct Rotated: Encodable {
        var id: String
        var secret: String
        var previousSecretValidUntil: Date
    }

    /// A new signing secret, shown once; the old one keeps signing alongside for `overlap` (default 24 h, at most
    /// 30 days), so the receiver can switch without losing a delivery.
    @Sendable func rotateSecret(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let subscription = try await owned(request, context)
        guard try SubscriptionIssuer.kind(of: subscription.channel).declaration.secret == .signing else {
            let names = ChannelRegistry.sentence(ChannelRegistry.channels(withSecret: .signing).map(\.rawValue), "and")
            throw Problem.validation("only \(names) subscriptions have a signing secret", field: "channel")
        }
        var overlap: TimeInterval = 86_400
        if request.headers[.contentLength] != "0", request.headers[.contentType] != nil,
           let text = try await request.decodeJSON(RotateInput.self, limit: env.maxBody).overlap {
            guard let value = DurationText.parse(text), value <= 30 * 86_400 else {
                throw Problem.validation("overlap must be a duration such as 24h, at most 30d", field: "overlap")
            }
            overlap = value
        }
        let secret = SubscriptionSecret.Kind.signing.make().value
        let until = Date().addingTimeInterval(overlap).millisecondPrecision
        guard try await env.store.rotateSecret(subscriptionId: subscription.id, secret: secret, overlapUntil: until) else {
            throw Problem.notFound("subscription \(subscription.id) not found")
        }
        context.logger.notice("signing secret rotated", metadata: ["subscription": "\(subscription.id)"])
        return try JSONResponse.make(Rotated(id: subscription.id, secret: secret, previousSecretValidUntil: until))
    }

    @Sendable func delete(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let subscription = try await owned(request, context)
        _ = try await env.store.deleteSubscription(id: subscription.id)
        context.logger.info("subscription deleted", metadata: ["subscription": "\(subscription.id)"])
        return Response(status: .noContent)
    }

    /// The subscription named in the path, if the caller may manage it (else 404, so ids are not probed).
    private func owned(_ request: Request, _ context: TocsinRequestContext) async throws -> Subscription {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .subscriber, .relay], to: "manage subscriptions")
        let id = try context.parameters.require("id")
        guard let subscription = try await env.store.subscription(id: id),
              principal.role == .admin || subscription.orgId == principal.orgId else {
            throw Problem.notFound("subscription \(id) not found")
        }
        return subscription
    }

    /// `alert.acknowledged` events are signed like alerts: only a channel that signs what it sends carries them.
    private static func checkAcknowledgements(_ wanted: Bool, kind: any ChannelKind.Type) throws {
        guard wanted, kind.declaration.secret != .signing else { return }
        let names = ChannelRegistry.sentence(ChannelRegistry.channels(withSecret: .signing).map(\.rawValue), "and")
        throw Problem.validation("only \(names) subscriptions receive acknowledgement events", field: "acknowledgements")
    }

    /// A channel named in a request, or a 422 naming the field, as a value outside an enum would be.
    private static func kind(of channel: Channel) throws -> any ChannelKind.Type {
        do {
            return try SubscriptionIssuer.kind(of: channel)
        } catch {
            throw Problem.validation("\(error.field): \(error.message)", field: error.field)
        }
    }

    private func checkTarget(_ target: String?, kind: any ChannelKind.Type) throws -> String {
        do {
            return try SubscriptionIssuer.checkTarget(target, kind: kind, settings: env.configuration.channels)
        } catch where error.guardRefusal {
            throw Problem(status: .unprocessableContent, slug: "target-refused", title: "Webhook target refused",
                          detail: error.message, field: "target")
        } catch {
            throw Problem.validation(error.message, field: "target")
        }
    }
}
