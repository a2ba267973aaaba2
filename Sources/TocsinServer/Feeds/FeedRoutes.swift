import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import TocsinCore
import TocsinPipeline
import TocsinStore

/// `/feeds/{token}/atom.xml`, `/rss.xml` and `/feed.json`: the alerts a feed subscription may read, newest
/// first, for feed readers and SIEMs that pull.
///
/// The secret token in the path is the credential (stored hashed). A feed lists only what the subscription's
/// filter and its organisation's TLP clearance and region allow. Answers carry `ETag` and `Last-Modified` and
/// honour `If-None-Match` / `If-Modified-Since` with 304.
struct FeedRoutes {
    let env: APIEnvironment

    enum Format: String, CaseIterable {
        case atom = "atom.xml"
        case rss = "rss.xml"
        case json = "feed.json"

        var contentType: String {
            switch self {
            case .atom: "application/atom+xml; charset=utf-8"
            case .rss: "application/rss+xml; charset=utf-8"
            case .json: "application/feed+json; charset=utf-8"
            }
        }
    }

    func register(on router: Router<TocsinRequestContext>) {
        for format in Format.allCases {
            router.get("feeds/:token/\(format.rawValue)") { request, context in
                try await serve(format, request, context)
            }
        }
    }

    func serve(_ format: Format, _ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard token.count <= 200, let (subscription, org) = try await env.store.feedSubscriber(token: token), subscription.active else {
            // Like a revoked API token: deleting or disabling the subscription revokes its feed token.
            throw Problem.unauthorized("the feed token is unknown or revoked (its subscription was deleted or disabled)")
        }
        let page = try AlertRoutes.page(request, defaultLimit: 50, maximum: 200)
        let inventory = try await env.inventories.snapshot()
        let (alerts, nextCursor) = try await select(subscription, org, page: page, inventory: inventory)

        let entries = alerts.map {
            FeedEntry(alert: $0, locale: org.locale, publicUrl: env.configuration.publicUrl, messages: env.messages,
                      concerns: inventory.concerns(for: $0, orgId: org.id))
        }
        let updated = alerts.map(\.updatedAt).max() ?? subscription.createdAt
        var fingerprint = "\(format.rawValue)|\(page.limit)|\(page.cursor ?? "")|\(org.locale)|\(org.tlpClearance.rawValue)"
        for entry in entries { fingerprint += "|\(entry.alert.id)#\(entry.alert.revision)#\(entry.concerns.count)" }
        let etag = "\"" + SHA256.hash(data: Array(fingerprint.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
        let lastModified = HTTPDate.format(updated)
        var headers: HTTPFields = [.eTag: etag, .lastModified: lastModified, .cacheControl: "private, max-age=60"]

        if let match = request.headers[.ifNoneMatch] {
            if match.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).contains(where: { $0 == etag || $0 == "W/\(etag)" || $0 == "*" }) {
                return Response(status: .notModified, headers: headers)
            }
        } else if let since = request.headers[.ifModifiedSince].flatMap(HTTPDate.parse), Int(updated.timeIntervalSince1970) <= Int(since.timeIntervalSince1970) {
            return Response(status: .notModified, headers: headers)
        }

        let base = "\(env.configuration.publicUrl)/feeds/\(token)/\(format.rawValue)"
        let nextURL = nextCursor.map { "\(base)?limit=\(page.limit)&cursor=\($0)" }
        if let nextURL { headers[HTTPField.Name("Link")!] = "<\(nextURL)>; rel=\"next\"" }
        let documents = FeedDocuments(
            title: env.messages.text(.feedTitle, locale: org.locale, ["org": org.name]),
            feedURL: base, homeURL: env.configuration.publicUrl, entries: entries, updated: updated)
        let body: [UInt8]
        switch format {
        case .atom: body = Array(documents.atom(feedId: "urn:uuid:\(subscription.id)").utf8)
        case .rss: body = Array(documents.rss().utf8)
        case .json: body = try documents.jsonFeed(nextURL: nextURL)
        }
        headers[.contentType] = format.contentType
        // Read with the organisation's feed token: the entries served are seen (a 304 served nothing new).
        await env.markSeen(alerts.map(\.id), orgId: org.id, mark: ReachMark(at: Date(), by: "feed:\(subscription.id)", channel: "feed"),
                           logger: context.logger)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Up to `page.limit` alerts the subscription takes, newest first, and the cursor after the last one read.
    /// Clearance, region and severity are filtered in SQL; then the subscription's own routing predicate decides
    /// (`RoutableSubscription.takes`), as it did for pushed channels.
    func select(_ subscription: Subscription, _ org: Organisation, page: PageRequest,
                inventory: InventorySnapshot) async throws -> ([Alert], String?) {
        let routable = RoutableSubscription(subscription: subscription, organisation: org, pulled: true)
        var matched: [Alert] = []
        var cursor = page.cursor
        var scanned = 0
        while matched.count < page.limit, scanned < 5_000 {
            let query = AlertQuery(page: PageRequest(limit: page.limit - matched.count, cursor: cursor),
                                   minSeverity: subscription.filter.minSeverity, clearance: org.tlpClearance, orgRegion: .some(org.regionScope))
            let result = try await env.store.alerts(query)
            scanned += result.items.count
            matched += result.items.filter { alert in
                let concerned: Set<String> = inventory.concerns(for: alert, orgId: org.id).isEmpty ? [] : [org.id]
                return routable.takes(alert, concerned: concerned) || (alert.status == .cancelled && routable.mayReceive(alert) && routable.takesExercise(alert))
            }
            cursor = result.nextCursor
            if cursor == nil { break }
        }
        if subscription.filter.statedIndicatorsOnly { matched = matched.map { $0.keepingStatedIndicators() } }
        return (matched, cursor)
    }
}
