import Foundation
import TocsinCore

/// A source Tocsin polls: where to fetch, what format it serves, how often, with which request headers, and the
/// mapping hints passed to the adapter.
///
/// `headers` hold secrets (`Authorization: Bearer …`): they are encoded when the configuration itself is written
/// back, but `description`, `debugDescription`, `dump` and `SourceHealth` show only their names. Call
/// `validate(minimumInterval:)` (or `SourceConfiguration.validate(_:)` for a whole list) before polling.
public struct SourceConfiguration: Codable, Sendable, Hashable {
    /// Unique name, `[a-z0-9-]+`; recorded as the alerts' `source`.
    public var name: String
    /// The http(s) URL fetched each round: the document, the feed, or the provider's `provider-metadata.json`.
    public var url: String
    public var format: SourceFormat
    /// Seconds between two rounds when the source answers; failures back off from it.
    public var interval: TimeInterval
    /// Request headers sent to the source's own origin (scheme, host and port of `url`) only. Secret.
    public var headers: [String: String]
    /// The TLP of documents that carry no marking; for a CSAF provider it never widens a ROLIE feed's TLP.
    public var defaultTLP: TLP?
    /// The severity of documents that state none and carry no score.
    public var defaultSeverity: Severity?
    /// Categories added to every alert from this source.
    public var categories: [String]
    public var enabled: Bool
    /// For a CSAF provider: the TLP of the ROLIE feeds followed (CLEAR and GREEN unless stated). `UNLABELED`
    /// feeds are never followed.
    public var csafFeedTLPs: [TLP]
    /// For a CSAF provider: the most documents fetched from one listing in one round. On the first round the
    /// newest are taken and older ones are skipped for good; later rounds take the oldest not yet processed
    /// and continue on the next round.
    public var documentLimit: Int
    /// Seconds one request may take.
    public var timeout: TimeInterval
    /// Which documents notify anyone: `new` (the default) only those that arrive after the source's first
    /// successful poll, whose documents are stored quietly; `all` every one, the first poll's included.
    public var notify: SourceConfiguration.SourceNotify = .new

    /// How the poller treats the source.
    public var kind: SourceFormat.Kind { format.kind }

    /// Which of a source's documents notify subscribers.
    public enum SourceNotify: String, Codable, Sendable, Hashable {
        case new, all
    }

    /// The default `interval` when none is configured: 15 minutes.
    public static let defaultInterval: TimeInterval = 900
    /// The default `csafFeedTLPs`.
    public static let defaultCSAFFeedTLPs: [TLP] = [.clear, .green]
    /// The default `documentLimit`.
    public static let defaultDocumentLimit = 500
    /// The default `timeout`.
    public static let defaultTimeout: TimeInterval = 60

    public init(
        name: String, url: String, format: SourceFormat, interval: TimeInterval = SourceConfiguration.defaultInterval,
        headers: [String: String] = [:], defaultTLP: TLP? = nil, defaultSeverity: Severity? = nil,
        categories: [String] = [], enabled: Bool = true, csafFeedTLPs: [TLP] = SourceConfiguration.defaultCSAFFeedTLPs,
        documentLimit: Int = SourceConfiguration.defaultDocumentLimit, timeout: TimeInterval = SourceConfiguration.defaultTimeout
    ) {
        self.name = name
        self.url = url
        self.format = format
        self.interval = interval
        self.headers = headers
        self.defaultTLP = defaultTLP
        self.defaultSeverity = defaultSeverity
        self.categories = categories
        self.enabled = enabled
        self.csafFeedTLPs = csafFeedTLPs
        self.documentLimit = documentLimit
        self.timeout = timeout
    }

    /// The options the adapter is called with for this source's documents.
    /// `defaultTLP` is the marking of the channel a document came through (a CSAF ROLIE feed): it is also the
    /// floor, so a document is never shared more widely than the feed that carried it.
    public func ingestOptions(defaultTLP: TLP? = nil) -> IngestOptions {
        IngestOptions(sourceName: name, defaultTLP: defaultTLP ?? self.defaultTLP, defaultSeverity: defaultSeverity,
                      extraCategories: categories, minimumTLP: defaultTLP)
    }

    enum CodingKeys: String, CodingKey {
        case name, url, format, interval, headers, defaultTLP, defaultSeverity, categories, enabled, csafFeedTLPs,
             documentLimit, timeout, notify
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        url = try container.decode(String.self, forKey: .url)
        format = try container.decode(SourceFormat.self, forKey: .format)
        interval = try container.decodeIfPresent(TimeInterval.self, forKey: .interval) ?? Self.defaultInterval
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        defaultTLP = try container.decodeIfPresent(TLP.self, forKey: .defaultTLP)
        defaultSeverity = try container.decodeIfPresent(Severity.self, forKey: .defaultSeverity)
        categories = try container.decodeIfPresent([String].self, forKey: .categories) ?? []
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        csafFeedTLPs = try container.decodeIfPresent([TLP].self, forKey: .csafFeedTLPs) ?? Self.defaultCSAFFeedTLPs
        documentLimit = try container.decodeIfPresent(Int.self, forKey: .documentLimit) ?? Self.defaultDocumentLimit
        timeout = try container.decodeIfPresent(TimeInterval.self, forKey: .timeout) ?? Self.defaultTimeout
        notify = try container.decodeIfPresent(SourceConfiguration.SourceNotify.self, forKey: .notify) ?? .new
    }
}

extension SourceConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The source for logs and messages: header values and URL credentials or query values are hidden.
    public var redactedDescription: String {
        var parts = ["name: \(name)", "format: \(format.rawValue)", "url: \(SourceRedaction.url(url))",
                     "interval: \(Int(interval))s", "enabled: \(enabled)"]
        if !headers.isEmpty {
            parts.append("headers: " + headers.keys.sorted().map { "\($0): \(SourceRedaction.placeholder)" }.joined(separator: ", "))
        }
        if let defaultTLP { parts.append("defaultTLP: \(defaultTLP.rawValue)") }
        if let defaultSeverity { parts.append("defaultSeverity: \(defaultSeverity.rawValue)") }
        if !categories.isEmpty { parts.append("categories: \(categories.joined(separator: ", "))") }
        return "SourceConfiguration(" + parts.joined(separator: "; ") + ")"
    }

    public var description: String { redactedDescription }
    public var debugDescription: String { redactedDescription }

    /// `dump` and debuggers see the redacted form too.
    public var customMirror: Mirror {
        Mirror(self, children: ["redacted": redactedDescription], displayStyle: .struct)
    }

    /// Every value that must never appear in a log line, an error or the API: header values (and their tokens),
    /// credentials and query values of the URL.
    var secrets: [String] {
        SourceRedaction.secrets(headers: headers, url: url)
    }
}
