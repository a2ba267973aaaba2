import Foundation
import TocsinCore

/// Recognises the written form of an indicator value (IPv4 or IPv6 address or network, domain name, e-mail
/// address), for sources whose type says less than the value does: MISP `ip-src` is either family, a STIX
/// `network-traffic:dst_ref.value` is whatever address the reference points to.
enum ThreatIndicatorForm {
    /// `.ipv4` or `.ipv6` when `value` is an address or a CIDR network of that family, nil otherwise.
    static func ipKind(_ value: String) -> Indicator.Kind? {
        if isIPv4(value) { return .ipv4 }
        if isIPv6(value) { return .ipv6 }
        return nil
    }

    /// The address with a single-host prefix (`/32`, `/128`) removed: `198.51.100.1/32` is the address itself.
    static func normalisedIP(_ value: String, kind: Indicator.Kind) -> String {
        let suffix = kind == .ipv4 ? "/32" : "/128"
        return value.hasSuffix(suffix) ? String(value.dropLast(suffix.count)) : value
    }

    /// A dotted quad with an optional `/0`–`/32` prefix length.
    static func isIPv4(_ value: String) -> Bool {
        let (address, prefix) = splitPrefix(value)
        if let prefix, !(prefix.count <= 2 && Int(prefix).map({ (0...32).contains($0) }) == true) { return false }
        return isDottedQuad(address)
    }

    /// An IPv6 address (with `::` compression and an optional embedded IPv4 tail) and optional `/0`–`/128` prefix.
    static func isIPv6(_ value: String) -> Bool {
        let (address, prefix) = splitPrefix(value)
        if let prefix, !(prefix.count <= 3 && Int(prefix).map({ (0...128).contains($0) }) == true) { return false }
        guard address.contains(":"), address.count <= 45 else { return false }
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, part) in parts.enumerated() {
                let isLastOverall = index == halves.count - 1 && position == parts.count - 1
                if isLastOverall, part.contains(".") {
                    guard isDottedQuad(String(part)) else { return false }
                    groups += 2
                    continue
                }
                guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups < 8 : groups == 8
    }

    /// A host name of at least two labels made of letters, digits, hyphens and underscores (as seen in DNS data).
    static func isDomain(_ value: String) -> Bool {
        let name = value.hasSuffix(".") ? String(value.dropLast()) : value
        guard name.count <= 253, !isIPv4(name) else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        }
    }

    /// `local@domain` without spaces.
    static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !value.contains(where: \.isWhitespace) else { return false }
        return isDomain(String(parts[1])) || parts[1].hasPrefix("[")
    }

    /// True when `value` is the hex digest length of the hash `kind` (md5 32, sha1 40, sha256 64, sha512 128).
    static func isHash(_ value: String, kind: Indicator.Kind) -> Bool {
        let lengths: [Indicator.Kind: Int] = [.md5: 32, .sha1: 40, .sha256: 64, .sha512: 128]
        guard let length = lengths[kind] else { return false }
        return value.count == length && value.allSatisfy(\.isHexDigit)
    }

    /// `kind` when `value` has the form that kind requires, `.other` otherwise; addresses are re-typed by their
    /// actual family (an `ip-src` holding an IPv6 address is `.ipv6`) and single-host prefixes dropped.
    static func checked(_ kind: Indicator.Kind, _ value: String) -> (kind: Indicator.Kind, value: String) {
        switch kind {
        case .ipv4, .ipv6:
            guard let actual = ipKind(value) else { return (.other, value) }
            return (actual, normalisedIP(value, kind: actual))
        case .domain: return (isDomain(value) ? .domain : .other, value)
        case .email: return (isEmail(value) ? .email : .other, value)
        case .md5, .sha1, .sha256, .sha512: return (isHash(value, kind: kind) ? kind : .other, value)
        case .cve: return (CVE.isValid(value.uppercased()) ? .cve : .other, kind == .cve && CVE.isValid(value.uppercased()) ? value.uppercased() : value)
        case .url, .filename, .other: return (kind, value)
        }
    }

    /// The kind a bare value most likely is: an address, an e-mail address or a domain name; nil otherwise.
    static func guess(_ value: String) -> Indicator.Kind? {
        if let kind = ipKind(value) { return kind }
        if isEmail(value) { return .email }
        if isDomain(value) { return .domain }
        return nil
    }

    private static func splitPrefix(_ value: String) -> (String, String?) {
        guard let slash = value.firstIndex(of: "/") else { return (value, nil) }
        return (String(value[..<slash]), String(value[value.index(after: slash)...]))
    }

    private static func isDottedQuad(_ value: String) -> Bool {
        let octets = value.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        return octets.allSatisfy { octet in
            (1...3).contains(octet.count) && octet.allSatisfy(\.isASCIIDigitCharacter) && (Int(octet) ?? 256) <= 255
        }
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
