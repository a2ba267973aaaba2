import Foundation

/// Writes an alert as STIX 2.1 objects and bundles: pure, no I/O.
///
/// An alert becomes an `identity` for the publishing broker (named by every `created_by_ref`), a `report`
/// (`object_refs` listing everything else), an `indicator` with a STIX pattern for each indicator meant for
/// detection (`Indicator.isForDetection`), a cyber-observable for each other indicator (an extracted one, or one its
/// source flags not for detection: shown, never a pattern; hashes and file names, which the strict profile allows no
/// producer on as observables, are listed in a `note` on the report instead), a `vulnerability` per CVE (external reference
/// `source_name: cve`), a `software` per affected product (with its CPE 2.3 name when known) and, for an
/// organisation's reader, a `note` with the inventory items the alert concerns.
///
/// Ids are stable (`STIXIdentifier`): a revision keeps them and changes `modified`; a cancellation sets
/// `revoked: true`. Every object carries the official TLP 2.0 marking of the alert by its id (`STIXMarkings`); the
/// marking-definition objects themselves are not in the bundle, because the interoperability profile asks a
/// `created_by_ref` of every object in it and the official ones have none (consumers know them by id; the TAXII
/// collections serve them as published). Cyber-observables carry `created_by_ref` through a top-level property
/// extension the bundle defines, as that profile asks.
public struct STIXWriter: Sendable {
    public var producer: STIXProducer
    /// When the shared objects (identity, extension definition) were first written; their version never changes.
    public static let sharedObjectsDate = "2026-12-03T00:00:00.000Z"

    public init(producer: STIXProducer) { self.producer = producer }

    /// The extension that lets cyber-observables name their producer.
    public var producerExtensionId: String { STIXIdentifier.domain("extension-definition", name: "observable-producer") }

    /// The producer's identity and the extension definition: shared by every alert.
    public func sharedObjects() -> [STIXObject] {
        let clear = [STIXMarkings.id(.clear)]
        let identity: [String: Any] = [
            "type": "identity", "spec_version": "2.1", "id": producer.identityId, "created_by_ref": producer.identityId,
            "created": Self.sharedObjectsDate, "modified": Self.sharedObjectsDate, "name": producer.name,
            "identity_class": "organization", "contact_information": producer.contact, "object_marking_refs": clear,
        ]
        let extensionDefinition: [String: Any] = [
            "type": "extension-definition", "spec_version": "2.1", "id": producerExtensionId, "created_by_ref": producer.identityId,
            "created": Self.sharedObjectsDate, "modified": Self.sharedObjectsDate, "name": "created_by_ref on cyber-observables",
            "description": "Lets a cyber-observable name the identity that produced it, as domain objects do.",
            "schema": "created_by_ref (identifier of an identity): the producer of the cyber-observable, as STIX 2.1 defines it for domain objects.",
            "version": "1.0.0", "extension_types": ["toplevel-property-extension"], "extension_properties": ["created_by_ref"],
            "object_marking_refs": clear,
        ]
        return [STIXObject.make(identity, version: Self.sharedObjectsDate), STIXObject.make(extensionDefinition, version: Self.sharedObjectsDate)]
    }

