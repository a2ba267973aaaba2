import Foundation
import Hummingbird
import HTTPTypes
import Synchronization
import TocsinCore
import TocsinPipeline
import TocsinStore

extension ConsoleRoutes {
    /// The admin's pages, each for the admin role only (anyone else gets the console's 403 page), each doing what
    /// the API does with the same rules:
    ///
    /// - `GET|POST /console/admin/orgs`: the organisations, 50 a page, and a form creating one (`OrganisationInput`,
    ///   as `POST /api/v1/orgs`).
    /// - `GET|POST /console/admin/tokens`, `POST /console/admin/tokens/{id}/revoke`: the API tokens (never their
    ///   values), issuing one (`TokenIssuer`, as `POST /api/v1/tokens`: its value is on the answer's page only,
    ///   which is not cached) and revoking one.
    /// - `GET|POST /console/admin/import`, `POST /console/admin/import/apply`: the bulk import of establishments from
    ///   CSV. The upload is a dry run through `OrganisationImporter`, the code of `tocsin org import` and
    ///   `POST /api/v1/orgs/import`, showing what would change or every bad row with its line; the file waits on
    ///   the server (for this session only, 30 minutes) for the button that applies it, planned again against the
    ///   directory as it is then.
    struct Admin: ConsoleViewGroup {
        let env: ConsoleEnvironment
        let drafts = ConsoleImportDrafts()

        init(env: ConsoleEnvironment) { self.env = env }

        /// Changes shown on the import's report page; the counts always cover the whole file.
        static let changesShown = 500

        static let menu = [
            ConsoleMenuItem(path: "/console/admin/orgs", word: "admin.orgsMenu", roles: [.admin]),
            ConsoleMenuItem(path: "/console/admin/tokens", word: "admin.tokensMenu", roles: [.admin]),
            ConsoleMenuItem(path: "/console/admin/import", word: "admin.importMenu", roles: [.admin]),
        ]

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("admin/orgs") { request, context in try await organisations(request, context: context) }
            group.post("admin/orgs") { request, context in try await createOrganisation(request, context: context) }
            group.get("admin/tokens") { request, context in try await tokens(request, context: context) }
            group.post("admin/tokens") { request, context in try await issueToken(request, context: context) }
            group.post("admin/tokens/:id/revoke") { _, context in try await revokeToken(context: context) }
            group.get("admin/import") { _, context in try await importPage(context: context) }
            group.post("admin/import") { _, context in try await dryRun(context: context) }
            group.post("admin/import/apply") { _, context in try await apply(context: context) }
        }

        func requireAdmin(_ context: TocsinRequestContext) throws {
            try context.requirePrincipal().require([.admin], to: "administer the broker")
        }

