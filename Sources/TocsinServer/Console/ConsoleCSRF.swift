import Foundation
import Hummingbird
import TocsinCore

/// Every POST under `/console` carries a `csrf` field equal to the session's token (signed in) or to the pre-login
/// cookie's value (the login forms: double submit); anything else is refused with 403 before any handler runs, so
/// that another site can make a signed-in browser do nothing. The form, read here once, is handed on in
/// `context.consoleForm`.
struct ConsoleCSRFMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    let env: ConsoleEnvironment

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        guard let form = try await ConsoleForm.read(request), let sent = form["csrf"], !sent.isEmpty else {
            return try env.refusal(.forbidden, key: "errors.csrf", context: context)
        }
        let expected = context.consoleSession?.csrfToken ?? ConsoleCookies.value(ConsoleCookies.preLogin, in: request)
        guard let expected, ConstantTime.equals(Array(sent.utf8), Array(expected.utf8)) else {
            return try env.refusal(.forbidden, key: "errors.csrf", context: context)
        }
        var context = context
        context.consoleForm = form
        return try await next(request, context)
    }
}
