import Foundation
import Hummingbird
import HTTPTypes

/// Answers a path under `/console` that no route takes with the console's own 404 page (status 404, the layout,
/// the signed-in user's language and menu), rather than the router's plain 404: the same page, word for word, as
/// an alert that does not exist or that the user may not read, so an unknown address tells nothing either.
///
/// A router middleware, since the router answers unknown paths before any group's middleware runs; the page goes
/// through the console's own security headers and session, as every console page does. Other paths, and the
/// answers of the console's routes (which turn their errors into pages themselves), pass untouched.
struct ConsoleNotFoundMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    let env: ConsoleEnvironment

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError where error.status == .notFound && Self.isConsole(request.uri.path) {
            let env = self.env
            return try await ConsoleSecurityHeadersMiddleware().handle(request, context: context) { request, context in
                try await ConsoleSessionMiddleware(env: env).handle(request, context: context) { _, context in
                    try env.refusal(.notFound, key: "errors.notFound", context: context)
                }
            }
        }
    }

    /// Whether `path` is the console's.
    static func isConsole(_ path: String) -> Bool { path == "/console" || path.hasPrefix("/console/") }
}
