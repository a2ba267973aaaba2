import Foundation
import TocsinCore

/// The outbox and the delivery ledger: deliveries waiting, claimed under a lease, attempted and recorded.
///
/// Deliveries are written by the alert log, in the transaction that stores their revision (`AlertLogStore`); this
/// part takes them out, records what became of them and answers the ledger's questions.
public protocol OutboxStore: Sendable {
    /// Takes up to `limit` due deliveries under a lease until `leaseUntil`, with what sending them needs.
    /// Only deliveries of the given channels are taken, so one a broker cannot send yet stays in the outbox.
    func claimDueDeliveries(channels: Set<Channel>, now: Date, leaseUntil: Date, limit: Int) async throws -> [ClaimedDelivery]
    /// Records finished attempts and their consequences (state, retry date, disabled subscriptions) in one go.
    func recordResults(_ results: [DeliveryResult]) async throws
    /// Hands back claimed deliveries that were not tried (shutdown, lease too short to start them), as they were.
    func release(_ deliveries: [Delivery], now: Date) async throws
    /// Ends now the leases of every claimed delivery, for a broker starting on a store that it alone serves (it
    /// holds the data directory's lock), so what a killed process had claimed is sent again at once, with the same
    /// ids, rather than after the lease. Returns how many were taken back.
    func reclaimAbandonedDeliveries(now: Date) async throws -> Int
    /// Lets a running outbox worker take the deliveries of each new revision as they are written (nil: no longer).
    ///
    /// A delivery that the worker can send at once (its channel, due now, an immediate subscription with nothing
    /// of its own still waiting, being sent or to be retried) is then written already claimed under the worker's
    /// lease, in the transaction that stores the revision, and its id handed to `take` once that transaction is
    /// committed. The worker reads it with `claimedDeliveries`, without a claim of its own: a fan-out costs one
    /// write per delivery fewer. A store that cannot do so ignores the offer, and its deliveries are claimed.
    func adoptNewDeliveries(_ adoption: DeliveryAdoption?)
    /// What sending deliveries taken by `adoptNewDeliveries` needs, for those still held by that lease; the rest
    /// (lease ended, taken back at a restart) are left to the claims. Those not to be sent after all (subscription
    /// gone, clearance lowered...) are recorded dead, as a claim does.
    func claimedDeliveries(ids: [String], leaseUntil: Date, now: Date) async throws -> [ClaimedDelivery]
    /// The earliest date a delivery becomes due, if any is waiting.
    func nextDueDate(channels: Set<Channel>) async throws -> Date?
    func delivery(id: String) async throws -> Delivery?
    func deliveries(_ query: DeliveryQuery) async throws -> Page<Delivery>
    func attempts(deliveryId: String) async throws -> [DeliveryAttempt]
    /// Puts a dead or delivered delivery back in the outbox, keeping its id.
    func redeliver(id: String, now: Date) async throws -> Delivery
    /// Counts of deliveries by state, for metrics and readiness.
    func deliveryCounts() async throws -> [DeliveryState: Int]
}

extension OutboxStore {
    public func adoptNewDeliveries(_ adoption: DeliveryAdoption?) {}
    public func claimedDeliveries(ids: [String], leaseUntil: Date, now: Date) async throws -> [ClaimedDelivery] { [] }
}

/// A running outbox worker's offer to take new deliveries as they are written (`OutboxStore.adoptNewDeliveries`).
public struct DeliveryAdoption: Sendable {
    /// The channels the worker sends.
    public var channels: Set<Channel>
    /// How long the worker's claims hold a delivery.
    public var lease: TimeInterval
    /// Called once the transaction that wrote them is committed, with the ids of the deliveries taken (compact: a
    /// fan-out to 50,000 hands over 50,000) and the end of their lease; it must return at once (it runs in the
    /// store's writer).
    public var take: @Sendable (_ ids: [CompactID], _ leaseUntil: Date) -> Void

    public init(channels: Set<Channel>, lease: TimeInterval, take: @escaping @Sendable (_ ids: [CompactID], _ leaseUntil: Date) -> Void) {
        self.channels = channels
        self.lease = lease
        self.take = take
    }
}

