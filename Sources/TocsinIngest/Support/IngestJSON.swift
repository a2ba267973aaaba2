import Foundation
import TocsinCore

/// Reads a JSON document for an ingest adapter under `IngestLimits`: the size, nesting depth and UTF-8 checks run
/// before any decoder allocates for the document, and decoding failures become an `IngestError` that names the
/// offending field.
///
/// Every JSON adapter (CSAF, CVE, KEV, STIX, MISP, native, JSON Feed, CERT-FR) reads through here, so that a hostile
/// or broken document is refused in the same words whatever its format.
enum IngestJSON {
    /// Decodes `data` as `T` after `checkLimits(_:format:)`, or fails with the path and reason of the first
    /// problem found.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, format: IngestFormat,
                                     decoder: JSONDecoder = JSONDecoder()) throws(IngestError) -> T {
        try checkLimits(data, format: format)
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw Self.error(error, format: format)
        }
    }

    /// Rejects documents that are empty, larger than `IngestLimits.documentBytes`, nested deeper than
    /// `IngestLimits.depth` or not valid UTF-8.
    static func checkLimits(_ data: Data, format: IngestFormat) throws(IngestError) {
        guard !data.isEmpty else { throw IngestError(format: format, path: "", message: "the document is empty") }
        guard data.count <= IngestLimits.documentBytes else {
            throw IngestError(format: format, path: "", message: "the document is larger than \(IngestLimits.documentBytes / 1_048_576) MiB")
        }
        if let offset = depthExceeded(data, limit: IngestLimits.depth) {
            throw IngestError(format: format, path: "", message: "the JSON nests deeper than \(IngestLimits.depth) levels (at byte \(offset))")
        }
        if let offset = invalidUTF8Offset(data) {
            throw IngestError(format: format, path: "", message: "the document is not valid UTF-8 (at byte \(offset))")
        }
    }

    /// The byte offset at which the nesting of objects and arrays exceeds `limit`, or nil when the document stays
    /// within it. A scan of the raw bytes, so that a hostile document cannot exhaust the stack of a recursive
    /// decoder; brackets inside strings do not count.
    static func depthExceeded(_ data: Data, limit: Int) -> Int? {
        data.withUnsafeBytes { raw in
            var depth = 0
            var inString = false
            var escaped = false
            for (offset, byte) in raw.enumerated() {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if depth > limit { return offset }
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
            }
            return nil
        }
    }

    /// The offset of the first byte that does not belong to a valid UTF-8 sequence, or nil when all are valid.
    static func invalidUTF8Offset(_ data: Data) -> Int? {
        data.withUnsafeBytes { raw in
            // Pure ASCII, the common case, needs no decoder.
            guard raw.contains(where: { $0 >= 0x80 }) else { return nil }
            var decoder = UTF8()
            var iterator = raw.makeIterator()
            var offset = 0
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): offset += UTF8.width(scalar)
                case .emptyInput: return nil
                case .error: return offset
                }
            }
        }
    }

    /// A decoding failure as an `IngestError` naming the offending field; an `IngestError` thrown from a model's
    /// own `init(from:)` passes unchanged.
    static func error(_ error: any Error, format: IngestFormat) -> IngestError {
        if let error = error as? IngestError { return error }
        guard let decoding = error as? DecodingError else {
            return IngestError(format: format, path: "", message: "the document is not valid JSON")
        }
        let (field, reason) = decoding.fieldAndReason
        // The shared wording speaks of a request body; an ingested file is a document.
        return IngestError(format: format, path: field, message: reason == "the body is not valid JSON" ? "the document is not valid JSON" : reason)
    }

    // MARK: A first look, for `recognises(_:)`

    /// The head of a document with all ASCII whitespace removed, so that `"key" : "value"` and `"key":"value"`
    /// look the same.
    static func compactHead(_ data: Data, bytes: Int = 8_192) -> String {
        String(decoding: data.prefix(bytes).filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }, as: UTF8.self)
    }

    /// The first byte that is not white space (after a UTF-8 BOM), nil for an empty document.
    static func firstSignificantByte(_ data: Data) -> UInt8? {
        var bytes = data.prefix(4096)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return bytes.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
    }
}
