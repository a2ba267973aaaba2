import Foundation
import TocsinCore

/// A secret a subscription carries, by what it is for.
///
/// Each channel declares the kind its subscriptions get (`ChannelKind.secret` in TocsinDelivery); the store keeps
/// each kind in its own column whatever the channel, and hands the secrets back with every claimed delivery.
public struct SubscriptionSecret: Sendable, Hashable {
    /// What a secret is for, and so how it is made, kept and shown.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Signs each delivery (Standard Webhooks, `whsec_…`): kept as it is, shown once as `secret`, rotatable.
        case signing
        /// Lets the subscriber read its alerts (`feed_…`): only its hash is kept; shown once as `feedToken`.
        case feedToken
        /// The one-click unsubscribe link in each message (`unsub_…`): kept as it is, never shown by the API.
        case unsubscribe

        /// A new secret of this kind.
        public func make() -> SubscriptionSecret {
            switch self {
            case .signing: SubscriptionSecret(.signing, StandardWebhooks.makeSecret())
            case .feedToken: SubscriptionSecret(.feedToken, TocsinID.secret(prefix: "feed_"))
            case .unsubscribe: SubscriptionSecret(.unsubscribe, TocsinID.secret(prefix: "unsub_"))
            }
        }
    }

    public var kind: Kind
    public var value: String

    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = value
    }

    /// The value, when the secret is of `kind`.
    public func value(of kind: Kind) -> String? { self.kind == kind ? value : nil }
}
