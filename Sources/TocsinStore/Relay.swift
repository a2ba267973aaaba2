import Foundation
import TocsinCore

/// An upstream broker added from the command line (`tocsin upstream add`): its name, stream base URL and the relay
/// token it issued for this broker's organisation.
public struct UpstreamRecord: Sendable, Hashable {
    public var name: String
    public var url: String
    public var token: String
    public var createdAt: Date

    public init(name: String, url: String, token: String, createdAt: Date = Date()) {
        self.name = name
        self.url = url
        self.token = token
        self.createdAt = createdAt
    }
}

/// A note a relaying broker adds to an alert for its own recipients ("Note de l'ARS Normandie : contactez …"):
/// delivered with the alert and shown apart from the origin's text, never part of the alert's content or revisions.
public struct AlertAnnotation: Codable, Sendable, Hashable {
    public var alertId: String
    public var text: String
    /// The token id that wrote it, for the audit trail; never sent to recipients.
    public var author: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(alertId: String, text: String, author: String?, createdAt: Date, updatedAt: Date) {
        self.alertId = alertId
        self.text = text
        self.author = author
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Where following an upstream stands, as kept in the store.
public struct RelayCatchUpMark: Sendable, Hashable {
    /// The last stream event handled (the checkpoint).
    public var lastEventId: Int64
    /// The newest upstream update time seen (stream and catch-ups), where the next catch-up starts; nil before one.
    public var seenUntil: Date?
    /// When the last catch-up ended.
    public var caughtUpAt: Date?
    /// When the checkpoint last moved.
    public var updatedAt: Date
    /// The last alert event read from the stream since the checkpoint was last reset, with its time in the upstream's
    /// log (the revision's update time): sent back on resuming, so that the upstream can tell whether its log is still
    /// the one the checkpoint was taken in.
    public var checkEventId: Int64?
    public var checkEventAt: Date?

    public init(lastEventId: Int64, seenUntil: Date?, caughtUpAt: Date?, updatedAt: Date, checkEventId: Int64? = nil, checkEventAt: Date? = nil) {
        self.lastEventId = lastEventId
        self.seenUntil = seenUntil
        self.caughtUpAt = caughtUpAt
        self.updatedAt = updatedAt
        self.checkEventId = checkEventId
        self.checkEventAt = checkEventAt
    }
}

extension RelayStore {
    /// Stores what an upstream's stream event carried (see `storeRelayed(alertId:upstream:eventId:seen:route:_:)`).
    public func storeRelayed(alertId: String, upstream: String, eventId: Int64, route: @escaping RoutingStep,
                             _ decide: @Sendable (Alert?) throws -> Alert?) async throws -> PublishResult? {
        try await storeRelayed(alertId: alertId, upstream: upstream, eventId: eventId, seen: nil, route: route, decide)
    }
}

/// What relaying between brokers keeps: this broker's identity, the upstreams added from the command line, each
/// upstream's checkpoint, annotations, and the reach that downstream brokers report.
public protocol RelayStore: Sendable {
    /// This broker's stable id, created at the first call and kept.
    func brokerId() async throws -> String
    func upstreams() async throws -> [UpstreamRecord]
    /// Adds an upstream; `StoreError.conflict` when the name is taken.
    func addUpstream(_ upstream: UpstreamRecord) async throws
    /// Removes an upstream and its checkpoint; false when there was none of that name.
    func removeUpstream(name: String) async throws -> Bool
    /// The last stream event handled from `upstream`, or nil before the first.
    func relayCheckpoint(upstream: String) async throws -> Int64?
    /// Moves the checkpoint forward (never back) without storing anything: for an event that was dropped.
    func saveRelayCheckpoint(upstream: String, eventId: Int64) async throws
    /// Stores what an upstream's event (or catch-up item, `eventId` nil) carried and moves the checkpoint and the
    /// upstream time seen (`seen`, never back), in one transaction; an event with both is also kept as the one the
    /// upstream is asked to recognise on resuming (`RelayCatchUpMark.checkEventId`): `decide` gets the copy held of the alert (nil when
    /// none) and returns the revision to store, or nil to store nothing. A revision is stored under the origin's id
    /// and revision number (no newer one is checked by `decide`).
    func storeRelayed(alertId: String, upstream: String, eventId: Int64?, seen: Date?, route: @escaping RoutingStep,
                      _ decide: @Sendable (Alert?) throws -> Alert?) async throws -> PublishResult?
    /// Where following `upstream` stands: its checkpoint, the last upstream time seen and the last catch-up; nil
    /// before the first event.
    func relayCatchUpMark(upstream: String) async throws -> RelayCatchUpMark?
    /// Ends a catch-up: the checkpoint becomes `resumeAfter` (the upstream's head when the catch-up began), even when
    /// that is below it (the upstream's event ids restarted), the event to recognise is forgotten, the upstream time
    /// seen moves to `seen` (never back), and the catch-up's time is kept.
    func finishRelayCatchUp(upstream: String, resumeAfter: Int64, seen: Date?, at: Date) async throws
    /// The newest alerts relayed from `upstream` (their `source` is `relay:<upstream>`), at most `limit`.
    func relayedAlertIds(upstream: String, limit: Int) async throws -> [String]
    func annotation(alertId: String) async throws -> AlertAnnotation?
    /// Writes (or replaces) an alert's annotation; `StoreError.notFound` for an unknown alert.
    func setAnnotation(_ annotation: AlertAnnotation) async throws
    /// Keeps what a downstream broker (acting for `reporterOrgId`) reports of the alerts' reach, one document per
    /// alert, replacing its previous report: never a revision, never content.
    func saveRelayedReach(_ reports: [(alertId: String, json: String)], reporterOrgId: String, now: Date) async throws
    /// The reports downstream brokers sent for an alert, as JSON documents with the reporting organisation.
    func relayedReach(alertId: String) async throws -> [(reporterOrgId: String, json: String, updatedAt: Date)]
}
