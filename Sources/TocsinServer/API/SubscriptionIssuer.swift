import Foundation
import TocsinCore
import TocsinDelivery
import TocsinNet

/// The rules for creating a subscription, shared by the API and the command line: the target's check per
/// channel (the SSRF guard for webhooks), the filter's validation, and the secrets shown once.
public enum SubscriptionIssuer {
    /// Why a target was refused; `guardRefusal` marks a webhook URL the SSRF guard turned down.
    public struct TargetError: Error, CustomStringConvertible {
        public var message: String
        public var guardRefusal: Bool
        public var description: String { message }
    }

    /// The target to store for `channel`, or a `TargetError`.
    public static func checkTarget(_ target: String?, channel: Channel, guard targetGuard: TargetGuard) throws(TargetError) -> String {
        switch channel {
        case .webhook:
            guard let target else { throw TargetError(message: "target (the webhook URL) is required", guardRefusal: false) }
            do {
                try targetGuard.check(target, requireResolution: false)
            } catch {
                throw TargetError(message: error.description, guardRefusal: true)
            }
            return target
        case .email:
            guard let target, EmailAddress.isPlausible(target) else {
                throw TargetError(message: "target must be an email address", guardRefusal: false)
            }
            return target
        case .feed:
            return ""
        }
    }

    /// Digests are for people: only email subscriptions may ask for them.
    public static func checkDigest(_ digest: DigestMode, channel: Channel) throws(ValidationError) {
        guard DigestMode.isAllowed(digest, on: channel) else {
            throw ValidationError(field: "digest", message: "must be immediate for a \(channel.rawValue) subscription: hourly and daily digests are for email, a \(channel.rawValue) gets each alert at once")
        }
    }

    /// A new subscription with its secrets: a `whsec_` signing secret for webhooks, a token for feeds.
    public static func make(orgId: String, channel: Channel, target: String, filter: SubscriptionFilter, active: Bool = true,
                            digest: DigestMode = .immediate) throws(ValidationError) -> CreatedSubscription {
        try checkDigest(digest, channel: channel)
        let subscription = Subscription(orgId: orgId, channel: channel, target: target, filter: try filter.validated(), active: active,
                                        digest: digest)
        return CreatedSubscription(
            subscription: subscription,
            secret: channel == .webhook ? StandardWebhooks.makeSecret() : nil,
            feedToken: channel == .feed ? TocsinID.secret(prefix: "feed_") : nil)
    }
}

/// A new subscription as its creator sees it, once: the subscription plus its `secret` or `feedToken`.
public struct CreatedSubscription: Encodable, Sendable {
    public var subscription: Subscription
    public var secret: String?
    public var feedToken: String?

    public func encode(to encoder: any Encoder) throws {
        try subscription.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(secret, forKey: .secret)
        try container.encodeIfPresent(feedToken, forKey: .feedToken)
    }

    enum CodingKeys: String, CodingKey { case secret, feedToken }
}
