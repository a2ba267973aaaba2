import Foundation
import TocsinCore

/// Text clean-up shared by the feed, CAP and CERT-FR adapters: HTML to plain text, entity decoding, white space
/// and CVE extraction.
public enum FeedText {
    // The clean-up works on UTF-8 bytes: everything it looks for (tags, entities, line breaks, white space) is ASCII
    // or a known multi-byte sequence, and walking bytes instead of grapheme clusters makes feeds read ten times faster.

    /// Plain text from an HTML fragment: tags removed (block ends become line breaks), scripts and styles
    /// dropped, entities decoded, white space collapsed within lines and blank lines squeezed.
    public static func plainText(fromHTML html: String) -> String {
        let bytes = Array(html.utf8)
        guard bytes.contains(.lessThan) || bytes.contains(.ampersand) else {
            // Text already on one line with single spaces, the common case of a title or a short description, is
            // its own tidy form.
            return isCollapsed(bytes) ? html : tidyLines(bytes)
        }
        // With layout markup, source line breaks are mere white space (outside <pre>); without it (plain text or
        // Markdown in a description), they are the text's own line breaks.
        let hasLayout = hasLayoutMarker(bytes)
        var inPre = false
        var knownClose = -1
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == .lessThan else {
                if hasLayout, !inPre, let length = bytes.newlineLength(at: index) {
                    output.append(.space)
                    index += length
                } else {
                    output.append(byte)
                    index += 1
                }
                continue
            }
            // The next ">" is looked for once per stretch of text, not once per "<": a run of lone "<" before a
            // far ">" would otherwise be read again and again.
            if knownClose < index { knownClose = bytes[index...].firstIndex(of: .greaterThan) ?? bytes.count }
            guard knownClose < bytes.count else {
                output.append(contentsOf: bytes[index...])
                break
            }
            let close = knownClose
            let first = index + 1
            guard first < close, bytes[first] == .slash || bytes[first] == .bang || bytes.isLetter(at: first) else {
                output.append(byte)  // a lone "<" in text, as in "a < b"
                index += 1
                continue
            }
            let tagName = bytes.tagName(from: first, to: close)
            let closing = bytes[first] == .slash
            var next = close + 1
            if tagName == "pre" { inPre = !closing }
            if tagName == "script" || tagName == "style", !closing {
                if let end = bytes.firstASCIICaseInsensitive("</" + tagName, from: next) {
                    next = bytes[end...].firstIndex(of: .greaterThan).map { $0 + 1 } ?? bytes.count
                } else {
                    next = bytes.count
                }
            } else if paragraphTags.contains(tagName) {
                output.append(contentsOf: [.newline, .newline])
            } else if lineTags.contains(tagName), !closing {
                output.append(.newline)
            } else if tagName == "td" || tagName == "th" {
                output.append(.space)
            }
            index = next
        }
        return tidyLines(decodeEntities(output))
    }

    /// Lower-case openings of the tags that lay text out.
    private static let layoutMarkers = ["<p", "<br", "<div", "<li", "<h1", "<h2", "<h3", "<h4", "<tr"].map { Array($0.utf8) }

    /// Whether one of `layoutMarkers` occurs, ignoring the case of ASCII letters: one pass, looking only after each "<".
    private static func hasLayoutMarker(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while let open = bytes[index...].firstIndex(of: .lessThan) {
            for marker in layoutMarkers where open + marker.count <= bytes.count {
                var offset = 1
                while offset < marker.count, bytes[open + offset].asciiLowercased == marker[offset] { offset += 1 }
                if offset == marker.count { return true }
            }
            index = open + 1
        }
        return false
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
    public static func decodeEntities(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(.ampersand) else { return text }
        return String(decoding: decodeEntities(bytes), as: UTF8.self)
    }

    private static func decodeEntities(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(.ampersand) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            // A reference is at most 32 characters between "&" and ";".
            guard byte == .ampersand, let semicolon = bytes[index..<min(index + 34, bytes.count)].firstIndex(of: .semicolon) else {
                output.append(byte)
                index += 1
                continue
            }
            let name = String(decoding: bytes[(index + 1)..<semicolon], as: UTF8.self)
            var replacement: String?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else if name.hasPrefix("#") {
                replacement = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else {
                replacement = namedEntities[name]
            }
            if let replacement, replacement != "\u{0}" {
                output.append(contentsOf: replacement.utf8)
                index = semicolon + 1
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    /// White space collapsed to single spaces within each line, lines trimmed, runs of blank lines squeezed to one.
    /// A line ends at LF, CR or CRLF.
    public static func tidyLines(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return isCollapsed(bytes) ? text : tidyLines(bytes)
    }

    private static func tidyLines(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var blank = false
        var start = 0
        while true {
            var end = start
            while end < bytes.count, bytes[end] != .newline, bytes[end] != .carriageReturn { end += 1 }
            // The line goes in after its break (two after blank lines); an empty one is taken out again.
            let mark = output.count
            if mark > 0 {
                output.append(.newline)
                if blank { output.append(.newline) }
            }
            let content = output.count
            appendCollapsed(bytes, start..<end, to: &output)
            if output.count == content {
                output.removeSubrange(mark...)
                if mark > 0 { blank = true }
            } else {
                blank = false
            }
            guard end < bytes.count else { break }
            start = end + (bytes[end] == .carriageReturn && end + 1 < bytes.count && bytes[end + 1] == .newline ? 2 : 1)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// All white space (line breaks included) collapsed to single spaces, ends trimmed.
    public static func collapse<S: StringProtocol>(_ text: S) -> String {
        let bytes = Array(text.utf8)
        if isCollapsed(bytes) { return String(text) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        appendCollapsed(bytes, 0..<bytes.count, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether collapsing would leave the text as it is: no white space but single spaces between other characters.
    private static func isCollapsed(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var afterSpace = true
            var index = 0
            let count = buffer.count
            while index < count {
                let byte = buffer[index]
                if byte > 0x20, byte < 0x80 {
                    afterSpace = false
                } else if byte == .space {
                    if afterSpace { return false }
                    afterSpace = true
                } else if byte >= 0x80 {
                    // Only a lead byte can start white space; a continuation byte never does.
                    if byte >= 0xC2, byte <= 0xE3, bytes.whitespaceLength(at: index, before: count) != nil { return false }
                    afterSpace = false
                } else if byte >= 0x09, byte <= 0x0D {
                    return false
                } else {
                    afterSpace = false
                }
                index += 1
            }
            return !afterSpace || count == 0
        }
    }

    /// Appends `bytes[range]` with its runs of white space as single spaces and none at either end.
    private static func appendCollapsed(_ bytes: [UInt8], _ range: Range<Int>, to output: inout [UInt8]) {
        let start = output.count
        var pendingSpace = false
        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            // A run of printable ASCII, most of any text, is never white space and goes in whole.
            var runEnd = index
            while runEnd < end, bytes[runEnd] > 0x20, bytes[runEnd] < 0x80 { runEnd += 1 }
            if runEnd > index {
                if pendingSpace {
                    output.append(.space)
                    pendingSpace = false
                }
                output.append(contentsOf: bytes[index..<runEnd])
                index = runEnd
                continue
            }
            if let length = bytes.whitespaceLength(at: index, before: end) {
                pendingSpace = output.count > start
                index += length
                continue
            }
            if pendingSpace {
                output.append(.space)
                pendingSpace = false
            }
            output.append(bytes[index])
            index += 1
        }
    }

    /// CVE identifiers found in free text, upper-cased, without duplicates, in order of appearance (at most
    /// `AlertDraft.Limits.listItems`).
    public static func cves(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        var found: [String] = []
        var seen = Set<String>()
        var index = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        while index + 13 <= bytes.count {
            let isStart = (bytes[index] | 0x20) == UInt8(ascii: "c") && (bytes[index + 1] | 0x20) == UInt8(ascii: "v")
                && (bytes[index + 2] | 0x20) == UInt8(ascii: "e") && bytes[index + 3] == UInt8(ascii: "-")
                && (index == 0 || !(bytes[index - 1].isASCIIAlphanumeric))
            guard isStart, bytes[(index + 4)..<(index + 8)].allSatisfy(isDigit), bytes[index + 8] == UInt8(ascii: "-") else {
                index += 1
                continue
            }
            var end = index + 9
            while end < bytes.count, isDigit(bytes[end]) { end += 1 }
            let number = end - index - 9
            if number >= 4, number <= 19 {
                let id = "CVE-" + String(decoding: bytes[(index + 4)..<end], as: UTF8.self)
                if seen.insert(id).inserted { found.append(id) }
                if found.count == AlertDraft.Limits.listItems { break }
            }
            index = end
        }
        return found
    }

}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
    }
}

extension UInt8 {
    fileprivate static let newline = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let lessThan = UInt8(ascii: "<")
    fileprivate static let greaterThan = UInt8(ascii: ">")
    fileprivate static let ampersand = UInt8(ascii: "&")
    fileprivate static let semicolon = UInt8(ascii: ";")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let bang = UInt8(ascii: "!")

    fileprivate var isASCIILetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
    fileprivate var asciiLowercased: UInt8 { isASCIILetter ? self | 0x20 : self }
}

extension Array where Element == UInt8 {
    /// The Unicode scalar that starts at `index` (the bytes come from a `String`, so they are valid UTF-8), and its length.
    fileprivate func scalar(at index: Int) -> (Unicode.Scalar, Int)? {
        let lead = self[index]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard index + length <= count else { return nil }
        var value = length == 1 ? UInt32(lead) : UInt32(lead) & (0xFF >> (length + 1))
        for offset in 1..<length { value = value << 6 | UInt32(self[index + offset] & 0x3F) }
        return Unicode.Scalar(value).map { ($0, length) }
    }

    /// Whether a letter starts at `index`, as `Character.isLetter` says of its first scalar.
    fileprivate func isLetter(at index: Int) -> Bool {
        if self[index] < 0x80 { return self[index].isASCIILetter }
        return scalar(at: index)?.0.properties.isAlphabetic ?? false
    }

    /// A tag's lower-cased name: past any "/", the letters and digits up to the first other character.
    fileprivate func tagName(from start: Int, to end: Int) -> String {
        var index = start
        while index < end, self[index] == .slash { index += 1 }
        var name: [UInt8] = []
        while index < end {
            if self[index] < 0x80 {
                guard self[index].isASCIILetter || (self[index] >= 0x30 && self[index] <= 0x39) else { break }
                name.append(self[index].asciiLowercased)
                index += 1
            } else {
                guard let (scalar, length) = scalar(at: index),
                      scalar.properties.isAlphabetic || scalar.properties.numericType != nil else { break }
                name.append(contentsOf: self[index..<(index + length)])
                index += length
            }
        }
        return String(decoding: name, as: UTF8.self)
    }

    /// The length of the line break (as `Character.isNewline` knows them) starting at `index`, if one does.
    fileprivate func newlineLength(at index: Int) -> Int? {
        let byte = self[index]
        if byte >= 0x0A && byte <= 0x0D { return 1 }
        if byte == 0xC2, index + 1 < count, self[index + 1] == 0x85 { return 2 }
        if byte == 0xE2, index + 2 < count, self[index + 1] == 0x80, self[index + 2] == 0xA8 || self[index + 2] == 0xA9 { return 3 }
        return nil
    }

    /// The length of the white space (Unicode's White_Space property) starting at `index`, if one does.
    func whitespaceLength(at index: Int, before end: Int) -> Int? {
        let byte = self[index]
        switch byte {
        case 0x09...0x0D, 0x20: return 1
        case 0xC2:
            guard index + 1 < end else { return nil }
            return self[index + 1] == 0x85 || self[index + 1] == 0xA0 ? 2 : nil
        case 0xE1:
            guard index + 2 < end else { return nil }
            return self[index + 1] == 0x9A && self[index + 2] == 0x80 ? 3 : nil
        case 0xE2:
            guard index + 2 < end else { return nil }
            let second = self[index + 1], third = self[index + 2]
            if second == 0x80, third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF { return 3 }
            return second == 0x81 && third == 0x9F ? 3 : nil
        case 0xE3:
            guard index + 2 < end else { return nil }
            return self[index + 1] == 0x80 && self[index + 2] == 0x80 ? 3 : nil
        default: return nil
        }
    }

    /// Whether the ASCII `needle` (lower-case) occurs, ignoring the case of ASCII letters.
    func containsASCIICaseInsensitive(_ needle: String) -> Bool { firstASCIICaseInsensitive(needle, from: 0) != nil }

    /// Where the ASCII `needle` (lower-case) first occurs from `start`, ignoring the case of ASCII letters.
    func firstASCIICaseInsensitive(_ needle: String, from start: Int) -> Int? {
        let pattern = Array(needle.utf8)
        guard let head = pattern.first, count - start >= pattern.count else { return nil }
        // The two cases of an ASCII letter differ only in bit 0x20: for a lower-case head, `byte | 0x20 == head` is the
        // case-insensitive test, without asking whether the byte is a letter.
        let headIsLowercaseLetter = head >= UInt8(ascii: "a") && head <= UInt8(ascii: "z")
        return withUnsafeBufferPointer { bytes -> Int? in
            var index = start
            while index + pattern.count <= bytes.count {
                let byte = bytes[index]
                if headIsLowercaseLetter ? byte | 0x20 == head : byte.asciiLowercased == head {
                    var offset = 1
                    while offset < pattern.count, bytes[index + offset].asciiLowercased == pattern[offset] { offset += 1 }
                    if offset == pattern.count { return index }
                }
                index += 1
            }
            return nil
        }
    }
}
