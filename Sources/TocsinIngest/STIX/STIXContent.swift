import Foundation
import TocsinCore

/// What the objects of a bundle say, read once per document: the indicators of every indicator and observable
/// object (so that a malformed pattern refuses the whole document, referenced or not), the TLP markings, and
/// readers for CVEs, references and the taxonomy kept in attributes.
struct STIXContent: Sendable {
    let markings: STIXMarkings
    private let bundle: STIXBundle
    private let indicatorsByID: [String: [Indicator]]

    init(bundle: STIXBundle) throws(IngestError) {
        self.bundle = bundle
        markings = try STIXMarkings(objects: bundle.objects)
        var indicators: [String: [Indicator]] = [:]
        for object in bundle.objects {
            guard let id = try object.string("id"), let type = try object.string("type") else { continue }
            if type == "indicator" {
                indicators[id] = try Self.patternIndicators(object)
            } else if STIXAdapter.observableTypes.contains(type) {
                indicators[id] = try Self.observableIndicators(object, type: type)
            } else if type == "observed-data", let embedded = object["objects"]?.members {
                // STIX 2.0 style: observables embedded in the observed-data object itself.
                var found: [Indicator] = []
                for (_, member) in embedded {
                    guard let memberType = try member.string("type"), STIXAdapter.observableTypes.contains(memberType) else { continue }
                    found += try Self.observableIndicators(member, type: memberType)
                }
                indicators[id] = found
            }
        }
        indicatorsByID = indicators
    }

    /// The indicators of `objects`: those of indicator objects first, then observed values.
    func indicators(in objects: [ThreatJSONNode]) throws(IngestError) -> [Indicator] {
        var patterns: [Indicator] = []
        var observed: [Indicator] = []
        for object in objects {
            guard let id = try object.string("id"), let found = indicatorsByID[id] else { continue }
            if try object.string("type") == "indicator" { patterns += found } else { observed += found }
        }
        return patterns + observed
    }

    /// CVE ids of the `vulnerability` objects among `objects`: `external_references` with `source_name: cve`, or
    /// the object's name when it is a CVE id.
    func cves(in objects: [ThreatJSONNode]) throws(IngestError) -> [String] {
        var result: [String] = []
        for object in objects where try object.string("type") == "vulnerability" {
            var found = false
            for reference in try object.objects("external_references") where try reference.string("source_name")?.lowercased() == "cve" {
                if let cve = try reference.string("external_id")?.trimmingCharacters(in: .whitespaces).uppercased(), CVE.isValid(cve) {
                    result.append(cve)
                    found = true
                }
            }
            if !found, let name = try object.string("name")?.trimmingCharacters(in: .whitespaces).uppercased(), CVE.isValid(name) {
                result.append(name)
            }
        }
        return result
    }

    /// The web links among the object's `external_references`.
    func references(of object: ThreatJSONNode) throws(IngestError) -> [Reference] {
        var result: [Reference] = []
        for reference in try object.objects("external_references") {
            guard let url = try reference.string("url"), IngestDraft.isWebURL(url) else { continue }
            let title = try reference.firstText("description", "source_name")
            result.append(Reference(url: url, title: title))
        }
        return result
    }

    /// The name of the identity that created `object`, when the bundle carries it.
    func creatorName(of object: ThreatJSONNode) throws(IngestError) -> String? {
        guard let creator = try object.string("created_by_ref"), let identity = bundle.byID[creator] else { return nil }
        return try identity.string("name")
    }

    /// The source's taxonomy among `objects`: malware types and names, threat actors, intrusion sets, campaigns
    /// and attack patterns, multi-valued attributes joined with "\n".
    func attributes(of objects: [ThreatJSONNode]) throws(IngestError) -> [String: String] {
        var malwareTypes: [String] = []
        var names: [String: [String]] = [:]
        for object in objects {
            guard let type = try object.string("type") else { continue }
            if type == "malware" { malwareTypes += try object.stringList("malware_types") }
            if ["malware", "threat-actor", "intrusion-set", "campaign", "attack-pattern", "tool"].contains(type), let name = try object.string("name") {
                names[type, default: []].append(name)
            }
        }
        var attributes: [String: String] = [:]
        attributes["stix.malware_types"] = ThreatDraftSupport.joined(malwareTypes)
        attributes["stix.malware_names"] = ThreatDraftSupport.joined(names["malware"] ?? [])
        attributes["stix.threat_actors"] = ThreatDraftSupport.joined(names["threat-actor"] ?? [])
        attributes["stix.intrusion_sets"] = ThreatDraftSupport.joined(names["intrusion-set"] ?? [])
        attributes["stix.campaigns"] = ThreatDraftSupport.joined(names["campaign"] ?? [])
        attributes["stix.attack_patterns"] = ThreatDraftSupport.joined(names["attack-pattern"] ?? [])
        attributes["stix.tools"] = ThreatDraftSupport.joined(names["tool"] ?? [])
        return attributes
    }

    // MARK: Indicator extraction

    private static func patternIndicators(_ object: ThreatJSONNode) throws(IngestError) -> [Indicator] {
        if try object.flag("revoked") == true { return [] }
        // Only STIX patterns are read; Snort, YARA, Sigma… rules are detection content, not values.
        guard (try object.string("pattern_type") ?? "stix").lowercased() == "stix" else { return [] }
        guard let patternNode = object["pattern"] else { throw object.error(at: "pattern", "is required for an indicator") }
        let text = try patternNode.stringValue()
        let pattern: STIXPattern
        do {
            pattern = try STIXPattern.parse(text)
        } catch {
            throw patternNode.error("is not a valid STIX pattern: \(error.description)")
        }
        let comment = try object.firstText("name", "description")
        return pattern.indicators(comment: comment, toIds: true)
    }

    private static func observableIndicators(_ object: ThreatJSONNode, type: String) throws(IngestError) -> [Indicator] {
        var found: [Indicator] = []
        func add(_ properties: [String], _ value: String) {
            let path = STIXObjectPath(objectType: type, components: properties.map { .property($0) })
            guard let mapped = STIXObservableMapping.indicator(path: path, value: value) else { return }
            found.append(Indicator(type: mapped.kind, value: mapped.value, toIds: false,
                                   comment: mapped.kind == .other ? path.description : nil))
        }
        if let value = try object.string("value") { add(["value"], value) }
        if type == "file", let name = try object.string("name") { add(["name"], name) }
        for (algorithm, digest) in object["hashes"]?.members ?? [] {
            add(["hashes", algorithm], try digest.stringValue())
        }
        return found
    }
}
