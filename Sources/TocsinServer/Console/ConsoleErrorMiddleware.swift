import Foundation
import Hummingbird
import HTTPTypes

/// Turns what a console handler throws into a console page with the same status: a problem (404 for an alert
/// the user may not read, exactly as the API answers it), a malformed request, or a failure, which is logged and
/// shown without detail. The page is in the signed-in user's language, with their menu, like every other page
/// (this middleware runs before the session is read into the context, so it reads it again for the page).
struct ConsoleErrorMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    let env: ConsoleEnvironment

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError {
            let status = error.status
            let key: String
            switch status.code {
            case 404, 405: key = "errors.notFound"
            case 403: key = "errors.forbidden"
            case 413: key = "errors.tooLarge"
            case 400..<500: key = "errors.badRequest"
            default: key = "errors.failed"
            }
            if status.code >= 500 { context.logger.error("console page failed", metadata: ["error": "\(error)"]) }
            return try env.refusal(status.code == 405 ? .notFound : status, key: key, context: await signedIn(request, context))
        } catch {
            context.logger.error("console page failed", metadata: ["error": "\(error)"])
            return try env.refusal(.internalServerError, key: "errors.failed", context: await signedIn(request, context))
        }
    }

    /// `context` with the request's live session, if it has one, so that the error page reads like the others.
    private func signedIn(_ request: Request, _ context: Context) async -> Context {
        guard context.consoleSession == nil, let session = try? await ConsoleSessionMiddleware.liveSession(request, env: env) else { return context }
        var context = context
        context.consoleSession = session
        context.principal = session.principal
        return context
    }
}
