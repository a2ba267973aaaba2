import Foundation
import TocsinCore

/// Reads a JSON document into a `Decodable` model for an ingest adapter: enforces the size and nesting limits
/// before decoding, and turns decoding failures into an `IngestError` that names the offending field.
enum JSONIngestDecoding {
    /// Decodes `data` as `T`, or fails with the path and reason of the first problem found.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, format: IngestFormat) throws(IngestError) -> T {
        try checkShape(data, format: format)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            let (field, reason) = error.fieldAndReason
            throw IngestError(format: format, path: field, message: reason)
        } catch let error as IngestError {
            throw error
        } catch {
            throw IngestError(format: format, path: "", message: "the document could not be read as JSON")
        }
    }

    /// Rejects documents that are empty, larger than `IngestLimits.documentBytes` or nested deeper than
    /// `IngestLimits.depth`, before any decoder allocates for them.
    static func checkShape(_ data: Data, format: IngestFormat) throws(IngestError) {
        guard !data.isEmpty else { throw IngestError(format: format, path: "", message: "the document is empty") }
        guard data.count <= IngestLimits.documentBytes else {
            throw IngestError(format: format, path: "", message: "the document is larger than \(IngestLimits.documentBytes / 1_048_576) MiB")
        }
        let tooDeep: Bool = data.withUnsafeBytes { raw in
            var depth = 0
            var inString = false
            var escaped = false
            for byte in raw {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if depth > IngestLimits.depth { return true }
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
            }
            return false
        }
        if tooDeep {
            throw IngestError(format: format, path: "", message: "the document nests objects and arrays deeper than \(IngestLimits.depth) levels")
        }
    }

    /// The first `bytes` of a document as text, for the cheap look `recognises(_:)` takes; invalid UTF-8 at the
    /// cut is dropped rather than failing.
    static func head(_ data: Data, bytes: Int = 8_192) -> String {
        String(decoding: data.prefix(bytes), as: UTF8.self)
    }

    /// The head of a document with all ASCII whitespace removed, so that `"key" : "value"` and `"key":"value"`
    /// look the same to `recognises(_:)`.
    static func compactHead(_ data: Data, bytes: Int = 8_192) -> String {
        String(decoding: data.prefix(bytes).filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }, as: UTF8.self)
    }
}
