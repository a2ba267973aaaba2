import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// `GET /api/v1/relay/alerts`: the alert log as a relaying broker catches up with it when the stream cannot resume it
/// (its checkpoint is beyond the log, or it was away longer than it allows). Relay tokens only.
///
/// The alerts updated at or after `since` (all when absent), in the alert list's order (newest first) and with its
/// cursor, each as the relay stream would send it (`RelayPolicy.catchUp`): the newest revision the stream pushed, with
/// origin and path, when the caller's organisation may have it and its marking may be relayed; a withdrawal notice,
/// naming the alert and nothing else, when it may not but an earlier revision went to it; nothing otherwise. `head`
/// is the stream's last event when the page was read: resuming the stream from the first page's head misses nothing.
struct RelayCatchUpRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("relay/alerts", use: alerts)
    }

    @Sendable func alerts(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.relay], to: "read the relay catch-up log")
        let scope = try await env.readScope(of: principal)
        var query = AlertQuery(page: try AlertRoutes.page(request, defaultLimit: 100, maximum: 500))
        if let text = request.query("since") {
            guard let date = RFC3339.parseStrict(text) else { throw Problem.validation("since must be an RFC 3339 date-time", field: "since") }
            query.since = date
        }
        // The head first: whatever is published after it reaches the reader through the stream.
        let head = try await env.store.lastEventSequence()
        // Every alert, whatever its marking: one the reader may no longer have is answered by a withdrawal notice.
        let page = try await env.store.alerts(query)
        // The reader as the relay stream sees it: its organisation's clearance and region, drills included.
        let reader = RoutableSubscription(subscriptionId: "stream", orgId: principal.orgId ?? "", channel: .feed, clearance: scope?.clearance ?? .red,
                                          orgRegion: scope == nil ? Region.all : scope?.region,
                                          filter: SubscriptionFilter(includeExercises: true), pulled: true, orgKind: scope?.kind)
        var items: [RelayCatchUpItem] = []
        var sent: [String] = []
        for current in page.items {
            // The stream pushes no backfill: the newest revision it pushed stands for the alert.
            var latest = current
            while latest.isBackfilled, latest.revision > 1, let before = try await env.store.alert(id: latest.id, revision: latest.revision - 1) {
                latest = before
            }
            guard !latest.isBackfilled else { continue }
            var earlier: [Alert] = []
            if !RelayPolicy.allowed(latest, to: reader) {
                for number in stride(from: latest.revision - 1, through: 1, by: -1) {
                    if let revision = try await env.store.alert(id: latest.id, revision: number) { earlier.append(revision) }
                }
            }
            let send = RelayPolicy.catchUp(latest, earlier: earlier, to: reader, brokerId: env.identity.id)
            if case .skip = send { continue }
            if case .send(let alert) = send { sent.append(alert.id) }
            items.append(RelayCatchUpItem(send))
        }
        await env.markSeen(sent, by: principal, channel: "stream", logger: context.logger)
        return try JSONResponse.make(RelayCatchUpPage(head: head, items: items, nextCursor: page.nextCursor))
    }
}
