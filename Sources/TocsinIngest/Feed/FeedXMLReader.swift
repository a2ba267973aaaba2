/// Reads RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 documents, from their `SafeXMLElement` tree, into a `FeedDocument`.
enum FeedXMLReader {
    static let atom = "http://www.w3.org/2005/Atom"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let rss1 = "http://purl.org/rss/1.0/"
    static let capPrefix = "urn:oasis:names:tc:emergency:cap:"

    /// True when the root element is one of the feed formats this reader knows.
    static func isFeedRoot(name: String, namespace: String?) -> Bool {
        (name == "rss" && namespace == nil) || (name == "feed" && namespace == atom) || (name == "RDF" && namespace == rdf)
    }

    static func read(_ root: SafeXMLElement, format: IngestFormat) throws(IngestError) -> FeedDocument {
        switch (root.name, root.namespace) {
        case ("rss", nil):
            guard let channel = root.child("channel", namespace: nil) else {
                throw IngestError(format: format, path: "/rss/channel", message: "is required in an RSS 2.0 document")
            }
            let items = try channel.children("item", namespace: nil).enumerated().map { index, item throws(IngestError) in
                try rssItem(item, namespace: nil, path: "/rss/channel/item[\(index)]", format: format)
            }
            return FeedDocument(kind: .rss2, title: channel.childValue("title", namespace: nil), link: channel.childValue("link", namespace: nil), items: items)
        case ("RDF", rdf):
            let channel = root.child("channel", namespace: rss1)
            let items = try root.children("item", namespace: rss1).enumerated().map { index, item throws(IngestError) in
                try rssItem(item, namespace: rss1, path: "/rdf:RDF/item[\(index)]", format: format)
            }
            return FeedDocument(kind: .rss1, title: channel?.childValue("title", namespace: rss1), link: channel?.childValue("link", namespace: rss1), items: items)
        case ("feed", atom):
            let items = try root.children("entry", namespace: atom).enumerated().map { index, entry throws(IngestError) in
                try atomEntry(entry, path: "/feed/entry[\(index)]", format: format)
            }
            return FeedDocument(kind: .atom, title: root.child("title", namespace: atom).map(atomText), link: alternateLink(root), items: items)
        default:
            let namespace = root.namespace.map { " in namespace \($0.prefix(100))" } ?? ""
            throw IngestError(format: format, path: "/", message: "the root element <\(root.name)>\(namespace) is not RSS 2.0 <rss>, RSS 1.0 <rdf:RDF> or Atom 1.0 <feed>")
        }
    }

    private static func rssItem(_ item: SafeXMLElement, namespace: String?, path: String, format: IngestFormat) throws(IngestError) -> FeedItem {
        var result = FeedItem(path: path)
        result.title = item.childValue("title", namespace: namespace).map(FeedText.plainText(fromHTML:)).flatMap(nonEmpty)
        result.link = item.childValue("link", namespace: namespace)
            ?? item.children("link", namespace: atom).first.flatMap { $0.attribute("href") }
        result.id = item.childValue("guid", namespace: namespace)
        result.summary = item.child("description", namespace: namespace).map { FeedText.plainText(fromHTML: $0.text) }.flatMap(nonEmpty)
        result.content = item.child("encoded", namespace: content).map { FeedText.plainText(fromHTML: $0.text) }.flatMap(nonEmpty)
        result.published = item.childValue("pubDate", namespace: namespace)
            ?? item.childValue("date", namespace: dublinCore)
            ?? item.childValue("published", namespace: atom)
        // Some generators (Amazon Linux ALAS) put a non-standard lastBuildDate on each item: the item's last change.
        result.updated = item.childValue("lastBuildDate", namespace: namespace)
            ?? item.childValue("updated", namespace: atom)
            ?? item.childValue("modified", namespace: "http://purl.org/dc/terms/")
        result.categories = (item.children("category", namespace: namespace) + item.children("subject", namespace: dublinCore)).compactMap(\.value)
        result.capFields = capFields(item)
        guard result.title != nil || result.summary != nil || result.content != nil else {
            throw IngestError(format: format, path: path, message: "has neither a title nor a description")
        }
        return result
    }

    private static func atomEntry(_ entry: SafeXMLElement, path: String, format: IngestFormat) throws(IngestError) -> FeedItem {
        var result = FeedItem(path: path)
        result.title = entry.child("title", namespace: atom).map(atomText).flatMap(nonEmpty)
        result.link = alternateLink(entry)
        result.id = entry.childValue("id", namespace: atom)
        result.summary = entry.child("summary", namespace: atom).map(atomText).flatMap(nonEmpty)
        if let content = entry.child("content", namespace: atom), content.attribute("src") == nil {
            result.content = nonEmpty(atomText(content))
        }
        result.published = entry.childValue("published", namespace: atom)
        result.updated = entry.childValue("updated", namespace: atom)
        result.categories = entry.children("category", namespace: atom).compactMap { category in
            (category.attribute("term") ?? category.attribute("label")).flatMap(nonEmpty)
        }
        result.capFields = capFields(entry)
        guard result.title != nil || result.summary != nil || result.content != nil else {
            throw IngestError(format: format, path: path, message: "has neither a title, a summary nor a content")
        }
        return result
    }

    /// An Atom text construct as plain text, according to its `type` (`text`, `html`, `xhtml`).
    private static func atomText(_ element: SafeXMLElement) -> String {
        switch element.attribute("type")?.lowercased() {
        case "html", "text/html":
            return FeedText.plainText(fromHTML: element.text)
        case "xhtml", "application/xhtml+xml":
            return FeedText.tidyLines(element.textContent)
        default:
            return FeedText.tidyLines(element.text)
        }
    }

    /// The `rel="alternate"` link of an Atom element (a link without `rel` is an alternate link).
    private static func alternateLink(_ element: SafeXMLElement) -> String? {
        let links = element.children("link", namespace: atom)
        let alternate = links.first { ($0.attribute("rel") ?? "alternate") == "alternate" } ?? links.first
        return alternate?.attribute("href")
    }

    /// The simple CAP elements an entry carries as extensions, by local name.
    private static func capFields(_ element: SafeXMLElement) -> [String: String] {
        var fields: [String: String] = [:]
        for child in element.children where child.namespace?.hasPrefix(capPrefix) == true && child.children.isEmpty {
            if let value = child.value, fields[child.name] == nil { fields[child.name] = value }
        }
        return fields
    }

    private static func nonEmpty(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }
}
