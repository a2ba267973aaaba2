import Foundation
import Hummingbird
import HTTPTypes

/// Adds the console's security headers to every answer under `/console`: a Content-Security-Policy that loads
/// everything from the broker itself and nothing inline (`default-src 'self'`), no framing, no sniffing, no
/// caching of pages, and no referrer leaving the broker (a login link's address carries its secret).
struct ConsoleSecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext

    static let policy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        Self.apply(to: &response.headers, cacheable: request.uri.path.hasPrefix("/console/static/"))
        return response
    }

    static func apply(to headers: inout HTTPFields, cacheable: Bool) {
        headers[HTTPField.Name("Content-Security-Policy")!] = policy
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // A page whose address carries a secret (a login or acknowledgement link) sets `no-referrer` itself.
        if headers[HTTPField.Name("Referrer-Policy")!] == nil { headers[HTTPField.Name("Referrer-Policy")!] = "same-origin" }
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if headers[.cacheControl] == nil { headers[.cacheControl] = cacheable ? "public, max-age=3600" : "no-store" }
    }
}
