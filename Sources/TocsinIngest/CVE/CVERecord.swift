import Foundation

/// The parts of a CVE JSON 5.x record that Tocsin reads (CNA container and ADP containers such as CISA's
/// "Vulnrichment"); fields the schema makes mandatory are decoded strictly so that a bad record fails with a path.
struct CVERecord: Decodable {
    var dataType: String
    var dataVersion: String
    var cveMetadata: Metadata
    var containers: Containers

    struct Metadata: Decodable {
        var cveId: String
        var state: String
        var assignerShortName: String?
        var datePublished: String?
        var dateUpdated: String?
        var dateRejected: String?
    }

    struct Containers: Decodable {
        var cna: Container
        var adp: [Container]?
    }

    /// A CNA or ADP container: both share these fields.
    struct Container: Decodable {
        var providerMetadata: ProviderMetadata?
        var title: String?
        var descriptions: [Description]?
        var affected: [Affected]?
        var metrics: [Metric]?
        var references: [CVEReference]?
        var rejectedReasons: [Description]?
        var solutions: [Description]?
        var workarounds: [Description]?
        var exploits: [Description]?
        var problemTypes: [ProblemType]?
        var tags: [String]?
    }

    struct ProviderMetadata: Decodable {
        var orgId: String?
        var shortName: String?
        var dateUpdated: String?
    }

    struct Description: Decodable {
        var lang: String
        var value: String
    }

    struct CVEReference: Decodable {
        var url: String
        var name: String?
    }

    struct ProblemType: Decodable {
        var descriptions: [ProblemDescription]?

        struct ProblemDescription: Decodable {
            var cweId: String?
            var description: String?
        }
    }

    struct Affected: Decodable {
        var vendor: String?
        var product: String?
        var collectionURL: String?
        var packageName: String?
        var cpes: [String]?
        var versions: [Version]?
        var defaultStatus: String?
    }

    struct Version: Decodable {
        var version: String
        var status: String
        var versionType: String?
        var lessThan: String?
        var lessThanOrEqual: String?
        var changes: [Change]?

        struct Change: Decodable {
            var at: String
            var status: String
        }
    }

    struct Metric: Decodable {
        var cvssV2_0: CVSS?
        var cvssV3_0: CVSS?
        var cvssV3_1: CVSS?
        var cvssV4_0: CVSS?
        var other: Other?
    }

    /// Every CVSS version's JSON schema requires these two; the version is implied by the key.
    struct CVSS: Decodable {
        var vectorString: String
        var baseScore: Double
        var baseSeverity: String?
    }

    /// `metrics[].other`: free-form content; Tocsin reads SSVC decision points, the KEV marker and vendors'
    /// textual severities (`{"text": "critical"}`, Red Hat's `{"value": "Important"}`) and ignores other shapes.
    struct Other: Decodable {
        var type: String
        var options: [[String: String]]
        var text: String?

        enum CodingKeys: String, CodingKey { case type, content }
        enum ContentKeys: String, CodingKey { case options, text, value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decode(String.self, forKey: .type)
            let content = try? container.nestedContainer(keyedBy: ContentKeys.self, forKey: .content)
            options = (try? content?.decodeIfPresent([[String: String]].self, forKey: .options)) ?? []
            text = (try? content?.decodeIfPresent(String.self, forKey: .text)) ?? (try? content?.decodeIfPresent(String.self, forKey: .value)) ?? nil
        }
    }
}
