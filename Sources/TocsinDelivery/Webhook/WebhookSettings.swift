import Foundation
import TocsinCore
import TocsinNet

/// The `webhooks:` section: which non-public addresses the SSRF guard lets through, and how long one POST may take.
public struct WebhookSettings: ChannelSettings {
    public static let section = "webhooks"

    /// Lets webhooks reach loopback and private addresses (a test bench, never production).
    public var allowPrivateTargets = false
    /// CIDR ranges allowed although non-public (an internal receiver).
    public var allowedNetworks: [String] = []
    public var timeout: TimeInterval = 15

    public init() {}

    public static let keys: [SettingKey<WebhookSettings>] = [
        SettingKey("allowPrivateTargets") { s, v, key throws(ConfigurationError) in s.allowPrivateTargets = try SettingText.bool(v, key) },
        SettingKey("allowedNetworks") { s, v, _ in s.allowedNetworks = SettingText.list(v) },
        SettingKey("timeout") { s, v, key throws(ConfigurationError) in s.timeout = try SettingText.duration(v, key) },
    ]

    public func validate() throws(ConfigurationError) {
        _ = try targetGuard()
    }

    public var attemptTimeout: (key: String, seconds: TimeInterval)? { ("\(Self.section).timeout", timeout) }

    /// The SSRF guard for webhook targets, at subscription time and at send time.
    public func targetGuard() throws(ConfigurationError) -> TargetGuard {
        TargetGuard(allowPrivateTargets: allowPrivateTargets, allowedNetworks: try SettingText.networks(allowedNetworks, "\(Self.section).allowedNetworks"))
    }
}
