import Foundation
import TocsinCore

/// The durable spine of Tocsin: organisations, tokens, subscriptions, the alert log and the delivery outbox.
///
/// Every method is one transaction. Publishing an alert writes the alert, its revision and one delivery per
/// matching subscription together, so a crash never leaves an alert without its outbox or the reverse.
public protocol Store: Sendable {
    // MARK: Organisations
    func createOrganisation(_ org: Organisation) async throws
    func organisation(id: String) async throws -> Organisation?
    func organisations(page: PageRequest) async throws -> Page<Organisation>
    func updateOrganisation(_ org: Organisation) async throws
    func deleteOrganisation(id: String) async throws -> Bool

    // MARK: Tokens
    func createToken(_ token: APIToken, secret: String) async throws
    /// The caller behind a token value, or nil when unknown, revoked or expired; notes when it was last used.
    func principal(forToken secret: String, now: Date) async throws -> Principal?
    /// Whether a token is still neither revoked nor expired (open streams check it as they go).
    func tokenIsActive(id: String, now: Date) async throws -> Bool
    /// Every token, revoked ones included, oldest first; never their values.
    func tokens(page: PageRequest) async throws -> Page<APIToken>
    /// Revokes a token (again is harmless) and returns it as it now stands; nil when unknown.
    func revokeToken(id: String, now: Date) async throws -> APIToken?

    // MARK: Audit
    /// Appends one entry to the append-only audit log.
    func appendAudit(_ entry: AuditEntry) async throws
    /// Audit entries, newest first, filtered.
    func auditEntries(_ query: AuditQuery) async throws -> Page<AuditEntry>

    // MARK: Subscriptions
    func createSubscription(_ subscription: Subscription, secret: String?, feedToken: String?) async throws
    func subscription(id: String) async throws -> Subscription?
    func subscriptions(orgId: String?, page: PageRequest) async throws -> Page<Subscription>
    func updateSubscription(_ subscription: Subscription) async throws
    func deleteSubscription(id: String) async throws -> Bool
    /// Gives a webhook subscription a new signing secret; the old one still signs (alongside) until `overlapUntil`.
    /// Returns false for an unknown subscription.
    func rotateSecret(subscriptionId: String, secret: String, overlapUntil: Date) async throws -> Bool
    /// Turns off the email subscription behind a one-click unsubscribe token; nil when the token is unknown.
    func unsubscribe(token: String, now: Date) async throws -> Subscription?
    /// The feed subscription behind a feed token, with its organisation; nil when unknown.
    func feedSubscriber(token: String) async throws -> (Subscription, Organisation)?

    // MARK: Alerts
    /// Stores revision 1 of a new alert, routes it and writes its deliveries, atomically.
    func publish(_ alert: Alert, concerns: @escaping Concerns) async throws -> PublishResult
    /// Applies `change` to the current revision of an alert and stores the result as its next revision, routed
    /// and with its deliveries, atomically. Throws `StoreError.notFound` for an unknown id.
    func revise(alertId: String, concerns: @escaping Concerns, _ change: @Sendable (Alert) throws -> Alert) async throws -> PublishResult
    /// Stores what a source says under its identity `keys` (`format:sourceRef`, and the references of a CAP update),
    /// atomically: `decide` gets the alert already known under the first key that has one (or nil) and returns
    /// revision 1 of a new alert, the next revision of that alert, or nil to store nothing. Every key then names
    /// the alert.
    func ingest(keys: [String], concerns: @escaping Concerns, _ decide: @Sendable (Alert?) throws -> Alert?) async throws -> IngestResult
    /// An organisation's declared inventory (JSON owned by the enrichment step), or nil when it declared none.
    func inventory(orgId: String) async throws -> String?
    /// Replaces an organisation's whole inventory (`count` items) with one part, `default`, or removes every part
    /// when `json` is nil.
    func setInventory(orgId: String, json: String?, count: Int) async throws
    /// The parts an organisation declared its inventory in, by name.
    func inventoryParts(orgId: String) async throws -> [InventoryPart]
    /// One part's items (JSON), or nil when the organisation declared no such part.
    func inventoryPart(orgId: String, name: String) async throws -> String?
    /// Declares one part (`count` items), or removes it when `json` is nil, and merges the parts into the
    /// organisation's inventory; the others are kept. Refused (`StoreError.invalid`) when the parts together would
    /// hold more than `maximumItems` items or `maximumParts` parts. Answers how many items the merged inventory holds
    /// now, or nil when a part to remove did not exist.
    @discardableResult
    func setInventoryPart(orgId: String, name: String, json: String?, count: Int, maximumItems: Int, maximumParts: Int) async throws -> Int?
    /// How many items the organisation's merged inventory holds (0 when it declared none).
    func inventoryItemCount(orgId: String) async throws -> Int
    /// The version of the declared inventories, which changes whenever one of them does, and every inventory by
    /// organisation — unless the version is still `known`, in which case nothing more is read (`byOrg` is nil).
    func inventories(unlessVersion known: String?) async throws -> (version: String, byOrg: [String: String]?)
    /// The alerts that name `cve`, for a KEV entry to flag.
    func alertIds(cve: String) async throws -> [String]
    /// The saved state of a polled source (JSON, owned by the poller), or nil before its first round.
    func sourceState(name: String) async throws -> String?
    func saveSourceState(name: String, json: String) async throws
    /// The alert an identity key names, if any.
    func alertId(refKey: String) async throws -> String?
    func alert(id: String) async throws -> Alert?
    func alert(id: String, revision: Int) async throws -> Alert?
    func alerts(_ query: AlertQuery) async throws -> Page<Alert>
    /// Published revisions after `sequence`, oldest first: the live stream's events.
    func events(after sequence: Int64, limit: Int) async throws -> [AlertEvent]
    /// The sequence number of the latest published revision (0 when none).
    func lastEventSequence() async throws -> Int64
    /// The routing index over every active subscription, rebuilt only when subscriptions or organisations changed.
    func routingIndex() async throws -> RoutingIndex

