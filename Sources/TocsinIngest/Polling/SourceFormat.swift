import Foundation

/// What a configured source serves: one of the ingest formats, or `csaf-provider`, a CSAF
/// `provider-metadata.json` from which the documents are discovered.
///
/// Written in configuration as the format's raw value (`kev`, `feed`, `csaf`, …) or `csaf-provider`.
public enum SourceFormat: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A document (or a whole feed) handed to the sink as this format.
    case ingest(IngestFormat)
    /// A CSAF provider, followed through its ROLIE feeds or its directories' `changes.csv`.
    case csafProvider

    /// How a source of this format is polled.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// One document per fetch (CSAF, CVE, KEV, STIX, MISP, CAP, native, CERT-FR JSON).
        case document
        /// A feed (format `feed`: RSS, Atom, JSON Feed) handed whole to the adapter, which reads one alert per item.
        /// (A `certfr` source reports `document`, whether it is the RSS feed or an advisory.)
        case feed
        /// A CSAF `provider-metadata.json` whose listed documents are fetched one by one.
        case csafProvider = "csaf-provider"
    }

    /// The configuration spelling of the provider format.
    public static let csafProviderName = "csaf-provider"

    /// Every spelling accepted in configuration, for error messages.
    public static var accepted: [String] { IngestFormat.allCases.map(\.rawValue) + [csafProviderName] }

    /// Reads a configuration spelling; letter case is ignored.
    public init?(rawValue: String) {
        let value = rawValue.trimmingCharacters(in: .whitespaces).lowercased()
        if value == Self.csafProviderName {
            self = .csafProvider
        } else if let format = IngestFormat(rawValue: value) {
            self = .ingest(format)
        } else {
            return nil
        }
    }

    /// The configuration spelling.
    public var rawValue: String {
        switch self {
        case .ingest(let format): format.rawValue
        case .csafProvider: Self.csafProviderName
        }
    }

    public var description: String { rawValue }

    /// How the poller treats the source. CERT-FR is polled the same way whether it is an advisory or the RSS
    /// feed; the kind only says how it is reported.
    public var kind: Kind {
        switch self {
        case .csafProvider: .csafProvider
        case .ingest(.feed): .feed
        case .ingest: .document
        }
    }

    /// The format the fetched documents are handed to the sink as (`csaf` for a provider's documents).
    public var ingestFormat: IngestFormat {
        switch self {
        case .ingest(let format): format
        case .csafProvider: .csaf
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let format = SourceFormat(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown source format '\(text.prefix(40))'; expected one of \(Self.accepted.joined(separator: ", "))")
        }
        self = format
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
