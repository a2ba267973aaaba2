import Foundation
import TocsinCore
import TocsinNet

/// A channel's settings: the section of the configuration it reads (`smtp:`, `webhooks:`), parsed by the channel.
///
/// The configuration loader knows no key of a channel: it hands each `section.key` of the file, and each
/// `TOCSIN_SECTION_KEY` variable, to the key of that name in `keys`, then asks `validate()` about what depends on
/// several keys. Errors name the full key (`smtp.from`), as every setting's do.
public protocol ChannelSettings: Sendable {
    /// The section's name: the first part of each key.
    static var section: String { get }
    /// Every key of the section, with how its text value is applied.
    static var keys: [SettingKey<Self>] { get }
    /// The defaults.
    init()
    /// Checks what depends on several keys, once everything is read.
    func validate() throws(ConfigurationError)
    /// The longest one attempt of the channel may take, and the full key that sets it, when the outbox's lease must
    /// cover it; nil when the channel does not bound its attempts so.
    var attemptTimeout: (key: String, seconds: TimeInterval)? { get }
}

/// The settings of a channel that has none.
public struct NoChannelSettings: ChannelSettings {
    public static let section = ""
    public static let keys: [SettingKey<NoChannelSettings>] = []
    public init() {}
    public func validate() {}
    public var attemptTimeout: (key: String, seconds: TimeInterval)? { nil }
}

/// Every channel's settings, each as its channel's own type: what the configuration loader read from the sections.
/// A section that was never written reads as its defaults.
public struct ChannelSettingsSet: Sendable {
    private var sections: [String: any ChannelSettings] = [:]

    public init() {}

    public subscript<Settings: ChannelSettings>(_ type: Settings.Type) -> Settings {
        get { sections[Settings.section] as? Settings ?? Settings() }
        set { sections[Settings.section] = newValue }
    }
}

extension SettingText {
    /// The CIDR ranges of an `…allowedNetworks` setting, or an error naming the one that is not a range.
    public static func networks(_ texts: [String], _ key: String) throws(ConfigurationError) -> [IPNetwork] {
        try texts.map { text throws(ConfigurationError) in
            guard let network = IPNetwork(text) else {
                throw ConfigurationError(key: key, message: "'\(text)' is not a CIDR range like 127.0.0.0/8")
            }
            return network
        }
    }
}