/// Filters on the delivery ledger.
public struct DeliveryQuery: Sendable {
    public var page: PageRequest
    public var alertId: String?
    public var orgId: String?
    public var subscriptionId: String?
    public var state: DeliveryState?

    public init(page: PageRequest = PageRequest(), alertId: String? = nil, orgId: String? = nil, subscriptionId: String? = nil, state: DeliveryState? = nil) {
        self.page = page
        self.alertId = alertId
        self.orgId = orgId
        self.subscriptionId = subscriptionId
        self.state = state
    }
}

/// A delivery taken from the outbox with everything a channel needs to send it: what every channel shares (the
/// delivery, where it goes, the alert revision, the recipient organisation), and the channel's own data, the
/// subscription's secrets, of the kind its channel declares and read only by that channel.
public struct ClaimedDelivery: Sendable {
    public var delivery: Delivery
    public var target: String
    /// Where the delivery goes as the channel addresses it: the target itself, or for an email subscription that
    /// names a role (`role:deputy`), the addresses of the organisation's contacts with that role now.
    public var addresses: [String]
    /// The alert revision, encoded once as JSON and shared by every delivery of that revision.
    public var alertJSON: [UInt8]
    public var eventType: String
    public var eventTime: Date
    /// The recipient organisation's name and language (`fr`, `en`), for what people read.
    public var orgName: String
    public var locale: String
    /// Whether the subscription gathers its alerts into digests; the deliveries of one digest are claimed together.
    public var digest: DigestMode
    /// The recipient's inventory items this alert concerns, if any.
    public var concerns: [InventoryConcern] = []
    /// What of the alert revision an acknowledgement link needs (its status and first publication), read once when
    /// the revision was claimed; nil for an event that is not an alert revision.
    public var alertStatus: AlertStatus?
    public var alertPublishedAt: Date?
    /// The note this broker added to the alert (`AlertAnnotation`), delivered with it and shown apart from the
    /// origin's text; nil when none.
    public var annotation: String?
    /// The channel's own data: the secrets the subscription holds now, newest first (a signing secret, and the one a
    /// rotation replaced while their overlap lasts; an unsubscribe token).
    public var secrets: [SubscriptionSecret]

    public init(delivery: Delivery, target: String, alertJSON: [UInt8], eventType: String, eventTime: Date,
                orgName: String = "", locale: String = "fr", digest: DigestMode = .immediate, concerns: [InventoryConcern] = [],
                secrets: [SubscriptionSecret] = [], addresses: [String]? = nil) {
        self.delivery = delivery
        self.target = target
        self.addresses = addresses ?? [target]
        self.alertJSON = alertJSON
        self.eventType = eventType
        self.eventTime = eventTime
        self.orgName = orgName
        self.locale = locale
        self.digest = digest
        self.concerns = concerns
        self.secrets = secrets
    }

    /// The alert revision being delivered.
    public func alert() throws -> Alert {
        try TocsinJSON.decoder().decode(Alert.self, from: Data(alertJSON))
    }

    /// The values of the subscription's secrets of `kind`, newest first.
    public func secrets(_ kind: SubscriptionSecret.Kind) -> [String] {
        secrets.filter { $0.kind == kind }.map(\.value)
    }
}

/// The end of one attempt, ready to be recorded.
public struct DeliveryResult: Sendable {
    public var deliveryId: String
    public var subscriptionId: String
    public var attempt: DeliveryAttempt
    /// The delivery's state machine after the attempt, and what it asked for.
    public var machine: DeliveryMachine
    public var action: DeliveryMachine.Action
    public var finishedAt: Date

    public init(deliveryId: String, subscriptionId: String, attempt: DeliveryAttempt, machine: DeliveryMachine, action: DeliveryMachine.Action, finishedAt: Date) {
        self.deliveryId = deliveryId
        self.subscriptionId = subscriptionId
        self.attempt = attempt
        self.machine = machine
        self.action = action
        self.finishedAt = finishedAt
    }
}
