/// An identifier held in 16 bytes when it is a lower-case UUID, as every identifier Tocsin mints is, and as its text
/// otherwise. A 36-character `String` is a heap object of 80 bytes: the routing index holds two per subscription, for
/// as long as the directory stands, so 50,000 subscriptions hold 8 MB of identifiers as text, none as compact ones.
/// The text given back is exactly the text given (`CompactIDTests`).
public struct CompactID: Sendable, Hashable {
    private enum Storage: Sendable, Hashable {
        case uuid(UInt64, UInt64)
        case text(String)
    }

    private let storage: Storage

    public init(_ text: String) {
        var text = text
        storage = text.withUTF8 { Self.parse($0) }.map { .uuid($0.high, $0.low) } ?? .text(text)
    }

    /// The identifier as it was given.
    public var text: String {
        switch storage {
        case .text(let text): return text
        case .uuid(let high, let low):
            return String(unsafeUninitializedCapacity: 36) { buffer in
                let hex: StaticString = "0123456789abcdef"
                var position = 0
                for nibble in 0..<32 {
                    // The dashes of the canonical form come before the 9th, 13th, 17th and 21st digit.
                    if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    let word = nibble < 16 ? high : low
                    buffer[position] = hex.utf8Start[Int((word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)]
                    position += 1
                }
                return 36
            }
        }
    }

    /// The two halves of a lower-case UUID's 128 bits (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`), nil for any other text.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (high: UInt64, low: UInt64)? {
        guard bytes.count == 36 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        var nibbles = 0
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            if nibbles < 16 { words.0 = words.0 << 4 | UInt64(value) } else { words.1 = words.1 << 4 | UInt64(value) }
            nibbles += 1
        }
        return (words.0, words.1)
    }
}
