import Foundation

/// One STIX 2.1 object as Tocsin serves it: its id, type and version (its `modified`, or the revision's date for a
/// cyber-observable, which has none), and its JSON text.
public struct STIXObject: Sendable, Hashable {
    public var id: String
    public var type: String
    /// The version a TAXII server lists: `modified` for domain objects.
    public var version: String
    /// The object as compact JSON with sorted keys.
    public var json: String

    public init(id: String, type: String, version: String, json: String) {
        self.id = id
        self.type = type
        self.version = version
        self.json = json
    }

    /// Serialises a property map as compact JSON with sorted keys.
    static func make(_ properties: [String: Any], version: String) -> STIXObject {
        let data = (try? JSONSerialization.data(withJSONObject: properties, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return STIXObject(id: properties["id"] as? String ?? "", type: properties["type"] as? String ?? "", version: version,
                          json: String(decoding: data, as: UTF8.self))
    }
}

/// Who publishes the objects: the `identity` every `created_by_ref` names.
public struct STIXProducer: Sendable, Hashable {
    public var name: String
    /// Where to reach it: the broker's public URL.
    public var contact: String

    public init(name: String = "Tocsin", contact: String) {
        self.name = name
        self.contact = contact
    }

    public var identityId: String { STIXIdentifier.domain("identity", name: contact) }
}
