import Foundation
import Hummingbird
import TocsinCore
import TocsinEnrich

/// `/api/v1/orgs/{id}/inventory`: what an organisation runs, so that alerts say "concerns your …" and subscriptions
/// can ask for `onlyInventoryMatches`. `PUT` takes a list of CPE names (JSON array of strings, or text with one
/// per line), vendor/product/version triples (JSON array of objects), or a CycloneDX JSON SBOM; it replaces the
/// whole inventory. `DELETE` removes it.
struct InventoryRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("orgs/:id/inventory", use: show)
        group.put("orgs/:id/inventory", use: replace)
        group.delete("orgs/:id/inventory", use: remove)
    }

    struct Body: Encodable {
        var orgId: String
        var items: [InventoryItem]
    }

    private func orgId(_ request: Request, _ context: TocsinRequestContext) async throws -> String {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .subscriber, .relay], to: "manage inventories")
        let id = try context.parameters.require("id")
        guard let scoped = try env.scopedOrgId(principal, requested: id) else { throw Problem.validation("organisation id is required") }
        guard try await env.store.organisation(id: scoped) != nil else { throw Problem.notFound("organisation \(scoped) not found") }
        return scoped
    }

    @Sendable func show(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let org = try await orgId(request, context)
        let items = try await env.store.inventory(orgId: org).map { try TocsinJSON.decoder().decode([InventoryItem].self, from: Data($0.utf8)) } ?? []
        return try JSONResponse.make(Body(orgId: org, items: items))
    }

    @Sendable func replace(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let org = try await orgId(request, context)
        let buffer = try await request.body.collect(upTo: InventoryLimits.standard.maximumBytes)
        let data = Data(buffer.readableBytesView)
        let items: [InventoryItem]
        do {
            items = try Self.parse(data, contentType: request.headers[.contentType] ?? "")
        } catch {
            throw Problem.validation("inventory \(error.description)", field: error.path.isEmpty ? nil : error.path)
        }
        try await env.store.setInventory(orgId: org, json: String(decoding: try TocsinJSON.encoder().encode(items), as: UTF8.self), count: items.count)
        context.logger.info("inventory declared", metadata: ["org": "\(org)", "items": "\(items.count)"])
        return try JSONResponse.make(Body(orgId: org, items: items))
    }

    @Sendable func remove(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let org = try await orgId(request, context)
        try await env.store.setInventory(orgId: org, json: nil, count: 0)
        return Response(status: .noContent)
    }

    /// Reads any of the three inventory forms.
    static func parse(_ data: Data, contentType: String) throws(InventoryError) -> [InventoryItem] {
        guard !data.isEmpty else { throw InventoryError(path: "", message: "is empty") }
        if contentType.lowercased().hasPrefix("text/") {
            return try Inventory.fromCPEList(String(decoding: data, as: UTF8.self))
        }
        // The form is told from the first bytes, so the document is parsed once, by the reader of its form.
        let significant = data.lazy.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        switch significant.first {
        case UInt8(ascii: "{"):
            return try Inventory.fromCycloneDX(data)
        case UInt8(ascii: "["):
            if significant.dropFirst().first == UInt8(ascii: "\"") { return try Inventory.fromCPEJSON(data) }
            return try Inventory.fromTriples(data)
        default:
            throw InventoryError(path: "", message: "is not valid JSON (send CPE names as text/plain, one per line)")
        }
    }
}
