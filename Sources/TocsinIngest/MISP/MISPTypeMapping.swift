import Foundation
import TocsinCore

/// How MISP attribute types become Tocsin indicators.
///
/// | MISP type | Indicators |
/// |---|---|
/// | `ip-src`, `ip-dst` | `ipv4` or `ipv6` by the value's form (CIDR kept, `/32` and `/128` dropped) |
/// | `ip-src\|port`, `ip-dst\|port` | the address part, as above |
/// | `domain`, `hostname` | `domain` |
/// | `domain\|ip` | `domain` and the address |
/// | `hostname\|port` | `domain` (the port is dropped) |
/// | `url` | `url` |
/// | `uri` | `url` when it has a scheme (`https://…`), `other` when it is a bare path |
/// | `email`, `email-src`, `email-dst`, `email-reply-to`, `target-email`, `whois-registrant-email`, `dns-soa-email` | `email` |
/// | `md5`, `sha1`, `sha256`, `sha512` | the same hash kind |
/// | `filename`, `attachment`, `email-attachment` | `filename` |
/// | `filename\|md5`, `filename\|sha1`, `filename\|sha256`, `filename\|sha512` | `filename` and the hash |
/// | `filename\|<other hash>` (`imphash`, `ssdeep`, `sha224`, `tlsh`…) | `filename` and an `other` for the hash |
/// | `malware-sample` (`name\|md5`) | `filename` and `md5` |
/// | `vulnerability` | `cve` (and the draft's `cves`) |
/// | other hashes and fingerprints (`sha224`, `sha384`, `sha3-*`, `sha512/*`, `imphash`, `ssdeep`, `tlsh`, `authentihash`, `pehash`, `vhash`, `telfhash`, `impfuzzy`, `cdhash`, `x509-fingerprint-*`, `ja3-fingerprint-md5`, `jarm-fingerprint`, `hassh-md5`, `hasshserver-md5`), `regkey`, `regkey\|value`, `mutex`, `named pipe`, `windows-service-name`, `windows-scheduled-task`, `user-agent`, `mac-address`, `AS`, `btc`, `xmr`, `github-username`, `community-id`, `favicon-mmh3` | `other`, its comment naming the MISP type |
/// | `link` | no indicator: a reference of the alert when it is an http(s) URL |
/// | anything else (`text`, `comment`, `other`, `port`, `datetime`, `size-in-bytes`, `yara`, `snort`, `sigma`, `email-subject`, `campaign-name`…) | none |
///
/// A value whose form does not match its type (an `ip-dst` that is not an address, a `sha1` of the wrong length)
/// is kept as `other` rather than lost or mistyped.
public enum MISPTypeMapping {
    /// One indicator value a MISP attribute gives.
    public struct Mapped: Sendable, Hashable {
        /// The indicator kind, after checking the value's form.
        public var kind: Indicator.Kind
        /// The value, normalised where the kind asks for it (single-host prefixes dropped, CVE ids upper-cased).
        public var value: String
        /// The MISP type when the value is kept as `other`, so that a reader knows what it is.
        public var note: String?
    }

    private static let emailTypes: Set<String> = ["email", "email-src", "email-dst", "email-reply-to", "target-email",
                                                  "whois-registrant-email", "dns-soa-email"]
    private static let otherTypes: Set<String> = [
        "sha224", "sha384", "sha3-224", "sha3-256", "sha3-384", "sha3-512", "sha512/224", "sha512/256", "imphash", "ssdeep",
        "tlsh", "authentihash", "pehash", "vhash", "telfhash", "impfuzzy", "cdhash", "x509-fingerprint-md5",
        "x509-fingerprint-sha1", "x509-fingerprint-sha256", "ja3-fingerprint-md5", "jarm-fingerprint", "hassh-md5",
        "hasshserver-md5", "regkey", "regkey|value", "mutex", "named pipe", "windows-service-name",
        "windows-scheduled-task", "user-agent", "mac-address", "AS", "btc", "xmr", "github-username", "community-id",
        "favicon-mmh3",
    ]

    /// The indicators an attribute of MISP type `type` with `value` gives; empty for types that name no
    /// indicator (see the table above).
    public static func indicators(type: String, value: String) -> [Mapped] {
        let value = value.trimmingWhitespace()
        guard !value.isEmpty else { return [] }
        let parts = value.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let first = parts[0]
        let second = parts.count > 1 ? parts[1] : ""

        switch type {
        case "ip-src", "ip-dst":
            return [checked(.ipv4, value, type)]
        case "ip-src|port", "ip-dst|port":
            return [checked(.ipv4, first, type)]
        case "domain", "hostname":
            return [checked(.domain, value, type)]
        case "domain|ip":
            return [checked(.domain, first, type)] + (second.isEmpty ? [] : [checked(.ipv4, second, type)])
        case "hostname|port":
            return [checked(.domain, first, type)]
        case "url":
            return [Mapped(kind: .url, value: value)]
        case "uri":
            return value.contains("://") ? [Mapped(kind: .url, value: value)] : [Mapped(kind: .other, value: value, note: type)]
        case "md5", "sha1", "sha256", "sha512":
            return [checked(Indicator.Kind(rawValue: type) ?? .other, value, type)]
        case "filename", "attachment", "email-attachment":
            return [Mapped(kind: .filename, value: value)]
        case "malware-sample":
            return compositeFile(first, second, hash: "md5")
        case "vulnerability":
            return [checked(.cve, value, type)]
        case _ where type.hasPrefix("filename|"):
            return compositeFile(first, second, hash: String(type.dropFirst("filename|".count)))
        case _ where emailTypes.contains(type):
            return [checked(.email, value, type)]
        case _ where otherTypes.contains(type):
            return [Mapped(kind: .other, value: value, note: type)]
        default:
            return []
        }
    }

    /// True for the types whose value is a link to read rather than an indicator.
    public static func isReference(type: String) -> Bool { type == "link" }

    private static func compositeFile(_ name: String, _ digest: String, hash: String) -> [Mapped] {
        var result: [Mapped] = []
        if !name.isEmpty { result.append(Mapped(kind: .filename, value: name)) }
        guard !digest.isEmpty else { return result }
        if let kind = Indicator.Kind(rawValue: hash), [.md5, .sha1, .sha256, .sha512].contains(kind) {
            result.append(checked(kind, digest, "filename|\(hash)"))
        } else {
            result.append(Mapped(kind: .other, value: digest, note: hash))
        }
        return result
    }

    private static func checked(_ kind: Indicator.Kind, _ value: String, _ type: String) -> Mapped {
        let (actual, normalised) = ThreatIndicatorForm.checked(kind, value)
        return Mapped(kind: actual, value: normalised, note: actual == .other ? type : nil)
    }
}
