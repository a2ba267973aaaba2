import Foundation
import Hummingbird
import TocsinCore
import TocsinPipeline
import TocsinStore

/// `/api/v1/orgs`: the organisations that receive alerts.
struct OrganisationRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("orgs", use: create)
        group.post("orgs/import", use: importCSV)
        group.get("orgs", use: list)
        group.get("orgs/:id", use: show)
        group.patch("orgs/:id", use: update)
        group.delete("orgs/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try context.requirePrincipal().require([.admin], to: "create organisations")
        let org = try await request.decodeJSON(OrganisationInput.self, limit: env.maxBody).makeOrganisation()
        try await env.store.createOrganisation(org)
        context.logger.info("organisation created", metadata: ["org": "\(org.id)"])
        return try JSONResponse.make(org, status: .created, headers: [.location: "/api/v1/orgs/\(org.id)"])
    }

    /// `POST /api/v1/orgs/import`: creates and updates establishments from a CSV body, every row or none;
    /// `dryRun=true` reports what would change and stores nothing. A file with a bad row is a 422 listing each line.
    @Sendable func importCSV(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try context.requirePrincipal().require([.admin], to: "import organisations")
        let dryRun: Bool
        switch request.query("dryRun") {
        case nil, "false": dryRun = false
        case "true": dryRun = true
        default: throw Problem.validation("dryRun must be true or false", field: "dryRun")
        }
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        guard contentType.hasPrefix("text/csv") || contentType.hasPrefix("text/plain") else {
            throw Problem(status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type",
                          detail: "send the file as text/csv")
        }
        let buffer = try await request.body.collectOrRefuse(upTo: OrganisationImport.maximumBytes, setting: "the import format (docs/organisations.md)")
        let report = try await OrganisationImporter(store: env.store).run(buffer.readableBytesView, dryRun: dryRun)
        context.logger.info("organisations imported", metadata: [
            "dry_run": "\(dryRun)", "rows": "\(report.rows)", "created": "\(report.created)", "updated": "\(report.updated)",
            "duration_ms": "\(report.durationMs)",
        ])
        return try JSONResponse.make(report)
    }

    @Sendable func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        if let unreachable = request.query("unreachable") {
            guard unreachable == "true" || unreachable == "false" else { throw Problem.validation("unreachable must be true or false", field: "unreachable") }
            if unreachable == "true" {
                // Every unreachable organisation comes on one page; a paging parameter must still be well formed.
                _ = try AlertRoutes.page(request)
                if let cursor = request.query("cursor"), Cursor.parse(cursor) == nil {
                    throw Problem.validation("cursor must be the nextCursor of a previous page", field: "cursor")
                }
                return try await self.unreachable(principal)
            }
        }
        if let own = try env.scopedOrgId(principal, requested: nil) {
            let orgs = try await env.store.organisation(id: own).map { [$0] } ?? []
            return try JSONResponse.make(ListBody(items: orgs, nextCursor: nil))
        }
        try principal.require([.admin, .publisher], to: "list organisations")
        let page = try await env.store.organisations(page: AlertRoutes.page(request))
        return try JSONResponse.make(ListBody(items: page.items.map { OrganisationView($0, for: principal) }, nextCursor: page.nextCursor))
    }

    /// The organisations no alert can reach now (no working channel), each with why: a standing finding, every
    /// one of them, on one page.
    func unreachable(_ principal: Principal) async throws -> Response {
        try principal.require([.admin, .publisher], to: "list unreachable organisations")
        let reasons = Dictionary(uniqueKeysWithValues: try await env.store.organisationChannels().compactMap { channels in
            channels.unreachableReasons.map { (channels.orgId, $0) }
        })
        var items: [UnreachableView] = []
        var page = PageRequest(limit: 500)
        repeat {
            let batch = try await env.store.organisations(page: page)
            items += batch.items.compactMap { org in reasons[org.id].map { UnreachableView(org: OrganisationView(org, for: principal), reasons: $0) } }
            page.cursor = batch.nextCursor
        } while page.cursor != nil
        return try JSONResponse.make(ListBody(items: items, nextCursor: nil))
    }

    /// An unreachable organisation: the organisation as the caller may see it, `unreachable: true` and why.
    struct UnreachableView: Encodable {
        var org: OrganisationView
        var reasons: [String]

        func encode(to encoder: any Encoder) throws {
            try org.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(true, forKey: .unreachable)
            try container.encode(reasons, forKey: .reasons)
        }

        enum CodingKeys: String, CodingKey { case unreachable, reasons }
    }

    @Sendable func show(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        _ = try env.scopedOrgId(principal, requested: id)
        guard let org = try await env.store.organisation(id: id) else { throw Problem.notFound("organisation \(id) not found") }
        return try JSONResponse.make(OrganisationView(org, for: principal))
    }

    @Sendable func update(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try context.requirePrincipal().require([.admin], to: "change organisations")
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(OrganisationInput.self, limit: env.maxBody)
        guard var org = try await env.store.organisation(id: id) else { throw Problem.notFound("organisation \(id) not found") }
        try input.apply(to: &org)
        try await env.store.updateOrganisation(org)
        return try JSONResponse.make(org)
    }

    @Sendable func delete(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try context.requirePrincipal().require([.admin], to: "delete organisations")
        let id = try context.parameters.require("id")
        guard try await env.store.deleteOrganisation(id: id) else { throw Problem.notFound("organisation \(id) not found") }
        context.logger.info("organisation deleted", metadata: ["org": "\(id)"])
        return Response(status: .noContent)
    }
}

