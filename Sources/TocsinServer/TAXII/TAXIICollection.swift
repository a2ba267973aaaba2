import Foundation
import TocsinCore

/// The TAXII collections: one per TLP level, holding the objects of the alerts marked at that level. A caller sees
/// the collections its clearance allows (`AlertAccess`), and in each only the objects of alerts its region allows.
struct TAXIICollection: Sendable, Hashable {
    var tlp: TLP

    /// The collection's id: a UUID fixed per level, the same on every broker.
    var id: String { String(STIXIdentifier.domain("collection", name: tlp.rawValue).dropFirst("collection--".count)) }

    static let all = TLP.allCases.map(TAXIICollection.init)

    /// The collection of this id, if any.
    static func named(_ id: String) -> TAXIICollection? { all.first { $0.id == id.lowercased() } }

    /// The collections `access` may read.
    static func visible(to access: AlertAccess) -> [TAXIICollection] {
        all.filter { access.clearance?.clears($0.tlp) ?? true }
    }

    /// The region scope of `access` in the store's query: nil for everything, else national objects and its region's.
    static func region(of access: AlertAccess) -> String?? {
        access.clearance == nil ? nil : .some(access.region)
    }

    /// The collection resource.
    var resource: [String: Any] {
        [
            "id": id, "title": tlp.label,
            "description": "Alerts marked \(tlp.label) as STIX 2.1 objects (reports, indicators, vulnerabilities, software).",
            "can_read": true, "can_write": false, "media_types": [TAXIIMedia.stix],
        ]
    }
}
