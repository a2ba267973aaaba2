import Foundation
import TocsinCore

/// The three pull formats of one feed: Atom 1.0, RSS 2.0 and JSON Feed 1.1, built from the same entries.
struct FeedDocuments {
    var title: String
    var feedURL: String
    var homeURL: String
    var entries: [FeedEntry]
    var updated: Date

    /// Atom 1.0 (RFC 4287): feed id, title, updated, self link; each entry with id, title, updated, published,
    /// summary, text content, categories and a link to the alert.
    func atom(feedId: String) -> String {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <id>\(XMLText.escape(feedId))</id>
              <title>\(XMLText.escape(title))</title>
              <updated>\(RFC3339.format(updated))</updated>
              <link rel="self" type="application/atom+xml" href="\(XMLText.escape(feedURL))"/>
              <link rel="alternate" href="\(XMLText.escape(homeURL))"/>
              <author><name>Tocsin</name></author>
              <generator>Tocsin</generator>

            """
        for entry in entries {
            xml += """
                  <entry>
                    <id>\(entry.id)</id>
                    <title>\(XMLText.escape(entry.title))</title>
                    <updated>\(RFC3339.format(entry.alert.updatedAt))</updated>
                    <published>\(RFC3339.format(entry.alert.publishedAt))</published>
                    <link rel="alternate" href="\(XMLText.escape(entry.link))"/>
                    <summary>\(XMLText.escape(entry.alert.summary))</summary>
                    <content type="text">\(XMLText.escape(entry.text))</content>

                """
            for tag in entry.tags { xml += "    <category term=\"\(XMLText.escape(tag))\"/>\n" }
            xml += "  </entry>\n"
        }
        return xml + "</feed>\n"
    }

    /// RSS 2.0: channel title, link, description, lastBuildDate; items with a non-permalink guid (the alert id),
    /// RFC 822 dates and categories.
    func rss() -> String {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
              <channel>
                <title>\(XMLText.escape(title))</title>
                <link>\(XMLText.escape(homeURL))</link>
                <description>\(XMLText.escape(title))</description>
                <lastBuildDate>\(HTTPDate.format(updated))</lastBuildDate>
                <generator>Tocsin</generator>
                <atom:link rel="self" type="application/rss+xml" href="\(XMLText.escape(feedURL))"/>

            """
        for entry in entries {
            xml += """
                    <item>
                      <guid isPermaLink="false">\(entry.id)</guid>
                      <title>\(XMLText.escape(entry.title))</title>
                      <link>\(XMLText.escape(entry.link))</link>
                      <description>\(XMLText.escape(entry.text))</description>
                      <pubDate>\(HTTPDate.format(entry.alert.updatedAt))</pubDate>

                """
            for tag in entry.tags { xml += "      <category>\(XMLText.escape(tag))</category>\n" }
            xml += "    </item>\n"
        }
        return xml + "  </channel>\n</rss>\n"
    }

    /// JSON Feed 1.1, with Tocsin's own fields under `_tocsin` as the specification allows for extensions.
    func jsonFeed(nextURL: String?) throws -> [UInt8] {
        var items: [[String: Any]] = []
        for entry in entries {
            let alert = entry.alert
            var tocsin: [String: Any] = [
                "severity": alert.severity.rawValue, "tlp": alert.tlp.rawValue,
                "status": alert.status.rawValue, "revision": alert.revision, "cves": alert.cves, "regions": alert.regions,
            ]
            tocsin["indicators"] = alert.indicators.map { indicator -> [String: Any] in
                var item: [String: Any] = ["type": indicator.type.rawValue, "value": indicator.value,
                                           "origin": indicator.effectiveOrigin.rawValue]
                if let confidence = indicator.confidence { item["confidence"] = confidence }
                return item
            }
            items.append([
                "id": entry.id, "url": entry.link, "title": entry.title, "summary": alert.summary, "content_text": entry.text,
                "date_published": RFC3339.format(alert.publishedAt), "date_modified": RFC3339.format(alert.updatedAt),
                "tags": entry.tags, "_tocsin": tocsin,
            ])
        }
        var feed: [String: Any] = [
            "version": "https://jsonfeed.org/version/1.1", "title": title, "home_page_url": homeURL, "feed_url": feedURL, "items": items,
        ]
        if let nextURL { feed["next_url"] = nextURL }
        return Array(try JSONSerialization.data(withJSONObject: feed, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
