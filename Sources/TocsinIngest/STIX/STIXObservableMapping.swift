import Foundation
import TocsinCore

/// Which STIX Cyber-observable properties are Tocsin indicators, used both for pattern comparisons and for the
/// observable objects of a bundle (`ipv4-addr`, `file`…).
///
/// | STIX property                                   | Indicator                                 |
/// |-------------------------------------------------|-------------------------------------------|
/// | `ipv4-addr:value`, `ipv6-addr:value`            | `ipv4` / `ipv6` by the value's form (`/32`, `/128` dropped) |
/// | `domain-name:value`                             | `domain`                                  |
/// | `url:value`                                     | `url`                                     |
/// | `email-addr:value`                              | `email`                                   |
/// | `file:name`, `…_ref.name` (attachments, images) | `filename`                                |
/// | `file:hashes.MD5/'SHA-1'/'SHA-256'/'SHA-512'` (also `artifact:`, `…_ref.hashes.`) | `md5` / `sha1` / `sha256` / `sha512` |
/// | `…_ref.value`, `…_refs[*].value` (`network-traffic:dst_ref.value`, `email-message:from_ref.value`, `domain-name:resolves_to_refs[*].value`) | by the value's form: address, e-mail or domain |
/// | `email-message:additional_header_fields.reply_to` | `email`                                 |
///
/// A value whose form does not fit its property (a domain with a space, a hash of the wrong length) becomes an
/// `other` indicator naming the property; every other property (other hash algorithms, x509 fingerprints,
/// registry keys, e-mail subjects…) gives no indicator.
enum STIXObservableMapping {
    /// The indicator for an equality on `path` with `value`, or nil when the property is not one Tocsin keeps.
    static func indicator(path: STIXObjectPath, value: String) -> (kind: Indicator.Kind, value: String)? {
        let properties = path.properties
        let lowered = properties.map { $0.lowercased() }
        guard let last = lowered.last else { return nil }
        let type = path.objectType.lowercased()

        var kind: Indicator.Kind?
        if lowered == ["value"] {
            switch type {
            case "ipv4-addr": kind = .ipv4
            case "ipv6-addr": kind = .ipv6
            case "domain-name": kind = .domain
            case "url": kind = .url
            case "email-addr": kind = .email
            default: kind = nil
            }
        } else if lowered == ["name"], type == "file" {
            kind = .filename
        } else if lowered.count == 2, lowered[0] == "hashes", type == "file" || type == "artifact" {
            kind = hashKind(properties[1])
        } else if lowered.count >= 2, isReference(lowered[lowered.count - 2]) {
            switch last {
            case "value":
                guard let guessed = ThreatIndicatorForm.guess(value) else { return nil }
                kind = guessed
            case "name": kind = .filename
            default: kind = nil
            }
        } else if lowered.count >= 3, lowered[lowered.count - 2] == "hashes", isReference(lowered[lowered.count - 3]) {
            kind = hashKind(properties[properties.count - 1])
        } else if type == "email-message", lowered == ["additional_header_fields", "reply_to"] {
            kind = .email
        }
        guard let kind else { return nil }
        return ThreatIndicatorForm.checked(kind, value)
    }

    /// The indicator kind of a STIX hash algorithm name (`MD5`, `SHA-1`, `SHA256`, `sha-512`…), nil for others.
    static func hashKind(_ algorithm: String) -> Indicator.Kind? {
        switch algorithm.uppercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "MD5": .md5
        case "SHA1": .sha1
        case "SHA256": .sha256
        case "SHA512": .sha512
        default: nil
        }
    }

    private static func isReference(_ property: String) -> Bool {
        property.hasSuffix("_ref") || property.hasSuffix("_refs")
    }
}
