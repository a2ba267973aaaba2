import Foundation

/// One subscription as the reachability rule reads it: whether it is on, whether its channel is pulled (a feed), and
/// its latest finished delivery (delivered or dead).
public struct SubscriptionStanding: Codable, Sendable, Hashable {
    public var subscriptionId: String
    public var channel: Channel
    public var active: Bool
    public var disabledReason: String?
    /// True for a channel the subscriber reads itself (a feed): no delivery says whether it works.
    public var pulled: Bool
    /// The subscription's newest delivery that finished, delivered or dead; nil when none has.
    public var lastFinished: DeliveryStanding?

    public init(subscriptionId: String, channel: Channel, active: Bool, disabledReason: String? = nil, pulled: Bool = false,
                lastFinished: DeliveryStanding? = nil) {
        self.subscriptionId = subscriptionId
        self.channel = channel
        self.active = active
        self.disabledReason = disabledReason
        self.pulled = pulled
        self.lastFinished = lastFinished
    }

    /// Whether the subscription counts as a working channel: active, and its latest finished delivery not dead. A
    /// pulled subscription (a feed) counts as working while active: the broker keeps no record of feed reads it could
    /// hold against it. A subscription nothing was delivered to yet counts as working: there is no evidence against it.
    public var works: Bool {
        guard active else { return false }
        if pulled { return true }
        return lastFinished?.state != .dead
    }
}

/// An organisation with its subscriptions, as the reachability rule reads it.
public struct OrganisationChannels: Codable, Sendable, Hashable {
    public var orgId: String
    public var subscriptions: [SubscriptionStanding]

    public init(orgId: String, subscriptions: [SubscriptionStanding]) {
        self.orgId = orgId
        self.subscriptions = subscriptions
    }

    /// Why no alert can reach the organisation now, or nil when one of its channels works. A standing finding, found
    /// before an incident: no active subscription, subscriptions disabled (a webhook that answered 410, an
    /// unsubscription), or every active one whose last delivery was dead-lettered (a hard bounce, retries exhausted).
    public var unreachableReasons: [String]? {
        guard !subscriptions.contains(where: \.works) else { return nil }
        var reasons: [String] = []
        if subscriptions.isEmpty { reasons.append("no-subscription: no subscription") }
        for sub in subscriptions.sorted(by: { $0.subscriptionId < $1.subscriptionId }) {
            if !sub.active {
                reasons.append("disabled: \(sub.channel.rawValue) subscription \(sub.subscriptionId) disabled"
                               + (sub.disabledReason.map { " (\($0.prefix(200)))" } ?? ""))
            } else if let last = sub.lastFinished, last.state == .dead {
                reasons.append("dead-lettered: \(sub.channel.rawValue) subscription \(sub.subscriptionId), last delivery dead"
                               + UninformedOrganisation.lastAnswer(last))
            }
        }
        return reasons
    }
}
