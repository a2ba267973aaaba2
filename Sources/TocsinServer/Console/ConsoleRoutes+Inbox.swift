import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

extension ConsoleRoutes {
    /// `GET /console/alerts`: the alerts the user may read, newest first, 50 a page, those concerning the
    /// organisation's inventory leading with "concerne votre …", with severity and TLP badges. The same query as
    /// `GET /api/v1/alerts` for the same principal, so it shows nothing the API would not.
    struct Inbox: ConsoleViewGroup {
        let env: ConsoleEnvironment

        static let menu = [ConsoleMenuItem(path: "/console/alerts", word: "inbox.menu", roles: Set(Role.allCases))]

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("alerts") { request, context in try await inbox(request, context: context) }
        }

        func inbox(_ request: Request, context: TocsinRequestContext) async throws -> Response {
            let principal = try context.requirePrincipal()
            let scope = try await env.api.readScope(of: principal)
            let access = try await env.access(context)
            let cursor = request.query("cursor").flatMap { $0.count <= 32 && $0.allSatisfy(\.isNumber) ? $0 : nil }
            let page = try await env.store.alerts(AlertQuery(page: PageRequest(limit: 50, cursor: cursor), clearance: scope?.clearance,
                                                             orgRegion: scope.map { scope -> String? in scope.region }))
            let alerts = page.items.filter(access.canRead)
            let snapshot = try await env.api.inventories.snapshot()
            let locale = env.locale(context)
            let formatter = env.api.messages.dateFormatter(locale: locale)
            let items = alerts.map { alert in
                ConsoleAlertSummary.values(alert, concerns: principal.orgId.map { snapshot.concerns(for: alert, orgId: $0) } ?? [],
                                           locale: locale, messages: env.api.messages, formatter: formatter)
            }
            var values: [String: Any] = ["alerts": items, "empty": items.isEmpty]
            if let next = page.nextCursor { values["nextHref"] = "/console/alerts?cursor=\(next)" }
            return try env.page(ConsoleView(template: "inbox", title: env.text("inbox.title", context), context: values, section: "/console/alerts"),
                                context: context)
        }
    }
}
