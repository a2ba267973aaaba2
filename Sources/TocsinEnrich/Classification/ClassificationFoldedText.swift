import Foundation

/// Text cut into lower-case, accent-free words, done once per alert so that every keyword rule can be checked
/// against it cheaply.
///
/// Letters and digits make words; everything else separates them (`CVE-2024-3400` is `cve 2024 3400`,
/// `l'éditeur` is `l editeur`). Accents are removed from Latin letters (`é` → `e`, `ç` → `c`, `œ` → `oe`,
/// `ß` → `ss`), whether the text is composed or decomposed. A sentence end (`.`, `!`, `?`, `;`, a line break)
/// or the end of a field leaves an empty word as a boundary, so that a phrase never spans two sentences or two
/// fields and a negation never reaches into the next sentence. Each field is read up to `scalarLimit` Unicode
/// scalars, which bounds the work on hostile input.
struct ClassificationFoldedText: Sendable {
    /// The words, with `""` at sentence and field boundaries.
    private(set) var words: [String] = []

    /// How many Unicode scalars of each field are read; the rest is ignored.
    static let scalarLimit = 200_000

    init() {}

    init(_ fields: [String]) {
        for field in fields { append(field) }
    }

    /// Adds a field after the ones already folded.
    mutating func append(_ field: String) {
        var word = ""
        var read = 0
        for scalar in field.unicodeScalars {
            read += 1
            if read > Self.scalarLimit { break }
            let value = scalar.value
            if value < 0x80 {
                switch value {
                case 0x61...0x7A, 0x30...0x39: word.unicodeScalars.append(scalar)
                case 0x41...0x5A: word.unicodeScalars.append(Unicode.Scalar(value + 0x20) ?? scalar)
                case 0x2E, 0x21, 0x3F, 0x3B, 0x0A, 0x0D: flush(&word, boundary: true)
                default: flush(&word, boundary: false)
                }
                continue
            }
            if let folded = Self.latin[scalar] {
                word += folded
            } else if scalar.properties.generalCategory == .nonspacingMark {
                // A combining accent in decomposed text: the base letter is already in the word.
                continue
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word += scalar.properties.lowercaseMapping
            } else {
                flush(&word, boundary: value == 0x2029 || value == 0x2028 || value == 0x85)
            }
        }
        flush(&word, boundary: true)
    }

    private mutating func flush(_ word: inout String, boundary: Bool) {
        if !word.isEmpty {
            words.append(word)
            word = ""
        }
        if boundary, let last = words.last, !last.isEmpty { words.append("") }
    }

    /// Folds a short text (a keyword, a tag value) the same way, without boundaries.
    static func words(of text: String) -> [String] {
        ClassificationFoldedText([text]).words.filter { !$0.isEmpty }
    }

    /// Latin letters with accents, ligatures and their upper cases, mapped to lower-case ASCII.
    private static let latin: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = [:]
        for value in UInt32(0xC0)...UInt32(0x24F) {
            guard let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic else { continue }
            let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first ?? scalar
            if base.value < 0x80 { table[scalar] = String(base).lowercased() }
        }
        let extra: [(String, String)] = [
            ("ß", "ss"), ("æ", "ae"), ("Æ", "ae"), ("œ", "oe"), ("Œ", "oe"), ("ø", "o"), ("Ø", "o"), ("đ", "d"),
            ("Đ", "d"), ("ł", "l"), ("Ł", "l"), ("ı", "i"), ("þ", "th"), ("Þ", "th"), ("ð", "d"), ("Ð", "d"),
        ]
        for (letter, folded) in extra {
            if let scalar = letter.unicodeScalars.first { table[scalar] = folded }
        }
        return table
    }()
}
