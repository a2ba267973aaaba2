import Foundation
import TocsinCore

/// Reads CSAF 2.0 and 2.1 documents (security advisories, VEX, informational advisories, any profile) into one
/// alert per document, keyed by `document.tracking.id` and versioned by `document.tracking.version`.
///
/// The product tree is joined with each vulnerability's `product_status` into `AffectedProduct`s (VEX statuses
/// kept); documents without vulnerabilities list the tree's products without a status. Mandatory fields Tocsin
/// relies on, CVSS objects and product id references (CSAF mandatory tests 6.1.1, 6.1.4, 6.1.8) are checked and a
/// failing document is rejected with the path of the offending field.
public struct CSAFAdapter: IngestAdapter {
    public static let format = IngestFormat.csaf

    /// The adapter holds no state; one instance serves every document.
    public init() {}

    /// True when the document's head carries `"csaf_version"` (every CSAF document has it under `document`).
    public static func recognises(_ data: Data) -> Bool {
        let head = IngestJSON.compactHead(data, bytes: 16_384)
        return head.hasPrefix("{") && head.contains("\"csaf_version\":")
    }

    /// The alert the CSAF document states.
    public func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        let document = try IngestJSON.decode(CSAFDocument.self, from: data, format: .csaf)
        let meta = document.document
        try Self.checkMandatory(meta)
        let published = try Self.date(meta.tracking.initialReleaseDate, path: "document.tracking.initial_release_date")
        let updated = try Self.date(meta.tracking.currentReleaseDate, path: "document.tracking.current_release_date")
        let tlp = try Self.tlp(meta.distribution?.tlp?.label, options: options)

        let catalog = CSAFProductCatalog(tree: document.productTree)
        try CSAFProductReferences.check(document, catalog: catalog)

        let publisher = meta.publisher.name.trimmingCharacters(in: .whitespaces)
        let vulnerabilities = document.vulnerabilities ?? []
        var cves: [String] = []
        var scores: [CVSSScore] = []
        var statuses: [(productID: String, status: ProductStatus?)] = []
        var references: [Reference] = (meta.references ?? []).map { Reference(url: $0.url, title: $0.summary) }
        var knownExploited = false
        var vulnerabilityLines: [String] = []
        var remediationLines: [String] = []

        for (index, vulnerability) in vulnerabilities.enumerated() {
            if let cve = vulnerability.cve {
                let id = cve.trimmingCharacters(in: .whitespaces).uppercased()
                guard CVE.isValid(id) else {
                    throw IngestError(format: .csaf, path: "vulnerabilities[\(index)].cve", message: "'\(cve.prefix(64))' is not a CVE id like CVE-2024-3400")
                }
                cves.append(id)
            }
            // A base score the schema forbids (out of 0…10, like -1e308) makes the document invalid: refused with
            // its path, never dropped in silence.
            for (scoreIndex, score) in (vulnerability.scores ?? []).enumerated() {
                let path = "vulnerabilities[\(index)].scores[\(scoreIndex)]"
                try Self.checkBaseScore(score.cvssV3?.baseScore, path: path + ".cvss_v3.baseScore")
                try Self.checkBaseScore(score.cvssV2?.baseScore, path: path + ".cvss_v2.baseScore")
            }
            for (metricIndex, metric) in (vulnerability.metrics ?? []).enumerated() {
                let path = "vulnerabilities[\(index)].metrics[\(metricIndex)].content"
                try Self.checkBaseScore(metric.content.cvssV4?.baseScore, path: path + ".cvss_v4.baseScore")
                try Self.checkBaseScore(metric.content.cvssV3?.baseScore, path: path + ".cvss_v3.baseScore")
                try Self.checkBaseScore(metric.content.cvssV2?.baseScore, path: path + ".cvss_v2.baseScore")
            }
            for score in vulnerability.scores ?? [] {
                if let v3 = score.cvssV3 { scores.append(contentsOf: Self.score(v3, publisher: publisher)) }
                if let v2 = score.cvssV2, let converted = JSONIngestDraft.score(version: "2.0", vector: v2.vectorString, baseScore: v2.baseScore, source: publisher) {
                    scores.append(converted)
                }
            }
            for metric in vulnerability.metrics ?? [] {
                for cvss in [metric.content.cvssV4, metric.content.cvssV3].compactMap({ $0 }) { scores.append(contentsOf: Self.score(cvss, publisher: publisher)) }
                if let v2 = metric.content.cvssV2, let converted = JSONIngestDraft.score(version: "2.0", vector: v2.vectorString, baseScore: v2.baseScore, source: publisher) {
                    scores.append(converted)
                }
            }
            let productStatus = vulnerability.productStatus ?? [:]
            for (key, status) in Self.statusKeys {
                for id in productStatus[key] ?? [] { statuses.append((id, status)) }
            }
            if vulnerability.threats?.contains(where: Self.statesActiveExploitation) == true { knownExploited = true }
            references += (vulnerability.references ?? []).map { Reference(url: $0.url, title: $0.summary) }
            for remediation in vulnerability.remediations ?? [] {
                if let url = remediation.url { references.append(Reference(url: url, title: remediation.category.replacingOccurrences(of: "_", with: " "))) }
                let line = "- \(Self.label(remediation.category)): \(IngestDraft.truncated(Self.oneLine(remediation.details), to: 600))"
                if !remediationLines.contains(line), remediationLines.count < 50 { remediationLines.append(line) }
            }
            if vulnerabilityLines.count < 200, let line = Self.describe(vulnerability) { vulnerabilityLines.append(line) }
        }

