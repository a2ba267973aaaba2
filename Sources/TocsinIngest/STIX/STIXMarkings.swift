import Foundation
import TocsinCore

/// The TLP levels of the marking definitions a bundle can reference.
///
/// Three kinds of marking are understood: the four TLP 1.0 definitions whose ids STIX 2.1 fixes (TLP:WHITE is
/// read as CLEAR), the five TLP 2.0 definitions published by OASIS (whose ids are fixed too, so a reference is
/// enough even when the bundle does not carry the object), and any `marking-definition` object in the bundle that
/// states a level, either with the TLP 2.0 extension (`extensions["extension-definition--60a3c5c5…"].tlp_2_0`)
/// or in the TLP 1.0 form (`definition_type: "tlp"`, `definition.tlp`). Statements and unknown markings carry no
/// level and are ignored.
struct STIXMarkings: Sendable {
    /// The extension definition OASIS publishes for TLP 2.0 markings.
    static let tlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

    /// The marking definitions whose ids the specifications fix.
    static let standard: [String: TLP] = [
        // TLP 1.0, STIX 2.1 section 7.2.1.4
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": .clear,
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": .green,
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": .amber,
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": .red,
        // TLP 2.0, oasis-open/cti-stix-common-objects
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": .clear,
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": .green,
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": .amber,
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": .amberStrict,
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": .red,
    ]

    private var levels: [String: TLP]

    /// Reads the levels stated by the `marking-definition` objects among `objects`.
    init(objects: [ThreatJSONNode]) throws(IngestError) {
        levels = Self.standard
        for object in objects where try object.string("type") == "marking-definition" {
            guard let id = try object.string("id"), Self.standard[id] == nil else { continue }
            if let level = try Self.level(of: object) { levels[id] = level }
        }
    }

    /// The level a marking-definition object states, or nil when it states none.
    static func level(of object: ThreatJSONNode) throws(IngestError) -> TLP? {
        if let tlp2 = try object["extensions"]?[tlp2Extension]?.string("tlp_2_0") {
            guard let level = TLP(parsing: tlp2) else {
                throw object.error(at: "extensions.\(tlp2Extension).tlp_2_0", "'\(tlp2.prefix(20))' is not a TLP 2.0 level (clear, green, amber, amber+strict, red)")
            }
            return level
        }
        if try object.string("definition_type")?.lowercased() == "tlp", let tlp1 = try object["definition"]?.string("tlp") {
            guard let level = TLP(parsing: tlp1) else {
                throw object.error(at: "definition.tlp", "'\(tlp1.prefix(20))' is not a TLP level (white, green, amber, red)")
            }
            return level
        }
        return nil
    }

    /// The most restrictive level among the markings `object` references, object-wide or granular (a granular
    /// marking covers part of the content, and the alert carries that content too).
    func level(of object: ThreatJSONNode) throws(IngestError) -> TLP? {
        var references = try object.stringList("object_marking_refs")
        for granular in try object.objects("granular_markings") {
            if let reference = try granular.string("marking_ref") { references.append(reference) }
        }
        return references.compactMap { levels[$0] }.max()
    }
}
