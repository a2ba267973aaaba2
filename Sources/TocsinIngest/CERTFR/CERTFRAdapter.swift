import Foundation
import TocsinCore

/// Ingests CERT-FR (ANSSI) publications: the per-document JSON (`/avis/<ref>/json/`) and the RSS feeds of
/// cert.ssi.gouv.fr.
///
/// Both give the CERT-FR reference (`CERTFR-2024-AVI-0014`) as `sourceRef`, so that the RSS item and the JSON
/// document of the same advisory, and every revision of it, share one identity. From the JSON: the last
/// revision's date is `sourceVersion` (RFC 3339) and `sourceUpdatedAt`, the first revision's date (or
/// `published_at`) `sourcePublishedAt`; affected systems become `AffectedProduct`s (`CERTFRProducts`); CVEs come
/// from the `cves` list. From the RSS: the reference comes from the item's link or guid, the title loses its
/// `[MàJ]` marker and date suffix, Markdown residue is removed, and the latest "Mise à jour du …" date of the
/// description is the version. Severity follows `CERTFRSeverity`; TLP is `options.defaultTLP ?? .clear` (public).
///
/// A JSON array (such as the derived `cert-fr-ale_with_cves.json` list of alerts and their CVEs) is not a CERT-FR
/// document and is rejected with an error saying so.
public struct CERTFRAdapter: IngestAdapter {
    public static let format = IngestFormat.certfr

    /// An adapter has no configuration: per-source choices come in `IngestOptions`.
    public init() {}

    /// True for a CERT-FR JSON document (`$ref` to its openapi.json, or a CERT-FR `reference`) and for an RSS feed whose channel link is on cert.ssi.gouv.fr.
    public static func recognises(_ data: Data) -> Bool {
        switch IngestJSON.firstSignificantByte(data) {
        case UInt8(ascii: "{"):
            let head = String(decoding: data.prefix(SafeXMLRootTag.window), as: UTF8.self)
            return head.contains("cert.ssi.gouv.fr/openapi.json")
                || (head.contains("\"reference\"") && (head.contains("\"CERTFR-") || head.contains("\"CERTA-")))
        case UInt8(ascii: "<"):
            return SafeXMLRootTag.sniff(data).map(isCERTFRFeed) ?? false
        default:
            return false
        }
    }

    /// True for an RSS document whose channel link is on cert.ssi.gouv.fr.
    static func isCERTFRFeed(_ root: SafeXMLRootTag) -> Bool {
        guard root.name == "rss", let channel = root.head.range(of: "<channel"),
              let link = root.head.range(of: "<link>", range: channel.upperBound..<root.head.endIndex),
              let end = root.head.range(of: "</link>", range: link.upperBound..<root.head.endIndex) else { return false }
        return root.head[link.upperBound..<end.lowerBound].contains("cert.ssi.gouv.fr")
    }

