import Foundation
import TocsinCore

/// A CSAF provider's `provider-metadata.json`: where its documents are distributed (ROLIE feeds with their TLP,
/// directory URLs) and which OpenPGP keys sign them. Pure parsing; fetching is the poller's business.
public struct CSAFProviderMetadata: Sendable, Equatable {
    /// One `distributions[]` item: a directory, ROLIE feeds, or both.
    public struct Distribution: Sendable, Equatable {
        public var directoryURL: String?
        public var feeds: [Feed]
    }

    /// A ROLIE feed named by the provider; `tlp` is nil for `UNLABELED` feeds.
    public struct Feed: Sendable, Equatable {
        public var url: String
        public var tlpLabel: String
        public var tlp: TLP?
        public var summary: String?
    }

    /// A key the provider signs its documents with.
    public struct PublicKey: Sendable, Equatable {
        public var url: String
        public var fingerprint: String?
    }

    public var canonicalURL: String
    public var metadataVersion: String
    public var lastUpdated: Date?
    public var role: String?
    public var publisherName: String?
    public var publisherNamespace: String?
    public var listOnAggregators: Bool?
    public var mirrorOnAggregators: Bool?
    public var distributions: [Distribution]
    public var publicKeys: [PublicKey]

    /// Every ROLIE feed of every distribution, in order.
    public var feeds: [Feed] { distributions.flatMap(\.feeds) }
    /// Every directory URL of every distribution, in order.
    public var directoryURLs: [String] { distributions.compactMap(\.directoryURL) }

    /// Parses `provider-metadata.json`, rejecting a document without `canonical_url`, `metadata_version` or with a
    /// non-http(s) distribution URL, with the path of the field at fault.
    public static func parse(_ data: Data) throws(IngestError) -> CSAFProviderMetadata {
        let raw = try IngestJSON.decode(Raw.self, from: data, format: .csaf)
        var distributions: [Distribution] = []
        for (index, distribution) in (raw.distributions ?? []).enumerated() {
            let base = "distributions[\(index)]"
            if let directory = distribution.directoryURL, !IngestDraft.isWebURL(directory) {
                throw IngestError(format: .csaf, path: "\(base).directory_url", message: "must be an http or https URL")
            }
            var feeds: [Feed] = []
            for (feedIndex, feed) in (distribution.rolie?.feeds ?? []).enumerated() {
                guard IngestDraft.isWebURL(feed.url) else {
                    throw IngestError(format: .csaf, path: "\(base).rolie.feeds[\(feedIndex)].url", message: "must be an http or https URL")
                }
                feeds.append(Feed(url: feed.url, tlpLabel: feed.tlpLabel, tlp: TLP(parsing: feed.tlpLabel), summary: feed.summary))
            }
            distributions.append(Distribution(directoryURL: distribution.directoryURL, feeds: feeds))
        }
        return CSAFProviderMetadata(
            canonicalURL: raw.canonicalURL, metadataVersion: raw.metadataVersion,
            lastUpdated: raw.lastUpdated.flatMap(IngestDate.parse), role: raw.role, publisherName: raw.publisher?.name,
            publisherNamespace: raw.publisher?.namespace, listOnAggregators: raw.listOnAggregators,
            mirrorOnAggregators: raw.mirrorOnAggregators, distributions: distributions,
            publicKeys: (raw.publicKeys ?? []).map { PublicKey(url: $0.url, fingerprint: $0.fingerprint) })
    }

    private struct Raw: Decodable {
        var canonicalURL: String
        var metadataVersion: String
        var lastUpdated: String?
        var role: String?
        var publisher: Publisher?
        var listOnAggregators: Bool?
        var mirrorOnAggregators: Bool?
        var distributions: [RawDistribution]?
        var publicKeys: [RawKey]?

        enum CodingKeys: String, CodingKey {
            case canonicalURL = "canonical_url"
            case metadataVersion = "metadata_version"
            case lastUpdated = "last_updated"
            case role, publisher, distributions
            case listOnAggregators = "list_on_CSAF_aggregators"
            case mirrorOnAggregators = "mirror_on_CSAF_aggregators"
            case publicKeys = "public_openpgp_keys"
        }
    }

    private struct Publisher: Decodable {
        var name: String?
        var namespace: String?
    }

    private struct RawDistribution: Decodable {
        var directoryURL: String?
        var rolie: ROLIE?

        enum CodingKeys: String, CodingKey {
            case directoryURL = "directory_url"
            case rolie
        }
    }

    private struct ROLIE: Decodable {
        var feeds: [RawFeed]?
    }

    private struct RawFeed: Decodable {
        var url: String
        var tlpLabel: String
        var summary: String?

        enum CodingKeys: String, CodingKey {
            case url, summary
            case tlpLabel = "tlp_label"
        }
    }

    private struct RawKey: Decodable {
        var url: String
        var fingerprint: String?
    }
}
