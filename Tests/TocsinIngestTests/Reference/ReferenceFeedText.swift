import Foundation

/// The character-level text clean-up that `FeedText` replaced with a byte-level one, kept as the reference that
/// the differential test compares the fast one with.
enum ReferenceFeedText {
    /// Plain text from an HTML fragment: tags removed (block ends become line breaks), scripts and styles
    /// dropped, entities decoded, white space collapsed within lines and blank lines squeezed.
    static func plainText(fromHTML html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return tidyLines(html) }
        // With layout markup, source line breaks are mere white space (outside <pre>); without it (plain text or
        // Markdown in a description), they are the text's own line breaks.
        let lowered = html.lowercased()
        let hasLayout = ["<p", "<br", "<div", "<li", "<h1", "<h2", "<h3", "<h4", "<tr"].contains { lowered.contains($0) }
        var inPre = false
        var output = ""
        output.reserveCapacity(html.utf8.count)
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            guard character == "<" else {
                output.append(hasLayout && !inPre && character.isNewline ? " " : character)
                index = html.index(after: index)
                continue
            }
            let rest = html[index...]
            guard let close = rest.firstIndex(of: ">") else {
                output.append(contentsOf: rest)
                break
            }
            let tag = rest[rest.index(after: rest.startIndex)..<close]
            guard let first = tag.first, first.isLetter || first == "/" || first == "!" else {
                output.append(character)  // a lone "<" in text, as in "a < b"
                index = html.index(after: index)
                continue
            }
            let tagName = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
            var next = html.index(after: close)
            if tagName == "pre" { inPre = first != "/" }
            if tagName == "script" || tagName == "style", first != "/" {
                if let end = html.range(of: "</\(tagName)", options: .caseInsensitive, range: next..<html.endIndex) {
                    next = html[end.upperBound...].firstIndex(of: ">").map { html.index(after: $0) } ?? html.endIndex
                } else {
                    next = html.endIndex
                }
            } else if paragraphTags.contains(tagName) {
                output.append("\n\n")
            } else if lineTags.contains(tagName), first != "/" {
                output.append("\n")
            } else if tagName == "td" || tagName == "th" {
                output.append(" ")
            }
            index = next
        }
        return tidyLines(decodeEntities(output))
    }

    /// Tags that open and close a paragraph (a blank line around them).
    private static let paragraphTags: Set<String> = [
        "p", "div", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "section",
    ]
    /// Tags that start a new line.
    private static let lineTags: Set<String> = ["br", "li", "tr", "hr"]

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "copy": "©", "reg": "®", "trade": "™",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«",
        "raquo": "»", "bull": "•", "middot": "·", "deg": "°", "euro": "€", "eacute": "é", "egrave": "è", "ecirc": "ê",
        "euml": "ë", "agrave": "à", "acirc": "â", "auml": "ä", "ccedil": "ç", "icirc": "î", "iuml": "ï", "ocirc": "ô",
        "ouml": "ö", "ugrave": "ù", "ucirc": "û", "uuml": "ü", "oelig": "œ", "Eacute": "É", "Egrave": "È", "Ecirc": "Ê",
        "Agrave": "À", "Acirc": "Â", "Ccedil": "Ç", "Ocirc": "Ô", "OElig": "Œ", "szlig": "ß", "ntilde": "ñ", "aacute": "á",
        "iacute": "í", "oacute": "ó", "uacute": "ú",
    ]

    /// Decodes HTML character references (`&amp;`, `&eacute;`, `&#233;`, `&#x20AC;`); unknown ones are left as written.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "&", let semicolon = text[index...].prefix(34).firstIndex(of: ";") else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let name = text[text.index(after: index)..<semicolon]
            var replacement: String?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else if name.hasPrefix("#") {
                replacement = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else {
                replacement = namedEntities[String(name)]
            }
            if let replacement, replacement != "\u{0}" {
                output += replacement
                index = text.index(after: semicolon)
            } else {
                output.append(character)
                index = text.index(after: index)
            }
        }
        return output
    }

    /// White space collapsed to single spaces within each line, lines trimmed, runs of blank lines squeezed to one.
    static func tidyLines(_ text: String) -> String {
        var lines: [String] = []
        var blank = false
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let collapsed = collapse(line)
            if collapsed.isEmpty {
                if !lines.isEmpty { blank = true }
            } else {
                if blank { lines.append("") }
                blank = false
                lines.append(collapsed)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// All white space (line breaks included) collapsed to single spaces, ends trimmed.
    static func collapse<S: StringProtocol>(_ text: S) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

}
