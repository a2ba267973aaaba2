import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// Resolves the session cookie to a live session and the principal behind it (`context.consoleSession`,
/// `context.principal`), leaving both nil when there is none. A contact session ends when its contact is no longer
/// listed by its organisation; a token session when its token is revoked or expires (the store's query).
struct ConsoleSessionMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    let env: ConsoleEnvironment

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let session = try await Self.liveSession(request, env: env) else { return try await next(request, context) }
        var context = context
        context.consoleSession = session
        context.principal = session.principal
        context.logger[metadataKey: "consoleSession"] = "\(session.id)"
        return try await next(request, context)
    }

    /// The live session the request's cookie names, or nil: none, unknown, revoked, expired, idle too long, its token
    /// revoked or expired, or its contact no longer listed by its organisation (the session is then revoked). What
    /// every request checks, and what an open stream checks again as it goes.
    static func liveSession(_ request: Request, env: ConsoleEnvironment, now: Date = Date()) async throws -> ConsoleSession? {
        guard let secret = ConsoleCookies.value(ConsoleCookies.session, in: request),
              let session = try await env.store.consoleSession(secretHash: TokenHash.hash(secret), now: now,
                                                               idleCutoff: env.policy.idleCutoff(now: now)) else { return nil }
        if session.origin == .contact {
            guard let orgId = session.orgId, let contactId = session.contactId,
                  let org = try await env.store.organisation(id: orgId), org.contact(id: contactId) != nil else {
                _ = try await env.store.revokeConsoleSession(id: session.id, now: now)
                return nil
            }
        }
        return session
    }
}

/// The pages that need a signed-in user: without a session, a GET is sent to the login page (coming back to it
/// afterwards) and anything else is refused.
struct ConsoleRequireSessionMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    let env: ConsoleEnvironment

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.consoleSession != nil else {
            guard request.method == .get || request.method == .head else {
                return try env.refusal(.forbidden, key: "errors.signedOut", context: context)
            }
            var target = request.uri.path
            if let query = request.uri.query, !query.isEmpty { target += "?" + query }
            let next = ConsoleSessionPolicy.safeNext(target).map { "?next=" + ConsoleEnvironment.queryEscape($0) } ?? ""
            return ConsoleEnvironment.redirect(to: "/console/login" + next)
        }
        return try await next(request, context)
    }
}
