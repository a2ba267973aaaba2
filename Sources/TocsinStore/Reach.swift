import Foundation
import TocsinCore

/// Who knows: for each alert and each organisation it concerns, how far it got (concerned, delivered, seen,
/// acknowledged), and the broker's own keys.
///
/// The `concerned` rows are written with the revision that concerns the organisation (`RoutingPlan.concerned`, in the
/// alert log's transaction) and `delivered` with the delivery's result (`OutboxStore.recordResults`); this part
/// records the readers' steps and answers the reach report.
public protocol ReachStore: Sendable {
    /// Every organisation the alert concerns, with its steps, its subscriptions and the alert's deliveries to it.
    func reach(alertId: String) async throws -> [OrganisationReach]
    /// The organisations of `region` the alert concerns, with their steps, subscriptions and deliveries: the rows
    /// of `reach(alertId:)` whose region is `region`, read without the rest of the country.
    func reach(alertId: String, region: String) async throws -> [OrganisationReach]
    /// For each of `alertIds`, how many organisations of `region` it concerns and how many reached each step: the
    /// `ReachCounts` of `reach(alertId:region:)`, counted in one read for a whole page of alerts. An alert that
    /// concerns none of them is left out.
    func reachCounts(alertIds: [String], region: String) async throws -> [String: ReachCounts]
    /// The alert's standing with one organisation; nil when it does not concern it.
    func reach(alertId: String, orgId: String) async throws -> OrganisationReach?
    /// Notes that the organisation read these alerts, for those it had not read yet and that concern it.
    func markSeen(alertIds: [String], orgId: String, mark: ReachMark) async throws
    /// Records that the organisation acknowledged the alert (and so saw it, and had it), unless someone had already
    /// acknowledged its current content: then says who and when, and records nothing. An organisation the alert did
    /// not concern yet (an alert older than the reach records) becomes concerned now; the caller has checked that it
    /// may read the alert.
    func acknowledge(alertId: String, orgId: String, mark: ReachMark, note: String?) async throws -> AcknowledgeOutcome
    /// The broker's key named `name`, created with `make` the first time and kept for good (acknowledgement links
    /// stay valid across restarts).
    func brokerKey(named name: String, make: @Sendable () -> String) async throws -> String
    /// Time to deliver and to acknowledge, by severity, as histograms over `bounds` (seconds), and how many alerts
    /// published since `since`, not cancelled, still wait for an acknowledgement. Exercises are left out of all of it.
    func reachMetrics(bounds: [Double], since: Date) async throws -> ReachMetrics
    /// Every organisation with its subscriptions, each with its latest finished delivery: what the reachability rule
    /// (`OrganisationChannels.unreachableReasons`) reads.
    func organisationChannels() async throws -> [OrganisationChannels]
    /// The organisations of `region` only, as `organisationChannels()` gives them.
    func organisationChannels(region: String) async throws -> [OrganisationChannels]
    /// The alerts of one exercise, oldest first.
    func alerts(exerciseId: String) async throws -> [Alert]
}

/// Reach figures for the metrics endpoint, exercises left out.
public struct ReachMetrics: Sendable, Hashable {
    /// Publication → first delivery, by severity.
    public var timeToDeliver: [Severity: LatencyHistogram]
    /// Publication → acknowledgement, by severity.
    public var timeToAcknowledge: [Severity: LatencyHistogram]
    /// Alerts published in the window, not cancelled, with at least one concerned organisation that has not
    /// acknowledged.
    public var unacknowledgedAlerts: Int

    public init(timeToDeliver: [Severity: LatencyHistogram] = [:], timeToAcknowledge: [Severity: LatencyHistogram] = [:], unacknowledgedAlerts: Int = 0) {
        self.timeToDeliver = timeToDeliver
        self.timeToAcknowledge = timeToAcknowledge
        self.unacknowledgedAlerts = unacknowledgedAlerts
    }
}

/// A Prometheus-style histogram: how many values were at most each bound (cumulative), how many in all, their sum.
public struct LatencyHistogram: Sendable, Hashable {
    public var bounds: [Double]
    public var cumulative: [Int]
    public var count: Int
    public var sum: Double

    public init(bounds: [Double], cumulative: [Int], count: Int, sum: Double) {
        self.bounds = bounds
        self.cumulative = cumulative
        self.count = count
        self.sum = sum
    }
}

/// One organisation an alert revision concerns, as routing decided.
public struct ConcernedOrganisation: Sendable, Hashable {
    /// Held compact (`CompactID`): a revision may concern every organisation of the directory.
    public var orgKey: CompactID
    /// Whether the alert matches its declared inventory.
    public var inventory: Bool

    public var orgId: String { orgKey.text }

    public init(orgId: String, inventory: Bool = false) {
        self.init(orgKey: CompactID(orgId), inventory: inventory)
    }

    public init(orgKey: CompactID, inventory: Bool = false) {
        self.orgKey = orgKey
        self.inventory = inventory
    }
}

extension ReachStore {
    /// The broker's acknowledgement-link signer, its key created at first use and kept in the store, so links stay
    /// valid across restarts and every process of the broker signs alike.
    public func ackLinkSigner() async throws -> AckLinkSigner {
        AckLinkSigner(key: Array(try await brokerKey(named: "ack-link", make: { TocsinID.secret(prefix: "", bytes: 32) }).utf8))
    }
}
