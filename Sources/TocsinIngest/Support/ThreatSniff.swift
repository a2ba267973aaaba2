import Foundation

/// The first bytes of a document as text, for the cheap format guesses of `IngestAdapter.recognises(_:)`.
enum ThreatSniff {
    /// Up to `bytes` bytes from the start, decoded leniently, without a byte-order mark or leading whitespace.
    static func head(_ data: Data, bytes: Int = 4096) -> String {
        var text = String(decoding: data.prefix(bytes), as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return String(text.drop(while: \.isWhitespace))
    }

    /// The members of the outermost JSON object in `text` (of the first element when the document is an array),
    /// with their string values ("" for values of other types), read from as much of the document as `text` holds.
    static func topLevelMembers(_ text: String) -> [String: String] {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return [:] }
        let objectDepth = first == UInt8(ascii: "[") ? 2 : 1
        var members: [String: String] = [:]
        var depth = 0
        var index = 0
        var pendingKey: String?
        var expectingKey = false
        func readString() -> String? {
            // `index` is on the opening quote; escapes are kept as written, which is enough for keys and markers.
            var end = index + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard end < bytes.count else { return nil }
            let value = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
            index = end + 1
            return value
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard let value = readString() else { return members }
                if depth == objectDepth {
                    if expectingKey {
                        pendingKey = value
                        expectingKey = false
                    } else if let key = pendingKey {
                        members[key] = value
                        pendingKey = nil
                    }
                }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == objectDepth, let key = pendingKey { members[key] = ""; pendingKey = nil }
                depth += 1
                if depth == objectDepth, byte == UInt8(ascii: "{") { expectingKey = true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == objectDepth, let key = pendingKey { members[key] = ""; pendingKey = nil }
                depth -= 1
                if depth < objectDepth { return members }
            case UInt8(ascii: ","):
                if depth == objectDepth {
                    if let key = pendingKey { members[key] = "" }
                    pendingKey = nil
                    expectingKey = true
                }
            default:
                break
            }
            index += 1
        }
        if let key = pendingKey { members[key] = "" }
        return members
    }
}
