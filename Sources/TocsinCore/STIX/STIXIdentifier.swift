import Crypto
import Foundation

/// The ids of the STIX objects Tocsin writes, the same every time for the same alert and role, so that a revision
/// keeps the ids of the objects it revises and consumers update them instead of piling up copies.
///
/// Domain objects, the bundle and the extension definition get a name-based id laid out as a version 4 UUID (the
/// validator's interoperability profile asks version 4 of them): the first 16 bytes of SHA-256 over
/// `tocsin:<name>`, with the version and variant bits set. Cyber-observables get the version 5 UUID STIX 2.1 defines
/// (§2.9): SHA-1 over the STIX namespace and the canonical JSON of their id-contributing properties.
public enum STIXIdentifier {
    /// The namespace STIX 2.1 fixes for cyber-observable ids.
    static let observableNamespace: [UInt8] = [0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7]

    /// `type--uuid`, stable for `name`.
    public static func domain(_ type: String, name: String) -> String {
        var bytes = Array(SHA256.hash(data: Array("tocsin:\(type):\(name)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return "\(type)--\(uuidText(bytes))"
    }

    /// The STIX id of a cyber-observable from its id-contributing properties (string values only, or one level of
    /// nested strings as `hashes` needs).
    public static func observable(_ type: String, contributing: [String: Any]) -> String {
        let canonical = (try? JSONSerialization.data(withJSONObject: contributing, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var bytes = Array(Insecure.SHA1.hash(data: observableNamespace + Array(canonical)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x50
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return "\(type)--\(uuidText(bytes))"
    }

    static func uuidText(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
