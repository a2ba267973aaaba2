import Foundation
import Logging
import Synchronization
import TocsinCore
import TocsinStore

/// Who a stored revision is pushed to, and when. Pure: no I/O, no clock.
public enum RoutingPolicy {
    /// The subscriptions a revision is pushed to:
    /// - none for a backfilled revision, which is stored to be read, never pushed;
    /// - for a revision marked to notify newly matching subscriptions only (a known-exploited flag), those its
    ///   filters match that the previous revision's did not;
    /// - otherwise those it matches, and those that had an earlier revision and may still read this one, so an
    ///   update or a cancellation reaches everyone who was told;
    /// - never a subscription of a `pulled` channel (a feed): it reads the alert log and takes no delivery.
    public static func recipients(of alert: Alert, previous: Alert?, previousRecipients: Set<String>, index: RoutingIndex,
                                  concerned: Set<String>, pulled: Set<Channel>) -> [RoutableSubscription] {
        var recipients: [RoutableSubscription]
        if alert.isBackfilled {
            recipients = []
        } else if alert.notifiesNewlyMatchingOnly, let previous {
            recipients = index.newlyMatching(alert, previous: previous, concerned: concerned)
        } else {
            recipients = index.route(alert, previousRecipients: previousRecipients, concerned: concerned)
        }
        // In place, keeping the order: no second array of tens of thousands of subscriptions.
        recipients.removeAll { pulled.contains($0.channel) }
        return recipients
    }

    /// One delivery per recipient: due when the revision was stored, or at the next digest for a subscription that
    /// gathers its alerts, with the recipient's inventory items the alert concerns. A later revision supersedes what
    /// earlier ones still have waiting for the same subscriptions.
    public static func plan(_ alert: Alert, recipients: [RoutableSubscription], concerns: [String: [InventoryConcern]],
                            digests: DigestSchedule) -> RoutingPlan {
        var dueByMode: [DigestMode: Date] = [.immediate: alert.updatedAt]
        let deliveries = recipients.map { recipient in
            let due = dueByMode[recipient.digest] ?? digests.due(after: alert.updatedAt, mode: recipient.digest)
            dueByMode[recipient.digest] = due
            // The identifiers stay compact; an organisation's is spelled out only to look up its concerns, if any.
            return PlannedDelivery(subscriptionKey: recipient.subscriptionKey, orgKey: recipient.orgKey, channel: recipient.channel,
                                   dueAt: due, concerns: concerns.isEmpty ? [] : concerns[recipient.orgId] ?? [])
        }
        return RoutingPlan(deliveries: deliveries, supersedesWaiting: alert.revision > 1)
    }
}

/// The pipeline's match and route steps: the declared inventories, the routing index (compiled again only when the
/// directory moved) and the digest schedule, turned into the `RoutingStep` the store runs inside the transaction that
/// stores a revision. One per process, shared by every entry point.
public final class AlertRouter: Sendable {
    public let inventories: InventoryIndex
    let store: any Store
    let digests: DigestSchedule
    let logger: Logger
    private let cache = Mutex<(version: Int64, index: RoutingIndex)?>(nil)
    /// Whether escalation runs and the configured default policy.
    let escalation: EscalationDefaults
    private let policyCache = Mutex<(version: Int64, policies: [EscalationPolicy])?>(nil)

    /// `messages` gives the words of what an alert concerns ("concerne votre …", "concerns your …").
    public init(store: any Store, messages: Messages, digests: DigestSchedule = DigestSchedule(),
                escalation: EscalationDefaults = EscalationDefaults(), logger: Logger = Logger(label: "tocsin.routing")) {
        self.store = store
        self.escalation = escalation
        self.digests = digests
        self.inventories = InventoryIndex(store: store, messages: messages)
        self.logger = logger
    }

    /// The routing step for a revision stored now, with the inventories as they stand.
    public func router() async throws -> RoutingStep {
        let snapshot = try await inventories.snapshot()
        return { alert, reads in try self.plan(alert, reads: reads, concerns: snapshot.concerns(for: alert)) }
    }

