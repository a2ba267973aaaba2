import Foundation
import Hummingbird
import TocsinCore
import TocsinPipeline
import TocsinStore

/// `/api/v1/alerts`: publish, list, read, revise and cancel alerts.
struct AlertRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("alerts", use: publish)
        group.get("alerts", use: list)
        group.get("alerts/:id", use: show)
        group.get("alerts/:id/revisions/:revision", use: showRevision)
        group.post("alerts/:id/revisions", use: revise)
        group.post("alerts/:id/cancel", use: cancel)
    }

    /// An alert as stored plus how many deliveries its revision queued.
    struct Published: Encodable {
        var alert: AlertView
        var deliveriesQueued: Int

        func encode(to encoder: any Encoder) throws {
            try alert.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(deliveriesQueued, forKey: .deliveriesQueued)
        }

        enum CodingKeys: String, CodingKey { case deliveriesQueued }
    }

    /// An alert as a caller sees it: what recipients receive, plus who published it for admins and publishers only.
    struct AlertView: Encodable {
        var alert: Alert
        var showsPublisher: Bool

        init(_ alert: Alert, for principal: Principal) {
            self.alert = alert
            showsPublisher = principal.role == .admin || principal.role == .publisher
        }

        func encode(to encoder: any Encoder) throws {
            try alert.encode(to: encoder)
            guard showsPublisher else { return }
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(alert.publishedBy, forKey: .publishedBy)
            try container.encodeIfPresent(alert.publisherOrgId, forKey: .publisherOrgId)
        }

        enum CodingKeys: String, CodingKey { case publishedBy, publisherOrgId }
    }


    @Sendable func publish(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher, .relay], to: "publish alerts")
        let draft = try await request.decodeJSON(AlertDraft.self, limit: env.maxBody)
        let result = try await env.pipeline.publish(draft, source: principal.role == .relay ? "relay" : "api", publishedBy: principal.tokenId,
                                                    publisherOrgId: principal.orgId)
        let alert = result.alert
        env.published()
        context.logger.info("alert published", metadata: ["alert": "\(alert.id)", "deliveries": "\(result.deliveriesQueued)"])
        return try JSONResponse.make(Published(alert: AlertView(alert, for: principal), deliveriesQueued: result.deliveriesQueued),
                                     status: .created, headers: [.location: "/api/v1/alerts/\(alert.id)"])
    }

    @Sendable func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let scope = try await env.readScope(of: principal)
        var query = AlertQuery(page: try Self.page(request), clearance: scope?.clearance,
                               orgRegion: scope.map { scope -> String? in scope.region })
        if let text = request.query("minSeverity") {
            guard let severity = Severity(rawValue: text) else { throw Problem.validation("minSeverity must be critical, high, medium, low or info", field: "minSeverity") }
            query.minSeverity = severity
        }
        if let text = request.query("status") {
            guard let status = AlertStatus(rawValue: text) else { throw Problem.validation("status must be published, updated or cancelled", field: "status") }
            query.status = status
        }
        if let text = request.query("since") {
            guard let date = RFC3339.parseStrict(text) else { throw Problem.validation("since must be an RFC 3339 date-time", field: "since") }
            query.since = date
        }
        query.category = request.query("category")
        query.cve = request.query("cve")
        let page = try await env.store.alerts(query)
        await env.markSeen(page.items.map(\.id), by: principal, channel: "api", logger: context.logger)
        return try JSONResponse.make(ListBody(items: page.items.map { AlertView($0, for: principal) }, nextCursor: page.nextCursor))
    }

    @Sendable func show(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        guard let alert = try await env.store.alert(id: id), try await visible(alert, to: principal) else {
            throw Problem.notFound("alert \(id) not found")
        }
        await env.markSeen([alert.id], by: principal, channel: "api", logger: context.logger)
        if STIXMedia.accepts(request) { return try await env.stixBundle(alert, for: principal) }
        return try JSONResponse.make(AlertView(alert, for: principal))
    }

    @Sendable func showRevision(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        guard let revision = context.parameters.get("revision", as: Int.self), revision >= 1 else {
            throw Problem.validation("the revision must be a positive integer", field: "revision")
        }
        guard let alert = try await env.store.alert(id: id, revision: revision), try await visible(alert, to: principal) else {
            throw Problem.notFound("alert \(id) has no revision \(revision)")
        }
        await env.markSeen([alert.id], by: principal, channel: "api", logger: context.logger)
        return try JSONResponse.make(AlertView(alert, for: principal))
    }

    @Sendable func revise(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher, .relay], to: "revise alerts")
        let id = try context.parameters.require("id")
        let body = try await request.jsonBody(limit: env.maxBody)
        let result = try await env.pipeline.revise(alertId: id, patch: body, access: try await env.access(of: principal), publishedBy: principal.tokenId)
        guard result.stored else {
            context.logger.info("alert revision changed nothing", metadata: ["alert": "\(id)", "revision": "\(result.alert.revision)"])
            return try JSONResponse.make(Published(alert: AlertView(result.alert, for: principal), deliveriesQueued: 0))
        }
        env.published()
        context.logger.info("alert revised", metadata: ["alert": "\(id)", "revision": "\(result.alert.revision)", "deliveries": "\(result.deliveriesQueued)"])
        return try JSONResponse.make(Published(alert: AlertView(result.alert, for: principal), deliveriesQueued: result.deliveriesQueued),
                                     status: .created, headers: [.location: "/api/v1/alerts/\(id)/revisions/\(result.alert.revision)"])
    }

    struct CancelBody: Decodable { var reason: String? }

    @Sendable func cancel(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher, .relay], to: "cancel alerts")
        let id = try context.parameters.require("id")
        var reason: String?
        if request.headers[.contentLength] != "0", request.headers[.contentType] != nil {
            reason = try await request.decodeJSON(CancelBody.self, limit: env.maxBody).reason
        }
        if let reason, reason.count > 2_000 { throw Problem.validation("reason is longer than 2000 characters", field: "reason") }
        let result = try await env.pipeline.cancel(alertId: id, reason: reason, access: try await env.access(of: principal), publishedBy: principal.tokenId)
        env.published()
        context.logger.info("alert cancelled", metadata: ["alert": "\(id)", "deliveries": "\(result.deliveriesQueued)"])
        return try JSONResponse.make(Published(alert: AlertView(result.alert, for: principal), deliveriesQueued: result.deliveriesQueued))
    }

    private func visible(_ alert: Alert, to principal: Principal) async throws -> Bool {
        try await env.readScope(of: principal)?.allows(alert) ?? true
    }

    static func page(_ request: Request, defaultLimit: Int = 50, maximum: Int = 500) throws -> PageRequest {
        var limit = defaultLimit
        if let text = request.query("limit") {
            guard let value = Int(text), (1...maximum).contains(value) else {
                throw Problem.validation("limit must be from 1 to \(maximum)", field: "limit")
            }
            limit = value
        }
        return PageRequest(limit: limit, cursor: request.query("cursor"))
    }
}