        /// A numeric page cursor from the query, or nil.
        static func cursor(_ request: Request) -> String? {
            request.query("cursor").flatMap { $0.count <= 20 && !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) ? $0 : nil }
        }

        // MARK: Organisations

        func organisations(_ request: Request, context: TocsinRequestContext, error: String? = nil, form: [String: String] = [:],
                           status: HTTPResponse.Status = .ok) async throws -> Response {
            try requireAdmin(context)
            let page = try await env.store.organisations(page: PageRequest(limit: 50, cursor: Self.cursor(request)))
            let items = page.items.map { org -> [String: Any] in
                ["id": org.id, "name": org.name, "kind": org.kind.rawValue, "region": org.national ? "national" : (org.region.map { Region.names[$0] ?? $0 } ?? "—"),
                 "finess": org.finess ?? "", "clearance": org.tlpClearance.label, "locale": org.locale, "contacts": org.contacts.count]
            }
            var values: [String: Any] = [
                "orgs": items, "empty": items.isEmpty,
                "kinds": Organisation.Kind.allCases.map { ["value": $0.rawValue, "selected": form["kind"] == $0.rawValue] },
                "regions": Region.names.sorted { $0.key < $1.key }.map { ["value": $0.key, "label": "\($0.key) · \($0.value)", "selected": form["region"] == $0.key] },
                "clearances": TLP.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": (form["clearance"] ?? TLP.green.rawValue) == $0.rawValue] },
                "locales": env.api.messages.locales.map { ["value": $0, "selected": (form["locale"] ?? Messages.defaultLocale) == $0] },
                "name": form["name"] ?? "",
            ]
            if let error { values["error"] = error }
            if let created = request.query("created"), created.count <= 64 { values["created"] = created }
            if let next = page.nextCursor { values["nextHref"] = "/console/admin/orgs?cursor=\(next)" }
            return try env.page(ConsoleView(template: "admin-orgs", title: env.text("admin.orgsTitle", context), context: values, status: status,
                                            section: "/console/admin/orgs"), context: context)
        }

        func createOrganisation(_ request: Request, context: TocsinRequestContext) async throws -> Response {
            try requireAdmin(context)
            let form = context.consoleForm ?? ConsoleForm()
            func field(_ name: String) -> String? {
                let value = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                return value.isEmpty ? nil : value
            }
            let values = ["name": field("name") ?? "", "kind": field("kind") ?? "", "region": field("region") ?? "",
                          "clearance": field("clearance") ?? "", "locale": field("locale") ?? ""]
            let org: Organisation
            do {
                guard let kind = Organisation.Kind(rawValue: field("kind") ?? Organisation.Kind.other.rawValue) else {
                    throw ValidationError(field: "kind", message: "is not a known kind")
                }
                guard let clearance = TLP(rawValue: field("clearance") ?? TLP.green.rawValue) else {
                    throw ValidationError(field: "clearance", message: "is not a TLP marking")
                }
                org = try OrganisationInput(name: field("name"), kind: kind, region: field("region"), tlpClearance: clearance,
                                            locale: field("locale")).makeOrganisation()
            } catch let error as ValidationError {
                let message = env.text("admin.invalid", context, ["field": error.field, "reason": error.message])
                return try await organisations(request, context: context, error: message, form: values, status: .unprocessableContent)
            }
            try await env.store.createOrganisation(org)
            context.logger.info("organisation created", metadata: ["org": "\(org.id)", "console": "true"])
            return ConsoleEnvironment.redirect(to: "/console/admin/orgs?created=\(org.id)")
        }

        // MARK: Tokens

        func tokens(_ request: Request, context: TocsinRequestContext, issued: (APIToken, String)? = nil, error: String? = nil,
                    status: HTTPResponse.Status = .ok) async throws -> Response {
            try requireAdmin(context)
            let page = try await env.store.tokens(page: PageRequest(limit: 50, cursor: Self.cursor(request)))
            let formatter = env.api.messages.dateFormatter(locale: env.locale(context))
            let now = Date()
            let items = page.items.map { token -> [String: Any] in
                let revoked = token.revokedAt != nil
                let expired = token.expiresAt.map { $0 <= now } ?? false
                return [
                    "id": token.id, "role": token.role.rawValue, "orgId": token.orgId ?? "—", "label": token.label ?? "",
                    "createdAt": formatter.string(from: token.createdAt),
                    "lastUsedAt": token.lastUsedAt.map { formatter.string(from: $0) } ?? "—",
                    "state": env.text(revoked ? "admin.tokenRevoked" : expired ? "admin.tokenExpired" : "admin.tokenActive", context),
                    "revocable": !revoked && !expired, "action": "/console/admin/tokens/\(token.id)/revoke",
                ]
            }
            var values: [String: Any] = [
                "tokens": items, "empty": items.isEmpty,
                "roles": Role.allCases.map { ["value": $0.rawValue] },
            ]
            var headers: HTTPFields = [:]
            if let (token, secret) = issued {
                values["issued"] = ["id": token.id, "secret": secret, "role": token.role.rawValue]
                headers[.cacheControl] = "no-store"
            }
            if let error { values["error"] = error }
            if let next = page.nextCursor { values["nextHref"] = "/console/admin/tokens?cursor=\(next)" }
            return try env.page(ConsoleView(template: "admin-tokens", title: env.text("admin.tokensTitle", context), context: values, status: status,
                                            section: "/console/admin/tokens", headers: headers), context: context)
        }

        func issueToken(_ request: Request, context: TocsinRequestContext) async throws -> Response {
            try requireAdmin(context)
            let form = context.consoleForm ?? ConsoleForm()
            func field(_ name: String) -> String? {
                let value = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                return value.isEmpty ? nil : value
            }
            let token: APIToken
            do {
                guard let role = field("role").flatMap(Role.init(rawValue:)) else { throw ValidationError(field: "role", message: "is not a role") }
                let orgId = field("orgId")
                if let orgId {
                    guard orgId.count <= 64, try await env.store.organisation(id: orgId) != nil else {
                        throw ValidationError(field: "orgId", message: "names no organisation")
                    }
                }
                token = try TokenIssuer.makeToken(role: role, orgId: orgId, label: field("label"))
            } catch let error as ValidationError {
                let message = env.text("admin.invalid", context, ["field": error.field, "reason": error.message])
                return try await tokens(request, context: context, error: message, status: .unprocessableContent)
            }
            let secret = APIToken.makeSecret()
            try await env.store.createToken(token, secret: secret)
            context.logger.info("token created", metadata: ["token_id": "\(token.id)", "role": "\(token.role.rawValue)", "console": "true"])
            // Shown on this answer only: no redirect, and the page is not kept by the browser's cache.
            return try await tokens(request, context: context, issued: (token, secret), status: .created)
        }

        func revokeToken(context: TocsinRequestContext) async throws -> Response {
            try requireAdmin(context)
            let id = try context.parameters.require("id")
            guard id.count <= 64, let token = try await env.store.revokeToken(id: id, now: Date()) else { throw Problem.notFound("token not found") }
            context.logger.notice("token revoked", metadata: ["token_id": "\(token.id)", "role": "\(token.role.rawValue)", "console": "true"])
            return ConsoleEnvironment.redirect(to: "/console/admin/tokens")
        }

        // MARK: Import

        func importPage(context: TocsinRequestContext) async throws -> Response {
            try requireAdmin(context)
            return try env.page(ConsoleView(template: "admin-import", title: env.text("admin.importTitle", context), context: [:],
                                            section: "/console/admin/import"), context: context)
        }

        func dryRun(context: TocsinRequestContext) async throws -> Response {
            try requireAdmin(context)
            guard let session = context.consoleSession, let file = context.consoleForm?.files["file"], !file.data.isEmpty else {
                return try env.page(ConsoleView(template: "admin-import", title: env.text("admin.importTitle", context),
                                                context: ["error": env.text("admin.importNoFile", context)], status: .unprocessableContent,
                                                section: "/console/admin/import"), context: context)
            }
            return try await run(file.data, fileName: file.filename, dryRun: true, session: session, context: context)
        }

        func apply(context: TocsinRequestContext) async throws -> Response {
            try requireAdmin(context)
            guard let session = context.consoleSession, let id = context.consoleForm?["draft"], id.count <= 64,
                  let draft = drafts.take(id: id, sessionId: session.id, now: Date()) else {
                return try env.page(ConsoleView(template: "admin-import", title: env.text("admin.importTitle", context),
                                                context: ["error": env.text("admin.importExpired", context)], status: .unprocessableContent,
                                                section: "/console/admin/import"), context: context)
            }
            return try await run(draft.data, fileName: draft.fileName, dryRun: false, session: session, context: context)
        }

        /// Runs the import (or its dry run) and shows its report, or every bad line.
        func run(_ data: Data, fileName: String, dryRun: Bool, session: ConsoleSession, context: TocsinRequestContext) async throws -> Response {
            let title = env.text("admin.importTitle", context)
            var values: [String: Any] = ["fileName": fileName]
            let report: OrganisationImportReport
            do {
                report = try await OrganisationImporter(store: env.store).run(data, dryRun: dryRun)
            } catch let error as OrganisationImportError {
                values["faults"] = error.lines.map { ["line": $0.line, "reason": $0.reason] }
                values["faultCount"] = error.lines.count
                context.logger.info("organisations import refused", metadata: ["faults": "\(error.lines.count)", "dry_run": "\(dryRun)", "console": "true"])
                return try env.page(ConsoleView(template: "admin-import", title: title, context: values, status: .unprocessableContent,
                                                section: "/console/admin/import"), context: context)
            }
            context.logger.info("organisations imported", metadata: [
                "dry_run": "\(dryRun)", "rows": "\(report.rows)", "created": "\(report.created)", "updated": "\(report.updated)",
                "duration_ms": "\(report.durationMs)", "console": "true",
            ])
            values["report"] = [
                "dryRun": report.dryRun, "rows": report.rows, "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                "durationMs": report.durationMs,
                "changes": report.changes.prefix(Self.changesShown).map { change -> [String: Any] in
                    ["line": change.line, "action": env.text("admin.action.\(change.action.rawValue)", context), "actionClass": "action-\(change.action.rawValue)",
                     "name": change.name, "finess": change.finess ?? "", "fields": change.fields.joined(separator: ", ")]
                },
                "hasChanges": !report.changes.isEmpty,
                "moreChanges": report.changes.count > Self.changesShown ? report.changes.count - Self.changesShown : 0,
            ] as [String: Any]
            if dryRun, !report.changes.isEmpty {
                values["draft"] = drafts.keep(data, fileName: fileName, sessionId: session.id, now: Date())
            }
            return try env.page(ConsoleView(template: "admin-import", title: title, context: values, section: "/console/admin/import"), context: context)
        }
    }
}

