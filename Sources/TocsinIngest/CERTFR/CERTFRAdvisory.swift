/// A CERT-FR per-document JSON (`https://www.cert.ssi.gouv.fr/avis/<ref>/json/`, model `openapi.json`), as
/// published: French text, Markdown `content`, revisions appended over time.
///
/// Everything but `reference` and `title` may be missing or null (`summary: null`, `affected_systems_content:
/// null`, `vendor_advisories[].published_at: null`).
struct CERTFRAdvisory: Decodable, Sendable {
    var reference: String
    var title: String
    var summary: String?
    var content: String?
    var risks: [Risk]?
    var affectedSystems: [AffectedSystem]?
    var affectedSystemsContent: String?
    var cves: [NamedLink]?
    var links: [Link]?
    var vendorAdvisories: [Link]?
    var revisions: [Revision]?
    /// Not in the avis documents seen so far; read when present as the first publication date.
    var publishedAt: String?

    enum CodingKeys: String, CodingKey {
        case reference, title, summary, content, risks, cves, links, revisions
        case affectedSystems = "affected_systems"
        case affectedSystemsContent = "affected_systems_content"
        case vendorAdvisories = "vendor_advisories"
        case publishedAt = "published_at"
    }

    struct Risk: Decodable, Sendable {
        var description: String?
    }

    struct AffectedSystem: Decodable, Sendable {
        var description: String?
        var product: Product?

        struct Product: Decodable, Sendable {
            var name: String?
            var vendor: Vendor?
        }

        struct Vendor: Decodable, Sendable {
            var name: String?
            var scada: Bool?
        }
    }

    struct NamedLink: Decodable, Sendable {
        var name: String?
        var url: String?
    }

    struct Link: Decodable, Sendable {
        var title: String?
        var url: String?
        var publishedAt: String?

        enum CodingKeys: String, CodingKey {
            case title, url
            case publishedAt = "published_at"
        }
    }

    struct Revision: Decodable, Sendable {
        var description: String?
        var revisionDate: String?

        enum CodingKeys: String, CodingKey {
            case description
            case revisionDate = "revision_date"
        }
    }
}
