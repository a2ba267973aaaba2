import Foundation
import TocsinCore

/// Reads CVE JSON 5.x records (cvelistV5, CISA Vulnrichment) into one alert per record, keyed by the CVE id and
/// versioned by `cveMetadata.dateUpdated`; also reads NVD CVE API 2.0 response pages, one alert per CVE.
///
/// The CNA container gives the text, products and scores; ADP containers add scores, CPEs and exploitation
/// evidence (SSVC `Exploitation: active`, CISA's KEV marker). REJECTED records still parse, as `info` alerts
/// whose `cve.state` attribute says so, so that a rejection can revise an alert published earlier.
public struct CVERecordAdapter: IngestAdapter {
    public static let format = IngestFormat.cve

    /// The adapter holds no state; one instance serves every document.
    public init() {}

    /// True for a CVE record (`"dataType": "CVE_RECORD"`) or an NVD API 2.0 page (`"format": "NVD_CVE"`).
    public static func recognises(_ data: Data) -> Bool {
        let head = IngestJSON.compactHead(data)
        guard head.hasPrefix("{") else { return false }
        return head.contains("\"dataType\":\"CVE_RECORD\"") || head.contains("\"format\":\"NVD_CVE\"")
    }

    /// The alert the record states, or one alert per CVE of an NVD API page.
    public func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        if IngestJSON.compactHead(data).contains("\"format\":\"NVD_CVE\"") {
            return try NVDAPIPage.parse(data, options: options)
        }
        let record = try IngestJSON.decode(CVERecord.self, from: data, format: .cve)
        return [IngestedAlert(draft: try IngestDraft.validated(Self.draft(record, options: options), format: .cve, path: ""))]
    }

    static func draft(_ record: CVERecord, options: IngestOptions) throws(IngestError) -> AlertDraft {
        guard record.dataType == "CVE_RECORD" else {
            throw IngestError(format: .cve, path: "dataType", message: "'\(record.dataType.prefix(32))' is not CVE_RECORD")
        }
        guard record.dataVersion.hasPrefix("5.") else {
            throw IngestError(format: .cve, path: "dataVersion", message: "'\(record.dataVersion.prefix(16))' is not a CVE JSON 5.x version")
        }
        let meta = record.cveMetadata
        let cveID = meta.cveId.trimmingCharacters(in: .whitespaces).uppercased()
        guard CVE.isValid(cveID) else {
            throw IngestError(format: .cve, path: "cveMetadata.cveId", message: "'\(meta.cveId.prefix(64))' is not a CVE id like CVE-2024-3400")
        }
        let state = meta.state.uppercased()
        guard ["PUBLISHED", "REJECTED"].contains(state) else {
            throw IngestError(format: .cve, path: "cveMetadata.state", message: "'\(meta.state.prefix(32))' is neither PUBLISHED nor REJECTED")
        }
        let published = try meta.datePublished.map { text throws(IngestError) in try date(text, path: "cveMetadata.datePublished") }
        let updated = try meta.dateUpdated.map { text throws(IngestError) in try date(text, path: "cveMetadata.dateUpdated") }

        let cna = record.containers.cna
        let adps = record.containers.adp ?? []
        let cnaName = cna.providerMetadata?.shortName ?? meta.assignerShortName
        var attributes = ["cve.state": state]
        if let assigner = meta.assignerShortName { attributes["cve.assigner"] = assigner }

        if state == "REJECTED" {
            let reason = preferred(cna.rejectedReasons ?? [])?.value.trimmingWhitespace()
            attributes["tocsin.severitySource"] = "source"
            let draft = AlertDraft(
                title: "\(cveID) rejected", summary: IngestDraft.truncated(reason ?? "This CVE id has been rejected by its CNA.", to: 1_000),
                body: reason.flatMap { JSONIngestDraft.body([$0]) }, severity: .info, tlp: options.defaultTLP ?? .clear,
                categories: IngestDraft.extraCategories(options), cves: [cveID], source: options.sourceName ?? format.rawValue,
                sourceRef: cveID, sourceVersion: meta.dateUpdated ?? meta.dateRejected ?? meta.datePublished,
                sourcePublishedAt: published, sourceUpdatedAt: updated, attributes: attributes)
            return draft
        }

        var scores: [CVSSScore] = []
        var sourceSeverity: Severity?
        var knownExploited = false
        var ssvc: [String] = []
        let containers = [(cna, cnaName)] + adps.map { ($0, $0.providerMetadata?.shortName) }
        for (offset, (container, name)) in containers.enumerated() {
            for metric in container.metrics ?? [] {
                for (version, cvss) in [("4.0", metric.cvssV4_0), ("3.1", metric.cvssV3_1), ("3.0", metric.cvssV3_0), ("2.0", metric.cvssV2_0)] {
                    if let cvss, let score = JSONIngestDraft.score(version: version, vector: cvss.vectorString, baseScore: cvss.baseScore, source: name),
                       !scores.contains(score) {
                        scores.append(score)
                    }
                }
                guard let other = metric.other else { continue }
                let type = other.type.lowercased()
                if type == "kev" { knownExploited = true }
                if type == "ssvc" {
                    for option in other.options {
                        for (key, value) in option.sorted(by: { $0.key < $1.key }) {
                            ssvc.append("\(key): \(value)")
                            if key.lowercased() == "exploitation", value.lowercased() == "active" { knownExploited = true }
                        }
                    }
                }
                // Only the CNA's own textual severity counts as the source's; ADPs add evidence, not a verdict.
                if offset == 0, type.contains("severity"), sourceSeverity == nil,
                   let text = other.text {
                    sourceSeverity = JSONIngestDraft.severity(word: text)
                }
            }
        }
        if !ssvc.isEmpty { attributes["cve.ssvc"] = ssvc.joined(separator: "\n") }
        if let tags = cna.tags, !tags.isEmpty { attributes["cve.tags"] = tags.joined(separator: "\n") }
        let cwes = ([cna] + adps).flatMap { ($0.problemTypes ?? []).flatMap { $0.descriptions ?? [] }.compactMap(\.cweId) }
        if !cwes.isEmpty { attributes["cve.cwes"] = JSONIngestDraft.uniqueIDs(cwes).joined(separator: "\n") }

        let (severity, severitySource) = IngestDraft.severity(source: sourceSeverity, cvss: scores, options: options)
        attributes["tocsin.severitySource"] = severitySource

        let description = preferred(cna.descriptions ?? [])?.value.trimmingWhitespace() ?? ""
        let headline = cna.title?.trimmingWhitespace().nonEmpty ?? firstSentence(description) ?? "vulnerability"
        var sections = [description]
        for (label, texts) in [("Solutions", cna.solutions), ("Workarounds", cna.workarounds), ("Exploits", cna.exploits)] {
            if let text = preferred(texts ?? [])?.value.trimmingWhitespace(), !text.isEmpty {
                sections.append("\(label):\n\(IngestDraft.truncated(text, to: 4_000))")
            }
        }
        let references = ([cna] + adps).flatMap { ($0.references ?? []).map { Reference(url: $0.url, title: $0.name) } }

        return AlertDraft(
            title: IngestDraft.title("\(cveID): \(headline)"),
            summary: IngestDraft.truncated(description.isEmpty ? headline : description, to: 1_000),
            body: JSONIngestDraft.body(sections), severity: severity, tlp: options.defaultTLP ?? .clear,
            categories: IngestDraft.extraCategories(options), cves: [cveID],
            affectedProducts: CVEAffected.products((cna.affected ?? []) + adps.flatMap { $0.affected ?? [] }),
            references: IngestDraft.references(references), cvss: scores, knownExploited: knownExploited,
            source: options.sourceName ?? format.rawValue, sourceRef: cveID,
            sourceVersion: meta.dateUpdated ?? cna.providerMetadata?.dateUpdated ?? meta.datePublished,
            sourcePublishedAt: published, sourceUpdatedAt: updated, attributes: attributes)
    }

    /// French when the record has it, else English (`en`, `en-US`…), else the first.
    static func preferred(_ descriptions: [CVERecord.Description]) -> CVERecord.Description? {
        let nonEmpty = descriptions.filter { !$0.value.trimmingWhitespace().isEmpty }
        func language(_ tag: CVERecord.Description) -> String { tag.lang.lowercased().split(separator: "-").first.map(String.init) ?? "" }
        return nonEmpty.first { language($0) == "fr" } ?? nonEmpty.first { language($0) == "en" } ?? nonEmpty.first
    }

    static func date(_ text: String, path: String) throws(IngestError) -> Date {
        guard let date = IngestDate.parse(text) else {
            throw IngestError(format: .cve, path: path, message: "'\(text.prefix(40))' is not a date-time")
        }
        return date
    }

    /// The first sentence of a description, for records without a title.
    static func firstSentence(_ text: String) -> String? {
        let line = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !line.isEmpty else { return nil }
        if let end = line.range(of: ". ") { return String(line[..<end.lowerBound]).prefix(200).description }
        return IngestDraft.truncated(line, to: 200)
    }
}

extension String {
    /// nil for the empty string, so `??` chains can skip it.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
