import Foundation
import TocsinCore

/// Ingests generic RSS 2.0, RSS 1.0, Atom 1.0 and JSON Feed 1.x documents: one alert per item.
///
/// Feeds state no severity or TLP: alerts get `options.defaultSeverity ?? .medium` (recorded as "default") and
/// `options.defaultTLP ?? .clear`, and `options.extraCategories` as categories. Entries that carry CAP extension
/// elements (the NWS CAP Atom index) keep them as `cap.*` attributes and take their severity from `cap:severity`.
/// An item's identity (`sourceRef`) is its `guid` / `id`, else its link; its version is its modification date.
/// A feed without items gives no alert. CERT-FR feeds are recognised by `CERTFRAdapter`, not here.
public struct FeedAdapter: IngestAdapter {
    public static let format = IngestFormat.feed

    /// An adapter has no configuration: per-source choices come in `IngestOptions`.
    public init() {}

    /// True for an RSS, Atom or JSON Feed document that is not a CERT-FR feed.
    public static func recognises(_ data: Data) -> Bool {
        if IngestJSON.firstSignificantByte(data) == UInt8(ascii: "{") {
            let head = String(decoding: data.prefix(4096), as: UTF8.self)
            return head.contains("jsonfeed.org/version/1")
        }
        guard let root = SafeXMLRootTag.sniff(data) else { return false }
        let isFeed = root.name == "rss"
            || (root.name == "feed" && root.startTag.contains(FeedXMLReader.atom))
            || (root.name == "RDF" && root.startTag.contains(FeedXMLReader.rss1))
        return isFeed && !CERTFRAdapter.isCERTFRFeed(root)
    }

    /// One alert per item, in document order; an error naming the item when one cannot be read.
    public func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        let document = try Self.document(data, format: Self.format)
        return try document.items.map { item throws(IngestError) in
            IngestedAlert(draft: try IngestDraft.validated(Self.draft(for: item, options: options, format: Self.format), format: Self.format, path: item.path))
        }
    }

    /// Reads the bytes as a JSON Feed or as an XML feed.
    static func document(_ data: Data, format: IngestFormat) throws(IngestError) -> FeedDocument {
        switch IngestJSON.firstSignificantByte(data) {
        case UInt8(ascii: "{"):
            return try FeedJSONReader.read(data, format: format)
        case UInt8(ascii: "<"):
            let root: SafeXMLElement
            do {
                root = try SafeXMLParser.parse(data)
            } catch {
                throw IngestError(format: format, path: "", message: error.description)
            }
            return try FeedXMLReader.read(root, format: format)
        case nil:
            throw IngestError(format: format, path: "", message: "the document is empty")
        default:
            throw IngestError(format: format, path: "", message: "the document is neither XML (RSS, Atom) nor a JSON Feed")
        }
    }

    /// The alert one feed item states, before validation.
    static func draft(for item: FeedItem, options: IngestOptions, format: IngestFormat) -> AlertDraft {
        let fullSummary = item.summary ?? item.content ?? ""
        let title = item.title ?? String(fullSummary.prefix(200))
        let collapsedSummary = FeedText.collapse(fullSummary)
        let summary = IngestDraft.truncated(collapsedSummary, to: IngestDraft.summaryLimit)
        var body: String?
        if let content = item.content, (item.summary == nil ? collapsedSummary : FeedText.collapse(content)) != summary {
            body = content
        } else if collapsedSummary != summary {
            body = fullSummary
        }
        if let text = body { body = IngestDraft.truncated(text, to: AlertDraft.Limits.body) }

        let published = item.published.flatMap(IngestDate.parse)
        let updated = item.updated.flatMap(IngestDate.parse)
        var attributes: [String: String] = [:]
        if !item.categories.isEmpty { attributes["feed.categories"] = item.categories.joined(separator: "\n") }
        for (name, value) in item.capFields {
            attributes["cap.\(name)"] = value
        }
        let (severity, from) = IngestDraft.severity(source: CAPSeverity.severity(item.capFields["severity"]), options: options)
        attributes[IngestDraft.severitySourceKey] = from

        var references: [Reference] = []
        if let link = IngestDraft.webURL(item.link) { references.append(Reference(url: link, title: item.title.map(IngestDraft.title))) }

        return AlertDraft(
            title: IngestDraft.title(title.isEmpty ? (item.link ?? item.id ?? "Feed item") : title),
            summary: summary, body: body, severity: severity, tlp: options.defaultTLP ?? .clear,
            categories: IngestDraft.extraCategories(options),
            cves: FeedText.cves(in: "\(item.title ?? "")\n\(fullSummary)"),
            references: references,
            source: options.sourceName ?? format.rawValue,
            sourceRef: (item.id ?? item.link).map { $0.utf8.count <= AlertDraft.Limits.value ? $0 : String($0.prefix(AlertDraft.Limits.value)) },
            sourceVersion: updated.map(RFC3339.format) ?? item.updated.map { String($0.prefix(64)) },
            sourcePublishedAt: published ?? updated, sourceUpdatedAt: updated,
            attributes: attributes
        )
    }
}
