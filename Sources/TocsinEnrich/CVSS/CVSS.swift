import TocsinCore

/// Scores CVSS vectors of versions 2.0, 3.0, 3.1 and 4.0 exactly as the FIRST specifications and the official
/// FIRST calculators do.
///
/// The version is read from the prefix (`CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/`); a vector without prefix is a
/// CVSS v2.0 vector, with or without the parentheses NVD once wrapped them in. Whitespace around the vector is
/// ignored. Metrics may come in any order: v3.x allows it, and although v4.0 asks for its own order, producers of
/// CVE records are not all strict and the order changes nothing in the score; `CVSSResult.vector` gives them back
/// in the specification's order.
public enum CVSS {
    /// The longest input accepted; the longest valid vector (v4.0 with every metric) is under 300 characters.
    public static let maximumVectorLength = 1024

    /// Parses `vector` and computes its scores; throws a `CVSSError` naming the first problem found.
    public static func score(_ vector: String) throws(CVSSError) -> CVSSResult {
        let length = vector.utf8.count
        guard length <= maximumVectorLength else { throw .tooLong(length: length, limit: maximumVectorLength) }
        let trimmed = trim(vector[...])
        guard !trimmed.isEmpty else { throw .empty }
        // Only bytes that could be (or start) whitespace need the slower scalar-level search.
        if trimmed.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x80 }),
           let space = trimmed.unicodeScalars.firstIndex(where: { $0.properties.isWhitespace }) {
            // A complete vector followed by words is "trailing junk"; a space inside a vector is just misplaced.
            if (try? score(trimmed: trimmed[..<space])) != nil {
                throw .trailingJunk(CVSSError.clip(trim(trimmed[space...])))
            }
            let offset = trimmed.unicodeScalars.distance(from: trimmed.startIndex, to: space)
            throw .unexpectedCharacter(String(trimmed.unicodeScalars[space]), offset: offset)
        }
        return try score(trimmed: trimmed)
    }

    /// `text` without the whitespace around it.
    static func trim(_ text: Substring) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return text[text.endIndex...] }
        return text[first...last]
    }

    /// The Tocsin severity of the worst of `scores`, or nil when there are none.
    ///
    /// An alert whose source gives no severity of its own takes this one. Each score carries the band of its own
    /// version, so the worst band is the band of the highest score without comparing v2 and v3/v4 numbers.
    public static func highestSeverity(_ scores: [CVSSScore]) -> Severity? {
        scores.map(\.severity).max()
    }

    private static func score(trimmed text: Substring) throws(CVSSError) -> CVSSResult {
        let parsed = try parse(text)
        switch parsed.metrics.version {
        case .v2_0: return CVSS2.score(parsed)
        case .v3_0, .v3_1: return CVSS3.score(parsed)
        case .v4_0: return CVSS4.score(parsed)
        }
    }

    /// Reads the version from the prefix and parses the metrics that follow it.
    static func parse(_ text: Substring) throws(CVSSError) -> CVSSParsedVector {
        let bytes = text.utf8
        if bytes.starts(with: "CVSS:".utf8) {
            let slash = bytes.firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            let prefix = bytes[..<slash]
            let metrics: CVSSMetricSet
            if prefix.elementsEqual("CVSS:3.1".utf8) {
                metrics = CVSS3.metrics31
            } else if prefix.elementsEqual("CVSS:4.0".utf8) {
                metrics = CVSS4.metrics
            } else if prefix.elementsEqual("CVSS:3.0".utf8) {
                metrics = CVSS3.metrics30
            } else {
                throw .unknownVersion(prefix: CVSSError.clip(text[..<slash]))
            }
            let body = slash == bytes.endIndex ? text[slash...] : text[bytes.index(after: slash)...]
            return try CVSSVectorParser.parse(body, as: metrics)
        }
        if bytes.first == UInt8(ascii: "(") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: ")")) else { throw .unbalancedParenthesis }
            let after = bytes.index(after: close)
            guard after == bytes.endIndex else { throw .trailingJunk(CVSSError.clip(text[after...])) }
            return try CVSSVectorParser.parse(text[bytes.index(after: bytes.startIndex)..<close], as: CVSS2.metrics)
        }
        // Without a prefix the vector can only be v2.0, unless it starts with a version label of another form
        // ("cvss:3.1", "CVSSv3"), which deserves a message about the prefix rather than about metric names.
        if bytes.count >= 4, String(decoding: bytes.prefix(4), as: UTF8.self).uppercased() == "CVSS" {
            let end = bytes.firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            throw .unknownVersion(prefix: CVSSError.clip(text[..<end]))
        }
        return try CVSSVectorParser.parse(text, as: CVSS2.metrics)
    }
}
