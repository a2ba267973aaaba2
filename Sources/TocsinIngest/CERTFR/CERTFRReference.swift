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
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
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
        var searchStart = text.startIndex
        while let range = text.range(of: "CERT", range: searchStart..<text.endIndex) {
            let candidate = text[range.lowerBound...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            if let reference = CERTFRReference(String(candidate)) { return reference }
            searchStart = range.upperBound
        }
        return nil
    }
}
