import Foundation
import Hummingbird
import TocsinCore
import TocsinEnrich
import TocsinStore

extension ConsoleRoutes {
    /// `/console/inventory`: what the organisation declared it runs (its items and the parts they came in), the
    /// current alerts that concern it, and a form to upload a CycloneDX SBOM, a CSV (`vendor,product,version`…), a
    /// list of CPE names or JSON triples, read by the same readers and stored by the same calls as
    /// `PUT /api/v1/orgs/{id}/inventory[/{part}]`. For an organisation's users (subscriber, relay), as in the API.
    struct Inventory: ConsoleViewGroup {
        let env: ConsoleEnvironment

        static let menu = [ConsoleMenuItem(path: "/console/inventory", word: "inventory.menu", roles: [.subscriber, .relay])]

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("inventory") { request, context in try await show(context: context, declared: request.query("declared").flatMap(Int.init)) }
            group.post("inventory") { _, context in try await upload(context: context) }
        }

        /// The organisation the user manages the inventory of.
        func orgId(_ context: TocsinRequestContext) throws -> String {
            let principal = try context.requirePrincipal()
            try principal.require([.subscriber, .relay], to: "manage inventories")
            guard let orgId = principal.orgId else { throw Problem.forbidden("the session is bound to no organisation") }
            return orgId
        }

        func show(context: TocsinRequestContext, declared: Int? = nil, error: String? = nil) async throws -> Response {
            let orgId = try orgId(context)
            let locale = env.locale(context)
            let formatter = env.api.messages.dateFormatter(locale: locale)
            let items = try await env.store.inventory(orgId: orgId).map { try TocsinJSON.decoder().decode([InventoryItem].self, from: Data($0.utf8)) } ?? []
            let parts = try await env.store.inventoryParts(orgId: orgId)
            // The current alerts that concern the inventory: the newest the organisation may read, not cancelled.
            let principal = try context.requirePrincipal()
            let scope = try await env.api.readScope(of: principal)
            let access = try await env.access(context)
            let recent = try await env.store.alerts(AlertQuery(page: PageRequest(limit: 200), clearance: scope?.clearance,
                                                               orgRegion: scope.map { scope -> String? in scope.region }))
            let snapshot = try await env.api.inventories.snapshot()
            let matching = recent.items.filter { $0.status != .cancelled && access.canRead($0) }.compactMap { alert -> [String: Any]? in
                let concerns = snapshot.concerns(for: alert, orgId: orgId)
                return concerns.isEmpty ? nil : ConsoleAlertSummary.values(alert, concerns: concerns, locale: locale, messages: env.api.messages,
                                                                           formatter: formatter)
            }
            var values: [String: Any] = [
                "items": items.map { item -> [String: String] in
                    ["name": item.displayName, "vendor": item.vendor ?? "", "product": item.product, "version": item.version ?? "",
                     "id": item.cpe ?? item.purl ?? "", "label": item.label ?? ""]
                },
                "hasItems": !items.isEmpty, "count": String(items.count),
                "parts": parts.map { ["name": $0.name, "items": String($0.items), "updatedAt": formatter.string(from: $0.updatedAt)] },
                "hasParts": !parts.isEmpty,
                "matching": matching, "hasMatching": !matching.isEmpty,
            ]
            if let declared {
                values["message"] = env.text("inventory.declared", context, ["count": String(declared)])
            }
            if let error { values["error"] = error }
            return try env.page(ConsoleView(template: "inventory", title: env.text("inventory.title", context), context: values,
                                            status: error == nil ? .ok : .unprocessableContent, section: "/console/inventory"), context: context)
        }

        func upload(context: TocsinRequestContext) async throws -> Response {
            let orgId = try orgId(context)
            let form = context.consoleForm ?? ConsoleForm()
            func refuse(_ reason: String) async throws -> Response {
                try await show(context: context, error: env.text("inventory.refused", context, ["reason": reason]))
            }
            guard let file = form.files["file"], !file.data.isEmpty else { return try await refuse(env.text("inventory.noFile", context)) }
            let part = (form["part"] ?? "").trimmingCharacters(in: .whitespaces)
            guard part.isEmpty || InventoryRoutes.isPartName(part) else { return try await refuse(env.text("inventory.badPart", context)) }
            let items: [InventoryItem]
            do {
                items = try Self.read(file)
            } catch {
                return try await refuse(error.description)
            }
            let json = String(decoding: try TocsinJSON.encoder().encode(items), as: UTF8.self)
            if part.isEmpty {
                try await env.store.setInventory(orgId: orgId, json: json, count: items.count)
            } else {
                guard try await env.store.setInventoryPart(orgId: orgId, name: part, json: json, count: items.count,
                                                           maximumItems: InventoryRoutes.maximumMergedItems, maximumParts: InventoryRoutes.maximumParts) != nil else {
                    return try await refuse(env.text("inventory.tooMany", context))
                }
            }
            context.logger.info("inventory declared", metadata: ["org": "\(orgId)", "items": "\(items.count)", "part": "\(part)", "channel": "console"])
            return ConsoleEnvironment.redirect(to: "/console/inventory?declared=\(items.count)")
        }

        /// An uploaded file as inventory items: CSV by its name or type, a CPE list for text, else what its first
        /// bytes say (CycloneDX, CPE names in JSON, triples), as the API reads it.
        static func read(_ file: ConsoleForm.File) throws(InventoryError) -> [InventoryItem] {
            let name = file.filename.lowercased()
            let type = (file.contentType ?? "").lowercased()
            if name.hasSuffix(".csv") || type.hasPrefix("text/csv") {
                return try TocsinEnrich.Inventory.fromCSV(String(decoding: file.data, as: UTF8.self))
            }
            return try InventoryRoutes.parse(file.data, contentType: name.hasSuffix(".txt") ? "text/plain" : "application/json")
        }
    }
}
