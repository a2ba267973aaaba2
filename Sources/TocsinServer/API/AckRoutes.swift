import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// `POST /api/v1/alerts/{id}/ack`: an organisation says it has the alert in hand. For subscriber and relay tokens,
/// which act for their own organisation, on an alert it may read (another answers 404, as an unknown alert would).
/// Acknowledging twice is not an error: the answer says who was first.
struct AckRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("alerts/:id/ack", use: acknowledge)
    }

    struct AckBody: Decodable { var note: String? }

    /// What the acknowledgement recorded, or the one recorded before.
    struct Acknowledged: Encodable {
        var alertId: String
        var orgId: String
        var already: Bool
        var at: Date
        var by: String?
        var channel: String
    }

    @Sendable func acknowledge(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.subscriber, .relay], to: "acknowledge alerts (an organisation acknowledges)")
        guard let orgId = principal.orgId else { throw Problem.forbidden("the token is bound to no organisation") }
        let id = try context.parameters.require("id")
        var note: String?
        if request.headers[.contentLength] != "0", request.headers[.contentType] != nil {
            note = try await request.decodeJSON(AckBody.self, limit: env.maxBody).note
        }
        if let note, note.count > 2_000 { throw Problem.validation("note is longer than 2000 characters", field: "note") }
        guard let alert = try await env.store.alert(id: id), try await env.readScope(of: principal)?.allows(alert) ?? true else {
            throw Problem.notFound("alert \(id) not found")
        }
        let mark = ReachMark(at: Date().millisecondPrecision, by: "token:\(principal.tokenId)", channel: "api")
        switch try await env.store.acknowledge(alertId: alert.id, orgId: orgId, mark: mark, note: note) {
        case .recorded(let mark):
            return try JSONResponse.make(Acknowledged(alertId: alert.id, orgId: orgId, already: false, at: mark.at, by: mark.by, channel: mark.channel),
                                         status: .created)
        case .already(let first):
            return try JSONResponse.make(Acknowledged(alertId: alert.id, orgId: orgId, already: true, at: first.at, by: first.by, channel: first.channel))
        }
    }
}