        let affected = statuses.isEmpty ? catalog.allProducts() : catalog.affectedProducts(statuses)
        let uniqueScores = scores.reduce(into: [CVSSScore]()) { if !$0.contains($1) { $0.append($1) } }
        let sourceSeverity = meta.aggregateSeverity.flatMap { JSONIngestDraft.severity(word: $0.text) }
        let (severity, severitySource) = IngestDraft.severity(source: sourceSeverity, cvss: uniqueScores, options: options)

        let notes = (meta.notes ?? []).filter { ["summary", "description", "general"].contains($0.category) }
        let summaryNote = notes.first { $0.category == "summary" } ?? notes.first { $0.category == "description" } ?? notes.first
        let summary = IngestDraft.truncated((summaryNote?.text ?? meta.title).trimmingWhitespace(), to: 1_000)
        var sections = notes.map { note in
            let text = IngestDraft.truncated(note.text.trimmingWhitespace(), to: 4_000)
            return note.title.map { "\($0.trimmingCharacters(in: .whitespaces))\n\(text)" } ?? text
        }
        if !vulnerabilityLines.isEmpty { sections.append("Vulnerabilities:\n" + vulnerabilityLines.joined(separator: "\n")) }
        if !remediationLines.isEmpty { sections.append("Remediations:\n" + remediationLines.joined(separator: "\n")) }

        var attributes = [
            "csaf.category": meta.category,
            "csaf.version": meta.csafVersion,
            "csaf.status": meta.tracking.status,
            "csaf.publisher": publisher,
            "csaf.publisherCategory": meta.publisher.category,
            "csaf.publisherNamespace": meta.publisher.namespace,
            "tocsin.severitySource": severitySource,
        ]
        if let aggregate = meta.aggregateSeverity?.text { attributes["csaf.aggregateSeverity"] = aggregate }