/// Import files waiting for the admin to apply what their dry run showed: each kept in memory for the session that
/// uploaded it, 30 minutes at most, a few at a time (the oldest dropped first), used once.
final class ConsoleImportDrafts: Sendable {
    struct Draft {
        var data: Data
        var fileName: String
        var sessionId: String
        var keptAt: Date
    }

    static let lifetime: TimeInterval = 30 * 60
    static let maximum = 4
    private let drafts = Mutex<[String: Draft]>([:])

    /// Keeps `data` and returns the id the apply form sends back.
    func keep(_ data: Data, fileName: String, sessionId: String, now: Date) -> String {
        let id = TocsinID.secret(prefix: "", bytes: 18)
        drafts.withLock { drafts in
            drafts = drafts.filter { now.timeIntervalSince($0.value.keptAt) < Self.lifetime }
            while drafts.count >= Self.maximum, let oldest = drafts.min(by: { $0.value.keptAt < $1.value.keptAt })?.key { drafts[oldest] = nil }
            drafts[id] = Draft(data: data, fileName: fileName, sessionId: sessionId, keptAt: now)
        }
        return id
    }

    /// The draft `id` if this session kept it and it has not expired; removed either way.
    func take(id: String, sessionId: String, now: Date) -> Draft? {
        drafts.withLock { drafts in
            guard let draft = drafts[id], draft.sessionId == sessionId else { return nil }
            drafts[id] = nil
            return now.timeIntervalSince(draft.keptAt) < Self.lifetime ? draft : nil
        }
    }
}
