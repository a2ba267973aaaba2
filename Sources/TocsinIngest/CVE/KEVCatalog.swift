import Foundation

/// The CISA Known Exploited Vulnerabilities catalog as published in JSON; every field the catalog's schema
/// requires of an entry is decoded strictly.
struct KEVCatalog: Decodable {
    var title: String?
    var catalogVersion: String
    var dateReleased: String?
    var count: Int?
    var vulnerabilities: [Entry]

    struct Entry: Decodable {
        var cveID: String
        var vendorProject: String
        var product: String
        var vulnerabilityName: String
        var dateAdded: String
        var shortDescription: String
        var requiredAction: String
        var dueDate: String
        var knownRansomwareCampaignUse: String?
        var notes: String?
        var cwes: [String]?
    }
}
