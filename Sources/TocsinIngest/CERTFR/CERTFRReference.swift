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
        let parts = text.trimmingWhitespace().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "CERTFR" || parts[0] == "CERTA", parts[1].count == 4, let year = Int(parts[1]),
              parts[2].count == 3, parts[2].allSatisfy({ $0.isASCII && $0.isUppercase }),
              (3...4).contains(parts[3].count), parts[3].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        prefix = String(parts[0])
        self.year = year
        series = String(parts[2])
        number = String(parts[3])
    }

    /// The first reference found in a URL or a text (`https://www.cert.ssi.gouv.fr/alerte/CERTFR-2023-ALE-010/`).
    public static func find(in text: String?) -> CERTFRReference? {
        guard let text else { return nil }
        let bytes = Array(text.utf8), marker = Array("CERT".utf8)
        guard bytes.count >= marker.count else { return nil }
        func isPart(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "-")
        }
        var start = 0
        while start + marker.count <= bytes.count {
            if bytes[start] == marker[0], bytes[start + 1] == marker[1], bytes[start + 2] == marker[2], bytes[start + 3] == marker[3] {
                var end = start
                while end < bytes.count, isPart(bytes[end]) { end += 1 }
                if let reference = CERTFRReference(String(decoding: bytes[start..<end], as: UTF8.self)) { return reference }
                start += marker.count
            } else {
                start += 1
            }
        }
        return nil
    }
}