        let draft = AlertDraft(
            title: IngestDraft.title(meta.title), summary: summary, body: JSONIngestDraft.body(sections),
            severity: severity, tlp: tlp, categories: IngestDraft.extraCategories(options),
            cves: Array(JSONIngestDraft.uniqueIDs(cves).prefix(AlertDraft.Limits.listItems)),
            affectedProducts: affected, references: IngestDraft.references(references), cvss: uniqueScores,
            knownExploited: knownExploited, source: options.sourceName ?? Self.format.rawValue,
            sourceRef: meta.tracking.id.trimmingCharacters(in: .whitespaces),
            sourceVersion: meta.tracking.version.trimmingCharacters(in: .whitespaces),
            sourcePublishedAt: published, sourceUpdatedAt: updated, attributes: attributes)
        return [IngestedAlert(draft: try IngestDraft.validated(draft, format: .csaf, path: ""))]
    }

    /// `product_status` keys in the order their products are listed, with the status each one means.
    private static let statusKeys: [(String, ProductStatus)] = [
        ("known_affected", .affected), ("first_affected", .affected), ("last_affected", .affected),
        ("fixed", .fixed), ("first_fixed", .fixed),
        ("known_not_affected", .notAffected), ("under_investigation", .underInvestigation),
    ]

    private static func checkMandatory(_ meta: CSAFDocument.Meta) throws(IngestError) {
        guard ["2.0", "2.1"].contains(meta.csafVersion) else {
            throw IngestError(format: .csaf, path: "document.csaf_version", message: "'\(meta.csafVersion.prefix(16))' is not a supported CSAF version (2.0 or 2.1)")
        }
        let required: [(String, String)] = [
            (meta.category, "document.category"), (meta.title, "document.title"),
            (meta.publisher.name, "document.publisher.name"), (meta.publisher.category, "document.publisher.category"),
            (meta.publisher.namespace, "document.publisher.namespace"),
            (meta.tracking.id, "document.tracking.id"), (meta.tracking.version, "document.tracking.version"),
        ]
        for (value, path) in required where value.trimmingWhitespace().isEmpty {
            throw IngestError(format: .csaf, path: path, message: "must not be empty")
        }
        guard ["draft", "final", "interim"].contains(meta.tracking.status) else {
            throw IngestError(format: .csaf, path: "document.tracking.status", message: "'\(meta.tracking.status.prefix(32))' is not draft, interim or final")
        }
        guard meta.tracking.id.count <= 1_000, meta.tracking.version.count <= 100 else {
            throw IngestError(format: .csaf, path: "document.tracking.id", message: "is too long")
        }
    }

    private static func date(_ text: String, path: String) throws(IngestError) -> Date {
        guard let date = IngestDate.parse(text) else {
            throw IngestError(format: .csaf, path: path, message: "'\(text.prefix(40))' is not an RFC 3339 date-time")
        }
        return date
    }

    private static func tlp(_ label: String?, options: IngestOptions) throws(IngestError) -> TLP {
        guard let label else { return options.defaultTLP ?? .amber }
        guard let tlp = TLP(parsing: label) else {
            throw IngestError(format: .csaf, path: "document.distribution.tlp.label", message: "'\(label.prefix(32))' is not a TLP label (CLEAR, WHITE, GREEN, AMBER, AMBER+STRICT, RED)")
        }
        return tlp
    }

    private static func checkBaseScore(_ value: Double?, path: String) throws(IngestError) {
        guard let value, !(value.isFinite && (0...10).contains(value)) else { return }
        throw IngestError(format: .csaf, path: path, message: "\(value) is not a CVSS base score (0 to 10)")
    }

        private static func score(_ cvss: CSAFDocument.CVSSv3, publisher: String) -> [CVSSScore] {
        JSONIngestDraft.score(version: cvss.version, vector: cvss.vectorString, baseScore: cvss.baseScore, source: publisher).map { [$0] } ?? []
    }

    /// A threat of category `exploit_status` that says the vulnerability is exploited, not that it is not.
    private static func statesActiveExploitation(_ threat: CSAFDocument.Threat) -> Bool {
        guard threat.category == "exploit_status" else { return false }
        let text = threat.details.lowercased()
        let negations = ["no known", "not known", "not aware", "no evidence", "not been exploited", "not exploited", "no public", "unlikely"]
        guard !negations.contains(where: text.contains) else { return false }
        let signals = ["actively exploited", "active exploitation", "exploited in the wild", "in the wild", "known exploited",
                       "exploitation: active", "is being exploited", "are being exploited", "has been exploited", "have been exploited",
                       "exploitation detected", "exploitation observed", "attacks observed"]
        return signals.contains(where: text.contains)
    }

    private static func describe(_ vulnerability: CSAFDocument.Vulnerability) -> String? {
        let notes = vulnerability.notes ?? []
        let note = notes.first { $0.category == "summary" } ?? notes.first { $0.category == "description" }
        let title = vulnerability.title.map(oneLine).flatMap { $0 == vulnerability.cve || $0.isEmpty ? nil : $0 }
        let head = [vulnerability.cve, title].compactMap { $0 }.joined(separator: " ")
        let text = note.map { IngestDraft.truncated(oneLine($0.text), to: 600) }
        let parts = [head.isEmpty ? nil : head, text].compactMap { $0 }
        return parts.isEmpty ? nil : "- " + parts.joined(separator: ": ")
    }

    private static func label(_ category: String) -> String {
        let words = category.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