    // MARK: Deliveries
    /// Takes up to `limit` due deliveries under a lease until `leaseUntil`, with what sending them needs.
    /// Only deliveries of the given channels are taken, so one a broker cannot send yet stays in the outbox.
    func claimDueDeliveries(channels: Set<Channel>, now: Date, leaseUntil: Date, limit: Int) async throws -> [ClaimedDelivery]
    /// Records finished attempts and their consequences (state, retry date, disabled subscriptions) in one go.
    func recordResults(_ results: [DeliveryResult]) async throws
    /// Hands back claimed deliveries that were not tried (shutdown, lease too short to start them), as they were.
    func release(_ deliveries: [Delivery], now: Date) async throws
    /// The earliest date a delivery becomes due, if any is waiting.
    func nextDueDate(channels: Set<Channel>) async throws -> Date?
    func delivery(id: String) async throws -> Delivery?
    func deliveries(_ query: DeliveryQuery) async throws -> Page<Delivery>
    func attempts(deliveryId: String) async throws -> [DeliveryAttempt]
    /// Puts a dead or delivered delivery back in the outbox, keeping its id.
    func redeliver(id: String, now: Date) async throws -> Delivery
    /// Counts of deliveries by state, for metrics and readiness.
    func deliveryCounts() async throws -> [DeliveryState: Int]
    /// Commits a tiny write, so that readiness means the store accepts writes (a full disk fails it).
    func probeWrite(now: Date) async throws
}

/// What storing an ingested document did.
public enum IngestResult: Sendable {
    /// Nothing: the document was already known as it is (or older); the alert it names, if any.
    case unchanged(Alert?)
    case published(PublishResult)
    case revised(PublishResult)
}

/// For the revision being stored, the organisations whose inventory it concerns and why: deliveries to those
/// organisations record it, and subscriptions asking for `onlyInventoryMatches` take the alert only for them.
public typealias Concerns = @Sendable (Alert) -> [String: [InventoryConcern]]

extension Store {
    /// The caller behind a token value now.
    public func principal(forToken secret: String) async throws -> Principal? { try await principal(forToken: secret, now: Date()) }

    /// `publish` for an alert that concerns no inventory in particular.
    public func publish(_ alert: Alert) async throws -> PublishResult { try await publish(alert, concerns: { _ in [:] }) }

    public func revise(alertId: String, _ change: @Sendable (Alert) throws -> Alert) async throws -> PublishResult {
        try await revise(alertId: alertId, concerns: { _ in [:] }, change)
    }

    public func ingest(keys: [String], _ decide: @Sendable (Alert?) throws -> Alert?) async throws -> IngestResult {
        try await ingest(keys: keys, concerns: { _ in [:] }, decide)
    }
}

/// A typed store failure with a message a user can act on.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let why): why
        case .invalid(let why): why
        }
    }
}

