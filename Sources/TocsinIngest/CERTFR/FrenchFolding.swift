/// Case and accent folding over UTF-8 bytes for the characters of French prose, giving what Foundation's
/// case-insensitive (and diacritic-insensitive) comparisons give, without a round trip through NSString for every
/// item of a feed.
///
/// Only the characters listed here are folded: ASCII, the accented Latin-1 letters (`é` and `É` fold to `e`) and
/// the punctuation and spaces of French typography (`’`, `«`, `»`, `œ`, no-break spaces…), which no folding turns
/// into ASCII. A text holding any other character gets nil, and the caller folds it with Foundation.
enum FrenchFolding {
    /// The text lower-cased (ASCII and Latin-1 letters) with accents removed, every listed character that is not a
    /// letter becoming `0xFF`, which no ASCII pattern matches; nil when a character is not listed.
    static func caseAndDiacriticFolded(_ bytes: [UInt8]) -> [UInt8]? {
        fold(bytes, keepingAccents: false)
    }

    /// The text lower-cased (ASCII and Latin-1 letters), accents kept; nil when a character is not listed.
    static func caseFolded(_ bytes: [UInt8]) -> [UInt8]? {
        fold(bytes, keepingAccents: true)
    }

    /// For U+00C0 to U+00FF (`0xC3` followed by `0x80 + index`): the base letter, or `barrier` for a character that
    /// folds to itself (`×`, `÷`, `æ`, `ø`), or 0 for one that is not listed (`Ð`, `Þ`, `ß`, whose folding is not
    /// one ASCII letter).
    private static let latin1: [UInt8] = Array("aaaaaa\u{FF}ceeeeiiii\u{0}nooooo\u{FF}\u{FF}uuuuy\u{0}\u{0}aaaaaa\u{FF}ceeeeiiii\u{0}nooooo\u{FF}\u{FF}uuuuy\u{0}y".unicodeScalars.map { UInt8($0.value) })
    private static let barrier: UInt8 = 0xFF
    /// Two-byte characters (after `0xC2`) that fold to themselves: no-break space, `«`, `°`, `·`, `»`.
    private static let latin1Punctuation: Set<UInt8> = [0xA0, 0xAB, 0xB0, 0xB7, 0xBB]
    /// Three-byte characters (after `0xE2`) that fold to themselves: thin and narrow no-break spaces, dashes, quotes,
    /// bullet, ellipsis, euro.
    private static let generalPunctuation: Set<[UInt8]> = [
        [0x80, 0x89], [0x80, 0xAF], [0x80, 0x93], [0x80, 0x94], [0x80, 0x98], [0x80, 0x99], [0x80, 0x9C], [0x80, 0x9D],
        [0x80, 0xA2], [0x80, 0xA6], [0x82, 0xAC],
    ]

    /// A text of ASCII and Latin-1 characters (U+0000 to U+00FF but for the C1 controls and the no-break space)
    /// lower-cased as `lowercased()` does, byte for byte (every character keeps its length); nil for any other
    /// text, which the caller reads by Characters.
    static func lowercased<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8]? where Bytes.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.underestimatedCount)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            if byte < 0x80 {
                output.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
            } else if byte == 0xC3 {
                // U+00C0 to U+00FF: upper-case letters (but ×, U+00D7) lie 0x20 below their lower-case ones.
                guard let second = iterator.next() else { return nil }
                output.append(byte)
                output.append(second >= 0x80 && second <= 0x9E && second != 0x97 ? second | 0x20 : second)
            } else if byte == 0xC2 {
                guard let second = iterator.next(), second > 0xA0 else { return nil }
                output.append(byte)
                output.append(second)
            } else {
                return nil
            }
        }
        return output
    }

    /// Calls `body` with each word of `bytes`, in order: the runs between ASCII white space and the ASCII bytes for
    /// which `isSeparator` is true.
    static func forEachWord(in bytes: [UInt8], separatedBy isSeparator: (UInt8) -> Bool, _ body: (Range<Int>) -> Void) {
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || isSeparator(byte) {
                if index > start { body(start..<index) }
                start = index + 1
            }
            index += 1
        }
        if index > start { body(start..<index) }
    }

    /// Whether `caseFolded(_:)` folds the text itself (every character is listed), without folding it.
    static func isFoldable(_ bytes: [UInt8]) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            switch byte {
            case 0xC3 where index + 1 < count && bytes[index + 1] >= 0x80 && bytes[index + 1] <= 0xBF:
                guard latin1[Int(bytes[index + 1] - 0x80)] != 0 else { return false }
                index += 2
            case 0xC2 where index + 1 < count && latin1Punctuation.contains(bytes[index + 1]):
                index += 2
            case 0xC5 where index + 1 < count && (bytes[index + 1] == 0x92 || bytes[index + 1] == 0x93):
                index += 2
            case 0xE2 where index + 2 < count && generalPunctuation.contains([bytes[index + 1], bytes[index + 2]]):
                index += 3
            default:
                return false
            }
        }
        return true
    }

    /// The number `Int(_:)` reads in ASCII bytes: an optional sign and decimal digits, nil on overflow.
    static func integer(_ bytes: [UInt8]) -> Int? { ASCIIInteger.parse(bytes) }

    private static func fold(_ bytes: [UInt8], keepingAccents: Bool) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                output.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
                index += 1
                continue
            }
            switch byte {
            case 0xC3 where index + 1 < count && bytes[index + 1] >= 0x80 && bytes[index + 1] <= 0xBF:
                let second = bytes[index + 1]
                let base = latin1[Int(second - 0x80)]
                guard base != 0 else { return nil }
                if !keepingAccents {
                    output.append(base)
                } else if base == barrier {
                    output.append(contentsOf: [byte, second])
                } else {
                    // Upper-case letters (U+00C0 to U+00DE) lie 0x20 below their lower-case ones.
                    output.append(contentsOf: [byte, second < 0xA0 ? second | 0x20 : second])
                }
                index += 2
            case 0xC2 where index + 1 < count && latin1Punctuation.contains(bytes[index + 1]):
                if keepingAccents { output.append(contentsOf: [byte, bytes[index + 1]]) } else { output.append(barrier) }
                index += 2
            case 0xC5 where index + 1 < count && (bytes[index + 1] == 0x92 || bytes[index + 1] == 0x93):
                // Œ and œ: a letter of its own, never an ASCII one.
                if keepingAccents { output.append(contentsOf: [byte, 0x93]) } else { output.append(barrier) }
                index += 2
            case 0xE2 where index + 2 < count && generalPunctuation.contains([bytes[index + 1], bytes[index + 2]]):
                if keepingAccents { output.append(contentsOf: bytes[index..<(index + 3)]) } else { output.append(barrier) }
                index += 3
            default:
                return nil
            }
        }
        return output
    }
}

extension Array where Element == UInt8 {
    /// Where `pattern` first occurs from `start`, byte for byte.
    func firstRange(of pattern: [UInt8], from start: Int) -> Int? {
        guard let head = pattern.first, count - start >= pattern.count else { return nil }
        var index = start
        while index + pattern.count <= count {
            if self[index] == head {
                var offset = 1
                while offset < pattern.count, self[index + offset] == pattern[offset] { offset += 1 }
                if offset == pattern.count { return index }
            }
            index += 1
        }
        return nil
    }
}
