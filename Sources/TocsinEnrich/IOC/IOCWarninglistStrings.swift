/// The entries of a `string` or `hostname` warninglist, held compactly: the ASCII entries (nearly all of them) back
/// to back in one sorted byte array, found by binary search, instead of one heap string and one hash slot each.
/// `public-dns-hostname` alone holds 34,783 names; as a `Set<String>` the default lists took about 7 MB, here they
/// take about a fifth of that.
///
/// It answers exactly as a `Set<String>` of the same entries does, Swift's string equality included (canonical
/// equivalence: `"e\u{301}" == "é"`, and `"\u{37E}"`, the Greek question mark, equals `";"`):
/// - an ASCII value is compared byte for byte with the ASCII entries, which is what string equality does between
///   two ASCII strings;
/// - any other value is compared with `String`'s own comparison during the same binary search, which is consistent
///   with its equality, and the byte order of ASCII entries is their order as strings;
/// - the few entries that are not ASCII stay in a `Set<String>`, checked for every value.
struct IOCWarninglistStrings: Sendable {
    /// The ASCII entries' bytes, back to back, in byte order, each once.
    private let bytes: [UInt8]
    /// Where each ASCII entry starts in `bytes`, with the end of the last one after them: entry `i` is
    /// `bytes[starts[i]..<starts[i + 1]]`.
    private let starts: [UInt32]
    /// The entries with a byte outside ASCII.
    private let others: Set<String>

    /// The entries, as they are to be compared (already lower-cased when the list is case-insensitive).
    init(_ entries: [String]) {
        var ascii: [String] = []
        var others: Set<String> = []
        for entry in entries {
            if entry.utf8.allSatisfy({ $0 < 0x80 }) { ascii.append(entry) } else { others.insert(entry) }
        }
        ascii.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ascii.reduce(0) { $0 + $1.utf8.count })
        var starts: [UInt32] = []
        starts.reserveCapacity(ascii.count + 1)
        var previous: String?
        for entry in ascii where entry != previous {
            starts.append(UInt32(bytes.count))
            bytes.append(contentsOf: entry.utf8)
            previous = entry
        }
        starts.append(UInt32(bytes.count))
        self.bytes = bytes
        self.starts = starts
        self.others = others
    }

    /// Whether an entry equals `value` (as Swift compares strings).
    func contains(_ value: String) -> Bool {
        if !others.isEmpty, others.contains(value) { return true }
        var value = value
        let ascii = value.withUTF8 { utf8 -> Bool? in
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            return search { entry in Self.compare(entry, utf8) }
        }
        if let ascii { return ascii }
        // Not ASCII: it may still equal an ASCII entry (U+037E is `;`), which String's comparison finds.
        return search { entry in
            let text = String(decoding: entry, as: UTF8.self)
            return text < value ? -1 : (text == value ? 0 : 1)
        }
    }

    /// Binary search over the ASCII entries; `order` tells whether an entry sorts before (-1), at (0) or after (1)
    /// the value looked for.
    private func search(_ order: (UnsafeBufferPointer<UInt8>) -> Int) -> Bool {
        bytes.withUnsafeBufferPointer { all in
            var low = 0
            var high = starts.count - 1
            while low < high {
                let middle = (low + high) / 2
                let entry = UnsafeBufferPointer(rebasing: all[Int(starts[middle])..<Int(starts[middle + 1])])
                switch order(entry) {
                case 0: return true
                case ..<0: low = middle + 1
                default: high = middle
                }
            }
            return false
        }
    }

    /// Byte order of two byte strings: -1, 0 or 1.
    private static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(a.count, b.count)
        for index in 0..<common where a[index] != b[index] { return a[index] < b[index] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
