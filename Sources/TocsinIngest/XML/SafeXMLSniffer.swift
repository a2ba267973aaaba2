import Foundation

/// A cheap look at the start of a document for format detection: the root element's start tag, found by skipping
/// the XML declaration, processing instructions, comments and white space, without parsing the document.
public struct SafeXMLRootTag: Sendable, Equatable {
    /// The root element's local name (`alert`, `rss`, `feed`).
    public var name: String
    /// The whole start tag as written (namespace declarations included), for cheap namespace checks.
    public var startTag: String
    /// The first bytes of the document (at most `SafeXMLRootTag.window`), as lossy text, for further cheap checks.
    public var head: String

    /// How much of the document is looked at.
    public static let window = 64 * 1024

    /// The root start tag, or nil when the bytes do not look like XML within the first `window` bytes.
    public static func sniff(_ data: Data) -> SafeXMLRootTag? {
        let head = Array(data.prefix(window))
        var index = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func starts(_ literal: String) -> Bool {
            let utf8 = Array(literal.utf8)
            return index + utf8.count <= head.count && Array(head[index..<(index + utf8.count)]) == utf8
        }
        func skip(past terminator: String) -> Bool {
            let utf8 = Array(terminator.utf8)
            var probe = index
            while probe + utf8.count <= head.count {
                if Array(head[probe..<(probe + utf8.count)]) == utf8 { index = probe + utf8.count; return true }
                probe += 1
            }
            return false
        }
        while index < head.count {
            let byte = head[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else if starts("<!--") {
                guard skip(past: "-->") else { return nil }
            } else if starts("<?") {
                guard skip(past: "?>") else { return nil }
            } else if starts("<!") {
                guard skip(past: ">") else { return nil }
            } else if byte == UInt8(ascii: "<") {
                let start = index
                guard skip(past: ">") else { return nil }
                let tag = String(decoding: head[start..<index], as: UTF8.self)
                let qualified = tag.dropFirst().prefix { !($0.isWhitespace || $0 == "/" || $0 == ">") }
                let name = qualified.split(separator: ":").last.map(String.init) ?? ""
                guard !name.isEmpty else { return nil }
                return SafeXMLRootTag(name: name, startTag: tag, head: String(decoding: head, as: UTF8.self))
            } else {
                return nil
            }
        }
        return nil
    }
}
