import Foundation

/// A CSAF aggregator's or lister's `aggregator.json`: the providers (and publishers) it lists, each with the URL
/// of its `provider-metadata.json` and, for aggregators, the mirrors it keeps.
public struct CSAFAggregator: Sendable, Equatable {
    /// One listed provider or publisher.
    public struct Member: Sendable, Equatable {
        public var metadataURL: String
        public var publisherName: String?
        public var role: String?
        public var lastUpdated: Date?
        public var mirrors: [String]
    }

    public var name: String
    /// `aggregator` or `lister`.
    public var category: String
    public var canonicalURL: String
    public var lastUpdated: Date?
    public var providers: [Member]
    public var publishers: [Member]

    /// Parses `aggregator.json`; members whose metadata URL is not http(s) are rejected with their path.
    public static func parse(_ data: Data) throws(IngestError) -> CSAFAggregator {
        let raw = try IngestJSON.decode(Raw.self, from: data, format: .csaf)
        func members(_ list: [RawMember]?, _ key: String) throws(IngestError) -> [Member] {
            var result: [Member] = []
            for (index, member) in (list ?? []).enumerated() {
                guard IngestDraft.isWebURL(member.metadata.url) else {
                    throw IngestError(format: .csaf, path: "\(key)[\(index)].metadata.url", message: "must be an http or https URL")
                }
                result.append(Member(metadataURL: member.metadata.url, publisherName: member.metadata.publisher?.name, role: member.metadata.role,
                                     lastUpdated: member.metadata.lastUpdated.flatMap(IngestDate.parse),
                                     mirrors: (member.mirrors ?? []).filter(IngestDraft.isWebURL)))
            }
            return result
        }
        return CSAFAggregator(
            name: raw.aggregator.name, category: raw.aggregator.category, canonicalURL: raw.canonicalURL,
            lastUpdated: raw.lastUpdated.flatMap(IngestDate.parse),
            providers: try members(raw.csafProviders, "csaf_providers"), publishers: try members(raw.csafPublishers, "csaf_publishers"))
    }

    private struct Raw: Decodable {
        var aggregator: Identity
        var canonicalURL: String
        var lastUpdated: String?
        var csafProviders: [RawMember]?
        var csafPublishers: [RawMember]?

        enum CodingKeys: String, CodingKey {
            case aggregator
            case canonicalURL = "canonical_url"
            case lastUpdated = "last_updated"
            case csafProviders = "csaf_providers"
            case csafPublishers = "csaf_publishers"
        }
    }

    private struct Identity: Decodable {
        var name: String
        var category: String
    }

    private struct RawMember: Decodable {
        var metadata: Metadata
        var mirrors: [String]?
    }

    private struct Metadata: Decodable {
        var url: String
        var role: String?
        var lastUpdated: String?
        var publisher: Publisher?

        enum CodingKeys: String, CodingKey {
            case url, role, publisher
            case lastUpdated = "last_updated"
        }
    }

    private struct Publisher: Decodable {
        var name: String?
    }
}
