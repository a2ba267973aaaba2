/// One entry of an RSS, Atom or JSON feed, already reduced to plain text, before it becomes an alert.
struct FeedItem: Sendable, Hashable {
    /// Where the item sits in the document (`/rss/channel/item[3]`, `items[0]`), for error messages.
    var path: String
    var title: String?
    var link: String?
    /// `guid`, Atom `id` or JSON Feed `id`.
    var id: String?
    /// Plain text of `description`, Atom `summary` or JSON Feed `summary` / `content_text`.
    var summary: String?
    /// Plain text of the full content (`content:encoded`, Atom `content`, JSON Feed `content_html`).
    var content: String?
    /// The publication date as written (`pubDate`, `published`, `dc:date`, `date_published`).
    var published: String?
    /// The modification date as written (Atom `updated`, per-item `lastBuildDate`, `date_modified`).
    var updated: String?
    var categories: [String] = []
    /// CAP extension elements carried by the entry (NWS CAP Atom index: `cap:event`, `cap:severity`…), by local name.
    var capFields: [String: String] = [:]
}

/// A whole feed: its channel-level facts and its items.
struct FeedDocument: Sendable, Hashable {
    enum Kind: String, Sendable { case rss2 = "rss", rss1 = "rdf", atom, jsonFeed = "json" }

    var kind: Kind
    var title: String?
    var link: String?
    var items: [FeedItem]
}
