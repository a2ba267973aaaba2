import Foundation

/// STIX patterns and observables for Tocsin's indicator kinds: what an `indicator` object detects and the
/// cyber-observable an indicator not meant for detection is shown as.
public enum STIXPattern {
    /// The observable an indicator names: its STIX type and properties, or nil for the kinds STIX has no observable
    /// for (`cve` becomes a `vulnerability`, `other` is left out).
    public static func observable(_ indicator: Indicator) -> (type: String, properties: [String: Any])? {
        let value = indicator.value
        switch indicator.type {
        case .ipv4: return ("ipv4-addr", ["value": value])
        case .ipv6: return ("ipv6-addr", ["value": value])
        case .domain: return ("domain-name", ["value": value])
        case .url: return ("url", ["value": value])
        case .email: return ("email-addr", ["value": value])
        case .md5, .sha1, .sha256, .sha512: return ("file", ["hashes": [hashKey(indicator.type)!: value]])
        case .filename: return ("file", ["name": value])
        case .cve, .other: return nil
        }
    }

    /// The STIX pattern that matches the indicator (`[file:hashes.'SHA-256' = '…']`), or nil when it has no observable.
    public static func pattern(_ indicator: Indicator) -> String? {
        let value = quoted(indicator.value)
        switch indicator.type {
        case .ipv4: return "[ipv4-addr:value = \(value)]"
        case .ipv6: return "[ipv6-addr:value = \(value)]"
        case .domain: return "[domain-name:value = \(value)]"
        case .url: return "[url:value = \(value)]"
        case .email: return "[email-addr:value = \(value)]"
        case .md5, .sha1, .sha256, .sha512: return "[file:hashes.'\(hashKey(indicator.type)!)' = \(value)]"
        case .filename: return "[file:name = \(value)]"
        case .cve, .other: return nil
        }
    }

    /// The hash algorithm's name in STIX's vocabulary.
    static func hashKey(_ kind: Indicator.Kind) -> String? {
        switch kind {
        case .md5: "MD5"
        case .sha1: "SHA-1"
        case .sha256: "SHA-256"
        case .sha512: "SHA-512"
        default: nil
        }
    }

    /// A pattern string literal: quotes and backslashes escaped.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
