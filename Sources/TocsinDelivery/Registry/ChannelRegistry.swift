import Foundation
import TocsinCore
import TocsinStore

/// Every channel Tocsin has, one line each: adding a channel is its folder and its line here.
///
/// The order is the one the API, the command line and error messages list the channels in.
public enum ChannelRegistry {
    public static let kinds: [any ChannelKind.Type] = [
        WebhookKind.self,
        EmailKind.self,
        FeedKind.self,
    ]

    /// The channels' names, in order.
    public static var channels: [Channel] { kinds.map { $0.channel } }

    /// The channel's declaration, or nil when no channel has that name.
    public static func kind(for channel: Channel) -> (any ChannelKind.Type)? {
        kinds.first { $0.channel == channel }
    }

    /// The channel named `name`, or an error naming `field` and listing the channels there are.
    public static func kind(named name: String, field: String = "channel") throws(ValidationError) -> any ChannelKind.Type {
        guard let kind = kind(for: Channel(name)) else {
            throw ValidationError(field: field, message: "'\(name.prefix(40))' is not one of \(channels.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    /// What the store needs to know of the channels: their names, and which are pulled.
    public static var catalog: ChannelCatalog {
        ChannelCatalog(channels: channels, pulled: Set(kinds.filter { $0.declaration.delivery == .pulled }.map { $0.channel }))
    }

    /// The channels that take digests, and those whose subscriptions carry a secret of `kind`.
    public static var digestChannels: [Channel] { kinds.filter { $0.declaration.takesDigests }.map { $0.channel } }
    public static func channels(withSecret kind: SubscriptionSecret.Kind) -> [Channel] {
        kinds.filter { $0.declaration.secret == kind }.map { $0.channel }
    }

    /// `webhook, email or feed`: names as a sentence writes them.
    public static func sentence(_ names: [String], _ conjunction: String = "or") -> String {
        guard let last = names.last else { return "" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }

    // MARK: Settings

    /// Every key of every channel's section (`smtp.url`), with how to apply its text value to the settings.
    public static let settings: [(key: String, apply: SettingKey<ChannelSettingsSet>.Apply)] = kinds.flatMap { settingKeys(of: $0) }

    /// Checks each channel's settings, in the registry's order.
    public static func validate(_ settings: ChannelSettingsSet) throws(ConfigurationError) {
        for kind in kinds { try validate(kind, settings) }
    }

    /// The attempt timeouts the channels declare, which the outbox's lease must cover.
    public static func attemptTimeouts(_ settings: ChannelSettingsSet) -> [(key: String, seconds: TimeInterval)] {
        kinds.compactMap { attemptTimeout(of: $0, settings) }
    }

    // MARK: Senders

    /// The senders of the pushed channels whose settings turn them on, and the pushed channels left off.
    public static func senders(_ settings: ChannelSettingsSet, context: ChannelContext) throws -> (senders: [any DeliveryChannel], off: [Channel]) {
        var senders: [any DeliveryChannel] = []
        var off: [Channel] = []
        for kind in kinds where kind.declaration.delivery == .pushed {
            if let sender = try kind.makeSender(in: settings, context: context) { senders.append(sender) } else { off.append(kind.channel) }
        }
        return (senders, off)
    }

    private static func settingKeys<Kind: ChannelKind>(of _: Kind.Type) -> [(key: String, apply: SettingKey<ChannelSettingsSet>.Apply)] {
        Kind.Settings.keys.map { setting in
            let key = "\(Kind.Settings.section).\(setting.name)"
            return (key, { settings, value, key throws(ConfigurationError) in
                var section = settings[Kind.Settings.self]
                try setting.apply(&section, value, key)
                settings[Kind.Settings.self] = section
            })
        }
    }

    private static func validate<Kind: ChannelKind>(_: Kind.Type, _ settings: ChannelSettingsSet) throws(ConfigurationError) {
        try settings[Kind.Settings.self].validate()
    }

    private static func attemptTimeout<Kind: ChannelKind>(of _: Kind.Type, _ settings: ChannelSettingsSet) -> (key: String, seconds: TimeInterval)? {
        settings[Kind.Settings.self].attemptTimeout
    }
}
