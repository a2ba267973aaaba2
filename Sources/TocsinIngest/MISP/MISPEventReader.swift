import Foundation
import TocsinCore

/// Turns one MISP event object into a draft.
///
/// - `info` → title; `uuid` → sourceRef; `timestamp` (else `publish_timestamp`), epoch seconds → sourceVersion
///   and sourceUpdatedAt; `date` → sourcePublishedAt (midnight UTC; `publish_timestamp` when there is no date).
/// - `threat_level_id` 1 High, 2 Medium, 3 Low → severity (source); 4 Undefined or absent → the default
///   severity; the level's name → `misp.threat_level`.
/// - `Tag[].name` → `misp.tags`; `tlp:…` tags (event and attribute tags, the most restrictive wins) → TLP,
///   `options.defaultTLP` or AMBER when there is none; `Galaxy[].GalaxyCluster[]` (`tag_name`, else `value`) →
///   `misp.galaxies`; `analysis` → `misp.analysis`; `Orgc.name` → `misp.org`.
/// - `Attribute[]` and `Object[].Attribute[]` (deleted ones skipped) → indicators per `MISPTypeMapping`, with
///   `to_ids` and `comment` kept; `vulnerability` values → cves; `link` values → references; `text` and `comment`
///   attributes → summary and body, except antivirus detection names, which go to `misp.detections`.
struct MISPEventReader {
    let event: ThreatJSONNode
    let options: IngestOptions

    private static let threatLevels: [Int64: (name: String, severity: Severity?)] = [
        1: ("High", .high), 2: ("Medium", .medium), 3: ("Low", .low), 4: ("Undefined", nil),
    ]
    private static let analysisLevels: [Int64: String] = [0: "initial", 1: "ongoing", 2: "complete"]

    func draft() throws(IngestError) -> AlertDraft {
        guard let info = try event.text("info"), !info.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw event.error(at: "info", "is required: the event's title")
        }
        guard let uuid = try event.string("uuid"), !uuid.isEmpty else {
            throw event.error(at: "uuid", "is required: the event's identity")
        }

        var attributes: [String: String] = [:]
        var stated: Severity?
        if let level = try event.integer("threat_level_id") {
            guard let known = Self.threatLevels[level] else {
                throw event.error(at: "threat_level_id", "\(level) is not a MISP threat level (1 High, 2 Medium, 3 Low, 4 Undefined)")
            }
            attributes["misp.threat_level"] = known.name
            stated = known.severity
        }
        let (severity, from) = IngestDraft.severity(source: stated, options: options)
        attributes[IngestDraft.severitySourceKey] = from
        if let analysis = try event.integer("analysis") { attributes["misp.analysis"] = Self.analysisLevels[analysis] ?? String(analysis) }
        attributes["misp.org"] = try (event["Orgc"] ?? event["Org"])?.text("name")
        if let published = try event.flag("published") { attributes["misp.published"] = published ? "true" : "false" }

        let tags = try Self.tagNames(event)
        attributes["misp.tags"] = ThreatDraftSupport.joined(tags)
        var markings = tags.compactMap(Self.tlp)
        var galaxies: [String] = []
        for galaxy in try event.objects("Galaxy") {
            for cluster in try galaxy.objects("GalaxyCluster") {
                if let name = try cluster.firstText("tag_name", "value") { galaxies.append(name) }
            }
        }
        attributes["misp.galaxies"] = ThreatDraftSupport.joined(galaxies)

