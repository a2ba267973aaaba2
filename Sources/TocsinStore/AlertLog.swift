import Foundation
import TocsinCore

/// The alert log: every revision of every alert in publication order, the identity keys sources name alerts by,
/// and the live stream's numbered events.
///
/// Storing a revision is one transaction with its deliveries. The pipeline's `RoutingStep` runs inside that transaction
/// and says which deliveries to queue; the store writes them and decides nothing about who receives what. A crash
/// therefore never leaves an alert without its outbox, or the reverse.
public protocol AlertLogStore: Sendable {
    /// Stores revision 1 of a new alert with the deliveries `route` plans for it, atomically.
    func publish(_ alert: Alert, route: @escaping RoutingStep) async throws -> PublishResult
    /// Applies `change` to the current revision of an alert and stores the result as its next revision, with the
    /// deliveries `route` plans, atomically. Throws `StoreError.notFound` for an unknown id.
    func revise(alertId: String, route: @escaping RoutingStep, _ change: @Sendable (Alert) throws -> Alert) async throws -> PublishResult
    /// Stores what a source says under its identity `keys` (`format:sourceRef`, and the references of a CAP update),
    /// atomically: `decide` gets the alert already known under the first key that has one (or nil) and returns
    /// revision 1 of a new alert, the next revision of that alert, or nil to store nothing. Every key then names
    /// the alert.
    func ingest(keys: [String], route: @escaping RoutingStep, _ decide: @Sendable (Alert?) throws -> Alert?) async throws -> IngestResult
    /// The alerts that name `cve`, for a KEV entry to flag.
    func alertIds(cve: String) async throws -> [String]
    /// The alert an identity key names, if any.
    func alertId(refKey: String) async throws -> String?
    func alert(id: String) async throws -> Alert?
    func alert(id: String, revision: Int) async throws -> Alert?
    func alerts(_ query: AlertQuery) async throws -> Page<Alert>
    /// Published revisions after `sequence`, oldest first: the live stream's events.
    func events(after sequence: Int64, limit: Int) async throws -> [AlertEvent]
    /// The sequence number of the latest published revision (0 when none).
    func lastEventSequence() async throws -> Int64
}

/// The pipeline's routing step, run by the store inside the transaction that stores `revision`: what it reads
/// there (`RoutingReads`) is consistent with what it writes, so a subscription committed before the revision is
/// routed, and the plan's deliveries are committed with the revision or not at all.
public typealias RoutingStep = @Sendable (_ revision: Alert, _ reads: any RoutingReads) throws -> RoutingPlan

/// What routing may read inside the transaction that stores a revision.
public protocol RoutingReads {
    /// The revision stored before this one (nil for revision 1).
    func previousRevision() throws -> Alert?
    /// The subscriptions queued a delivery of an earlier revision of the alert.
    func previousRecipients() throws -> Set<String>
    /// As `DirectoryStore.routableSubscriptions(unlessVersion:)`, in this transaction.
    func routableSubscriptions(unlessVersion known: Int64?) throws -> (version: Int64, subscriptions: [RoutableSubscription]?)
    /// Every organisation, as the audience rule reads it.
    func organisations() throws -> [AudienceMember]
    /// As `EscalationStore.escalationPolicies(unlessVersion:)`, in this transaction.
    func escalationPolicies(unlessVersion known: Int64?) throws -> (version: Int64, policies: [EscalationPolicy]?)
}

/// The deliveries to queue for one stored revision, as the routing policy decided them.
public struct RoutingPlan: Sendable {
    public var deliveries: [PlannedDelivery]
    /// Whether what earlier revisions still have waiting for the same subscriptions is not sent: the new revision
    /// carries the alert's state and follows it in order (`superseded`).
    public var supersedesWaiting: Bool
    /// How long deciding took, for the answer and the benchmarks.
    public var routingSeconds: Double
    /// The organisations the revision concerns, whom the reach report follows; those it already concerned keep
    /// their steps.
    public var concerned: [ConcernedOrganisation]
    /// Whether the revision changes what was acknowledged (`AcknowledgementPolicy.reopens`): every acknowledgement
    /// of the alert is then asked again.
    public var reopensAcknowledgement: Bool
    /// The escalation steps to schedule for the organisations the revision concerns, with the policy in force now
    /// snapshotted into each; one already scheduled (same alert, organisation, step and round) is kept as it is.
    public var escalations: [PlannedEscalationStep]

    public init(deliveries: [PlannedDelivery], supersedesWaiting: Bool, routingSeconds: Double = 0, concerned: [ConcernedOrganisation] = [],
                reopensAcknowledgement: Bool = false, escalations: [PlannedEscalationStep] = []) {
        self.escalations = escalations
        self.deliveries = deliveries
        self.supersedesWaiting = supersedesWaiting
        self.routingSeconds = routingSeconds
        self.concerned = concerned
        self.reopensAcknowledgement = reopensAcknowledgement
    }

    /// Nothing to queue: a revision stored for reading only.
    public static let nothing = RoutingPlan(deliveries: [], supersedesWaiting: false)
}

/// One delivery to queue: to which subscription, when it falls due, and the recipient's inventory items it concerns.
public struct PlannedDelivery: Sendable, Hashable {
    /// Held compact (`CompactID`): a fan-out plans tens of thousands of these in one transaction.
    public var subscriptionKey: CompactID
    public var orgKey: CompactID
    public var channel: Channel
    public var dueAt: Date
    public var concerns: [InventoryConcern]

    public var subscriptionId: String { subscriptionKey.text }
    public var orgId: String { orgKey.text }

    public init(subscriptionId: String, orgId: String, channel: Channel, dueAt: Date, concerns: [InventoryConcern] = []) {
        self.init(subscriptionKey: CompactID(subscriptionId), orgKey: CompactID(orgId), channel: channel, dueAt: dueAt, concerns: concerns)
    }

    public init(subscriptionKey: CompactID, orgKey: CompactID, channel: Channel, dueAt: Date, concerns: [InventoryConcern] = []) {
        self.subscriptionKey = subscriptionKey
        self.orgKey = orgKey
        self.channel = channel
        self.dueAt = dueAt
        self.concerns = concerns
    }
}

/// What storing an ingested document did.
public enum IngestResult: Sendable {
    /// Nothing: the document was already known as it is (or older); the alert it names, if any.
    case unchanged(Alert?)
    case published(PublishResult)
    case revised(PublishResult)
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
