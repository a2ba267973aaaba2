import Foundation

/// Identifiers and secrets Tocsin mints.
public enum TocsinID {
    /// A new identifier: a lower-case UUID, unique across brokers so relayed alerts keep theirs.
    public static func make() -> String { UUID().uuidString.lowercased() }

    /// A new identifier that sorts by creation time: a lower-case UUID version 7 (RFC 9562), the Unix time in
    /// milliseconds then 74 random bits. For rows written by the thousand (deliveries): each lands at the end of
    /// its index rather than on a random page of it, so a fan-out writes a few pages, not one per row.
    public static func ordered(at date: Date = Date()) -> String {
        let millis = UInt64(max((date.timeIntervalSince1970 * 1000).rounded(), 0)) & 0xFFFF_FFFF_FFFF
        var bytes = randomBytes(16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64(index))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return uuidText(bytes)
    }

    /// 16 bytes written as a UUID is: lower-case hexadecimal in groups of 8, 4, 4, 4 and 12.
    public static func uuidText(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.prefix(16).enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `count` bytes from the system's cryptographic generator.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        // Eight bytes per draw from the system, not one.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count { withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) } }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// A random secret, URL-safe base64 without padding, with a readable prefix (`tcs_`, `whsec_`…).
    public static func secret(prefix: String, bytes: Int = 32) -> String {
        prefix + Base64URL.encode(randomBytes(bytes))
    }
}

/// URL-safe base64 without padding (RFC 4648 §5).
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        // Byte by byte: each acknowledgement link of a fan-out encodes two of these.
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count * 4 + 2) / 3)
        for byte in Data(bytes).base64EncodedData() {
            switch byte {
            case UInt8(ascii: "+"): text.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): text.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: text.append(byte)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
