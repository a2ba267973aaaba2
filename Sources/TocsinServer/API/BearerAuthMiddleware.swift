import Hummingbird
import TocsinCore
import TocsinStore

/// Resolves `Authorization: Bearer <token>` to a `Principal`, or answers 401.
///
/// Tokens are looked up by their SHA-256, so the token itself is never compared nor stored; it is never logged.
public struct BearerAuthMiddleware: RouterMiddleware {
    public typealias Context = TocsinRequestContext
    let store: any Store

    public init(store: any Store) { self.store = store }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw await refused(request, context, "send an API token as 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count <= 512 else {
            throw await refused(request, context, "the Authorization header must be 'Bearer <token>'")
        }
        guard let principal = try await store.principal(forToken: String(parts[1])) else {
            throw await refused(request, context, "the token is unknown, revoked or expired")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "token"] = "\(principal.tokenId)"
        return try await next(request, context)
    }

    /// The 401 to answer, recorded in the audit log first (never with the token itself).
    private func refused(_ request: Request, _ context: Context, _ detail: String) async -> Problem {
        let route = AuditMiddleware.route(request.uri.path)
        await AuditMiddleware.append(AuditEntry(actor: nil, actorRole: nil, orgId: nil, action: "auth.refused", target: route,
                                                sourceAddress: context.remoteAddress, outcome: .refused, status: 401, detail: detail),
                                     to: store, logger: context.logger)
        return Problem.unauthorized(detail)
    }
}
