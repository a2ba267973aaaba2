import Foundation
import Hummingbird
import TocsinCore
import TocsinPipeline
import TocsinStore

/// `/api/v1/incidents`: the flash lane. An establishment declares an incident with its subscriber token and follows
/// it; the CERT (admins and publishers) triages the queue, talks with the declarant in the thread and turns the
/// incident into a flash alert. A declarant sees only its own incidents: another's answers 404, as an unknown one.
struct IncidentRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("incidents", use: declare)
        group.get("incidents", use: list)
        group.get("incidents/:id", use: show)
        group.post("incidents/:id/acknowledge", use: acknowledge)
        group.post("incidents/:id/close", use: close)
        group.get("incidents/:id/messages", use: messages)
        group.post("incidents/:id/messages", use: post)
        group.post("incidents/:id/indicators", use: addIndicators)
        group.post("incidents/:id/flash", use: flash)
    }

    /// An incident as its reader sees it, with its timeline.
    struct IncidentView: Encodable {
        var incident: Incident
        var timeline: IncidentTimeline

        func encode(to encoder: any Encoder) throws {
            try incident.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(timeline, forKey: .timeline)
        }

        enum CodingKeys: String, CodingKey { case timeline }
    }

    /// What a declaration answers: the incident, and the receipt saying what was kept and what was set aside.
    struct Receipt: Encodable {
        var id: String
        var status: Incident.Status
        var declaredAt: Date
        var indicatorsAccepted: Int
        var rejected: [IndicatorIntake.Rejection]
        var incident: Incident
    }

    /// The body of `POST …/indicators`: more indicators, listed or in attached documents.
    struct MoreIndicators: Codable {
        var indicators: [IndicatorIntake.Raw]?
        var attachments: [IncidentDeclaration.Attachment]?
    }

    /// The body of `POST …/messages`: the text, and for the declarant indicators found since.
    struct MessageBody: Codable {
        var body: String
        var indicators: [IndicatorIntake.Raw]?
    }

    /// What adding indicators answers.
    struct Added: Encodable {
        var added: Int
        var rejected: [IndicatorIntake.Rejection]
        /// The flash alert's new revision, when the incident has one and something was new.
        var flashRevision: Int?
        var message: IncidentMessage?
    }

    /// What flashing answers.
    struct Flashed: Encodable {
        var incident: Incident
        var alert: Alert
        var deliveriesQueued: Int
    }

    // MARK: Declaring and reading

    @Sendable func declare(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.subscriber], to: "declare incidents (use the organisation's subscriber token)")
        guard let orgId = principal.orgId, try await env.store.organisation(id: orgId) != nil else {
            throw Problem.forbidden("the token's organisation no longer exists")
        }
        let declaration = try await request.decodeJSON(IncidentDeclaration.self, limit: env.maxBody)
        let attached = IncidentAttachments.read(declaration.attachments ?? [])
        let (incident, rejected) = try declaration.incident(orgId: orgId, attached: attached, now: Date())
        try await env.store.createIncident(incident)
        context.logger.info("incident declared", metadata: [
            "incident": "\(incident.id)", "org": "\(orgId)", "indicators": "\(incident.indicators.count)", "rejected": "\(rejected.count)",
        ])
        return try JSONResponse.make(Receipt(id: incident.id, status: incident.status, declaredAt: incident.declaredAt,
                                             indicatorsAccepted: incident.indicators.count, rejected: rejected, incident: incident),
                                     status: .created, headers: [.location: "/api/v1/incidents/\(incident.id)"])
    }

    @Sendable func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let orgId: String?
        switch principal.role {
        case .admin, .publisher: orgId = nil
        case .subscriber:
            guard let own = principal.orgId else { throw Problem.forbidden("the token is bound to no organisation") }
            orgId = own
        case .relay: throw Problem.forbidden("a relay token may not read incidents")
        }
        var status: Incident.Status?
        if let text = request.query("status") {
            guard let value = Incident.Status(rawValue: text) else {
                throw Problem.validation("status must be one of \(Incident.Status.allCases.map(\.rawValue).joined(separator: ", "))", field: "status")
            }
            status = value
        }
        let pageRequest = try AlertRoutes.page(request)
        if let cursor = pageRequest.cursor, Cursor.parse(cursor) == nil {
            throw Problem.validation("cursor must be the nextCursor of a previous page", field: "cursor")
        }
        let page = try await env.store.incidents(orgId: orgId, status: status, page: pageRequest)
        return try JSONResponse.make(ListBody(items: page.items, nextCursor: page.nextCursor))
    }

    @Sendable func show(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let incident = try await readable(context)
        return try JSONResponse.make(IncidentView(incident: incident, timeline: try await env.timeline(of: incident)))
    }

    // MARK: The CERT's moves

    @Sendable func acknowledge(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher], to: "acknowledge incidents")
        let id = try context.parameters.require("id")
        let now = Date()
        guard let before = try await env.store.incident(id: id) else { throw Problem.notFound("incident \(id) not found") }
        guard let incident = try await env.store.updateIncident(id: id, { try IncidentLifecycle.acknowledge($0, now: now) }) else {
            throw Problem.notFound("incident \(id) not found")
        }
        // The declarant hears of it in the thread, in its own language; acknowledging again says nothing more.
        if before.acknowledgedAt == nil, incident.acknowledgedAt != nil {
            let locale = try await env.store.organisation(id: incident.orgId)?.locale ?? Messages.defaultLocale
            try await env.store.appendIncidentMessage(IncidentMessage(incidentId: id, author: .cert,
                                                                      body: env.messages.text(.incidentAcknowledged, locale: locale), at: now))
        }
        return try JSONResponse.make(IncidentView(incident: incident, timeline: try await env.timeline(of: incident)))
    }

    @Sendable func close(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher], to: "close incidents")
        let id = try context.parameters.require("id")
        let now = Date()
        guard let incident = try await env.store.updateIncident(id: id, { try IncidentLifecycle.close($0, now: now) }) else {
            throw Problem.notFound("incident \(id) not found")
        }
        return try JSONResponse.make(IncidentView(incident: incident, timeline: try await env.timeline(of: incident)))
    }

    @Sendable func flash(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher], to: "publish flash alerts")
        let id = try context.parameters.require("id")
        let body = try await request.decodeOptionalJSON(FlashRequest.self, limit: env.maxBody) ?? FlashRequest()
        if let locale = body.locale, !env.messages.locales.contains(locale) {
            throw Problem.validation("locale must be one of \(env.messages.locales.joined(separator: ", "))", field: "locale")
        }
        if (body.kinds?.count ?? 0) > Organisation.Kind.allCases.count {
            throw Problem.validation("kinds has more than \(Organisation.Kind.allCases.count) items", field: "kinds")
        }
        if (body.regions?.count ?? 0) > Region.names.count {
            throw Problem.validation("regions has more than \(Region.names.count) items", field: "regions")
        }
        guard try await env.store.incident(id: id) != nil else { throw Problem.notFound("incident \(id) not found") }
        let (incident, result) = try await env.incidents.flash(incidentId: id, request: body, publishedBy: principal.tokenId,
                                                                publisherOrgId: principal.orgId)
        env.published()
        context.logger.info("flash alert published", metadata: [
            "incident": "\(incident.id)", "alert": "\(result.alert.id)", "deliveries": "\(result.deliveriesQueued)",
        ])
        return try JSONResponse.make(Flashed(incident: incident, alert: result.alert, deliveriesQueued: result.deliveriesQueued),
                                     status: .created, headers: [.location: "/api/v1/alerts/\(result.alert.id)"])
    }

    // MARK: The thread and later indicators

    @Sendable func messages(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let incident = try await readable(context)
        return try JSONResponse.make(ListBody(items: try await env.store.incidentMessages(incidentId: incident.id), nextCursor: nil))
    }

    @Sendable func post(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let incident = try await readable(context)
        let body = try await request.decodeJSON(MessageBody.self, limit: env.maxBody)
        let text = body.body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= IncidentMessage.maximumLength else {
            throw Problem.validation("body must be 1 to \(IncidentMessage.maximumLength) characters", field: "body")
        }
        try TextRules.check(text, field: "body", longText: true)
        let author: IncidentMessage.Author = principal.role == .subscriber ? .declarant : .cert
        if author == .cert, body.indicators != nil {
            throw Problem.validation("only the declarant adds indicators to its incident", field: "indicators")
        }
        var added = Added(added: 0, rejected: [])
        if let raws = body.indicators {
            added = try await add(IndicatorIntake.check(raws), to: incident.id)
        } else if incident.status == .closed {
            throw Problem.conflict("incident \(incident.id) is closed")
        }
        let now = Date()
        let message = IncidentMessage(incidentId: incident.id, author: author, body: text, indicatorsAdded: added.added, at: now)
        try await env.store.appendIncidentMessage(message)
        // The CERT writing back is the CERT taking the incident in hand.
        if author == .cert, incident.status == .new || incident.status == .acknowledged {
            _ = try await env.store.updateIncident(id: incident.id) { try IncidentLifecycle.start($0, now: now) }
        }
        added.message = message
        return try JSONResponse.make(added, status: .created)
    }

    @Sendable func addIndicators(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let incident = try await readable(context)
        guard principal.role == .subscriber else { throw Problem.forbidden("only the declarant adds indicators to its incident") }
        let body = try await request.decodeJSON(MoreIndicators.self, limit: env.maxBody)
        guard (body.attachments?.count ?? 0) <= IncidentDeclaration.maximumAttachments else {
            throw Problem.validation("attachments has more than \(IncidentDeclaration.maximumAttachments) items", field: "attachments")
        }
        var outcome = IndicatorIntake.check(body.indicators ?? [])
        let attached = IncidentAttachments.read(body.attachments ?? [])
        outcome.indicators += attached.indicators
        outcome.rejected += attached.rejected
        return try JSONResponse.make(try await add(outcome, to: incident.id))
    }

    /// Adds what was kept to the incident, revising its flash alert when there is one and something was new.
    func add(_ outcome: IndicatorIntake.Outcome, to id: String) async throws -> Added {
        let (_, count, revision) = try await env.incidents.add(outcome.indicators, to: id)
        if revision?.stored == true { env.published() }
        return Added(added: count, rejected: outcome.rejected, flashRevision: revision?.stored == true ? revision?.alert.revision : nil)
    }

    /// The incident of the path, when the caller may read it: the CERT reads all, the declarant its own; anyone else
    /// hears of no such incident.
    func readable(_ context: TocsinRequestContext) async throws -> Incident {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        guard let incident = try await env.store.incident(id: id) else { throw Problem.notFound("incident \(id) not found") }
        switch principal.role {
        case .admin, .publisher: return incident
        case .subscriber where principal.orgId == incident.orgId: return incident
        default: throw Problem.notFound("incident \(id) not found")
        }
    }
}

extension APIEnvironment {
    /// The flash lane's steps that touch alerts.
    var incidents: IncidentService { IncidentService(store: store, enricher: enricher, routing: routing, messages: messages) }

    /// The timeline of an incident, with its flash alert's reach once it has one.
    func timeline(of incident: Incident) async throws -> IncidentTimeline {
        var reach: [OrganisationReach] = []
        if let alertId = incident.flashAlertId { reach = try await store.reach(alertId: alertId) }
        return IncidentTimeline.make(incident, reach: reach)
    }
}
