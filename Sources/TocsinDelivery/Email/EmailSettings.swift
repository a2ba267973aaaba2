import Foundation
import TocsinCore

/// The `smtp:` section: the mail server, how to reach it, and the sender's address.
public struct EmailSettings: ChannelSettings {
    public static let section = "smtp"

    /// `smtp://host:port` or `smtps://host:port`; email is off while it or `from` is unset.
    public var url: String?
    public var from: String?
    public var replyTo: String?
    public var username: String?
    public var password: String?
    public var startTLS: SMTPConfiguration.StartTLS = .optional
    public var concurrency = 4
    public var caFile: String?
    public var timeout: TimeInterval = 30

    public init() {}

    public static let keys: [SettingKey<EmailSettings>] = [
        SettingKey("url") { s, v, _ in s.url = v },
        SettingKey("from") { s, v, key throws(ConfigurationError) in
            guard EmailAddress.isPlausible(v) else { throw ConfigurationError(key: key, message: "must be an email address") }
            s.from = v
        },
        SettingKey("replyTo") { s, v, _ in s.replyTo = v },
        SettingKey("username") { s, v, _ in s.username = v },
        SettingKey("password") { s, v, _ in s.password = v },
        SettingKey("startTLS") { s, v, key throws(ConfigurationError) in
            guard let mode = SMTPConfiguration.StartTLS(rawValue: v) else {
                throw ConfigurationError(key: key, message: "must be required, optional or off")
            }
            s.startTLS = mode
        },
        SettingKey("concurrency") { s, v, key throws(ConfigurationError) in s.concurrency = try SettingText.int(v, key, 1...64) },
        SettingKey("caFile") { s, v, key throws(ConfigurationError) in
            guard FileManager.default.isReadableFile(atPath: v) else {
                throw ConfigurationError(key: key, message: "'\(v)' is not a readable PEM file")
            }
            s.caFile = v
        },
        SettingKey("timeout") { s, v, key throws(ConfigurationError) in s.timeout = try SettingText.duration(v, key) },
    ]

    public func validate() throws(ConfigurationError) {
        if let url {
            let lower = url.lowercased()
            guard lower.hasPrefix("smtp://") || lower.hasPrefix("smtps://") else {
                throw ConfigurationError(key: "\(Self.section).url", message: "must be smtp://host:port or smtps://host:port")
            }
            guard from != nil else { throw ConfigurationError(key: "\(Self.section).from", message: "is required when smtp.url is set") }
        }
    }

    /// Not declared: the outbox's lease has only ever been sized on `webhooks.timeout`, and declaring `smtp.timeout`
    /// here would refuse settings accepted today, although one message may take up to `timeout` to send.
    public var attemptTimeout: (key: String, seconds: TimeInterval)? { nil }

    /// The mail server settings, when email is configured.
    public var smtp: SMTPConfiguration? {
        guard let url, let from else { return nil }
        return SMTPConfiguration(url: url, from: from, replyTo: replyTo, username: username, password: password,
                                 startTLS: startTLS, timeout: timeout, caFile: caFile, concurrency: concurrency)
    }
}
