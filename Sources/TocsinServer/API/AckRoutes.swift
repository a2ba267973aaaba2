import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// `POST /api/v1/alerts/{id}/ack`: an organisation's token acknowledges an alert, with an optional note.
///
/// Only a token bound to an organisation acknowledges (subscriber, relay), and only for that organisation. An alert
/// the organisation may not read is answered as an unknown one (404), so that acknowledging confirms nothing.
struct AckRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("alerts/:id/ack", use: acknowledge)
    }

    /// The optional body: `{"note": "…"}`.
    struct Body: Decodable {
        var note: String?
    }

    @Sendable func acknowledge(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let orgId = try env.acknowledgingOrgId(principal)
        let id = try context.parameters.require("id")
        let note = try APIEnvironment.acknowledgementNote(try await request.decodeOptionalJSON(Body.self, limit: env.maxBody)?.note, field: "note")
        let access = try await env.access(of: principal)
        guard let alert = try await env.store.alert(id: id), access.canRead(alert) else {
            throw Problem.notFound("alert \(id) not found")
        }
        return try JSONResponse.make(try await env.acknowledge(alert, by: principal, orgId: orgId, channel: "api", note: note, logger: context.logger))
    }
}
