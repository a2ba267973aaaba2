import TocsinCore

/// The normal form of indicator values, the one `IOCExtractor` produces, for comparing indicators that come from
/// elsewhere (a MISP attribute, a test's expectation) with extracted ones.
public enum IOCNormalization {
    /// `value` refanged and put in the extractor's form for `kind`: lower case for domains, emails and hashes;
    /// upper case for CVE ids; RFC 5952 for IPv6 (CIDR suffix kept); lower-case scheme and host for URLs, without
    /// the sentence punctuation that can follow a URL.
    public static func normalized(_ value: String, as kind: Indicator.Kind) -> String {
        let text = IOCRefang.refang(value.trimmingCharacters(in: .whitespacesAndNewlines))
        switch kind {
        case .domain:
            var name = text.lowercased()
            while name.hasSuffix(".") { name.removeLast() }
            return name
        case .email, .md5, .sha1, .sha256, .sha512:
            return text.lowercased()
        case .cve:
            return text.uppercased()
        case .ipv6:
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let canonical = IOCAddress.canonicalIPv6(parts[0]) else { return text.lowercased() }
            return parts.count == 2 ? canonical + "/" + parts[1] : canonical
        case .url:
            return normalizedURL(text)
        default:
            return text
        }
    }

    private static func normalizedURL(_ text: String) -> String {
        var url = Substring(text)
        while let last = url.last, ".,;:!?*'\"".contains(last) { url.removeLast() }
        var prefix = ""
        if let range = url.range(of: "://") {
            prefix = url[..<range.upperBound].lowercased()
            url = url[range.upperBound...]
        }
        let hostEnd = url.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        let authority = url[..<hostEnd]
        let userInfoEnd = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        return prefix + String(authority[..<userInfoEnd]) + authority[userInfoEnd...].lowercased()
            + String(url[hostEnd...])
    }
}