/// One part of an organisation's inventory: a device, a site or an SBOM, declared and replaced on its own.
public struct InventoryPart: Codable, Sendable, Hashable {
    public var name: String
    public var items: Int
    public var updatedAt: Date

    public init(name: String, items: Int, updatedAt: Date) {
        self.name = name
        self.items = items
        self.updatedAt = updatedAt
    }
}

/// A page of results and the cursor for the next one (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Cursor pagination: `limit` items after the opaque `cursor`.
public struct PageRequest: Sendable {
    public var limit: Int
    public var cursor: String?

    public init(limit: Int = 50, cursor: String? = nil) {
        self.limit = min(max(limit, 1), 500)
        self.cursor = cursor
    }
}

/// Filters on the alert list; newest first. `clearance` and `orgRegion` restrict to what a subscriber may read.
public struct AlertQuery: Sendable {
    public var page: PageRequest
    public var minSeverity: Severity?
    public var status: AlertStatus?
    public var category: String?
    public var cve: String?
    public var since: Date?
    public var clearance: TLP?
    /// When set, regional alerts are limited to this region (a subscriber's organisation).
    public var orgRegion: String??

    public init(page: PageRequest = PageRequest(), minSeverity: Severity? = nil, status: AlertStatus? = nil, category: String? = nil,
                cve: String? = nil, since: Date? = nil, clearance: TLP? = nil, orgRegion: String?? = nil) {
        self.page = page
        self.minSeverity = minSeverity
        self.status = status
        self.category = category
        self.cve = cve
        self.since = since
        self.clearance = clearance
        self.orgRegion = orgRegion
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

/// What publishing did: the stored alert, how many deliveries it queued, and how long routing took.
public struct PublishResult: Sendable {
    public var alert: Alert
    public var deliveriesQueued: Int
    public var routingSeconds: Double
    public var outboxSeconds: Double
    /// False when nothing was stored: a revision that changes nothing leaves the alert as it is and tells no one.
    public var stored: Bool

    public init(alert: Alert, deliveriesQueued: Int, routingSeconds: Double, outboxSeconds: Double, stored: Bool = true) {
        self.alert = alert
        self.deliveriesQueued = deliveriesQueued
        self.routingSeconds = routingSeconds
        self.outboxSeconds = outboxSeconds
        self.stored = stored
    }
}

/// One published revision as an event of the live stream, numbered in publication order.
public struct AlertEvent: Sendable {
    public var sequence: Int64
    public var alert: Alert

    public init(sequence: Int64, alert: Alert) {
        self.sequence = sequence
        self.alert = alert
    }
}

/// A delivery taken from the outbox with everything a channel needs to send it.
public struct ClaimedDelivery: Sendable {
    public var delivery: Delivery
    public var target: String
    /// The webhook's signing secret.
    public var secret: String?
    /// The secret it replaced, while the rotation's overlap lasts: the request is signed with both.
    public var previousSecret: String?
    /// The alert revision, encoded once as JSON and shared by every delivery of that revision.
    public var alertJSON: [UInt8]
    public var eventType: String
    public var eventTime: Date
    /// The recipient organisation's name and language (`fr`, `en`), for what people read.
    public var orgName: String
    public var locale: String
    /// The one-click unsubscribe token of an email subscription.
    public var unsubscribeToken: String?
    /// Whether the subscription gathers its alerts into digests; the deliveries of one digest are claimed together.
    public var digest: DigestMode
    /// The recipient's inventory items this alert concerns, if any.
    public var concerns: [InventoryConcern] = []

    public init(delivery: Delivery, target: String, secret: String?, alertJSON: [UInt8], eventType: String, eventTime: Date,
                orgName: String = "", locale: String = "fr", unsubscribeToken: String? = nil, digest: DigestMode = .immediate,
                concerns: [InventoryConcern] = [], previousSecret: String? = nil) {
        self.previousSecret = previousSecret
        self.concerns = concerns
        self.digest = digest
        self.delivery = delivery
        self.target = target
        self.secret = secret
        self.alertJSON = alertJSON
        self.eventType = eventType
        self.eventTime = eventTime
        self.orgName = orgName
        self.locale = locale
        self.unsubscribeToken = unsubscribeToken
    }

    /// The alert revision being delivered.
    public func alert() throws -> Alert {
        try TocsinJSON.decoder().decode(Alert.self, from: Data(alertJSON))
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
