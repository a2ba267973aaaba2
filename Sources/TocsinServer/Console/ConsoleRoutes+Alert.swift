import Foundation
import Hummingbird
import TocsinCore
import TocsinDelivery
import TocsinStore

extension ConsoleRoutes {
    /// `GET /console/alerts/{id}`: one alert, its indicators in copyable form (CSV, STIX 2.1, MISP), and for an
    /// organisation's user the acknowledgement: who acknowledged and when, or the button, whose `POST
    /// /console/alerts/{id}/ack` records it through the API's own path. An alert the user may not read is a 404,
    /// exactly as in the API.
    struct AlertPage: ConsoleViewGroup {
        let env: ConsoleEnvironment

        static let menu: [ConsoleMenuItem] = []

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("alerts/:id") { _, context in try await show(context: context) }
            group.post("alerts/:id/ack") { _, context in try await acknowledge(context: context) }
        }

        /// The alert, when the user may read it; else a 404, as for an unknown alert.
        func readable(_ context: TocsinRequestContext) async throws -> Alert {
            let id = try context.parameters.require("id")
            guard id.count <= 64, let alert = try await env.store.alert(id: id), try await env.access(context).canRead(alert) else {
                throw Problem.notFound("alert not found")
            }
            return alert
        }

        func show(context: TocsinRequestContext) async throws -> Response {
            let principal = try context.requirePrincipal()
            let alert = try await readable(context)
            if let session = context.consoleSession, session.origin == .contact, let orgId = session.orgId, let contactId = session.contactId {
                await env.api.markSeen([alert.id], orgId: orgId, mark: ReachMark(at: Date(), by: "contact:\(contactId)", channel: "console"),
                                       logger: context.logger)
            } else {
                await env.api.markSeen([alert.id], by: principal, channel: "console", logger: context.logger)
            }
            let locale = env.locale(context)
            let messages = env.api.messages
            let concerns = try await principal.orgId.asyncMap { try await env.api.inventories.snapshot().concerns(for: alert, orgId: $0) } ?? []
            var values = ConsoleAlertSummary.values(alert, concerns: concerns, locale: locale, messages: messages)
            values["summary"] = Defang.text(alert.summary, indicators: alert.indicators)
            values["body"] = alert.content.body.map { Defang.text($0, indicators: alert.indicators) } ?? ""
            values["tlpNotice"] = messages.tlpNotice(alert.tlp, locale: locale)
            values["cves"] = alert.cves
            values["hasCves"] = !alert.cves.isEmpty
            values["cancelReason"] = alert.cancelReason ?? ""
            values["references"] = alert.content.references.filter { $0.url.hasPrefix("https://") || $0.url.hasPrefix("http://") }
                .map { ["url": $0.url, "title": $0.title ?? $0.url] }
            values["hasReferences"] = !alert.content.references.isEmpty
            values["indicators"] = alert.indicators.map {
                ["type": $0.type.rawValue, "value": Defang.text($0.value, indicators: [$0]), "origin": $0.effectiveOrigin.rawValue]
            }
            values["hasIndicators"] = !alert.indicators.isEmpty
            if !alert.indicators.isEmpty {
                values["csv"] = ConsoleIndicatorExports.csv(alert)
                values["stix"] = ConsoleIndicatorExports.stix(alert, concerns: concerns, locale: locale, env: env.api)
                values["misp"] = ConsoleIndicatorExports.misp(alert, publicUrl: env.api.configuration.publicUrl)
            }
            if (principal.role == .subscriber || principal.role == .relay), let orgId = principal.orgId {
                values["acknowledging"] = true
                values["ackAction"] = "/console/alerts/\(alert.id)/ack"
                if let reach = try await env.store.reach(alertId: alert.id, orgId: orgId), let first = reach.acknowledged {
                    values["acknowledged"] = env.text("alert.acknowledgedBy", context, [
                        "by": first.byName ?? first.by ?? "?", "at": messages.dateFormatter(locale: locale).string(from: first.at),
                    ])
                }
            }
            return try env.page(ConsoleView(template: "alert", title: values["title"] as? String ?? "", context: values, section: "/console/alerts"),
                                context: context)
        }

        func acknowledge(context: TocsinRequestContext) async throws -> Response {
            let principal = try context.requirePrincipal()
            let alert = try await readable(context)
            let orgId = try env.api.acknowledgingOrgId(principal)
            let note = try APIEnvironment.acknowledgementNote(context.consoleForm?["note"], field: "note")
            if let session = context.consoleSession, session.origin == .contact, let contactId = session.contactId {
                // A contact has no token: the acknowledgement names the contact, as an emailed link would.
                let contact = try await env.store.organisation(id: orgId)?.contact(id: contactId)
                let mark = ReachMark(at: Date(), by: "contact:\(contactId)", byName: contact?.displayName, channel: "console")
                let answer = try await env.api.record(alertId: alert.id, orgId: orgId, mark: mark, note: note)
                context.logger.info(answer.alreadyAcknowledged ? "alert already acknowledged" : "alert acknowledged",
                                    metadata: ["alert": "\(alert.id)", "org": "\(orgId)", "channel": "console"])
            } else {
                _ = try await env.api.acknowledge(alert, by: principal, orgId: orgId, channel: "console", note: note, logger: context.logger)
            }
            return ConsoleEnvironment.redirect(to: "/console/alerts/\(alert.id)")
        }
    }
}