/// An organisation as a caller sees it: its contacts are personal data, shown only to admins and to the
/// organisation itself.
struct OrganisationView: Encodable {
    var org: Organisation
    var showsContacts: Bool

    init(_ org: Organisation, for principal: Principal) {
        self.org = org
        showsContacts = principal.role == .admin || principal.orgId == org.id
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(org.id, forKey: .id)
        try container.encode(org.name, forKey: .name)
        try container.encode(org.kind, forKey: .kind)
        try container.encodeIfPresent(org.region, forKey: .region)
        try container.encode(org.national, forKey: .national)
        try container.encode(org.tlpClearance, forKey: .tlpClearance)
        try container.encode(org.locale, forKey: .locale)
        try container.encode(org.compromised, forKey: .compromised)
        try container.encodeIfPresent(org.finess, forKey: .finess)
        if showsContacts { try container.encode(org.contacts, forKey: .contacts) }
        try container.encode(org.createdAt, forKey: .createdAt)
        try container.encode(org.updatedAt, forKey: .updatedAt)
    }

    enum CodingKeys: String, CodingKey { case id, name, kind, region, national, tlpClearance, locale, compromised, finess, contacts, createdAt, updatedAt }
}

/// `/api/v1/tokens`: API tokens, shown once and stored hashed; listed without their values, revoked at once.
struct TokenRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("tokens", use: create)
        group.get("tokens", use: list)
        group.delete("tokens/:id", use: revoke)
    }

    struct Input: Decodable {
        var role: Role
        var orgId: String?
        var label: String?
        var expiresAt: Date?
    }

    struct Created: Encodable {
        var id: String
        var token: String
        var role: Role
        var orgId: String?
        var label: String?
        var createdAt: Date
        var expiresAt: Date?
    }

    @Sendable func create(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try context.requirePrincipal().require([.admin], to: "create tokens")
        let input = try await request.decodeJSON(Input.self, limit: env.maxBody)
        let token = try TokenIssuer.makeToken(role: input.role, orgId: input.orgId, label: input.label, expiresAt: input.expiresAt)
        let secret = APIToken.makeSecret()
        try await env.store.createToken(token, secret: secret)
        context.logger.info("token created", metadata: ["token_id": "\(token.id)", "role": "\(token.role.rawValue)"])
        return try JSONResponse.make(Created(id: token.id, token: secret, role: token.role, orgId: token.orgId, label: token.label,
                                             createdAt: token.createdAt, expiresAt: token.expiresAt), status: .created)
    }

    @Sendable func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try context.requirePrincipal().require([.admin], to: "list tokens")
        let page = try await env.store.tokens(page: AlertRoutes.page(request))
        return try JSONResponse.make(ListBody(items: page.items, nextCursor: page.nextCursor))
    }

    @Sendable func revoke(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try context.requirePrincipal().require([.admin], to: "revoke tokens")
        let id = try context.parameters.require("id")
        guard let token = try await env.store.revokeToken(id: id, now: Date()) else { throw Problem.notFound("token \(id) not found") }
        context.logger.notice("token revoked", metadata: ["token_id": "\(token.id)", "role": "\(token.role.rawValue)"])
        return try JSONResponse.make(token)
    }
}

/// The rules for minting tokens, shared by the API and the command line.
public enum TokenIssuer {
    public static func makeToken(role: Role, orgId: String?, label: String?, expiresAt: Date? = nil, now: Date = Date()) throws(ValidationError) -> APIToken {
        switch role {
        case .subscriber, .relay:
            guard let orgId, !orgId.isEmpty else {
                throw ValidationError(field: "orgId", message: "is required for a \(role.rawValue) token")
            }
        case .admin, .publisher:
            break
        }
        if let label, label.count > 200 { throw ValidationError(field: "label", message: "is longer than 200 characters") }
        if let label { try TextRules.check(label, field: "label") }
        if let expiresAt, expiresAt <= now { throw ValidationError(field: "expiresAt", message: "must be in the future") }
        return APIToken(role: role, orgId: orgId, label: label, createdAt: now, expiresAt: expiresAt?.millisecondPrecision)
    }
}
