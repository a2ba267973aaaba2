import Foundation
import TocsinCore
import TocsinEnrich
import TocsinStore

/// Why a revision was not stored.
public enum AlertRevisionError: Error, CustomStringConvertible {
    /// No such alert, or one the caller may not read (the same answer for both).
    case notFound(String)
    /// The caller may read the alert but its organisation did not publish it.
    case notPublisher(String)
    /// The alert was relayed from another broker: only its origin changes its content.
    case relayed(String)
    /// The revision reaches further than the alert does now and the publisher did not confirm it.
    case wideningNotConfirmed(reasons: [String], newRecipients: [String], count: Int)

    public var description: String {
        switch self {
        case .notFound(let id): "alert \(id) not found"
        case .relayed(let id): "alert \(id) was relayed from another broker: only its origin revises or cancels it (add an annotation instead)"
        case .notPublisher(let id): "only the organisation that published alert \(id), or an admin, may revise or cancel it"
        case .wideningNotConfirmed(let reasons, let names, let count):
            "this revision widens the alert's audience (\(reasons.joined(separator: "; "))): \(count) organisation\(count == 1 ? "" : "s") "
                + "would newly receive it" + (names.isEmpty ? "" : " (\(names.joined(separator: ", "))\(count > names.count ? ", …" : ""))")
                + ". Send \"confirmWiden\": true (or --confirm-widen) to confirm"
        }
    }
}

/// Stores a revision sent as a patch (`AlertPatch`): only the publishing organisation or an admin may revise, an
/// alert the caller may not read is unknown to it, and a revision that widens the audience needs confirming.
/// Shared by `POST /api/v1/alerts/{id}/revisions` and `tocsin publish --revise`.
public struct AlertReviser: Sendable {
    let store: any Store
    let enricher: Enricher
    let routing: AlertRouter

    public init(store: any Store, enricher: Enricher, routing: AlertRouter) {
        self.store = store
        self.enricher = enricher
        self.routing = routing
    }

    /// What a revision says, without the marks of how an earlier one was stored.
    static func content(of draft: AlertDraft) -> AlertDraft {
        var draft = draft
        draft.attributes[Alert.backfilledAttribute] = nil
        draft.attributes[Alert.notifyAttribute] = nil
        return draft
    }

    /// Refuses a write the caller may not make.
    public static func checkWrite(_ access: AlertAccess, _ alert: Alert) throws(AlertRevisionError) {
        switch access.reviseRefusal(alert) {
        case .unreadable: throw .notFound(alert.id)
        case .notPublisher: throw .notPublisher(alert.id)
        case nil: break
        }
        // Only the origin changes a relayed alert's content; its copies change only with the origin's revisions.
        if alert.isRelayed { throw .relayed(alert.id) }
    }

    public func revise(alertId: String, patch body: Data, access: AlertAccess, publishedBy: String?) async throws -> PublishResult {
        guard let current = try await store.alert(id: alertId) else { throw AlertRevisionError.notFound(alertId) }
        try Self.checkWrite(access, current)
        let patch = try AlertPatch.apply(body, to: current.draft)
        // A publisher's revision is news: how an earlier revision was stored (quietly, for new recipients only)
        // does not carry over to it.
        let draft = Self.content(of: try patch.draft.validated())
        let reasons = AlertPatch.widening(from: current, to: draft)
        let enriched = enricher.enrich(draft)
        // A cancelled alert takes no revision, not even one that changes nothing (409).
        guard current.status != .cancelled else { throw AlertLifecycle.TransitionError.alreadyCancelled(id: current.id) }
        // A revision that changes nothing is not news: no revision is stored and nobody is told again.
        if enriched == Self.content(of: current.draft) {
            return PublishResult(alert: current, deliveriesQueued: 0, routingSeconds: 0, outboxSeconds: 0, stored: false)
        }
        if !reasons.isEmpty, !patch.confirmsWidening {
            let index = try await routing.index()
            let next = try AlertLifecycle.revise(current, with: enriched, by: publishedBy)
            let before = Set(index.route(current).map(\.orgId))
            let newly = Set(index.route(next).map(\.orgId)).subtracting(before)
            var names: [String] = []
            for id in newly.sorted().prefix(10) { names.append(try await store.organisation(id: id)?.name ?? id) }
            throw AlertRevisionError.wideningNotConfirmed(reasons: reasons, newRecipients: names.sorted(), count: newly.count)
        }
        let expected = current.revision
        return try await store.revise(alertId: alertId, route: try await routing.router()) { latest in
            // Checked against what was shown: a revision stored meanwhile is not overwritten unseen.
            guard latest.revision == expected else {
                throw StoreError.conflict("alert \(alertId) was revised meanwhile (revision \(latest.revision)); read it and send the patch again")
            }
            try Self.checkWrite(access, latest)
            return try AlertLifecycle.revise(latest, with: enriched, by: publishedBy)
        }
    }
}

/// The publish flow for alerts written by people (the API, `tocsin publish`, later the relay): enrichment, the
/// inventory match (so `onlyInventoryMatches` subscriptions are served), the write checks and the widening rule,
/// then one transaction that stores the revision and queues what `AlertRouter` plans. Ingested documents take the same steps through
/// `IngestService`.
public struct AlertPipeline: Sendable {
    let store: any Store
    let enricher: Enricher
    let routing: AlertRouter

    /// `routing` is the process's one router (its caches are shared).
    public init(store: any Store, enricher: Enricher, routing: AlertRouter) {
        self.store = store
        self.enricher = enricher
        self.routing = routing
    }

    /// Publishes revision 1 of a new alert.
    public func publish(_ draft: AlertDraft, source: String, publishedBy: String?, publisherOrgId: String?) async throws -> PublishResult {
        let alert = Alert.first(from: enricher.enrich(try draft.validated()), source: source, publishedBy: publishedBy, publisherOrgId: publisherOrgId)
        return try await store.publish(alert, route: try await routing.router())
    }

    /// Revises an alert with a merge patch (`AlertPatch`); a patch that changes nothing stores nothing.
    public func revise(alertId: String, patch: Data, access: AlertAccess, publishedBy: String?) async throws -> PublishResult {
        try await AlertReviser(store: store, enricher: enricher, routing: routing)
            .revise(alertId: alertId, patch: patch, access: access, publishedBy: publishedBy)
    }

    /// Cancels an alert; everyone who was told hears of it.
    public func cancel(alertId: String, reason: String?, access: AlertAccess, publishedBy: String?) async throws -> PublishResult {
        try await store.revise(alertId: alertId, route: try await routing.router()) { current in
            try AlertReviser.checkWrite(access, current)
            return try AlertLifecycle.cancel(current, reason: reason, by: publishedBy)
        }
    }
}
