import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import TocsinCore
import TocsinStore

/// `/taxii2/`: a read-only TAXII 2.1 server over the alert log, for the SIEMs, MISP and OpenCTI instances CERTs run.
///
/// One API root (`/taxii2/api/`), one collection per TLP level (`TAXIICollection`), objects written by
/// `TAXIIProjection`. Paging is by `date_added`, unique and strictly increasing per collection: `added_after` is
/// exclusive, `next` carries the last `date_added` served and a digest of the filters it was issued with (reused
/// with other filters it gets 400), each page is one index range of the store however large the collection.
struct TAXIIRoutes {
    let env: APIEnvironment
    let projection: TAXIIProjection
    static let defaultPageSize = 100
    static let maximumPageSize = 1_000

    init(env: APIEnvironment) {
        self.env = env
        projection = TAXIIProjection(store: env.store, writer: env.stix)
    }

    func register(on router: Router<TocsinRequestContext>) {
        let group = router.group("taxii2").add(middleware: TAXIIMiddleware(store: env.store, maxContentLength: env.maxBody))
        group.get("/", use: discovery)
        group.get("api", use: apiRoot)
        group.get("api/status/:statusId", use: status)
        group.get("api/collections", use: collections)
        group.get("api/collections/:collectionId", use: collection)
        group.get("api/collections/:collectionId/objects", use: objects)
        group.post("api/collections/:collectionId/objects", use: add)
        group.get("api/collections/:collectionId/objects/:objectId", use: object)
        group.get("api/collections/:collectionId/objects/:objectId/versions", use: versions)
        group.get("api/collections/:collectionId/manifest", use: manifest)
    }

    var base: String { "\(env.configuration.publicUrl)/taxii2" }

    @Sendable func discovery(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try TAXIIMedia.response(object: [
            "title": "Tocsin", "description": "Alerts of this Tocsin broker as STIX 2.1, one collection per TLP level.",
            "default": "\(base)/api/", "api_roots": ["\(base)/api/"],
        ])
    }

    @Sendable func apiRoot(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        try TAXIIMedia.response(object: [
            "title": "Tocsin alerts", "versions": [TAXIIMedia.taxii], "max_content_length": env.maxBody,
        ])
    }

    @Sendable func status(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        throw Problem.notFound("no status: the collections are read-only, nothing is ever added through TAXII")
    }

    @Sendable func collections(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let access = try await env.access(of: try context.requirePrincipal())
        return try TAXIIMedia.response(object: ["collections": TAXIICollection.visible(to: access).map(\.resource)])
    }

    @Sendable func collection(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (collection, _) = try await readable(context)
        return try TAXIIMedia.response(object: collection.resource)
    }

    @Sendable func add(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        _ = try await readable(context)
        _ = try await request.body.collect(upTo: env.maxBody)
        throw Problem.forbidden("the collection is read-only (can_write is false): alerts are published through /api/v1")
    }

    @Sendable func objects(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (collection, access) = try await readable(context)
        let (page, filters) = try await read(request, collection, access, kind: "objects", versions: .last)
        return envelope(page, filters: filters)
    }

    @Sendable func object(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (collection, access) = try await readable(context)
        let id = try context.parameters.require("objectId")
        let (page, filters) = try await read(request, collection, access, kind: "object:\(id)", versions: .last, id: id)
        if page.rows.isEmpty, filters.unbounded { throw Problem.notFound("no object \(id.prefix(120)) in this collection") }
        return envelope(page, filters: filters)
    }

    @Sendable func versions(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (collection, access) = try await readable(context)
        let id = try context.parameters.require("objectId")
        let (page, filters) = try await read(request, collection, access, kind: "versions:\(id)", versions: .all, id: id, takesVersionMatch: false)
        if page.rows.isEmpty, filters.unbounded { throw Problem.notFound("no object \(id.prefix(120)) in this collection") }
        var body: [String: Any] = ["more": page.more, "versions": page.rows.map(\.version)]
        if page.more, let last = page.rows.last { body["next"] = filters.next(after: last.dateAdded) }
        return try TAXIIMedia.response(object: body, headers: Self.dateHeaders(page))
    }

