import Foundation
import Hummingbird
import HTTPTypes
import TocsinCore

extension ConsoleRoutes {
    /// `/console/ack/{token}`: the acknowledgement link of alert emails, as a console page. The signed token is
    /// the authority, so no session is needed: `GET` only shows the alert's marking, title and the button (mail
    /// scanners open links), the button's `POST` records the acknowledgement through the same checks and the same
    /// store call as `/ack/{token}` (`AckLinkRoutes.outcome`), which webhook bodies keep. The page then leads to the
    /// alert's console page (through the login page when signed out).
    ///
    /// Open without a session, so it is registered by `ConsoleRoutes.register` beside the login pages rather than
    /// listed in `viewGroups`.
    struct AckLink {
        let env: ConsoleEnvironment

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("ack/:token") { request, context in try await page(request, context: context, recording: false) }
            group.post("ack/:token") { request, context in try await page(request, context: context, recording: true) }
        }

        func page(_ request: Request, context: TocsinRequestContext, recording: Bool) async throws -> Response {
            let token = try context.parameters.require("token")
            guard token.count <= 1_024 else { throw Problem.notFound("unknown link") }
            let outcome = try await AckLinkRoutes(env: env.api).outcome(token, recording: recording, logger: context.logger)
            var values = outcome.context
            var view = ConsoleView(template: "ack", title: values["title"] as? String ?? "", status: outcome.status)
            if outcome.asks {
                let form = context.consoleSession.map { ($0.csrfToken, nil as String?) } ?? env.preLoginToken(request)
                view.csrf = form.0
                if let cookie = form.1 { view.headers[.setCookie] = cookie }
                values["action"] = "/console/ack/\(token)"
            }
            if let tlp = values["tlp"] as? String {
                values["tlpClass"] = "tlp-" + tlp.lowercased().replacingOccurrences(of: "tlp:", with: "").replacingOccurrences(of: "+", with: "-")
            }
            if let alertId = outcome.alertId { values["alertHref"] = "/console/alerts/\(alertId)" }
            // The address carries the token: it is never sent on as a referrer.
            view.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
            view.context = values
            return try env.page(view, context: context, locale: outcome.locale)
        }
    }
}
