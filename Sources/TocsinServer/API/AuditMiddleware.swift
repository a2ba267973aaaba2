import Foundation
import Hummingbird
import HTTPTypes
import Logging
import TocsinCore
import TocsinStore

/// Writes one audit entry for every change made through `/api/v1` (whatever its outcome) and for every read refused
/// with a 403, with the caller, its organisation, the target and the client's address.
///
/// Sits after `BearerAuthMiddleware`, which records the 401s itself since no caller is known then. An entry that
/// cannot be written is logged, never turned into a failed request: the action has already happened.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    let store: any Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            await record(request, context, status: Int(problem.status.code), location: nil, detail: problem.detail)
            throw error
        }
        await record(request, context, status: Int(response.status.code), location: response.headers[.location], detail: nil)
        return response
    }

    private func record(_ request: Request, _ context: Context, status: Int, location: String?, detail: String?) async {
        let mutating = request.method != .get && request.method != .head
        guard mutating || status == 403 else { return }
        let principal = context.principal
        let route = Self.route(context.endpointPath ?? request.uri.path)
        let target = context.parameters.get("id") ?? context.parameters.get("name") ?? context.parameters.get("format")
            ?? location.flatMap { $0.split(separator: "/").last.map(String.init) }
        let entry = AuditEntry(actor: principal?.tokenId, actorRole: principal?.role, orgId: principal?.orgId,
                               action: Self.action(request.method, route), target: target, sourceAddress: context.remoteAddress,
                               outcome: AuditEntry.outcome(status: status), status: status,
                               detail: status >= 400 ? detail.map { String($0.prefix(300)) } : nil)
        await Self.append(entry, to: store, logger: context.logger)
    }

    /// Appends an entry, logging (never throwing) when the store refuses it.
    static func append(_ entry: AuditEntry, to store: any Store, logger: Logger) async {
        do {
            try await store.appendAudit(entry)
        } catch {
            logger.error("audit entry not written", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
    }

    /// The route without its `/api/v1/` prefix, parameters written `{name}` whatever the router's notation.
    static func route(_ path: String) -> String {
        var parts = path.split(separator: "/").map(String.init)
        if parts.starts(with: ["api", "v1"]) { parts.removeFirst(2) }
        return parts.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }.joined(separator: "/")
    }

    /// The stable action name of a route: `alert.publish`, `token.revoke`, … or `METHOD route` for the others.
    static func action(_ method: HTTPRequest.Method, _ route: String) -> String {
        let known: [String: String] = [
            "POST alerts": "alert.publish",
            "POST alerts/{id}/revisions": "alert.revise",
            "POST alerts/{id}/cancel": "alert.cancel",
            "POST alerts/{id}/ack": "alert.acknowledge",
            "POST ingest/{format}": "ingest",
            "POST orgs": "organisation.create",
            "POST orgs/import": "organisation.import",
            "PATCH orgs/{id}": "organisation.update",
            "DELETE orgs/{id}": "organisation.delete",
            "PUT orgs/{id}/inventory": "inventory.replace",
            "DELETE orgs/{id}/inventory": "inventory.delete",
            "PUT orgs/{id}/inventory/{part}": "inventory.part.replace",
            "DELETE orgs/{id}/inventory/{part}": "inventory.part.delete",
            "POST subscriptions": "subscription.create",
            "PATCH subscriptions/{id}": "subscription.update",
            "DELETE subscriptions/{id}": "subscription.delete",
            "POST subscriptions/{id}/rotate-secret": "subscription.rotate-secret",
            "POST tokens": "token.create",
            "DELETE tokens/{id}": "token.revoke",
            "POST deliveries/{id}/redeliver": "delivery.redeliver",
            "POST sources/{name}/poll": "source.poll",
            "POST escalation-policies": "escalation-policy.create",
            "PATCH escalation-policies/{id}": "escalation-policy.update",
            "DELETE escalation-policies/{id}": "escalation-policy.delete",
            "POST incidents": "incident.declare",
            "POST incidents/{id}/acknowledge": "incident.acknowledge",
            "POST incidents/{id}/close": "incident.close",
            "POST incidents/{id}/messages": "incident.message",
            "POST incidents/{id}/indicators": "incident.indicators",
            "POST incidents/{id}/flash": "incident.flash",
            "POST alerts/{id}/sightings": "alert.sighting",
            "PUT orgs/{id}/compromised": "organisation.compromise",
            "DELETE orgs/{id}/compromised": "organisation.restore",
        ]
        let key = "\(method.rawValue) \(route)"
        if let action = known[key] { return action }
        return method == .get || method == .head ? "read \(route)" : key
    }
}

/// `GET /api/v1/audit`: the audit log, newest first, for admins; filtered by actor, target, action, outcome and time.
struct AuditRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("audit", use: list)
    }

    @Sendable func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try context.requirePrincipal().require([.admin], to: "read the audit log")
        var query = AuditQuery()
        if let text = request.query("limit") {
            guard let limit = Int(text), (1...1000).contains(limit) else { throw Problem.validation("limit must be from 1 to 1000", field: "limit") }
            query.limit = limit
        }
        if let text = request.query("cursor") {
            guard let before = Cursor.parse(text) else { throw Problem.validation("cursor is not one this list gave", field: "cursor") }
            query.before = before
        }
        query.actor = request.query("actor")
        query.target = request.query("target")
        query.action = request.query("action")
        if let text = request.query("outcome") {
            guard let outcome = AuditEntry.Outcome(rawValue: text) else { throw Problem.validation("outcome must be ok, refused or failed", field: "outcome") }
            query.outcome = outcome
        }
        for (name, keyPath) in [("since", \AuditQuery.since), ("until", \AuditQuery.until)] {
            if let text = request.query(name) {
                guard let date = RFC3339.parseStrict(text) else { throw Problem.validation("\(name) must be an RFC 3339 date-time", field: name) }
                query[keyPath: keyPath] = date
            }
        }
        let page = try await env.store.auditEntries(query)
        return try JSONResponse.make(ListBody(items: page.items, nextCursor: page.nextCursor))
    }
}