    /// The objects of one revision of the alert, the report last; `concerns` (the reader organisation's inventory
    /// items the alert concerns, in its `locale`) add a `note`.
    public func alertObjects(_ alert: Alert, concerns: [InventoryConcern] = [], locale: String = "fr") -> [STIXObject] {
        let created = RFC3339.format(alert.publishedAt)
        let modified = RFC3339.format(max(alert.updatedAt, alert.publishedAt))
        let marking = [STIXMarkings.id(alert.tlp)]
        let revoked = alert.status == .cancelled
        var objects: [STIXObject] = []
        var seen: Set<String> = []

        func add(_ properties: [String: Any]) {
            guard let id = properties["id"] as? String, seen.insert(id).inserted else { return }
            objects.append(STIXObject.make(properties, version: modified))
        }
        func domain(_ type: String, _ key: String, _ properties: [String: Any]) -> [String: Any] {
            var object = properties
            object["type"] = type
            object["spec_version"] = "2.1"
            object["id"] = STIXIdentifier.domain(type, name: "\(alert.id):\(key)")
            object["created_by_ref"] = producer.identityId
            object["created"] = created
            object["modified"] = modified
            object["object_marking_refs"] = marking
            if revoked { object["revoked"] = true }
            return object
        }
        func observable(_ type: String, _ properties: [String: Any], contributing: [String]) -> [String: Any] {
            var object = properties
            object["type"] = type
            object["spec_version"] = "2.1"
            object["id"] = STIXIdentifier.observable(type, contributing: properties.filter { contributing.contains($0.key) })
            object["created_by_ref"] = producer.identityId
            object["object_marking_refs"] = marking
            object["extensions"] = [producerExtensionId: ["extension_type": "toplevel-property-extension"]]
            return object
        }

        var unconfirmed: [String] = []
        for indicator in alert.indicators {
            guard let (type, properties) = STIXPattern.observable(indicator) else { continue }
            if indicator.isForDetection, let pattern = STIXPattern.pattern(indicator) {
                var description = alert.title
                if let comment = indicator.comment, !comment.isEmpty { description += "\n\n" + comment }
                add(domain("indicator", "indicator:\(indicator.type.rawValue):\(indicator.value)", [
                    "name": "\(indicator.type.rawValue): \(indicator.value)".prefix(500).description,
                    "description": description, "indicator_types": ["malicious-activity"],
                    "pattern": pattern, "pattern_type": "stix", "pattern_version": "2.1", "valid_from": created,
                ]))
            } else if type == "file" {
                // A `file` observable cannot carry its producer in the strict profile (its extensions are
                // property-extensions only): a hash or file name to check goes into the alert's note instead.
                unconfirmed.append("\(indicator.type.rawValue): \(indicator.value)")
            } else {
                add(observable(type, properties, contributing: ["value", "hashes", "name"]))
            }
        }
        if !unconfirmed.isEmpty {
            add(domain("note", "note:unconfirmed", [
                "abstract": "tocsin:unconfirmed-indicators", "content": unconfirmed.joined(separator: "\n"),
                "object_refs": [STIXIdentifier.domain("report", name: alert.id)],
            ]))
        }

        var cves = alert.cves
        for indicator in alert.indicators where indicator.type == .cve {
            let cve = indicator.value.uppercased()
            if CVE.isValid(cve), !cves.contains(cve) { cves.append(cve) }
        }
        for cve in cves {
            add(domain("vulnerability", "vulnerability:\(cve)", [
                "name": cve, "external_references": [["source_name": "cve", "external_id": cve]],
            ]))
        }

        var softwareIds: [String] = []
        for product in alert.affectedProducts where product.status != .notAffected && product.status != .fixed {
            var properties: [String: Any] = ["name": product.product]
            if let vendor = product.vendor, !vendor.isEmpty { properties["vendor"] = vendor }
            if let cpe = product.cpe, cpe.hasPrefix("cpe:2.3:") { properties["cpe"] = cpe }
            let software = observable("software", properties, contributing: ["name", "vendor", "cpe"])
            softwareIds.append(software["id"] as! String)
            add(software)
        }

        let report = reportObject(alert, refs: objects.map(\.id), created: created, modified: modified, marking: marking, revoked: revoked)
        if !concerns.isEmpty {
            add(domain("note", "note:\(concerns.map(\.item).sorted().joined(separator: "|"))", [
                "abstract": concerns.map(\.item).joined(separator: ", ").prefix(500).description,
                "content": concerns.map { $0.text(locale: locale) }.joined(separator: "\n"),
                "object_refs": [report["id"] as! String] + softwareIds,
            ]))
        }
        objects.append(STIXObject.make(report, version: modified))
        return objects
    }

    /// The `report` of the alert, listing `refs` (and the producer when there is nothing else).
    func reportObject(_ alert: Alert, refs: [String], created: String, modified: String, marking: [String], revoked: Bool) -> [String: Any] {
        var description = alert.summary
        if let body = alert.body, !body.isEmpty { description += description.isEmpty ? body : "\n\n" + body }
        var references: [[String: Any]] = [["source_name": "tocsin", "external_id": alert.id]]
        if let sourceRef = alert.sourceRef, !sourceRef.isEmpty {
            // A CVE id may only be named under `cve`; any other reference under the source's name, kept apart from it.
            references.append(CVE.isValid(sourceRef) ? ["source_name": "cve", "external_id": sourceRef]
                                                      : ["source_name": "tocsin:\(alert.source)", "external_id": sourceRef])
        }
        // A URL without a hash is refused by the strict profile: the link is given as the reference's description.
        for reference in alert.references {
            references.append(["source_name": URL(string: reference.url)?.host ?? "reference", "description": reference.url])
        }
        var types = ["threat-report"]
        if refs.contains(where: { $0.hasPrefix("indicator--") }) { types.append("indicator") }
        if refs.contains(where: { $0.hasPrefix("vulnerability--") }) { types.append("vulnerability") }
        var report: [String: Any] = [
            "type": "report", "spec_version": "2.1", "id": STIXIdentifier.domain("report", name: alert.id),
            "created_by_ref": producer.identityId, "created": created, "modified": modified, "name": alert.title,
            "published": created, "report_types": types, "object_refs": refs.isEmpty ? [producer.identityId] : refs,
            "object_marking_refs": marking, "external_references": references,
            "labels": ["severity:\(alert.severity.rawValue)"] + alert.categories,
        ]
        if !description.isEmpty { report["description"] = description }
        if revoked { report["revoked"] = true }
        return report
    }

    /// The bundle of one revision: the shared objects, then the alert's. Its id is stable per revision.
    public func bundle(_ alert: Alert, concerns: [InventoryConcern] = [], locale: String = "fr") -> String {
        let objects = sharedObjects() + alertObjects(alert, concerns: concerns, locale: locale)
        let id = STIXIdentifier.domain("bundle", name: "\(alert.id):\(alert.revision):\(concerns.map(\.item).joined(separator: "|"))")
        return "{\"id\":\"\(id)\",\"objects\":[" + objects.map(\.json).joined(separator: ",") + "],\"type\":\"bundle\"}"
    }
}
