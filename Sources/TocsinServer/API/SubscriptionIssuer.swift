import Foundation
import TocsinCore
import TocsinDelivery
import TocsinStore

/// The rules for creating a subscription, shared by the API and the command line, as each channel declares them in
/// the `ChannelRegistry`: the channel's target check (the SSRF guard for webhooks), its digest rule, the filter's
/// validation, and the secret made for it.
public enum SubscriptionIssuer {
    /// The registered channel named `channel`, or an error naming the `channel` field and the channels there are.
    public static func kind(of channel: Channel) throws(ValidationError) -> any ChannelKind.Type {
        try ChannelRegistry.kind(named: channel.rawValue)
    }

    /// The target to store for a subscription of `kind`, checked with the channel's settings.
    public static func checkTarget(_ target: String?, kind: any ChannelKind.Type, settings: ChannelSettingsSet) throws(ChannelTargetError) -> String {
        try kind.checkTarget(target, in: settings)
    }

    /// Digests are for people: only the channels that declare it may gather alerts into digests.
    public static func checkDigest(_ digest: DigestMode, kind: any ChannelKind.Type) throws(ValidationError) {
        guard digest == .immediate || kind.declaration.takesDigests else {
            let name = kind.channel.rawValue
            let digestChannels = ChannelRegistry.sentence(ChannelRegistry.digestChannels.map(\.rawValue), "and")
            throw ValidationError(field: "digest", message: "must be immediate for a \(name) subscription: hourly and daily digests are for \(digestChannels), a \(name) gets each alert at once")
        }
    }

    /// A new subscription with the secret its channel declares (a `whsec_` signing secret for webhooks, a token for
    /// feeds, an unsubscribe token for email).
    public static func make(orgId: String, kind: any ChannelKind.Type, target: String, filter: SubscriptionFilter, active: Bool = true,
                            digest: DigestMode = .immediate) throws(ValidationError) -> CreatedSubscription {
        try checkDigest(digest, kind: kind)
        let subscription = Subscription(orgId: orgId, channel: kind.channel, target: target, filter: try filter.validated(), active: active,
                                        digest: digest)
        return CreatedSubscription(subscription: subscription, secret: kind.declaration.secret?.make())
    }
}

/// A new subscription as its creator sees it, once: the subscription plus its `secret` (signing) or `feedToken`.
/// An unsubscribe token is not shown: it reaches the recipient in each message.
public struct CreatedSubscription: Encodable, Sendable {
    public var subscription: Subscription
    public var secret: SubscriptionSecret?

    public func encode(to encoder: any Encoder) throws {
        try subscription.encode(to: encoder)
        guard let secret else { return }
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch secret.kind {
        case .signing: try container.encode(secret.value, forKey: .secret)
        case .feedToken: try container.encode(secret.value, forKey: .feedToken)
        case .unsubscribe: break
        }
    }

    enum CodingKeys: String, CodingKey { case secret, feedToken }
}
