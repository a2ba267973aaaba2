import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// `POST /api/v1/alerts/{id}/ack`: an organisation says it has the alert in hand, which stops its escalation.
///
/// A subscriber acknowledges for its own organisation; an admin names the organisation (`orgId`). An alert the
/// caller may not read answers 404, as an unknown one would. Acknowledging again is not an error: the answer says
/// who acknowledged first, and when.
struct AcknowledgeRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("alerts/:id/ack", use: acknowledge)
    }

    struct Body: Codable {
        var note: String?
        var orgId: String?
    }

    struct Answer: Encodable {
        var alertId: String
        var orgId: String
        /// False when someone had already acknowledged: `acknowledged` is then theirs.
        var recorded: Bool
        var acknowledged: ReachMark
    }

    @Sendable func acknowledge(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .subscriber], to: "acknowledge alerts")
        let id = try context.parameters.require("id")
        var body = Body()
        if request.headers[.contentLength] != "0", request.headers[.contentType] != nil {
            body = try await request.decodeJSON(Body.self, limit: env.maxBody)
        }
        if let note = body.note {
            guard note.count <= 2_000 else { throw Problem.validation("note is longer than 2000 characters", field: "note") }
            try TextRules.check(note, field: "note", longText: true)
        }
        guard let orgId = try env.scopedOrgId(principal, requested: body.orgId) else {
            throw Problem.validation("orgId is required: the organisation that acknowledges", field: "orgId")
        }
        guard let alert = try await env.store.alert(id: id), try await env.access(of: principal).canRead(alert) else {
            throw Problem.notFound("alert \(id) not found")
        }
        guard let org = try await env.store.organisation(id: orgId) else { throw Problem.notFound("organisation \(orgId) not found") }
        // An admin acknowledging for an organisation does so only for one that may read the alert.
        guard alert.refusal(clearance: org.tlpClearance, region: org.regionScope) == nil else { throw Problem.notFound("alert \(id) not found") }
        let mark = ReachMark(at: Date(), by: "token:\(principal.tokenId)", channel: "api")
        let outcome = try await env.store.acknowledge(alertId: id, orgId: orgId, mark: mark, note: body.note)
        context.logger.info("alert acknowledged", metadata: ["alert": "\(id)", "org": "\(orgId)"])
        switch outcome {
        case .recorded(let mark): return try JSONResponse.make(Answer(alertId: id, orgId: orgId, recorded: true, acknowledged: mark))
        case .already(let mark): return try JSONResponse.make(Answer(alertId: id, orgId: orgId, recorded: false, acknowledged: mark))
        }
    }
}
