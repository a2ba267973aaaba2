import Foundation
import TocsinCore

/// The French-language conventions of CERT-FR texts: dates written in words, `[MàJ]` title markers, the
/// `(DD mois YYYY)` title suffix of the RSS feeds, "Mise à jour du …" notes and Markdown residue.
enum CERTFRText {
    private static let months: [String: Int] = [
        "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
        "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    ]

    /// A French date such as `02 octobre 2023` or `1er mars 2024` (midnight UTC, as CERT-FR dates its documents).
    static func frenchDate(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { frenchDate(bytes: $0) }
    }

    /// `frenchDate(_:)` over the UTF-8 of the text.
    private static func frenchDate<Bytes: RandomAccessCollection>(bytes: Bytes) -> Date? where Bytes.Element == UInt8, Bytes.Index == Int {
        guard let lowered = FrenchFolding.lowercased(bytes) else {
            return frenchDate(characters: String(decoding: bytes, as: UTF8.self))
        }
        // ASCII and Latin-1 letters only: the words are split and lower-cased over bytes.
        var words: (Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0)
        var count = 0
        var failed = false
        FrenchFolding.forEachWord(in: lowered, separatedBy: { _ in false }) { word in
            switch count {
            case 0: words.0 = word
            case 1: words.1 = word
            case 2: words.2 = word
            default: failed = true
            }
            count += 1
        }
        guard !failed, count == 3 else { return nil }
        return frenchDate(lowered, day: words.0, month: words.1, year: words.2)
    }

    /// `frenchDate(_:)` by Characters, for texts holding other characters than ASCII and Latin-1 letters.
    private static func frenchDate(characters text: String) -> Date? {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map { $0.lowercased() }
        guard words.count == 3, let day = Int(words[0].hasSuffix("er") ? String(words[0].dropLast(2)) : words[0]),
              let month = months[words[1]], let year = Int(words[2]) else { return nil }
        return IngestDate.compose(year, month, day, 0, 0, 0, 0, offset: 0)
    }

    private static let yearPunctuation = CharacterSet(charactersIn: ".:;")

    /// Every `<day> <month> <year>` French date found in the text, in order.
    static func frenchDates(in text: String) -> [Date] {
        guard let lowered = FrenchFolding.lowercased(text.utf8) else { return frenchDates(characters: text) }
        // ASCII and Latin-1 letters only: the words are split and lower-cased over bytes.
        var words: [Range<Int>] = []
        FrenchFolding.forEachWord(in: lowered, separatedBy: isDatePunctuation) { words.append($0) }
        guard words.count >= 3 else { return [] }
        var dates: [Date] = []
        for index in 0..<(words.count - 2) where monthNumber(lowered[words[index + 1]]) != nil {
            var year = words[index + 2]
            while !year.isEmpty, isYearPunctuation(lowered[year.upperBound - 1]) { year = year.lowerBound..<(year.upperBound - 1) }
            while !year.isEmpty, isYearPunctuation(lowered[year.lowerBound]) { year = (year.lowerBound + 1)..<year.upperBound }
            if !year.isEmpty, let date = frenchDate(lowered, day: words[index], month: words[index + 1], year: year) { dates.append(date) }
        }
        return dates
    }

    /// `] [ ( ) , * \`, which end a word of a date as white space does.
    private static func isDatePunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "]"), UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: "*"), UInt8(ascii: "\\"): true
        default: false
        }
    }

    /// `. : ;`, trimmed from a year.
    private static func isYearPunctuation(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ";")
    }

    /// The months by their lower-cased French names (with and without accents), as bytes.
    private static let monthNames: [(name: [UInt8], month: Int)] = months.map { (Array($0.key.utf8), $0.value) }

    /// The month a lower-cased word names, as `months` says.
    private static func monthNumber(_ word: ArraySlice<UInt8>) -> Int? {
        for entry in monthNames where entry.name.count == word.count && entry.name.elementsEqual(word) { return entry.month }
        return nil
    }

    /// A date from three lower-cased words of `lowered`, as `frenchDate(_:)` reads them.
    private static func frenchDate(_ lowered: [UInt8], day dayWord: Range<Int>, month monthWord: Range<Int>, year yearWord: Range<Int>) -> Date? {
        guard let month = monthNumber(lowered[monthWord]), let year = ASCIIInteger.parse(lowered[yearWord]) else { return nil }
        let hasSuffix = dayWord.count >= 2 && lowered[dayWord.upperBound - 2] == UInt8(ascii: "e") && lowered[dayWord.upperBound - 1] == UInt8(ascii: "r")
        guard let day = ASCIIInteger.parse(lowered[hasSuffix ? dayWord.lowerBound..<(dayWord.upperBound - 2) : dayWord]) else { return nil }
        return IngestDate.compose(year, month, day, 0, 0, 0, 0, offset: 0)
    }

    /// `frenchDates(in:)` by Characters.
    private static func frenchDates(characters text: String) -> [Date] {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "]" || $0 == "[" || $0 == "(" || $0 == ")" || $0 == "," || $0 == "*" || $0 == "\\" })
        guard words.count >= 3 else { return [] }
        var dates: [Date] = []
        for index in 0..<(words.count - 2) where months[words[index + 1].lowercased()] != nil {
            let year = words[index + 2].trimmingCharacters(in: yearPunctuation)
            if let date = frenchDate("\(words[index]) \(words[index + 1]) \(year)") { dates.append(date) }
        }
        return dates
    }

    /// An RSS item title without its `[MàJ]` marker and `(DD mois YYYY)` suffix, with what they said.
    static func splitTitle(_ title: String) -> (title: String, updated: Bool, date: Date?) {
        let bytes = Array(title.utf8)
        // Titles of the characters `FrenchFolding` knows (no combining mark that could join a bracket) are cut over
        // bytes, as ranges of the title's UTF-8.
        guard FrenchFolding.isFoldable(bytes) else { return splitTitle(characters: title) }
        var text = trimmed(bytes, 0..<bytes.count)
        var updated = false
        if !text.isEmpty, bytes[text.lowerBound] == UInt8(ascii: "["), let close = bytes[text].firstIndex(of: UInt8(ascii: "]")),
           FrenchFolding.caseFolded(Array(bytes[(text.lowerBound + 1)..<close])) == marker {
            updated = true
            text = trimmed(bytes, (close + 1)..<text.upperBound)
        }
        var date: Date?
        if !text.isEmpty, bytes[text.upperBound - 1] == UInt8(ascii: ")"), let open = bytes[text].lastIndex(of: UInt8(ascii: "(")),
           let parsed = frenchDate(bytes: bytes[(open + 1)..<(text.upperBound - 1)]) {
            date = parsed
            text = trimmed(bytes, text.lowerBound..<open)
        }
        guard !text.isEmpty, text.count != bytes.count else { return (title, updated, date) }
        return (String(decoding: bytes[text], as: UTF8.self), updated, date)
    }

    private static let marker = Array("màj".utf8)

    /// `range` without the white space `trimmingWhitespace()` removes at either end, for a text whose characters
    /// `FrenchFolding` folds (of which only ASCII white space and U+00A0, U+2009 and U+202F are white space, all of
    /// which `whitespaceLength(at:before:)` knows).
    private static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound, end = range.upperBound
        while start < end, let length = bytes.whitespaceLength(at: start, before: end) { start += length }
        while start < end {
            var lead = end - 1
            while lead > start, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            guard bytes.whitespaceLength(at: lead, before: end) == end - lead else { break }
            end = lead
        }
        return start..<end
    }

    /// `splitTitle(_:)` by Characters.
    private static func splitTitle(characters title: String) -> (title: String, updated: Bool, date: Date?) {
        var text = title.trimmingWhitespace()
        var updated = false
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[text.index(after: text.startIndex)..<close].lowercased() == "màj" {
            updated = true
            text = text[text.index(after: close)...].trimmingWhitespace()
        }
        var date: Date?
        if text.hasSuffix(")"), let open = text.lastIndex(of: "("),
           let parsed = frenchDate(String(text[text.index(after: open)..<text.index(before: text.endIndex)])) {
            date = parsed
            text = text[..<open].trimmingWhitespace()
        }
        return (text.isEmpty ? title : text, updated, date)
    }

    /// The dates of the "Mise à jour du …" notes a description carries, latest last.
    static func updateDates(in text: String) -> [Date] {
        var dates: [Date] = []
        // Most descriptions hold no such note: a byte scan says so before any case-insensitive search.
        let bytes = Array(text.utf8)
        guard bytes.containsASCIICaseInsensitive("jour du ") else { return dates }
        guard let folded = FrenchFolding.caseFolded(bytes) else {
            var searchStart = text.startIndex
            while let range = text.range(of: "mise à jour du ", options: .caseInsensitive, range: searchStart..<text.endIndex) {
                let tail = String(text[range.upperBound...].prefix(40))
                if let date = frenchDates(in: tail).first { dates.append(date) }
                searchStart = range.upperBound
            }
            return dates.sorted()
        }
        // The text holds only characters whose case `FrenchFolding` knows: the note is found over bytes, case
        // folded as Foundation's case-insensitive search folds it.
        var searchStart = 0
        while let start = folded.firstRange(of: updateNote, from: searchStart) {
            let end = start + updateNote.count
            // 40 characters of this text (at most 3 bytes each, a CR LF 2) lie within the next 120 bytes; 168 leave room.
            let tail = String(String(decoding: bytes[end..<min(bytes.count, end + 168)], as: UTF8.self).prefix(40))
            if let date = frenchDates(in: tail).first { dates.append(date) }
            searchStart = end
        }
        return dates.sorted()
    }

    private static let updateNote = Array("mise à jour du ".utf8)

    /// Text without the Markdown escapes and emphasis left in CERT-FR feed descriptions (`\[1\]`, `**…**`, `*MTA*`).
    static func withoutMarkdown(_ text: String) -> String {
        var text = text
        guard text.withUTF8({ $0.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "*") }) }) else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, isEscapable(bytes[index + 1]) {
                output.append(bytes[index + 1])
                index += 2
            } else {
                // Emphasis markers go; CERT-FR prose has no literal asterisks.
                if byte != UInt8(ascii: "*") { output.append(byte) }
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes a backslash escapes in Markdown: [ ] * _ ` # ( ) and the backslash itself.
    private static func isEscapable(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "#"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"): true
        default: false
        }
    }

    /// True when the text states a remote code execution, the risk that raises an avis to `high`.
    static func statesRemoteCodeExecution(_ text: String) -> Bool {
        // Both phrases end in "distance": a byte scan rules most texts out before the folding, which is costly.
        let bytes = Array(text.utf8)
        guard bytes.containsASCIICaseInsensitive("distance") else { return false }
        guard let folded = FrenchFolding.caseAndDiacriticFolded(bytes) else {
            let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            return folded.contains("execution de code arbitraire a distance") || folded.contains("execution de code a distance")
        }
        return folded.firstRange(of: remoteCodeExecution[0], from: 0) != nil || folded.firstRange(of: remoteCodeExecution[1], from: 0) != nil
    }

    private static let remoteCodeExecution = [Array("execution de code arbitraire a distance".utf8), Array("execution de code a distance".utf8)]
}
