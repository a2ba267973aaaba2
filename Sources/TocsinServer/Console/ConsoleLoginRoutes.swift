import Foundation
import Hummingbird
import HTTPTypes
import Logging
import TocsinCore
import TocsinStore

/// Signing in and out of the console.
///
/// - `POST /console/login/email`: a contact known to the directory gets a one-time link by email, valid 15
///   minutes; an unknown address gets exactly the same answer, so the form tells nobody who is known.
/// - `GET /console/login/link/{secret}` only shows a button (mail scanners open links); its `POST` uses the link,
///   once, and signs in as a subscriber of the contact's organisation.
/// - `POST /console/login/token`: an API token pasted once (admins bootstrapping a broker); the session lives while
///   the token does.
/// - `POST /console/logout` ends the session.
///
/// Attempts are limited per client address and per email address (`ConsoleLoginThrottle`). Every sign-in, refused
/// sign-in and sign-out is written to the audit log (`console.login.token`, `console.login.link`, `console.logout`)
/// with the token id or `contact:<id>` behind the session, never a token, a link's secret or an email address.
struct ConsoleLoginRoutes {
    let env: ConsoleEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("login") { request, context in try loginPage(request, context: context) }
        group.post("login/email") { request, context in try await emailLogin(request, context: context) }
        group.post("login/token") { request, context in try await tokenLogin(request, context: context) }
        group.get("login/link/:secret") { request, context in try await linkPage(request, context: context) }
        group.post("login/link/:secret") { request, context in try await linkLogin(request, context: context) }
        group.post("logout") { _, context in try await logout(context: context) }
    }

    private func preLoginToken(_ request: Request) -> (value: String, setCookie: String?) { env.preLoginToken(request) }

    private func loginView(_ request: Request, context: TocsinRequestContext, next: String?, message: String? = nil, error: String? = nil,
                           status: HTTPResponse.Status = .ok) throws -> Response {
        let token = preLoginToken(request)
        var view = ConsoleView(template: "login", title: env.text("login.title", context),
                               context: ["next": next ?? "", "emailOn": env.mailer != nil], status: status, csrf: token.value)
        if let message { view.context["message"] = message }
        if let error { view.context["error"] = error }
        if let cookie = token.setCookie { view.headers[.setCookie] = cookie }
        return try env.page(view, context: context)
    }

    func loginPage(_ request: Request, context: TocsinRequestContext) throws -> Response {
        let next = ConsoleSessionPolicy.safeNext(request.query("next"))
        if context.consoleSession != nil, let next { return ConsoleEnvironment.redirect(to: next) }
        return try loginView(request, context: context, next: next)
    }

    private func throttled(_ keys: [String], _ request: Request, _ context: TocsinRequestContext, next: String?) throws -> Response? {
        guard env.throttle.admit(keys + ["address:\(context.remoteAddress ?? "-")"]) else {
            context.logger.notice("console login attempts over the limit")
            return try loginView(request, context: context, next: next, error: env.text("login.throttled", context), status: .tooManyRequests)
        }
        return nil
    }

    func emailLogin(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let form = context.consoleForm ?? ConsoleForm()
        let next = ConsoleSessionPolicy.safeNext(form["next"])
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard email.count <= 254, email.contains("@") else {
            return try loginView(request, context: context, next: next, error: env.text("login.emailInvalid", context), status: .unprocessableContent)
        }
        if let refusal = try throttled(["email:\(email)"], request, context, next: next) { return refusal }
        if let mailer = env.mailer {
            let now = Date()
            for (org, contact) in try await env.store.contacts(email: email).prefix(3) {
                let secret = TocsinID.secret(prefix: "", bytes: 32)
                try await env.store.createLoginLink(
                    ConsoleLoginLink(orgId: org.id, contactId: contact.id, next: next, createdAt: now, expiresAt: now.addingTimeInterval(env.policy.linkLifetime)),
                    secretHash: TokenHash.hash(secret))
                let url = "\(env.publicUrl)/console/login/link/\(secret)"
                let pages = env.pages
                let logger = context.logger
                // Sent apart from the answer, so that its time tells nothing about the address either.
                Task.detached { await mailer.send(url: url, to: contact, org: org, pages: pages, logger: logger) }
                context.logger.info("console login link sent", metadata: ["org": "\(org.id)", "contact": "\(contact.id)"])
            }
        }
        return try loginView(request, context: context, next: next, message: env.text(env.mailer == nil ? "login.emailOff" : "login.emailSent", context))
    }

    func tokenLogin(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let form = context.consoleForm ?? ConsoleForm()
        let next = ConsoleSessionPolicy.safeNext(form["next"])
        let secret = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if let refusal = try throttled([], request, context, next: next) { return refusal }
        guard !secret.isEmpty, secret.count <= 512, let principal = try await env.store.principal(forToken: secret) else {
            await audit(AuditEntry(actor: nil, actorRole: nil, orgId: nil, action: "console.login.token", target: nil,
                                   sourceAddress: context.remoteAddress, outcome: .refused, status: 401,
                                   detail: "unknown, revoked or expired token"), context: context)
            return try loginView(request, context: context, next: next, error: env.text("login.tokenInvalid", context), status: .unauthorized)
        }
        let now = Date()
        var expires = now.addingTimeInterval(env.policy.absoluteTimeout)
        if let tokenEnd = try await env.store.token(id: principal.tokenId)?.expiresAt { expires = min(expires, tokenEnd) }
        let locale = try await principal.orgId.asyncMap { try await env.store.organisation(id: $0)?.locale } ?? nil
        let session = ConsoleSession(origin: .token, role: principal.role, orgId: principal.orgId, tokenId: principal.tokenId,
                                     locale: locale ?? Messages.defaultLocale, createdAt: now, expiresAt: expires)
        context.logger.info("console session opened with a token", metadata: ["token": "\(principal.tokenId)", "session": "\(session.id)"])
        await audit(AuditEntry(actor: principal.tokenId, actorRole: principal.role, orgId: principal.orgId, action: "console.login.token",
                               target: session.id, sourceAddress: context.remoteAddress, outcome: .ok, status: 303), context: context)
        return try await start(session, next: next)
    }

    func linkPage(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let secret = try context.parameters.require("secret")
        guard secret.count <= 128, let link = try await env.store.loginLink(secretHash: TokenHash.hash(secret), now: Date()) else {
            return try env.refusal(.gone, key: "login.linkInvalid", context: context)
        }
        let org = try await env.store.organisation(id: link.orgId)
        let locale = org.flatMap { org in org.contact(id: link.contactId).map { $0.locale ?? org.locale } } ?? Messages.defaultLocale
        let token = preLoginToken(request)
        var view = ConsoleView(template: "login-link", title: env.words.text("login.linkTitle", locale: locale),
                               context: ["action": "/console/login/link/\(secret)", "orgName": org?.name ?? ""], csrf: token.value)
        view.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if let cookie = token.setCookie { view.headers[.setCookie] = cookie }
        var context = context
        context.consoleSession = nil
        return try env.page(view, context: context, locale: locale)
    }

    func linkLogin(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let secret = try context.parameters.require("secret")
        guard env.throttle.admit(["address:\(context.remoteAddress ?? "-")"]) else {
            return try env.refusal(.tooManyRequests, key: "login.throttledPage", context: context)
        }
        let now = Date()
        guard secret.count <= 128, let link = try await env.store.consumeLoginLink(secretHash: TokenHash.hash(secret), now: now),
              let org = try await env.store.organisation(id: link.orgId), let contact = org.contact(id: link.contactId) else {
            await audit(AuditEntry(actor: nil, actorRole: nil, orgId: nil, action: "console.login.link", target: nil,
                                   sourceAddress: context.remoteAddress, outcome: .refused, status: 410,
                                   detail: "unknown, used or expired login link"), context: context)
            return try env.refusal(.gone, key: "login.linkInvalid", context: context)
        }
        if let old = context.consoleSession { _ = try await env.store.revokeConsoleSession(id: old.id, now: now) }
        let session = ConsoleSession(origin: .contact, role: .subscriber, orgId: org.id, contactId: contact.id,
                                     locale: contact.locale ?? org.locale, createdAt: now, expiresAt: now.addingTimeInterval(env.policy.absoluteTimeout))
        context.logger.info("console session opened with a login link", metadata: ["org": "\(org.id)", "contact": "\(contact.id)", "session": "\(session.id)"])
        await audit(AuditEntry(actor: session.principal.tokenId, actorRole: session.role, orgId: org.id, action: "console.login.link",
                               target: session.id, sourceAddress: context.remoteAddress, outcome: .ok, status: 303), context: context)
        return try await start(session, next: ConsoleSessionPolicy.safeNext(link.next))
    }

    /// Appends `entry` to the audit log, logging (never failing the sign-in) when the store refuses it.
    private func audit(_ entry: AuditEntry, context: TocsinRequestContext) async {
        await AuditMiddleware.append(entry, to: env.store, logger: context.logger)
    }

    /// Keeps the session, sets its cookie (dropping the pre-login one) and goes on to `next` or the home page.
    private func start(_ session: ConsoleSession, next: String?) async throws -> Response {
        let secret = TocsinID.secret(prefix: "", bytes: 32)
        try await env.store.createConsoleSession(session, secretHash: TokenHash.hash(secret))
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.set(ConsoleCookies.session, secret, secure: env.secureCookies,
                                                                             maxAge: Int(session.expiresAt.timeIntervalSince(session.createdAt)))))
        headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.set(ConsoleCookies.preLogin, "", secure: env.secureCookies, maxAge: 0)))
        return ConsoleEnvironment.redirect(to: next ?? "/console", headers: headers)
    }

    func logout(context: TocsinRequestContext) async throws -> Response {
        if let session = context.consoleSession {
            _ = try await env.store.revokeConsoleSession(id: session.id, now: Date())
            context.logger.info("console session closed", metadata: ["session": "\(session.id)"])
            await audit(AuditEntry(actor: session.principal.tokenId, actorRole: session.role, orgId: session.orgId, action: "console.logout",
                                   target: session.id, sourceAddress: context.remoteAddress, outcome: .ok, status: 303), context: context)
        }
        return ConsoleEnvironment.redirect(to: "/console/login", headers: [
            .setCookie: ConsoleCookies.set(ConsoleCookies.session, "", secure: env.secureCookies, maxAge: 0),
        ])
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
