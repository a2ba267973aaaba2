import Foundation

/// Where one delivery stands: the states of `DeliveryMachine`.
public enum DeliveryState: String, Codable, Sendable, CaseIterable {
    /// Written to the outbox, not tried yet (or handed back for redelivery).
    case pending
    /// Claimed by a worker under a lease; an expired lease makes it claimable again.
    case inFlight = "in_flight"
    case delivered
    /// Failed with a retryable error; due again at `nextAttemptAt`.
    case retryScheduled = "retry_scheduled"
    /// Failed permanently or exhausted its retries: a dead letter, visible in the ledger and redeliverable.
    case dead
    /// Not sent: a newer revision of the same alert was queued to the same subscription first, and carries the
    /// alert's state (the ledger says which revision). A receiver never gets a stale revision after a newer one.
    case superseded
}

/// One alert revision sent to one subscription: a row of the outbox and of the ledger.
///
/// `id` is also the `webhook-id` and the mail `Message-ID` seed, so every retry of the same delivery carries
/// the same idempotency key.
public struct Delivery: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var alertId: String
    public var revision: Int
    public var subscriptionId: String
    public var orgId: String
    public var channel: Channel
    public var state: DeliveryState
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var leaseUntil: Date?
    public var lastError: String?
    /// The last HTTP status (webhook) or SMTP reply code (email) received.
    public var lastStatus: Int?
    public var createdAt: Date
    public var updatedAt: Date
    public var deliveredAt: Date?
    /// The recipient's inventory items the alert concerns (empty when none matched or none was declared).
    public var concerns: [InventoryConcern]
    /// For people reading the ledger: the recipient organisation's name, and where the delivery goes (the webhook URL
    /// or the address; shown to admins and to the organisation itself only).
    public var orgName: String?
    public var target: String?
    /// What is delivered: `alert` for an alert revision (the event its status names), or another event about the
    /// alert, such as `alert.acknowledged`.
    public var event: String = Delivery.alertEvent

    /// The `event` of an alert revision's delivery.
    public static let alertEvent = "alert"

    public init(
        id: String = TocsinID.make(), alertId: String, revision: Int, subscriptionId: String, orgId: String,
        channel: Channel, state: DeliveryState = .pending, attempts: Int = 0, nextAttemptAt: Date? = nil,
        leaseUntil: Date? = nil, lastError: String? = nil, lastStatus: Int? = nil, createdAt: Date = Date(),
        updatedAt: Date = Date(), deliveredAt: Date? = nil, concerns: [InventoryConcern] = []
    ) {
        self.concerns = concerns
        self.id = id
        self.alertId = alertId
        self.revision = revision
        self.subscriptionId = subscriptionId
        self.orgId = orgId
        self.channel = channel
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
        self.lastError = lastError
        self.lastStatus = lastStatus
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deliveredAt = deliveredAt
    }
}

/// One try at a delivery, as the ledger records it.
public struct DeliveryAttempt: Codable, Sendable, Hashable {
    public var deliveryId: String
    public var number: Int
    public var startedAt: Date
    public var durationMs: Int
    public var outcome: String
    public var status: Int?
    public var error: String?

    public init(deliveryId: String, number: Int, startedAt: Date, durationMs: Int, outcome: String, status: Int?, error: String?) {
        self.deliveryId = deliveryId
        self.number = number
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.outcome = outcome
        self.status = status
        self.error = error
    }
}