    /// One alert for a JSON document, one per item for an RSS feed.
    public func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        switch IngestJSON.firstSignificantByte(data) {
        case UInt8(ascii: "{"):
            return [IngestedAlert(draft: try IngestDraft.validated(Self.advisoryDraft(data, options: options), format: Self.format, path: ""))]
        case UInt8(ascii: "["):
            throw IngestError(format: Self.format, path: "", message: "a JSON array is not a CERT-FR document: this looks like an index (such as a list of alerts with their CVEs); ingest each document's /json/ export instead")
        case UInt8(ascii: "<"):
            let document = try FeedAdapter.document(data, format: Self.format)
            return try document.items.map { item throws(IngestError) in
                IngestedAlert(draft: try IngestDraft.validated(Self.feedDraft(item, options: options), format: Self.format, path: item.path))
            }
        case nil:
            throw IngestError(format: Self.format, path: "", message: "the document is empty")
        default:
            throw IngestError(format: Self.format, path: "", message: "the document is neither a CERT-FR JSON document nor a CERT-FR RSS feed")
        }
    }

    // MARK: JSON documents

    static func advisoryDraft(_ data: Data, options: IngestOptions) throws(IngestError) -> AlertDraft {
        let advisory = try IngestJSON.decode(CERTFRAdvisory.self, from: data, format: format)
        guard let reference = CERTFRReference(advisory.reference) else {
            throw IngestError(format: format, path: "reference", message: "'\(advisory.reference.prefix(40))' is not a CERT-FR reference such as CERTFR-2024-AVI-0014")
        }
        let title = FeedText.collapse(advisory.title)
        guard !title.isEmpty else { throw IngestError(format: format, path: "title", message: "must not be empty") }

        let revisions = advisory.revisions ?? []
        let revisionDates = revisions.compactMap { $0.revisionDate.flatMap(IngestDate.parse) }
        let published = advisory.publishedAt.flatMap(IngestDate.parse) ?? revisionDates.min()
        let lastRevision = revisionDates.max()
        let risks = (advisory.risks ?? []).compactMap { $0.description.map(FeedText.collapse) }.filter { !$0.isEmpty }
        let summaryText = advisory.summary.map { FeedText.collapse(FeedText.plainText(fromHTML: $0)) }.flatMap { $0.isEmpty ? nil : $0 }
        let content = advisory.content.map(FeedText.plainText(fromHTML:)).flatMap { $0.isEmpty ? nil : $0 }

        var products = CERTFRProducts.products(from: advisory.affectedSystems ?? [])
        let freeText = advisory.affectedSystemsContent.map(FeedText.plainText(fromHTML:)).flatMap { $0.isEmpty ? nil : $0 }
        if products.isEmpty, let raw = advisory.affectedSystemsContent { products = CERTFRProducts.products(fromText: raw) }

        var sections: [String] = []
        if let summaryText { sections.append(summaryText) }
        if let content { sections.append(content) }
        if !risks.isEmpty { sections.append("Risques :\n" + risks.map { "- \($0)" }.joined(separator: "\n")) }
        let systemLines = (advisory.affectedSystems ?? []).compactMap { $0.description.map(FeedText.collapse) }.filter { !$0.isEmpty }
        if !systemLines.isEmpty || freeText != nil {
            sections.append((["Systèmes affectés :"] + systemLines.map { "- \($0)" } + (freeText.map { [$0] } ?? [])).joined(separator: "\n"))
        }
        let revisionLines = revisions.compactMap { revision -> String? in
            let date = revision.revisionDate.flatMap(IngestDate.parse).map { String(RFC3339.format($0).prefix(10)) } ?? revision.revisionDate
            let description = revision.description.map(FeedText.collapse) ?? ""
            return date.map { "- \($0) : \(description)" }
        }
        if !revisionLines.isEmpty { sections.append("Révisions :\n" + revisionLines.joined(separator: "\n")) }

        var references = [Reference(url: reference.pageURL, title: reference.description)]
        for link in (advisory.links ?? []) + (advisory.vendorAdvisories ?? []) {
            guard let url = IngestDraft.webURL(link.url), !references.contains(where: { $0.url == url }) else { continue }
            references.append(Reference(url: url, title: link.title.map(IngestDraft.title)))
        }

        let cves = (advisory.cves ?? []).compactMap { $0.name?.trimmingCharacters(in: .whitespaces).uppercased() }.filter(CVE.isValid)
        var attributes = ["certfr.kind": reference.kind, "tocsin.severitySource": "source"]
        if !risks.isEmpty { attributes["certfr.risks"] = risks.joined(separator: "\n") }
        if (advisory.affectedSystems ?? []).contains(where: { $0.product?.vendor?.scada == true }) { attributes["certfr.scada"] = "true" }

        var unique = Set<String>()
        return AlertDraft(
            title: IngestDraft.title(title),
            summary: IngestDraft.truncated(summaryText ?? firstParagraph(of: content) ?? title, to: IngestDraft.summaryLimit),
            body: IngestDraft.truncated(sections.joined(separator: "\n\n"), to: AlertDraft.Limits.body),
            severity: CERTFRSeverity.severity(kind: reference.kind, riskText: risks.joined(separator: "\n") + "\n" + (summaryText ?? "")),
            tlp: options.defaultTLP ?? .clear, categories: IngestDraft.extraCategories(options),
            cves: Array(cves.filter { unique.insert($0).inserted }.prefix(AlertDraft.Limits.listItems)),
            affectedProducts: products, references: Array(references.prefix(AlertDraft.Limits.listItems)),
            source: options.sourceName ?? format.rawValue, sourceRef: reference.description,
            sourceVersion: lastRevision.map(RFC3339.format) ?? revisions.last?.revisionDate,
            sourcePublishedAt: published, sourceUpdatedAt: lastRevision,
            attributes: attributes
        )
    }

    /// The first prose paragraph of Markdown content (headings skipped).
    private static func firstParagraph(of content: String?) -> String? {
        guard let content else { return nil }
        let paragraphs = content.components(separatedBy: "\n\n").map(FeedText.collapse)
        return paragraphs.first { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    // MARK: RSS feeds

    static func feedDraft(_ item: FeedItem, options: IngestOptions) -> AlertDraft {
        var cleaned = item
        cleaned.summary = item.summary.map(CERTFRText.withoutMarkdown)
        cleaned.content = item.content.map(CERTFRText.withoutMarkdown)
        let (title, markedUpdated, titleDate) = CERTFRText.splitTitle(item.title ?? "")
        if item.title != nil { cleaned.title = title }
        var draft = FeedAdapter.draft(for: cleaned, options: options, format: format)

        guard let reference = CERTFRReference.find(in: item.link) ?? CERTFRReference.find(in: item.id) ?? CERTFRReference.find(in: item.title) else {
            return draft
        }
        draft.sourceRef = reference.description
        draft.attributes["certfr.kind"] = reference.kind
        if markedUpdated { draft.attributes["certfr.updated"] = "true" }
        draft.severity = CERTFRSeverity.severity(kind: reference.kind, riskText: "\(title)\n\(cleaned.summary ?? "")")
        draft.attributes["tocsin.severitySource"] = "source"
        if draft.sourcePublishedAt == nil { draft.sourcePublishedAt = titleDate }
        if let latest = CERTFRText.updateDates(in: cleaned.summary ?? "").last, latest > (draft.sourcePublishedAt ?? .distantPast) {
            draft.sourceUpdatedAt = latest
        }
        draft.sourceVersion = (draft.sourceUpdatedAt ?? draft.sourcePublishedAt).map(RFC3339.format)
        if !draft.references.contains(where: { $0.url == reference.pageURL }) {
            draft.references.insert(Reference(url: reference.pageURL, title: reference.description), at: 0)
        }
        return draft
    }
}