    @Sendable func manifest(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let (collection, access) = try await readable(context)
        let (page, filters) = try await read(request, collection, access, kind: "manifest", versions: .last)
        var body: [String: Any] = ["more": page.more]
        if !page.rows.isEmpty {
            body["objects"] = page.rows.map {
                ["id": $0.id, "date_added": TAXIITimestamp.format($0.dateAdded), "version": $0.version, "media_type": TAXIIMedia.stix]
            }
        }
        if page.more, let last = page.rows.last { body["next"] = filters.next(after: last.dateAdded) }
        return try TAXIIMedia.response(object: body, headers: Self.dateHeaders(page))
    }

    // MARK: Reading

    /// The collection named in the path, when the caller may read it (else 404, as for one that does not exist).
    private func readable(_ context: TocsinRequestContext) async throws -> (TAXIICollection, AlertAccess) {
        let access = try await env.access(of: try context.requirePrincipal())
        let id = try context.parameters.require("collectionId")
        guard let collection = TAXIICollection.named(id), TAXIICollection.visible(to: access).contains(collection) else {
            throw Problem.notFound("no collection \(id.prefix(64)) readable with this token")
        }
        return (collection, access)
    }

    /// The page the request asks for, after catching up with the alert log.
    private func read(_ request: Request, _ collection: TAXIICollection, _ access: AlertAccess, kind: String, versions defaultVersions: TAXIIVersionMatch,
                      id: String? = nil, takesVersionMatch: Bool = true) async throws -> (TAXIIObjectPage, TAXIIFilters) {
        var filters = try TAXIIFilters(request, collection: collection, kind: kind, takesVersionMatch: takesVersionMatch)
        var limit = Self.defaultPageSize
        let parameters = TAXIIQuery(request)
        if let text = parameters.get("limit") {
            guard let value = Int(text), value > 0 else { throw TAXIIFilters.badRequest("limit must be a positive integer", field: "limit") }
            limit = min(value, Self.maximumPageSize)
        }
        var after = filters.addedAfter
        if let next = parameters.get("next") {
            after = try filters.resume(next)
            filters.resumed = true
        }
        if filters.excludesAll { return (TAXIIObjectPage(rows: [], more: false), filters) }
        try await projection.catchUp()
        var query = TAXIIObjectQuery(collection: collection.tlp, addedAfter: after, ids: filters.ids, types: filters.types,
                                     versions: filters.versions ?? defaultVersions, region: TAXIICollection.region(of: access), limit: limit)
        if let id { query.ids = filters.ids.isEmpty || filters.ids.contains(id) ? [id] : ["-"] }
        return (try await env.store.taxiiObjects(query), filters)
    }

    /// An envelope: `{more, next, objects}` with the objects' JSON as stored.
    private func envelope(_ page: TAXIIObjectPage, filters: TAXIIFilters) -> Response {
        var json = "{\"more\":\(page.more)"
        if page.more, let last = page.rows.last { json += ",\"next\":\"\(filters.next(after: last.dateAdded))\"" }
        if !page.rows.isEmpty { json += ",\"objects\":[" + page.rows.map(\.json).joined(separator: ",") + "]" }
        return TAXIIMedia.response(json + "}", headers: Self.dateHeaders(page))
    }

    /// `X-TAXII-Date-Added-First` and `-Last` of a page.
    static func dateHeaders(_ page: TAXIIObjectPage) -> HTTPFields {
        var headers: HTTPFields = [:]
        if let first = page.rows.first, let last = page.rows.last {
            headers[HTTPField.Name("X-TAXII-Date-Added-First")!] = TAXIITimestamp.format(first.dateAdded)
            headers[HTTPField.Name("X-TAXII-Date-Added-Last")!] = TAXIITimestamp.format(last.dateAdded)
        }
        return headers
    }
}

