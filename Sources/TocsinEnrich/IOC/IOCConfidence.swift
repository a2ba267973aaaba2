import Foundation
import TocsinCore

/// How sure extraction is of an indicator it found in prose, from 0 to 1, for the `confidence` of an extracted
/// indicator.
///
/// A value the writer defanged (`evil[.]com`, `hxxp://`, `5.188.86[.]172`) was marked as an indicator on purpose:
/// 0.95. Otherwise the kind decides, from the least ambiguous to the most: a hash 0.9, a URL 0.8, an IP address
/// 0.75, an email address 0.6, a domain name 0.5 (a name in prose is as often a vendor's or a service's as a
/// threat's).
public enum IOCConfidence {
    /// The confidence of a value the writer defanged.
    public static let defanged = 0.95

    /// The confidence of an indicator of `kind` written as is.
    public static func base(_ kind: Indicator.Kind) -> Double {
        switch kind {
        case .md5, .sha1, .sha256, .sha512: 0.9
        case .url: 0.8
        case .ipv4, .ipv6: 0.75
        case .email: 0.6
        case .domain: 0.5
        case .cve, .filename, .other: 0.5
        }
    }

    /// Above this many indicators, defanging is not looked for (the kind alone decides), so that a very large
    /// text with thousands of indicators costs no more than its extraction.
    static let lookupLimit = 500

    /// The indicators found in `text`, each with its confidence (CVE ids, which join `cves`, get none).
    public static func scored(_ indicators: [Indicator], in text: String) -> [Indicator] {
        let lowered = indicators.count <= lookupLimit ? text.lowercased() : nil
        return indicators.map { indicator in
            guard indicator.type != .cve else { return indicator }
            var scored = indicator
            // A value missing from the text as written was refanged: the writer defanged it.
            // IPv6 addresses are rewritten in RFC 5952 form, so their absence says nothing.
            let written = indicator.type == .ipv6 || (lowered.map { $0.contains(indicator.value.lowercased()) } ?? true)
            scored.confidence = written ? base(indicator.type) : defanged
            return scored
        }
    }
}
