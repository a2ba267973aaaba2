import Foundation
import TocsinCore
import TocsinNet
import TocsinStore

/// One channel, declared in one place: its name, how a subscription's target is checked, the secret its
/// subscriptions carry, whether they may ask for digests, its settings section and its sender.
///
/// Each channel's folder holds one conforming type, and `ChannelRegistry.kinds` lists them. What depends on the
/// channel — creating a subscription (API and command line), the configuration loader, the outbox worker's
/// senders, the store's catalog — asks the registry instead of naming channels.
public protocol ChannelKind: Sendable {
    /// The channel's settings section; `NoChannelSettings` for a channel that has none.
    associatedtype Settings: ChannelSettings = NoChannelSettings

    /// The channel's name and the rules that need no code.
    static var declaration: ChannelDeclaration { get }

    /// The target to store for a new or changed subscription, or why it is refused.
    static func checkTarget(_ target: String?, settings: Settings) throws(ChannelTargetError) -> String

    /// The sender, built from the channel's settings and what the broker shares; nil for a pulled channel, and for
    /// one whose settings leave it off (its deliveries then wait in the outbox).
    static func makeSender(settings: Settings, context: ChannelContext) throws -> (any DeliveryChannel)?
}

/// What a channel is, apart from its code.
public struct ChannelDeclaration: Sendable {
    /// Whether the broker sends each alert, or the subscriber reads the alert log itself.
    public enum Delivery: Sendable {
        /// Sent through the outbox by the channel's sender.
        case pushed
        /// Read by the subscriber (a feed): no sender, and routing queues nothing.
        case pulled
    }

    public var channel: Channel
    /// What a subscription's target is, for people (`webhook URL`); nil when the channel takes none.
    public var target: String?
    /// The secret each new subscription gets; nil for none.
    public var secret: SubscriptionSecret.Kind?
    /// Whether subscriptions may gather their alerts into hourly or daily digests: a person reads a digest,
    /// machines want each alert at once.
    public var takesDigests: Bool
    public var delivery: Delivery

    public init(_ name: String, target: String?, secret: SubscriptionSecret.Kind?, takesDigests: Bool = false, delivery: Delivery = .pushed) {
        channel = Channel(name)
        self.target = target
        self.secret = secret
        self.takesDigests = takesDigests
        self.delivery = delivery
    }
}

/// Why a subscription's target was refused; `guardRefusal` marks a URL the SSRF guard turned down (a network rule,
/// rather than a malformed target).
public struct ChannelTargetError: Error, CustomStringConvertible {
    public var message: String
    public var guardRefusal: Bool
    public var description: String { message }

    public init(_ message: String, guardRefusal: Bool = false) {
        self.message = message
        self.guardRefusal = guardRefusal
    }
}

/// What the broker shares with every channel's sender, beside the channel's own settings.
public struct ChannelContext: Sendable {
    /// The HTTP client of the outbox (libcurl, one connection pool for every HTTP channel).
    public var httpClient: CurlHTTPClient
    /// The base of the links in what people read.
    public var publicUrl: String
    /// The templates folder (`templates.dir`, or the one found), and the words of its locales, read once at start.
    public var templatesDirectory: String
    public var messages: Messages
    /// The broker's acknowledgement links, for the channels that carry one (emails, webhook bodies); nil leaves
    /// them out.
    public var ackLinks: AckLinks?

    public init(httpClient: CurlHTTPClient, publicUrl: String, templatesDirectory: String, messages: Messages, ackLinks: AckLinks? = nil) {
        self.httpClient = httpClient
        self.publicUrl = publicUrl
        self.templatesDirectory = templatesDirectory
        self.messages = messages
        self.ackLinks = ackLinks
    }
}

extension ChannelKind {
    public static var channel: Channel { declaration.channel }

    /// `checkTarget` with the settings of this channel's section.
    public static func checkTarget(_ target: String?, in settings: ChannelSettingsSet) throws(ChannelTargetError) -> String {
        try checkTarget(target, settings: settings[Settings.self])
    }

    /// `makeSender` with the settings of this channel's section.
    public static func makeSender(in settings: ChannelSettingsSet, context: ChannelContext) throws -> (any DeliveryChannel)? {
        try makeSender(settings: settings[Settings.self], context: context)
    }
}
