import Foundation
import Hummingbird
import TocsinCore
import TocsinEnrich
import TocsinStore

/// `/api/v1/orgs/{id}/inventory`: what an organisation runs, so that alerts say "concerns your …" and subscriptions
/// can ask for `onlyInventoryMatches`. An inventory takes a list of CPE names (JSON array of strings, or text with
/// one per line), vendor/product/version triples (JSON array of objects), or a CycloneDX JSON SBOM.
///
/// It can be declared whole (`PUT …/inventory` replaces everything) or in parts, one per device, site or SBOM
/// (`PUT …/inventory/{part}` replaces that part only); the parts are merged, each item once, and matching reads
/// the merge. `DELETE` removes the whole inventory or one part.
struct InventoryRoutes {
    let env: APIEnvironment

    /// At most this many parts per organisation, and at most this many items in all of them together (each part
    /// is bounded by `InventoryLimits` on its own).
    static let maximumParts = 1_000
    static let maximumMergedItems = 50_000

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("orgs/:id/inventory", use: show)
        group.put("orgs/:id/inventory", use: replace)
        group.delete("orgs/:id/inventory", use: remove)
        group.get("orgs/:id/inventory/:part", use: showPart)
        group.put("orgs/:id/inventory/:part", use: replacePart)
        group.delete("orgs/:id/inventory/:part", use: removePart)
    }

    struct Body: Encodable {
        var orgId: String
        var items: [InventoryItem]
        /// The parts the inventory was declared in (a whole inventory is the one part `default`).
        var parts: [InventoryPart]
    }

    struct PartBody: Encodable {
        var orgId: String
        var part: String
        var items: [InventoryItem]
        /// How many items the merged inventory holds now.
        var inventoryItems: Int
    }

    private func orgId(_ request: Request, _ context: TocsinRequestContext) async throws -> String {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .subscriber, .relay], to: "manage inventories")
        let id = try context.parameters.require("id")
        guard let scoped = try env.scopedOrgId(principal, requested: id) else { throw Problem.validation("organisation id is required") }
        guard try await env.store.organisation(id: scoped) != nil else { throw Problem.notFound("organisation \(scoped) not found") }
        return scoped
    }

    /// A part's name: a device, a site or an SBOM, as the organisation calls it (`pacs-radiologie`,
    /// `sbom:intellibridge-ec40`), 1 to 128 characters among letters, digits and `. _ : @ -`.
    static func partName(_ context: TocsinRequestContext) throws -> String {
        // The path segment as sent, percent-encoding undone (`sbom%3Apacs` is `sbom:pacs`).
        guard let name = try context.parameters.require("part").removingPercentEncoding, isPartName(name) else {
            throw Problem.validation("a part name is 1 to 128 letters, digits or . _ : @ -, starting with a letter or digit", field: "part")
        }
        return name
    }

    /// Whether `name` may name a part: 1 to 128 letters, digits or `. _ : @ -`, starting with a letter or digit.
    static func isPartName(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:@-")
        return (1...128).contains(name.count) && name.allSatisfy(allowed.contains) && name.first.map({ $0.isLetter || $0.isNumber }) == true
    }

    private func items(_ json: String?) throws -> [InventoryItem] {
        try json.map { try TocsinJSON.decoder().decode([InventoryItem].self, from: Data($0.utf8)) } ?? []
    }

    @Sendable func show(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let org = try await orgId(request, context)
        let items = try items(try await env.store.inventory(orgId: org))
        return try JSONResponse.make(Body(orgId: org, items: items, parts: try await env.store.inventoryParts(orgId: org)))
    }

    /// Reads the body as an inventory in any of its forms.
    private func declared(_ request: Request) async throws -> [InventoryItem] {
        let buffer = try await request.body.collect(upTo: InventoryLimits.standard.maximumBytes)
        do {
            return try Self.parse(Data(buffer.readableBytesView), contentType: request.headers[.contentType] ?? "")
        } catch {
            throw Problem.validation("inventory \(error.description)", field: error.path.isEmpty ? nil : error.path)
        }
    }

    @Sendable func replace(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let org = try await orgId(request, context)
        let items = try await declared(request)
        try await env.store.setInventory(orgId: org, json: String(decoding: try TocsinJSON.encoder().encode(items), as: UTF8.self), count: items.count)
        context.logger.info("inventory declared", metadata: ["org": "\(org)", "items": "\(items.count)"])
        return try JSONResponse.make(Body(orgId: org, items: items, parts: try await env.store.inventoryParts(orgId: org)))
    }

    @Sendable func remove(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let org = try await orgId(request, context)
        try await env.store.setInventory(orgId: org, json: nil, count: 0)
        return Response(status: .noContent)
    }

    @Sendable func showPart(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let org = try await orgId(request, context)
        let name = try Self.partName(context)
        guard let json = try await env.store.inventoryPart(orgId: org, name: name) else {
            throw Problem.notFound("inventory part \(name) not found")
        }
        let merged = try await env.store.inventoryItemCount(orgId: org)
        return try JSONResponse.make(PartBody(orgId: org, part: name, items: try items(json), inventoryItems: merged))
    }

    @Sendable func replacePart(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let org = try await orgId(request, context)
        let name = try Self.partName(context)
        let items = try await declared(request)
        let merged = try await env.store.setInventoryPart(orgId: org, name: name, json: String(decoding: try TocsinJSON.encoder().encode(items), as: UTF8.self),
                                                          count: items.count, maximumItems: Self.maximumMergedItems, maximumParts: Self.maximumParts) ?? 0
        context.logger.info("inventory part declared", metadata: ["org": "\(org)", "part": "\(name)", "items": "\(items.count)", "merged": "\(merged)"])
        return try JSONResponse.make(PartBody(orgId: org, part: name, items: items, inventoryItems: merged))
    }

    @Sendable func removePart(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let org = try await orgId(request, context)
        let name = try Self.partName(context)
        guard try await env.store.setInventoryPart(orgId: org, name: name, json: nil, count: 0,
                                                   maximumItems: Self.maximumMergedItems, maximumParts: Self.maximumParts) != nil else {
            throw Problem.notFound("inventory part \(name) not found")
        }
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
