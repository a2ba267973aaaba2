import Foundation

/// Reads JSON Feed 1.0 and 1.1 documents into a `FeedDocument`.
enum FeedJSONReader {
    static let versionPrefix = "https://jsonfeed.org/version/1"

    static func read(_ data: Data, format: IngestFormat) throws(IngestError) -> FeedDocument {
        let document = try IngestJSON.decode(JSONFeedDocument.self, from: data, format: format)
        guard document.version.hasPrefix(versionPrefix) else {
            throw IngestError(format: format, path: "version", message: "'\(document.version.prefix(80))' is not a JSON Feed 1.x version URL")
        }
        let items = try document.items.enumerated().map { index, item throws(IngestError) in
            var result = FeedItem(path: "items[\(index)]")
            result.title = item.title.map(FeedText.collapse).flatMap { $0.isEmpty ? nil : $0 }
            result.link = item.url ?? item.externalURL
            result.id = item.id?.text
            let summary = item.summary ?? item.contentText
            result.summary = summary.map(FeedText.tidyLines).flatMap { $0.isEmpty ? nil : $0 }
            result.content = (item.contentHTML.map(FeedText.plainText(fromHTML:)) ?? item.contentText.map(FeedText.tidyLines))
                .flatMap { $0.isEmpty ? nil : $0 }
            result.published = item.datePublished
            result.updated = item.dateModified
            result.categories = (item.tags ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard result.title != nil || result.summary != nil || result.content != nil else {
                throw IngestError(format: format, path: result.path, message: "has neither a title nor any content")
            }
            return result
        }
        return FeedDocument(kind: .jsonFeed, title: document.title, link: document.homePageURL, items: items)
    }
}

/// The subset of JSON Feed 1.x Tocsin reads.
private struct JSONFeedDocument: Decodable {
    var version: String
    var title: String?
    var homePageURL: String?
    var items: [JSONFeedItem]

    enum CodingKeys: String, CodingKey {
        case version, title, items
        case homePageURL = "home_page_url"
    }
}

private struct JSONFeedItem: Decodable {
    var id: JSONFeedID?
    var url: String?
    var externalURL: String?
    var title: String?
    var contentHTML: String?
    var contentText: String?
    var summary: String?
    var datePublished: String?
    var dateModified: String?
    var tags: [String]?

    enum CodingKeys: String, CodingKey {
        case id, url, title, summary, tags
        case externalURL = "external_url"
        case contentHTML = "content_html"
        case contentText = "content_text"
        case datePublished = "date_published"
        case dateModified = "date_modified"
    }
}

/// JSON Feed 1.1 says `id` is a string; 1.0 publishers also wrote numbers.
private struct JSONFeedID: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let number = try? container.decode(Int64.self) {
            text = String(number)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be a string or an integer")
        }
    }
}