    /// The routing index as the directory stands now (to name who a revision would newly reach).
    public func index() async throws -> RoutingIndex {
        let cached = cache.withLock { $0 }
        return compiled(try await store.routableSubscriptions(unlessVersion: cached?.version), cached: cached)
    }

    func plan(_ alert: Alert, reads: any RoutingReads, concerns: [String: [InventoryConcern]]) throws -> RoutingPlan {
        let cached = cache.withLock { $0 }
        let index = compiled(try reads.routableSubscriptions(unlessVersion: cached?.version), cached: cached)
        let previous = alert.notifiesNewlyMatchingOnly ? try reads.previousRevision() : nil
        let previousRecipients = alert.revision > 1 && !alert.isBackfilled ? try reads.previousRecipients() : []
        let start = ContinuousClock.now
        // The recipients live only as long as the plan is made: the organisations are read after they are freed.
        var plan = RoutingPolicy.plan(alert, recipients: RoutingPolicy.recipients(of: alert, previous: previous, previousRecipients: previousRecipients,
                                                                                  index: index, concerned: Set(concerns.keys), pulled: store.channels.pulled),
                                      concerns: concerns, digests: digests)
        plan.concerned = AcknowledgementPolicy.audience(of: alert, among: try reads.organisations()).map {
            ConcernedOrganisation(orgKey: $0.orgKey, inventory: !concerns.isEmpty && concerns[$0.orgId]?.isEmpty == false)
        }
        plan.escalations = try escalations(alert, concerned: plan.concerned, reads: reads)
        if alert.revision > 1 {
            plan.reopensAcknowledgement = AcknowledgementPolicy.reopens(previous: try previous ?? reads.previousRevision(), next: alert)
        }
        plan.routingSeconds = (ContinuousClock.now - start).seconds
        logger.info("alert routed", metadata: [
            "alert": "\(alert.id)", "revision": "\(alert.revision)", "tlp": "\(alert.tlp.rawValue)",
            "deliveries": "\(plan.deliveries.count)", "concerned": "\(plan.concerned.count)", "escalation_steps": "\(plan.escalations.count)", "routing_ms": "\(String(format: "%.2f", plan.routingSeconds * 1000))",
        ])
        return plan
    }

    /// The escalation steps of the organisations a revision concerns, with the policies in force now (read again
    /// only when they changed). A cancellation or a backfilled revision schedules none.
    func escalations(_ alert: Alert, concerned: [ConcernedOrganisation], reads: any RoutingReads) throws -> [PlannedEscalationStep] {
        guard escalation.enabled, !concerned.isEmpty, alert.status != .cancelled, !alert.isBackfilled else { return [] }
        let cached = policyCache.withLock { $0 }
        let read = try reads.escalationPolicies(unlessVersion: cached?.version)
        let stored: [EscalationPolicy]
        if let policies = read.policies {
            stored = policies
            policyCache.withLock { $0 = (read.version, policies) }
        } else {
            stored = cached?.policies ?? []
        }
        return EscalationPlanner.steps(for: alert, concerned: concerned.map { ($0.orgId, $0.inventory) },
                                       policies: escalation.policies(stored: stored), concernedAt: alert.updatedAt)
    }

    /// The index `cached` when the store found the directory unchanged since, or one compiled from the subscriptions
    /// it read because the directory moved.
    private func compiled(_ read: (version: Int64, subscriptions: [RoutableSubscription]?),
                          cached: (version: Int64, index: RoutingIndex)?) -> RoutingIndex {
        guard let subscriptions = read.subscriptions else { return cached?.index ?? RoutingIndex([]) }
        let start = ContinuousClock.now
        let index = RoutingIndex(subscriptions)
        cache.withLock { $0 = (read.version, index) }
        logger.debug("routing index rebuilt", metadata: [
            "subscriptions": "\(subscriptions.count)", "ms": "\(String(format: "%.1f", (ContinuousClock.now - start).seconds * 1000))",
        ])
        return index
    }
}
