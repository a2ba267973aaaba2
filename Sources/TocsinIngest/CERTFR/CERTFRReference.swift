import TocsinCore

/// A CERT-FR document reference such as `CERTFR-2024-AVI-0014`, `CERTA-2004-AVI-400` or `CERTFR-2026-ACT-034`:
/// the stable identity of an advisory, shared by its JSON document, its web page and its RSS item.
public struct CERTFRReference: Sendable, Hashable, CustomStringConvertible {
    /// `CERTFR` (since 2014) or `CERTA` (before).
    public var prefix: String
    public var year: Int
    /// The document series code: `AVI`, `ALE`, `ACT`, `CTI`, `IOC`, `DUR`, `INF`…
    public var series: String
    /// The number as written, keeping its leading zeros (3 digits before 2023, 4 since).
    public var number: String

    public var description: String { "\(prefix)-\(year)-\(series)-\(number)" }

    /// The series' name as the CERT-FR site spells it in its paths, kept as the `certfr.kind` attribute.
    public var kind: String {
        switch series {
        case "AVI": "avis"
        case "ALE": "alerte"
        case "ACT": "actualite"
        case "CTI": "cti"
        case "IOC": "ioc"
        case "DUR": "dur"
        case "INF": "information"
        default: series.lowercased()
        }
    }

    /// The document's page on cert.ssi.gouv.fr.
    public var pageURL: String { "https://www.cert.ssi.gouv.fr/\(kind)/\(description)/" }

    /// Parses a whole reference; nil when the text is not exactly one.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // ASCII: trimmed of ASCII white space and read over bytes (a CR LF, one Character, fails the checks
            // below as its two bytes do).
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 0x20 || (bytes[start] >= 0x09 && bytes[start] <= 0x0D) { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || (bytes[end - 1] >= 0x09 && bytes[end - 1] <= 0x0D) { end -= 1 }
            self.init(ascii: bytes[start..<end])
            return
        }
        self.init(characters: text)
    }

    /// A whole reference written in ASCII bytes, checked as `init(characters:)` checks one (the year as `Int(_:)`
    /// reads it, sign included).
    init?(ascii bytes: ArraySlice<UInt8>) {
        let parts = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].elementsEqual("CERTFR".utf8) || parts[0].elementsEqual("CERTA".utf8), parts[1].count == 4,
              let year = FrenchFolding.integer(Array(parts[1])), parts[2].count == 3,
              parts[2].allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }), (3...4).contains(parts[3].count),
              parts[3].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        prefix = String(decoding: parts[0], as: UTF8.self)
        self.year = year
        series = String(decoding: parts[2], as: UTF8.self)
        number = String(decoding: parts[3], as: UTF8.self)
    }

    /// `init(_:)` by Characters, for texts that are not ASCII.
    private init?(characters text: String) {
        let parts = text.trimmingWhitespace().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "CERTFR" || parts[0] == "CERTA", parts[1].count == 4, let year = Int(parts[1]),
              parts[2].count == 3, parts[2].allSatisfy({ $0.isASCII && $0.isUppercase }),
              (3...4).contains(parts[3].count), parts[3].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        prefix = String(parts[0])
        self.year = year
        series = String(parts[2])
        number = String(parts[3])
    }

    private static let findMarker = Array("CERT".utf8)

    /// The first reference found in a URL or a text (`https://www.cert.ssi.gouv.fr/alerte/CERTFR-2023-ALE-010/`).
    public static func find(in text: String?) -> CERTFRReference? {
        guard let text else { return nil }
        let bytes = Array(text.utf8), marker = findMarker
        guard bytes.count >= marker.count else { return nil }
        func isPart(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "-")
        }
        var start = 0
        while start + marker.count <= bytes.count {
            if bytes[start] == marker[0], bytes[start + 1] == marker[1], bytes[start + 2] == marker[2], bytes[start + 3] == marker[3] {
                // A reference is at most 20 bytes (CERTFR-2024-AVI-0014): a longer run is none, and is not read to its end.
                var end = start
                while end < bytes.count, end - start <= 20, isPart(bytes[end]) { end += 1 }
                if end - start <= 20, let reference = CERTFRReference(ascii: bytes[start..<end]) { return reference }
                start += marker.count
            } else {
                start += 1
            }
        }
        return nil
    }
}
