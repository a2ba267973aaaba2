import Foundation
import Hummingbird
import HTTPTypes
import TocsinCore
import TocsinStore

/// What every `/taxii2/` request goes through: the caller resolved from `Authorization: Bearer <token>` or
/// `Authorization: Basic` (any user name, the API token as password) to the same principals as the API; then the
/// media type rules (406, 415, 413); and every failure answered as a TAXII error resource with the TAXII media type.
struct TAXIIMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    let store: any Store
    /// The API root's `max_content_length`.
    let maxContentLength: Int
    let throttle = RefusalThrottle()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var context = context
            do {
                context.principal = try await principal(request)
            } catch let refusal as Problem where refusal.status == .unauthorized {
                // Recorded in the audit log as the API's refusals are: at most one entry a minute per address.
                if let suppressed = throttle.admit(context.remoteAddress ?? "-", now: Date()) {
                    let note = (refusal.detail ?? "") + (suppressed > 0 ? " (and \(suppressed) more refusals from this address in the minute before)" : "")
                    await AuditMiddleware.append(AuditEntry(actor: nil, actorRole: nil, orgId: nil, action: "auth.refused", target: "taxii2",
                                                            sourceAddress: context.remoteAddress, outcome: .refused, status: 401, detail: note),
                                                 to: store, logger: context.logger)
                }
                throw refusal
            }
            guard TAXIIMedia.acceptable(request.headers[.accept]) else {
                throw Problem(status: .notAcceptable, slug: "not-acceptable", title: "Not acceptable",
                              detail: "TAXII answers are \(TAXIIMedia.taxii); send it in Accept")
            }
            if let length = request.headers[.contentLength].flatMap(Int.init), length > maxContentLength {
                throw Problem(status: .contentTooLarge, slug: "too-large", title: "Content too large",
                              detail: "the body is larger than max_content_length (\(maxContentLength) bytes)")
            }
            if let type = request.headers[.contentType], !TAXIIMedia.isTAXII(type) {
                throw Problem(status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type",
                              detail: "TAXII request bodies are \(TAXIIMedia.taxii)")
            }
            var response = try await next(request, context)
            if response.headers[.contentType] == nil { response.headers[.contentType] = TAXIIMedia.taxii }
            return response
        } catch {
            let problem = Problem.from(error)
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            return TAXIIMedia.error(problem)
        }
    }

    /// The caller of the request, or a 401 asking for Basic or Bearer credentials. The token is never logged.
    private func principal(_ request: Request) async throws -> Principal {
        var refusal = Problem.unauthorized("send the API token as 'Authorization: Bearer <token>' or as the password of Basic authentication")
        refusal.headers[.wwwAuthenticate] = "Basic realm=\"Tocsin TAXII\", Bearer realm=\"Tocsin TAXII\""
        guard let header = request.headers[.authorization], header.count <= 1_024 else { throw refusal }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { throw refusal }
        let token: String
        switch parts[0].lowercased() {
        case "bearer":
            token = String(parts[1])
        case "basic":
            guard let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
                  let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else { throw refusal }
            token = String(text[text.index(after: colon)...])
        default:
            throw refusal
        }
        guard !token.isEmpty, token.count <= 512, let principal = try await store.principal(forToken: token) else {
            refusal.detail = "the token is unknown, revoked or expired"
            throw refusal
        }
        return principal
    }
}
