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
            throw Problem.unauthorized("send an API token as 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count <= 512 else {
            throw Problem.unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        guard let principal = try await store.principal(forToken: String(parts[1])) else {
            throw Problem.unauthorized("the token is unknown or revoked")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "token"] = "\(principal.tokenId)"
        return try await next(request, context)
    }
}
