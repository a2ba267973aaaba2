import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import TocsinCore
import TocsinStore

/// What the console's routes share: the API's environment (the same store, pipeline and access rules), the
/// console's pages and words, how long sessions last, whether cookies are `Secure`, and the login mailer.
struct ConsoleEnvironment: Sendable {
    var api: APIEnvironment
    var pages: ConsolePages
    var policy = ConsoleSessionPolicy()
    /// True when the broker's public URL is https: cookies are then `Secure`.
    var secureCookies: Bool
    /// The broker's public URL without a trailing slash, for the links written into emails.
    var publicUrl: String
    /// Sends login links; nil while email is off (the email login then says so).
    var mailer: ConsoleLoginMailer?
    let throttle = ConsoleLoginThrottle()

    var store: any Store { api.store }
    var words: ConsoleWords { pages.words }

    init(api: APIEnvironment, pages: ConsolePages, mailer: ConsoleLoginMailer?) {
        self.api = api
        self.pages = pages
        self.mailer = mailer
        let url = api.configuration.publicUrl
        publicUrl = url.hasSuffix("/") ? String(url.dropLast()) : url
        secureCookies = url.lowercased().hasPrefix("https://")
    }

    /// The language of the request's pages: the session's, else French.
    func locale(_ context: TocsinRequestContext) -> String { context.consoleSession?.locale ?? Messages.defaultLocale }

    /// `key` in the request's language.
    func text(_ key: String, _ context: TocsinRequestContext, _ values: [String: String] = [:]) -> String {
        words.text(key, locale: locale(context), values)
    }

    /// What the signed-in user may read and write among alerts: exactly what the API grants the same principal.
    func access(_ context: TocsinRequestContext) async throws -> AlertAccess {
        try await api.access(of: try context.requirePrincipal())
    }

    /// A page: `view`'s template wrapped in the layout (`_top`, `_bottom`), with the menu of the user's role and
    /// the session's CSRF token for its forms.
    func page(_ view: ConsoleView, context: TocsinRequestContext, locale chosen: String? = nil) throws -> Response {
        let locale = words.locale(chosen ?? locale(context))
        var values = view.context
        values["lang"] = locale
        values["title"] = view.title
        values["csrf"] = view.csrf ?? context.consoleSession?.csrfToken ?? ""
        if let session = context.consoleSession {
            values["signedIn"] = true
            values["menu"] = ConsoleRoutes.menu(for: session.role).map { item -> [String: Any] in
                ["href": item.path, "label": words.text(item.word, locale: locale), "current": view.section == item.path]
            }
        }
        var headers = view.headers
        headers[.contentType] = "text/html; charset=utf-8"
        let html = try pages.render(view.template, values, locale: locale)
        return Response(status: view.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A refusal or error as a page of the console with `status`: its title and text are `key` and `key.text`
    /// (`errors.notFound`, `errors.notFound.text`) — the same words whatever was asked, so a page refused
    /// reads like a page that does not exist.
    func refusal(_ status: HTTPResponse.Status, key: String, context: TocsinRequestContext) throws -> Response {
        try page(ConsoleView(template: "error", title: text(key, context), context: ["message": text(key + "Text", context)], status: status),
                 context: context)
    }

    /// The CSRF value of a form shown without a session (login, acknowledgement links): the pre-login cookie's when
    /// the browser has one, else a new one, with the `Set-Cookie` value that gives it to the browser.
    func preLoginToken(_ request: Request) -> (value: String, setCookie: String?) {
        if let value = ConsoleCookies.value(ConsoleCookies.preLogin, in: request) { return (value, nil) }
        let value = TocsinID.secret(prefix: "", bytes: 24)
        return (value, ConsoleCookies.set(ConsoleCookies.preLogin, value, secure: secureCookies, maxAge: 3600))
    }

    /// `303 See Other` to a path of this broker.
    static func redirect(to path: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.location] = path
        return Response(status: .seeOther, headers: headers)
    }

    /// A value made safe for a query string.
    static func queryEscape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// One page to render: its template (a file of `Templates/<locale>/web/`), its title, its values, and the menu
/// entry it belongs to (`section`, the entry's path, shown as current).
struct ConsoleView {
    var template: String
    var title: String
    var context: [String: Any] = [:]
    var status: HTTPResponse.Status = .ok
    var section: String? = nil
    var headers: HTTPFields = [:]
    /// The CSRF token of the page's forms when there is no session yet (the login pages).
    var csrf: String? = nil
}