/// The filters of a TAXII read (`added_after`, `match[…]`), and the `next` tokens bound to them.
struct TAXIIFilters {
    var addedAfter: Int64?
    var ids: [String] = []
    var types: [String] = []
    var versions: TAXIIVersionMatch?
    /// True when `match[spec_version]` names no version this server has (2.1).
    var excludesAll = false
    /// What `next` is bound to: the collection, the endpoint and every filter as sent.
    let digest: String

    init(_ request: Request, collection: TAXIICollection, kind: String, takesVersionMatch: Bool) throws {
        let parameters = TAXIIQuery(request)
        func list(_ name: String) throws -> [String] {
            let values = parameters.getAll(name).flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            guard values.count <= 100, values.allSatisfy({ !$0.isEmpty && $0.count <= 300 }) else {
                throw TAXIIFilters.badRequest("\(name) takes up to 100 comma-separated values", field: name)
            }
            return values
        }
        if let text = parameters.get("added_after") {
            guard let value = TAXIITimestamp.parse(text) else {
                throw TAXIIFilters.badRequest("added_after must be a timestamp like 2026-12-03T08:00:00.000000Z", field: "added_after")
            }
            addedAfter = value
        }
        ids = try list("match[id]")
        types = try list("match[type]")
        let specVersions = try list("match[spec_version]")
        if !specVersions.isEmpty, !specVersions.contains("2.1") { excludesAll = true }
        let versionValues = takesVersionMatch ? try list("match[version]") : []
        if !versionValues.isEmpty {
            if versionValues.contains("all") {
                versions = .all
            } else {
                let dates = versionValues.filter { $0 != "last" && $0 != "first" }
                for date in dates where RFC3339.parseStrict(date) == nil {
                    throw TAXIIFilters.badRequest("match[version] takes last, first, all or timestamps", field: "match[version]")
                }
                versions = .some(dates, last: versionValues.contains("last"), first: versionValues.contains("first"))
                if dates.isEmpty, versionValues.allSatisfy({ $0 == "last" }) { versions = .last }
                if dates.isEmpty, versionValues.allSatisfy({ $0 == "first" }) { versions = .first }
            }
        }
        let bound = [collection.id, kind, parameters.get("added_after") ?? "", ids.joined(separator: ","), types.joined(separator: ","),
                     versionValues.joined(separator: ","), specVersions.joined(separator: ",")].joined(separator: "\n")
        digest = SHA256.hash(data: Array(bound.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// True when the read continues a page (`next`).
    var resumed = false

    /// True when nothing bounds the read from below: an empty answer then means the object does not exist.
    var unbounded: Bool { addedAfter == nil && !resumed }

    /// A 400 naming the parameter at fault, as TAXII asks for bad filters, limits and tokens.
    static func badRequest(_ detail: String, field: String) -> Problem {
        var problem = Problem(status: .badRequest, slug: "bad-request", title: "Bad request", detail: detail)
        problem.field = field
        return problem
    }

    /// The `next` token after the object added at `dateAdded`.
    func next(after dateAdded: Int64) -> String { "\(dateAdded)-\(digest)" }

    /// Where a `next` token resumes: 400 when it is malformed or was issued with other filters.
    func resume(_ token: String) throws -> Int64 {
        let parts = token.split(separator: "-", maxSplits: 1)
        guard token.count <= 64, parts.count == 2, let after = Int64(parts[0]), after >= 0 else {
            throw TAXIIFilters.badRequest("next is not a token this server issued", field: "next")
        }
        guard parts[1] == digest else {
            throw TAXIIFilters.badRequest("next was issued with other filters: repeat added_after and match[] as they were", field: "next")
        }
        return after
    }
}

/// The query string of a TAXII request, names and values percent-decoded (`match%5Bid%5D` is `match[id]`).
struct TAXIIQuery {
    var pairs: [(String, String)] = []

    init(_ request: Request) {
        for part in (request.uri.query ?? "").split(separator: "&") {
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            pairs.append((decode(halves[0]), halves.count > 1 ? decode(halves[1]) : ""))
        }
    }

    func get(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func getAll(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }
}