        var indicators: [Indicator] = []
        var cves: [String] = []
        var references: [Reference] = []
        var texts: [String] = []
        var detections: [String] = []
        var attributeNodes = try event.objects("Attribute").map { (node: $0, inObject: false) }
        for object in try event.objects("Object") where try object.flag("deleted") != true {
            attributeNodes += try object.objects("Attribute").map { (node: $0, inObject: true) }
        }
        for (node, inObject) in attributeNodes where try node.flag("deleted") != true {
            guard let type = try node.string("type"), !type.isEmpty else { throw node.error(at: "type", "is required") }
            guard let value = try node.text("value") else { throw node.error(at: "value", "is required") }
            let comment = try node.text("comment")?.trimmingCharacters(in: .whitespacesAndNewlines)
            let toIds = try node.flag("to_ids")
            markings += try Self.tagNames(node).compactMap(Self.tlp)

            if MISPTypeMapping.isReference(type: type) {
                if IngestDraft.isWebURL(value) {
                    references.append(Reference(url: value, title: comment))
                }
                continue
            }
            if type == "text" || type == "comment" {
                if try node.text("category") == "Antivirus detection" {
                    detections.append(value)
                } else if !inObject {
                    // Object texts are object-specific fields (section names, signatures), not event prose.
                    texts.append(value)
                }
                continue
            }
            for mapped in MISPTypeMapping.indicators(type: type, value: value) {
                if mapped.kind == .cve { cves.append(mapped.value) }
                let note = mapped.note.map { note in comment.flatMap { $0.isEmpty ? nil : "\(note): \($0)" } ?? note } ?? comment
                indicators.append(Indicator(type: mapped.kind, value: mapped.value, toIds: toIds, comment: note))
            }
        }
        attributes["misp.detections"] = ThreatDraftSupport.joined(detections)

        let (summary, body) = ThreatDraftSupport.summaryAndBody(texts.isEmpty ? nil : texts.joined(separator: "\n\n"))
        var timestamp = try Self.epoch(event, "timestamp")
        if timestamp == nil { timestamp = try Self.epoch(event, "publish_timestamp") }
        var day = try Self.day(event, "date")
        if day == nil { day = try Self.epoch(event, "publish_timestamp")?.date }

        return AlertDraft(
            title: IngestDraft.title(info),
            summary: summary.isEmpty ? IngestDraft.truncated(info, to: ThreatDraftSupport.summaryLength) : summary,
            body: body,
            severity: severity,
            tlp: markings.max() ?? options.defaultTLP ?? .amber,
            cves: cves,
            indicators: indicators,
            references: references,
            source: options.sourceName ?? MISPAdapter.format.rawValue,
            sourceRef: uuid,
            sourceVersion: timestamp.map { String($0.seconds) },
            sourcePublishedAt: day,
            sourceUpdatedAt: timestamp?.date,
            attributes: attributes
        )
    }

    /// The names of the node's `Tag[]`.
    private static func tagNames(_ node: ThreatJSONNode) throws(IngestError) -> [String] {
        var names: [String] = []
        for tag in try node.objects("Tag") {
            if let name = try tag.text("name") { names.append(name) }
        }
        return names
    }

    /// The TLP level a tag states (`tlp:white`, `tlp:amber+strict`…), nil for other tags.
    static func tlp(_ tag: String) -> TLP? {
        let lowered = tag.trimmingCharacters(in: .whitespaces).lowercased()
        guard lowered.hasPrefix("tlp:") else { return nil }
        return TLP(parsing: lowered)
    }

    /// Epoch seconds at `key`, ignoring MISP's `0` for "never".
    private static func epoch(_ node: ThreatJSONNode, _ key: String) throws(IngestError) -> (seconds: Int64, date: Date)? {
        guard let seconds = try node.integer(key), seconds > 0 else { return nil }
        guard seconds < 253_402_300_800 else { throw node.error(at: key, "\(seconds) is not a plausible epoch time in seconds") }
        return (seconds, Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// A `YYYY-MM-DD` day at `key` as midnight UTC.
    private static func day(_ node: ThreatJSONNode, _ key: String) throws(IngestError) -> Date? {
        guard let text = try node.text(key)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let date = IngestDate.day(text) else { throw node.error(at: key, "'\(text.prefix(40))' is not a day such as 2024-05-01") }
        return date
    }
}
