import Foundation
import TocsinCore

/// Reads STIX 2.1 bundles: one alert per `report` (or, for MISP exports of unpublished events, per `grouping`
/// when the bundle has no report), or one alert for the whole bundle when it has neither.
///
/// - A report's alert takes its `name`, `description`, `published` (sourcePublishedAt), `modified`
///   (sourceVersion, sourceUpdatedAt), `labels`/`report_types` (attributes) and what its `object_refs` name:
///   indicators (their STIX patterns), observed data and observables, vulnerabilities (CVE ids from
///   `external_references` with `source_name: cve`), malware, threat actors, intrusion sets, campaigns and
///   attack patterns (attributes). `sourceRef` is the report id, which stays the same across its versions.
/// - A bundle without report is titled after its most significant named object (campaign, intrusion set, threat
///   actor, malware, indicator…) and takes everything in it; `sourceRef` is the bundle id (the object id for a
///   single top-level object).
/// - A report marked `revoked: true` has been withdrawn by its producer: its alert is a `.cancel` of the report id.
/// - TLP is the most restrictive marking on the report and on the objects it includes (on every object when
///   there is no report), see `STIXMarkings`; unmarked content gets `options.defaultTLP`, else AMBER.
/// - STIX states no severity: the alert gets `options.defaultSeverity`, else medium.
/// - Indicators from `indicator` objects are flagged for detection (`toIds: true`); observables seen in
///   `observed-data` or carried as objects are not (`toIds: false`), as MISP's own STIX export does.
/// - A document with a malformed STIX pattern is refused, naming `objects[N].pattern`; one holding nothing but
///   marking definitions or identities is refused as having nothing to alert on.
public struct STIXAdapter: IngestAdapter {
    /// The format this adapter reads.
    public static let format: IngestFormat = .stix

    /// Objects that describe the sharing context rather than a threat.
    static let contextTypes: Set<String> = ["marking-definition", "identity", "extension-definition", "language-content"]
    /// Cyber-observable object types whose values become indicators.
    static let observableTypes: Set<String> = ["ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "file", "artifact"]
    /// The order in which objects give a bundle without report its title.
    static let significance = ["campaign", "intrusion-set", "threat-actor", "malware", "indicator", "infrastructure", "tool",
                               "attack-pattern", "vulnerability", "course-of-action", "note", "opinion"]

    /// An adapter; it holds no state.
    public init() {}

    /// True for a bundle (`"type": "bundle"` or a `bundle--` id) or a single object declaring `spec_version` 2.x.
    public static func recognises(_ data: Data) -> Bool {
        let head = ThreatSniff.head(data)
        guard head.hasPrefix("{") else { return false }
        let members = ThreatSniff.topLevelMembers(head)
        if members["type"] == "bundle" || members["id"]?.hasPrefix("bundle--") == true { return true }
        return members["spec_version"]?.hasPrefix("2.") == true && members["type"] != nil && members["id"]?.contains("--") == true
    }

    /// One alert per report (else per grouping, else one for the bundle); see the type's description.
    public func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        let root = try ThreatJSON.parse(data, format: Self.format)
        let bundle = try STIXBundle(root: root)
        let content = try STIXContent(bundle: bundle)

        let substantive = bundle.objects.filter { !Self.contextTypes.contains((try? $0.string("type")) ?? "") }
        guard !substantive.isEmpty else {
            let what = bundle.objects.isEmpty ? "no objects" : "only " + bundle.types.joined(separator: ", ") + " objects"
            throw IngestError(format: Self.format, path: bundle.id == nil ? "type" : "objects",
                              message: "the document holds \(what): nothing to alert on")
        }

        var containers = bundle.objects(ofType: "report")
        if containers.isEmpty { containers = bundle.objects(ofType: "grouping") }
        if containers.isEmpty {
            return [IngestedAlert(draft: try bundleDraft(bundle, content: content, objects: substantive, options: options))]
        }
        var alerts: [IngestedAlert] = []
        for container in containers {
            let draft = try containerDraft(container, bundle: bundle, content: content, options: options)
            if try container.flag("revoked") == true, let id = draft.sourceRef {
                alerts.append(IngestedAlert(draft: draft, action: .cancel, supersedes: [id]))
            } else {
                alerts.append(IngestedAlert(draft: draft))
            }
        }
        return alerts
    }

    // MARK: Drafts

