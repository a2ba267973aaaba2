import Foundation
import TocsinCore

/// The objects of a STIX document, indexed by id, with only the latest version of each.
///
/// A document is either a bundle (`{"type": "bundle", "objects": […]}`) or, as some producers and the OASIS
/// interoperability examples write it, a single top-level object, read as a bundle of one without a bundle id.
struct STIXBundle: Sendable {
    /// The bundle's id; nil for a single top-level object.
    let id: String?
    /// The latest version of every object, in document order.
    let objects: [ThreatJSONNode]
    let byID: [String: ThreatJSONNode]

    /// The object types present, sorted.
    var types: [String] {
        Array(Set(objects.compactMap { try? $0.string("type") })).sorted()
    }

    init(root: ThreatJSONNode) throws(IngestError) {
        guard root.isObject else {
            throw root.error("expected a STIX bundle (an object with \"type\": \"bundle\") or a single STIX object, found \(root.value.typeName)")
        }
        guard let type = try root.string("type") else {
            throw root.error(at: "type", "is required: a STIX document is a bundle or a single STIX object")
        }
        let candidates: [ThreatJSONNode]
        if type == "bundle" {
            id = try root.string("id")
            candidates = try root.objects("objects")
        } else {
            id = nil
            candidates = [root]
        }

        var latest: [String: (node: ThreatJSONNode, position: Int)] = [:]
        var order: [String] = []
        for (position, object) in candidates.enumerated() {
            guard try object.string("type")?.isEmpty == false else { throw object.error(at: "type", "is required") }
            guard let objectID = try object.string("id"), objectID.contains("--") else {
                throw object.error(at: "id", "is required and must look like type--uuid")
            }
            if let previous = latest[objectID] {
                // A bundle may carry several versions of an object; the latest `modified` is the one in force.
                if Self.isNewer(object, than: previous.node) { latest[objectID] = (object, previous.position) }
            } else {
                latest[objectID] = (object, position)
                order.append(objectID)
            }
        }
        objects = order.compactMap { latest[$0]?.node }
        byID = latest.mapValues(\.node)
    }

    /// The objects whose type is `type`, in document order.
    func objects(ofType type: String) -> [ThreatJSONNode] {
        objects.filter { (try? $0.string("type")) == type }
    }

    /// A STIX timestamp at `key`, nil when absent; an error when present but not a timestamp.
    static func timestamp(_ object: ThreatJSONNode, _ key: String) throws(IngestError) -> Date? {
        guard let text = try object.string(key) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw object.error(at: key, "'\(text.prefix(40))' is not a STIX timestamp such as 2024-05-01T12:00:00.000Z")
        }
        return date
    }

    private static func isNewer(_ candidate: ThreatJSONNode, than current: ThreatJSONNode) -> Bool {
        let new = (try? candidate.string("modified")).flatMap { $0 }.flatMap(RFC3339.parse)
        let old = (try? current.string("modified")).flatMap { $0 }.flatMap(RFC3339.parse)
        switch (new, old) {
        case let (new?, old?): return new > old
        case (.some, nil): return true
        default: return false
        }
    }
}
