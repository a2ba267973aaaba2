import Foundation

/// Catching up with an upstream broker through its paginated alert log (`GET /api/v1/relay/alerts`) when its stream
/// cannot resume from the checkpoint: the upstream said the checkpoint is beyond its log (`stream.reset`: its event ids
/// restarted, for instance after a restore from an older backup), or the stream was down longer than
/// `relay.catchUpAfter`. Pure: no I/O, no clock.
public enum RelayCatchUp {
    /// Why a catch-up ran.
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// The upstream's stream answered `stream.reset`: the checkpoint names an event its log does not hold.
        case reset
        /// The stream was down longer than `relay.catchUpAfter`.
        case outage
    }

    /// The event a stream sends, first, when it cannot resume from the `Last-Event-ID` it was given because that id
    /// is beyond its log; its id (and `head`) is the event it resumes after.
    public static let resetEventType = "stream.reset"

    /// How far before the last upstream time seen a catch-up starts reading: alerts relayed to the upstream late
    /// (by a broker further up that was itself catching up) carry their origin's older time. What is read twice is
    /// recognised as held and costs nothing.
    public static let overlap: TimeInterval = 3600

    /// The catch-up page size asked of the upstream.
    public static let pageSize = 200

    /// The `since` a catch-up asks for: the last upstream time seen, less the overlap; nil (the whole log) when none.
    public static func since(seenUntil: Date?) -> Date? { seenUntil.map { $0.addingTimeInterval(-overlap) } }

    /// Whether the stream has been out of contact long enough that a catch-up runs before it is read again.
    public static func isLongOutage(lastContact: Date?, now: Date, after threshold: TimeInterval) -> Bool {
        guard let lastContact else { return false }
        return now.timeIntervalSince(lastContact) > threshold
    }

    /// The order a downstream stores what it read: withdrawals first (they carry no time), then the alerts from the
    /// oldest update to the newest, so that the upstream time it keeps as it goes never passes one not yet stored.
    public static func ordered(_ items: [RelayCatchUpItem]) -> [RelayCatchUpItem] {
        let withdrawals = items.filter { $0.alert == nil }
        let alerts = items.filter { $0.alert != nil }.sorted {
            ($0.alert!.updatedAt, $0.alert!.id) < ($1.alert!.updatedAt, $1.alert!.id)
        }
        return withdrawals + alerts
    }
}

/// One item of a catch-up page: an alert as the stream would send it (`event` `alert.published`, `alert.updated` or
/// `alert.cancelled`, with `alert`), or a withdrawal notice (`event` `alert.withdrawn`, with `withdrawal`, nothing of
/// the content).
public struct RelayCatchUpItem: Codable, Sendable, Hashable {
    public var event: String
    public var alert: Alert?
    public var withdrawal: RelayWithdrawal?

    public init(_ send: RelaySend) {
        switch send {
        case .send(let alert):
            event = alert.eventType
            self.alert = alert
        case .withdraw(let id, let revision):
            event = RelayWithdrawal.eventType
            withdrawal = RelayWithdrawal(id: id, revision: revision)
        case .skip:
            event = "skipped"
        }
    }
}

/// A page of `GET /api/v1/relay/alerts`: what may be relayed to the caller of the alerts updated since a time, in the
/// upstream's alert log order (newest first), with the stream's head when the page was read.
public struct RelayCatchUpPage: Codable, Sendable {
    /// The upstream stream's last event id when the page was read: a stream resumed from the head read with the
    /// first page misses nothing published while the pages are read.
    public var head: Int64
    public var items: [RelayCatchUpItem]
    public var nextCursor: String?

    public init(head: Int64, items: [RelayCatchUpItem], nextCursor: String?) {
        self.head = head
        self.items = items
        self.nextCursor = nextCursor
    }
}
