import Foundation
import Hummingbird
import HTTPTypes
import TocsinCore
import TocsinDelivery
import TocsinPipeline
import TocsinStore

extension ConsoleRoutes {
    /// The analyst's alert desk, for publishers and admins:
    /// - `GET /console/compose` and `POST /console/compose`: write an alert, preview it as a chosen establishment
    ///   would receive it (`action=preview`), publish it (`action=publish`);
    /// - `GET /console/alerts/{id}/edit` and `POST /console/alerts/{id}/edit`: revise it the same way (a merge patch
    ///   of what changed, `confirmWiden` when the revision reaches further);
    /// - `POST /console/alerts/{id}/cancel`: cancel it, with a reason.
    ///
    /// The form is turned into the JSON the API takes and decoded by the API's strict decoder; publishing, revising
    /// and cancelling go through `AlertPipeline` with the same principal, so the same checks apply (validation, the
    /// publisher's write rights, the widening rule). A refusal is shown above the form, which keeps what was typed.
    struct Compose: ConsoleViewGroup {
        let env: ConsoleEnvironment
        let emailTemplates: EmailTemplates?

        init(env: ConsoleEnvironment) {
            self.env = env
            emailTemplates = (try? env.api.configuration.templatesDirectory()).flatMap { try? EmailTemplates(directory: $0, messages: env.api.messages) }
        }

        static let menu = [ConsoleMenuItem(path: "/console/compose", word: "compose.menu", roles: [.admin, .publisher])]

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("compose") { _, context in try await compose(ConsoleAlertForm(), context: context) }
            group.post("compose") { _, context in try await composed(context: context) }
            group.get("alerts/:id/edit") { _, context in try await edit(context: context) }
            group.post("alerts/:id/edit") { _, context in try await edited(context: context) }
            group.post("alerts/:id/cancel") { _, context in try await cancel(context: context) }
        }

        func requireAnalyst(_ context: TocsinRequestContext) throws -> Principal {
            let principal = try context.requirePrincipal()
            try principal.require([.admin, .publisher], to: "publish alerts from the console")
            return principal
        }

        /// The form page, for a new alert or a revision of `current`, with a refusal and a preview when there are.
        func compose(_ form: ConsoleAlertForm, current: Alert? = nil, error: String? = nil, preview: [String: Any]? = nil,
                     confirmWiden: Bool = false, status: HTTPResponse.Status = .ok, context: TocsinRequestContext) async throws -> Response {
            _ = try requireAnalyst(context)
            let locale = env.locale(context)
            var values = form.values(messages: env.api.messages, locale: locale)
            if let current {
                values["action"] = "/console/alerts/\(current.id)/edit"
                values["revising"] = true
                values["alertId"] = current.id
                values["revision"] = current.revision
                values["reachHref"] = "/console/alerts/\(current.id)/reach"
                values["cancelAction"] = "/console/alerts/\(current.id)/cancel"
                values["cancelled"] = current.status == .cancelled
                values["confirmWiden"] = confirmWiden
            } else {
                values["action"] = "/console/compose"
            }
            if let error { values["error"] = error }
            if let preview { values["preview"] = preview }
            let title = current == nil ? env.text("compose.title", context) : env.text("compose.reviseTitle", context, ["title": current?.title ?? ""])
            return try env.page(ConsoleView(template: "compose", title: title, context: values, status: status, section: "/console/compose"), context: context)
        }

        func composed(context: TocsinRequestContext) async throws -> Response {
            let principal = try requireAnalyst(context)
            let fields = context.consoleForm ?? ConsoleForm()
            let form = ConsoleAlertForm(fields)
            let draft: AlertDraft
            do {
                draft = try TocsinJSON.strictDecoder().decode(AlertDraft.self, from: JSONSerialization.data(withJSONObject: form.draftJSON()))
                if fields["action"] == "publish" {
                    let result = try await env.api.pipeline.publish(draft, source: "console", publishedBy: principal.tokenId, publisherOrgId: principal.orgId)
                    env.api.published()
                    context.logger.info("alert published", metadata: ["alert": "\(result.alert.id)", "deliveries": "\(result.deliveriesQueued)", "channel": "console"])
                    return ConsoleEnvironment.redirect(to: "/console/alerts/\(result.alert.id)/reach")
                }
                let alert = Alert.first(from: env.api.enricher.enrich(try draft.validated()), id: "preview", source: "console",
                                        publishedBy: principal.tokenId, publisherOrgId: principal.orgId)
                let preview = try await ConsoleAlertPreview(env: env, emailTemplates: emailTemplates)
                    .values(alert, chosen: fields["previewOrg"], showsConcerns: principal.role == .admin)
                return try await compose(form, preview: preview, context: context)
            } catch {
                return try await refused(error, form: form, context: context)
            }
        }