    private func containerDraft(_ container: ThreatJSONNode, bundle: STIXBundle, content: STIXContent, options: IngestOptions) throws(IngestError) -> AlertDraft {
        let type = try container.requiredString("type")
        let id = try container.requiredString("id")
        var included: [ThreatJSONNode] = []
        var seen: Set<String> = [id]
        func include(_ reference: String) {
            guard seen.insert(reference).inserted, let object = bundle.byID[reference] else { return }
            included.append(object)
        }
        for reference in try container.stringList("object_refs") {
            include(reference)
            if let object = bundle.byID[reference], try object.string("type") == "observed-data" {
                for observed in try object.stringList("object_refs") { include(observed) }
            }
        }

        let modifiedText = try container.firstText("modified", "created")
        let created = try STIXBundle.timestamp(container, "created")
        let modified = try STIXBundle.timestamp(container, "modified") ?? created
        let published = try STIXBundle.timestamp(container, "published") ?? created
        let name = try container.string("name")?.trimmingWhitespace() ?? ""
        let (summary, body) = ThreatDraftSupport.summaryAndBody(try container.string("description"))

        var attributes = try content.attributes(of: included)
        attributes["stix.types"] = ThreatDraftSupport.joined(bundle.types)
        attributes["stix.labels"] = ThreatDraftSupport.joined(try container.stringList("labels"))
        attributes["stix.report_types"] = ThreatDraftSupport.joined(try container.stringList("report_types"))
        attributes["stix.context"] = try container.string("context")
        attributes["stix.container"] = type
        attributes["stix.bundle_id"] = bundle.id
        attributes["stix.created_by"] = try content.creatorName(of: container)
        let (severity, from) = IngestDraft.severity(source: nil, options: options)
        attributes[IngestDraft.severitySourceKey] = from

        var levels = [try content.markings.level(of: container)]
        for object in included { levels.append(try content.markings.level(of: object)) }

        let draft = AlertDraft(
            title: IngestDraft.title(name.isEmpty ? "STIX \(type) \(id)" : name),
            summary: summary, body: body,
            severity: severity,
            tlp: levels.compactMap { $0 }.max() ?? options.defaultTLP ?? .amber,
            cves: try content.cves(in: included),
            indicators: try content.indicators(in: included),
            references: try content.references(of: container),
            source: options.sourceName ?? Self.format.rawValue,
            sourceRef: id,
            sourceVersion: modifiedText,
            sourcePublishedAt: published,
            sourceUpdatedAt: modified,
            attributes: attributes
        )
        return try ThreatDraftSupport.finish(draft, format: Self.format, path: container.path, options: options)
    }

    private func bundleDraft(_ bundle: STIXBundle, content: STIXContent, objects: [ThreatJSONNode], options: IngestOptions) throws(IngestError) -> AlertDraft {
        var lead: ThreatJSONNode?
        search: for type in Self.significance {
            for object in objects where try object.string("type") == type {
                if let name = try object.string("name"), !name.trimmingCharacters(in: .whitespaces).isEmpty {
                    lead = object
                    break search
                }
            }
        }
        var reference = bundle.id ?? "unidentified"
        if bundle.id == nil, let first = objects.first { reference = try first.requiredString("id") }
        let title: String
        if let lead, let name = try lead.string("name") {
            title = name
        } else if bundle.id == nil, let object = objects.first {
            title = "STIX \(try object.requiredString("type")) \(reference)"
        } else {
            title = "STIX bundle \(reference)"
        }
        let (summary, body) = ThreatDraftSupport.summaryAndBody(try lead?.string("description"))

        var latestText: String?
        var latest: Date?
        var earliest: Date?
        for object in objects {
            if let modified = try STIXBundle.timestamp(object, "modified"), latest.map({ modified > $0 }) ?? true {
                latest = modified
                latestText = try object.string("modified")
            }
            if let created = try STIXBundle.timestamp(object, "created"), earliest.map({ created < $0 }) ?? true {
                earliest = created
            }
        }

        var attributes = try content.attributes(of: objects)
        attributes["stix.types"] = ThreatDraftSupport.joined(bundle.types)
        attributes["stix.labels"] = ThreatDraftSupport.joined(try lead?.stringList("labels") ?? [])
        attributes["stix.container"] = bundle.id == nil ? "object" : "bundle"
        attributes["stix.bundle_id"] = bundle.id
        if let lead { attributes["stix.created_by"] = try content.creatorName(of: lead) }
        let (severity, from) = IngestDraft.severity(source: nil, options: options)
        attributes[IngestDraft.severitySourceKey] = from

        var levels: [TLP?] = []
        for object in bundle.objects { levels.append(try content.markings.level(of: object)) }

        let draft = AlertDraft(
            title: IngestDraft.title(title),
            summary: summary, body: body,
            severity: severity,
            tlp: levels.compactMap { $0 }.max() ?? options.defaultTLP ?? .amber,
            cves: try content.cves(in: objects),
            indicators: try content.indicators(in: objects),
            references: try lead.map { node throws(IngestError) in try content.references(of: node) } ?? [],
            source: options.sourceName ?? Self.format.rawValue,
            sourceRef: reference,
            sourceVersion: latestText,
            sourcePublishedAt: earliest,
            sourceUpdatedAt: latest,
            attributes: attributes
        )
        return try ThreatDraftSupport.finish(draft, format: Self.format, path: "", options: options)
    }
}
