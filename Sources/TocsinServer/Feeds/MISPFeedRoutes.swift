import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import TocsinCore
import TocsinStore

/// `/feeds/{token}/misp/manifest.json`, `/feeds/{token}/misp/{uuid}.json` and `/feeds/{token}/misp/hashes.csv`: a
/// MISP feed of the alerts a feed subscription may read, for a MISP instance to add under Sync → Feeds.
///
/// The feed token in the path is the credential, as for the other feeds; the alerts are those `FeedRoutes.select`
/// lists (the subscription's filter, its organisation's clearance and region), the newest `limit` of them.
struct MISPFeedRoutes {
    let env: APIEnvironment
    /// How many of the newest alerts the manifest lists.
    static let limit = 1_000

    func register(on router: Router<TocsinRequestContext>) {
        router.get("feeds/:token/misp/manifest.json") { request, context in try await manifest(request, context) }
        router.get("feeds/:token/misp/hashes.csv") { request, context in try await hashes(request, context) }
        router.get("feeds/:token/misp/:event") { request, context in try await event(request, context) }
    }

    var documents: MISPFeedDocuments { MISPFeedDocuments(publicUrl: env.configuration.publicUrl) }

    /// The subscription and organisation of the token, or 401.
    private func subscriber(_ context: TocsinRequestContext) async throws -> (Subscription, Organisation) {
        let token = try context.parameters.require("token")
        guard token.count <= 200, let (subscription, org) = try await env.store.feedSubscriber(token: token), subscription.active else {
            throw Problem.unauthorized("the feed token is unknown or revoked (its subscription was deleted or disabled)")
        }
        return (subscription, org)
    }

    /// The alerts of the feed, newest first.
    private func alerts(_ subscription: Subscription, _ org: Organisation) async throws -> [Alert] {
        let inventory = try await env.inventories.snapshot()
        var alerts: [Alert] = []
        var cursor: String?
        repeat {
            let (page, next) = try await FeedRoutes(env: env).select(subscription, org, page: PageRequest(limit: 200, cursor: cursor), inventory: inventory)
            alerts += page
            cursor = next
        } while cursor != nil && alerts.count < Self.limit
        return Array(alerts.prefix(Self.limit))
    }

    func manifest(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let (subscription, org) = try await subscriber(context)
        let body = try MISPFeedDocuments.json(documents.manifest(try await alerts(subscription, org)))
        return JSONResponse.raw(body, contentType: "application/json; charset=utf-8")
    }

    func hashes(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let (subscription, org) = try await subscriber(context)
        return JSONResponse.raw(Array(documents.hashes(try await alerts(subscription, org)).utf8), contentType: "text/csv; charset=utf-8")
    }

    func event(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let (subscription, org) = try await subscriber(context)
        let name = try context.parameters.require("event")
        guard name.hasSuffix(".json"), name.count <= 64 else { throw Problem.notFound("no such MISP feed document") }
        let id = String(name.dropLast(5)).lowercased()
        // The event is served only when the feed lists it: the same filter, clearance and region.
        guard let alert = try await env.store.alert(id: id), try await listed(alert, subscription, org) else {
            throw Problem.notFound("no event \(id.prefix(40)) in this feed")
        }
        await env.markSeen([alert.id], orgId: org.id, mark: ReachMark(at: Date(), by: "feed:\(subscription.id)", channel: "feed"), logger: context.logger)
        return JSONResponse.raw(try MISPFeedDocuments.json(documents.event(alert)), contentType: "application/json; charset=utf-8")
    }

    /// True when the feed lists the alert: the subscription's routing predicate, as `FeedRoutes.select` applies it.
    private func listed(_ alert: Alert, _ subscription: Subscription, _ org: Organisation) async throws -> Bool {
        guard alert.refusal(clearance: org.tlpClearance, region: org.regionScope) == nil else { return false }
        let inventory = try await env.inventories.snapshot()
        let routable = RoutableSubscription(subscription: subscription, organisation: org, pulled: true)
        let concerned: Set<String> = inventory.concerns(for: alert, orgId: org.id).isEmpty ? [] : [org.id]
        if let minSeverity = subscription.filter.minSeverity, alert.severity.rank < minSeverity.rank { return false }
        return routable.takes(alert, concerned: concerned) || (alert.status == .cancelled && routable.mayReceive(alert) && routable.takesExercise(alert))
    }
}