        /// The form again with the API's reason for refusing it; an error that is not the caller's goes on up.
        func refused(_ error: any Error, form: ConsoleAlertForm, current: Alert? = nil, confirmWiden: Bool = false,
                     context: TocsinRequestContext) async throws -> Response {
            let problem = Problem.from(error)
            guard (400..<500).contains(problem.status.code), problem.status != .notFound, problem.status != .forbidden else { throw error }
            let detail = problem.detail ?? problem.title
            return try await compose(form, current: current, error: env.text("compose.refused", context, ["reason": detail]),
                                     confirmWiden: confirmWiden, status: .unprocessableContent, context: context)
        }

        /// The alert to revise: one the analyst may revise, else the 404 or 403 the API answers.
        func revisable(_ context: TocsinRequestContext) async throws -> Alert {
            _ = try requireAnalyst(context)
            let id = try context.parameters.require("id")
            guard id.count <= 64, let alert = try await env.store.alert(id: id) else { throw Problem.notFound("alert not found") }
            do {
                try AlertReviser.checkWrite(try await env.access(context), alert)
            } catch {
                throw Problem.from(error)
            }
            return alert
        }

        func edit(context: TocsinRequestContext) async throws -> Response {
            let alert = try await revisable(context)
            return try await compose(ConsoleAlertForm(alert.content), current: alert, context: context)
        }

        func edited(context: TocsinRequestContext) async throws -> Response {
            let principal = try requireAnalyst(context)
            let current = try await revisable(context)
            let fields = context.consoleForm ?? ConsoleForm()
            let form = ConsoleAlertForm(fields)
            let confirm = fields["confirmWiden"] == "true"
            let patch = form.patchJSON(from: ConsoleAlertForm(current.content), confirmWiden: confirm)
            do {
                let body = try JSONSerialization.data(withJSONObject: patch)
                if fields["action"] == "publish" {
                    let result = try await env.api.pipeline.revise(alertId: current.id, patch: body, access: try await env.access(context),
                                                                   publishedBy: principal.tokenId)
                    if result.stored { env.api.published() }
                    context.logger.info(result.stored ? "alert revised" : "alert revision changed nothing",
                                        metadata: ["alert": "\(current.id)", "revision": "\(result.alert.revision)", "channel": "console"])
                    return ConsoleEnvironment.redirect(to: "/console/alerts/\(current.id)/reach")
                }
                let patched = try AlertPatch.apply(body, to: current.draft)
                let next = try AlertLifecycle.revise(current, with: env.api.enricher.enrich(try patched.draft.validated()), by: principal.tokenId)
                let preview = try await ConsoleAlertPreview(env: env, emailTemplates: emailTemplates)
                    .values(next, chosen: fields["previewOrg"], showsConcerns: principal.role == .admin)
                return try await compose(form, current: current, preview: preview, confirmWiden: confirm, context: context)
            } catch {
                return try await refused(error, form: form, current: current, confirmWiden: confirm, context: context)
            }
        }

        func cancel(context: TocsinRequestContext) async throws -> Response {
            let principal = try requireAnalyst(context)
            let current = try await revisable(context)
            let reason = (context.consoleForm?["reason"]).flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            do {
                if let reason, reason.count > 2_000 { throw Problem.validation("reason is longer than 2000 characters", field: "reason") }
                let result = try await env.api.pipeline.cancel(alertId: current.id, reason: reason, access: try await env.access(context),
                                                               publishedBy: principal.tokenId)
                env.api.published()
                context.logger.info("alert cancelled", metadata: ["alert": "\(current.id)", "deliveries": "\(result.deliveriesQueued)", "channel": "console"])
                return ConsoleEnvironment.redirect(to: "/console/alerts/\(current.id)/reach")
            } catch {
                return try await refused(error, form: ConsoleAlertForm(current.content), current: current, context: context)
            }
        }
    }
}
