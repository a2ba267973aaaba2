import Foundation

/// The checks a JSON document passes before it reaches `JSONDecoder`: size, nesting depth, and that it is an
/// object (the feed and CERT-FR formats are objects at the top).
enum FeedJSONGuard {
    /// Throws when the document is too large, nested deeper than `IngestLimits.depth`, or not a JSON object.
    static func check(_ data: Data, format: IngestFormat) throws(IngestError) {
        guard data.count <= IngestLimits.documentBytes else {
            throw IngestError(format: format, path: "", message: "the document is \(data.count) bytes, more than the \(IngestLimits.documentBytes) accepted")
        }
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= IngestLimits.depth else {
                    throw IngestError(format: format, path: "", message: "JSON nested deeper than \(IngestLimits.depth) levels")
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            default:
                break
            }
        }
    }

    /// The first byte that is not white space (after a UTF-8 BOM), nil for an empty document.
    static func firstSignificantByte(_ data: Data) -> UInt8? {
        var bytes = data.prefix(4096)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return bytes.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
    }

    /// A decoding failure as an `IngestError` naming the offending field.
    static func error(_ error: any Error, format: IngestFormat) -> IngestError {
        if let decoding = error as? DecodingError {
            let (field, reason) = decoding.fieldAndReason
            return IngestError(format: format, path: field, message: reason)
        }
        return IngestError(format: format, path: "", message: "the document is not valid JSON")
    }
}
