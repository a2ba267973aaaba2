import Foundation
import Hummingbird
import TocsinCore
import TocsinIngest

extension ConsoleRoutes {
    /// `GET /console/sources`: the polled sources' health, as `GET /api/v1/sources` shows it to publishers and
    /// admins: each source's format, when it was last polled and last succeeded, its last error and what it gave.
    struct SourcesPage: ConsoleViewGroup {
        let env: ConsoleEnvironment

        static let menu = [ConsoleMenuItem(path: "/console/sources", word: "sources.menu", roles: [.admin, .publisher])]

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("sources") { _, context in try await sources(context: context) }
        }

        func sources(context: TocsinRequestContext) async throws -> Response {
            let principal = try context.requirePrincipal()
            try principal.require([.admin, .publisher], to: "see the sources")
            let locale = env.locale(context)
            let formatter = env.api.messages.dateFormatter(locale: locale)
            let never = env.text("sources.never", context)
            let health = await env.api.polling?.health() ?? []
            let rows = health.sorted { $0.name < $1.name }.map { source -> [String: Any] in
                let failing = source.consecutiveFailures > 0
                return [
                    "name": source.name, "format": source.format, "enabled": source.enabled,
                    "state": env.text(!source.enabled ? "sources.off" : failing ? "sources.failing" : source.lastSuccessAt == nil ? "sources.waiting" : "sources.ok", context),
                    "stateClass": !source.enabled ? "off" : failing ? "failing" : "ok",
                    "lastAttemptAt": source.lastAttemptAt.map { formatter.string(from: $0) } ?? never,
                    "lastSuccessAt": source.lastSuccessAt.map { formatter.string(from: $0) } ?? never,
                    "nextAttemptAt": source.nextAttemptAt.map { formatter.string(from: $0) } ?? "",
                    "failures": source.consecutiveFailures, "lastError": source.lastError ?? "",
                    "published": source.alertsPublished, "revised": source.alertsRevised, "documentsFailed": source.documentsFailed,
                ]
            }
            return try env.page(ConsoleView(template: "sources", title: env.text("sources.title", context),
                                            context: ["sources": rows, "empty": rows.isEmpty], section: "/console/sources"), context: context)
        }
    }
}
