import Foundation

/// A CSAF ROLIE feed (`{"feed": {…, "entry": […]}}`): the documents a provider lists, each with its URL, id,
/// update date and the links to its hash and signature files.
public struct CSAFROLIEFeed: Sendable, Equatable {
    /// One listed document.
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var title: String?
        /// The CSAF document (`content.src`, else the `self` link).
        public var documentURL: String
        public var published: Date?
        public var updated: Date?
        /// `.sha256` / `.sha512` files, by link relation `hash` or by name.
        public var hashURLs: [String]
        /// The detached OpenPGP signature (`.asc`).
        public var signatureURL: String?
        /// `format.version`: the CSAF version of the document.
        public var csafVersion: String?
    }

    public var id: String?
    public var title: String?
    public var updated: Date?
    public var entries: [Entry]

    /// Parses a ROLIE feed. Entries without a usable http(s) document URL are rejected with their path.
    public static func parse(_ data: Data) throws(IngestError) -> CSAFROLIEFeed {
        let raw = try IngestJSON.decode(Raw.self, from: data, format: .csaf).feed
        var entries: [Entry] = []
        for (index, entry) in (raw.entry ?? []).enumerated() {
            let links = entry.link ?? []
            // CISA's feeds write the relation as "ref"; accept either.
            func relation(_ link: Link) -> String { (link.rel ?? link.ref ?? "").lowercased() }
            guard let document = entry.content?.src ?? links.first(where: { relation($0) == "self" })?.href,
                  IngestDraft.isWebURL(document) else {
                throw IngestError(format: .csaf, path: "feed.entry[\(index)].content.src", message: "must give the document's http or https URL")
            }
            let hashes = links.filter { link in
                relation(link) == "hash" || link.href.hasSuffix(".sha256") || link.href.hasSuffix(".sha512")
            }.map(\.href).filter(IngestDraft.isWebURL)
            let signature = links.first { relation($0) == "signature" || $0.href.hasSuffix(".asc") }?.href
            entries.append(Entry(
                id: entry.id, title: entry.title, documentURL: document, published: entry.published.flatMap(IngestDate.parse),
                updated: entry.updated.flatMap(IngestDate.parse), hashURLs: hashes,
                signatureURL: signature.flatMap { IngestDraft.isWebURL($0) ? $0 : nil }, csafVersion: entry.format?.version))
        }
        return CSAFROLIEFeed(id: raw.id, title: raw.title, updated: raw.updated.flatMap(IngestDate.parse), entries: entries)
    }

    private struct Raw: Decodable {
        var feed: Feed
    }

    private struct Feed: Decodable {
        var id: String?
        var title: String?
        var updated: String?
        var entry: [RawEntry]?
    }

    private struct RawEntry: Decodable {
        var id: String
        var title: String?
        var link: [Link]?
        var published: String?
        var updated: String?
        var content: Content?
        var format: Format?
    }

    private struct Link: Decodable {
        var rel: String?
        var ref: String?
        var href: String
    }

    private struct Content: Decodable {
        var src: String?
        var type: String?
    }

    private struct Format: Decodable {
        var schema: String?
        var version: String?
    }
}
