import Foundation

/// The parts of a CSAF 2.0 / 2.1 document that Tocsin reads, decoded strictly where the schema makes a field
/// mandatory so that a missing or mistyped one fails with its path (`document.tracking.id`).
struct CSAFDocument: Decodable {
    var document: Meta
    var productTree: ProductTree?
    var vulnerabilities: [Vulnerability]?

    enum CodingKeys: String, CodingKey {
        case document
        case productTree = "product_tree"
        case vulnerabilities
    }

    struct Meta: Decodable {
        var category: String
        var csafVersion: String
        var title: String
        var publisher: Publisher
        var tracking: Tracking
        var distribution: Distribution?
        var aggregateSeverity: AggregateSeverity?
        var notes: [Note]?
        var references: [CSAFReference]?
        var lang: String?

        enum CodingKeys: String, CodingKey {
            case category, title, publisher, tracking, distribution, notes, references, lang
            case csafVersion = "csaf_version"
            case aggregateSeverity = "aggregate_severity"
        }
    }

    struct Publisher: Decodable {
        var category: String
        var name: String
        var namespace: String
    }

    struct Tracking: Decodable {
        var id: String
        var version: String
        var status: String
        var initialReleaseDate: String
        var currentReleaseDate: String
        var revisionHistory: [Revision]?

        enum CodingKeys: String, CodingKey {
            case id, version, status
            case initialReleaseDate = "initial_release_date"
            case currentReleaseDate = "current_release_date"
            case revisionHistory = "revision_history"
        }
    }

    struct Revision: Decodable {
        var date: String
        var number: String
        var summary: String
    }

    struct Distribution: Decodable {
        var text: String?
        var tlp: TLPMarking?
    }

    struct TLPMarking: Decodable {
        var label: String
        var url: String?
    }

    struct AggregateSeverity: Decodable {
        var text: String
        var namespace: String?
    }

    struct Note: Decodable {
        var category: String
        var text: String
        var title: String?
    }

    struct ProductTree: Decodable {
        var branches: [Branch]?
        var fullProductNames: [FullProductName]?
        var relationships: [Relationship]?
        var productGroups: [ProductGroup]?
        var productPaths: [ProductPath]?

        enum CodingKeys: String, CodingKey {
            case branches
            case fullProductNames = "full_product_names"
            case relationships
            case productGroups = "product_groups"
            case productPaths = "product_paths"
        }
    }

    struct Branch: Decodable {
        var category: String
        var name: String
        var product: FullProductName?
        var branches: [Branch]?
    }

    struct FullProductName: Decodable {
        var name: String
        var productID: String
        var helper: IdentificationHelper?

        enum CodingKeys: String, CodingKey {
            case name
            case productID = "product_id"
            case helper = "product_identification_helper"
        }
    }

    /// CSAF 2.0 has one `purl`, CSAF 2.1 a `purls` list.
    struct IdentificationHelper: Decodable {
        var cpe: String?
        var purl: String?
        var purls: [String]?
    }

    struct Relationship: Decodable {
        var category: String
        var fullProductName: FullProductName
        var productReference: String
        var relatesToProductReference: String

        enum CodingKeys: String, CodingKey {
            case category
            case fullProductName = "full_product_name"
            case productReference = "product_reference"
            case relatesToProductReference = "relates_to_product_reference"
        }
    }

    struct ProductGroup: Decodable {
        var groupID: String
        var productIDs: [String]

        enum CodingKeys: String, CodingKey {
            case groupID = "group_id"
            case productIDs = "product_ids"
        }
    }

    /// CSAF 2.1: a product made of a chain of others (`A installed on B installed on C`).
    struct ProductPath: Decodable {
        var beginningProductReference: String
        var fullProductName: FullProductName
        var subpaths: [Subpath]?

        enum CodingKeys: String, CodingKey {
            case beginningProductReference = "beginning_product_reference"
            case fullProductName = "full_product_name"
            case subpaths
        }

        struct Subpath: Decodable {
            var category: String
            var nextProductReference: String

            enum CodingKeys: String, CodingKey {
                case category
                case nextProductReference = "next_product_reference"
            }
        }
    }

    struct Vulnerability: Decodable {
        var cve: String?
        var title: String?
        var notes: [Note]?
        var productStatus: [String: [String]]?
        var scores: [Score]?
        var metrics: [Metric]?
        var remediations: [Remediation]?
        var threats: [Threat]?
        var flags: [Flag]?
        var references: [CSAFReference]?

        enum CodingKeys: String, CodingKey {
            case cve, title, notes, scores, metrics, remediations, threats, flags, references
            case productStatus = "product_status"
        }
    }

    /// CSAF 2.0 `scores[]`.
    struct Score: Decodable {
        var products: [String]
        var cvssV2: CVSSv2?
        var cvssV3: CVSSv3?

        enum CodingKeys: String, CodingKey {
            case products
            case cvssV2 = "cvss_v2"
            case cvssV3 = "cvss_v3"
        }
    }

    /// CSAF 2.1 `metrics[]`.
    struct Metric: Decodable {
        var products: [String]
        var content: Content

        struct Content: Decodable {
            var cvssV2: CVSSv2?
            var cvssV3: CVSSv3?
            var cvssV4: CVSSv3?

            enum CodingKeys: String, CodingKey {
                case cvssV2 = "cvss_v2"
                case cvssV3 = "cvss_v3"
                case cvssV4 = "cvss_v4"
            }
        }
    }

    /// The CVSS v2 JSON schema requires version, vectorString and baseScore.
    struct CVSSv2: Decodable {
        var version: String
        var vectorString: String
        var baseScore: Double
    }

    /// The CVSS v3.x and v4.0 JSON schemas also require baseSeverity (CSAF mandatory test 6.1.8).
    struct CVSSv3: Decodable {
        var version: String
        var vectorString: String
        var baseScore: Double
        var baseSeverity: String
    }

    struct Remediation: Decodable {
        var category: String
        var details: String
        var productIDs: [String]?
        var groupIDs: [String]?
        var url: String?

        enum CodingKeys: String, CodingKey {
            case category, details, url
            case productIDs = "product_ids"
            case groupIDs = "group_ids"
        }
    }

    struct Threat: Decodable {
        var category: String
        var details: String
        var productIDs: [String]?
        var groupIDs: [String]?

        enum CodingKeys: String, CodingKey {
            case category, details
            case productIDs = "product_ids"
            case groupIDs = "group_ids"
        }
    }

    struct Flag: Decodable {
        var label: String
        var productIDs: [String]?
        var groupIDs: [String]?

        enum CodingKeys: String, CodingKey {
            case label
            case productIDs = "product_ids"
            case groupIDs = "group_ids"
        }
    }
}

/// A CSAF reference: `url` and `summary` are mandatory.
struct CSAFReference: Decodable {
    var url: String
    var summary: String
    var category: String?
}
