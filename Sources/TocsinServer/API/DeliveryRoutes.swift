import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// `/api/v1/deliveries`: the ledger of who was sent what, when, and how it went.
struct DeliveryRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("deliveries", use: list)
        group.get("deliveries/:id", use: show)
        group.post("deliveries/:id/redeliver", use: redeliver)
    }

    @Sendable func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var query = DeliveryQuery(page: try AlertRoutes.page(request))
        query.alertId = request.query("alertId")
        query.subscriptionId = request.query("subscriptionId")
        query.orgId = try env.scopedOrgId(principal, requested: request.query("orgId"))
        if let text = request.query("state") {
            guard let state = DeliveryState(rawValue: text) else {
                throw Problem.validation("state must be pending, in_flight, delivered, retry_scheduled or dead", field: "state")
            }
            query.state = state
        }
        let page = try await env.store.deliveries(query)
        return try JSONResponse.make(ListBody(items: page.items.map { Self.visible($0, to: principal) }, nextCursor: page.nextCursor))
    }

    /// What an organisation declared it runs is its own business: a delivery's `concerns` are shown to admins and
    /// to the organisation it went to, not to publishers reading the ledger.
    static func visible(_ delivery: Delivery, to principal: Principal) -> Delivery {
        guard principal.role != .admin, principal.orgId != delivery.orgId else { return delivery }
        var redacted = delivery
        redacted.concerns = []
        // Where another organisation's deliveries go (an address, a URL that may carry a key) is not a publisher's business.
        redacted.target = nil
        return redacted
    }

    /// A delivery with every attempt made at it.
    struct Detail: Encodable {
        var delivery: Delivery
        var history: [DeliveryAttempt]

        func encode(to encoder: any Encoder) throws {
            try delivery.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(history, forKey: .history)
        }

        enum CodingKeys: String, CodingKey { case history }
    }

    @Sendable func show(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let delivery = try await visibleDelivery(request, context)
        let principal = try context.requirePrincipal()
        return try JSONResponse.make(Detail(delivery: Self.visible(delivery, to: principal), history: try await env.store.attempts(deliveryId: delivery.id)))
    }

    @Sendable func redeliver(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let delivery = try await visibleDelivery(request, context)
        let requeued = try await env.store.redeliver(id: delivery.id, now: Date())
        env.worker?.wake()
        context.logger.info("delivery requeued", metadata: ["delivery": "\(delivery.id)"])
        return try JSONResponse.make(Self.visible(requeued, to: try context.requirePrincipal()), status: .accepted)
    }

    private func visibleDelivery(_ request: Request, _ context: TocsinRequestContext) async throws -> Delivery {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        guard let delivery = try await env.store.delivery(id: id),
              try env.scopedOrgId(principal, requested: nil).map({ $0 == delivery.orgId }) ?? true else {
            throw Problem.notFound("delivery \(id) not found")
        }
        return delivery
    }
}
