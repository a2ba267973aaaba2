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
        guard let words = FrenchFolding.lowercasedWords(Array(text.utf8)) else { return frenchDate(characters: text) }
        // ASCII and Latin-1 letters only: the words are split and lower-cased over bytes.
        guard words.count == 3 else { return nil }
        return frenchDate(day: words[0], month: words[1], year: words[2])
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
        let bytes = Array(text.utf8)
        guard let words = FrenchFolding.lowercasedWords(bytes, alsoSplittingAt: datePunctuation) else { return frenchDates(characters: text) }
        // ASCII and Latin-1 letters only: the words are split and lower-cased over bytes.
        guard words.count >= 3 else { return [] }
        var dates: [Date] = []
        for index in 0..<(words.count - 2) where months[String(decoding: words[index + 1], as: UTF8.self)] != nil {
            var year = words[index + 2][...]
            while let last = year.last, yearPunctuationBytes.contains(last) { year = year.dropLast() }
            while let first = year.first, yearPunctuationBytes.contains(first) { year = year.dropFirst() }
            if !year.isEmpty, let date = frenchDate(day: words[index], month: words[index + 1], year: Array(year)) { dates.append(date) }
        }
        return dates
    }

    private static let datePunctuation: Set<UInt8> = Set("][(),*\\".utf8)
    private static let yearPunctuationBytes: Set<UInt8> = Set(".:;".utf8)

    /// A date from three lower-cased words, as `frenchDate(_:)` reads them.
    private static func frenchDate(day dayWord: [UInt8], month monthWord: [UInt8], year yearWord: [UInt8]) -> Date? {
        guard let month = months[String(decoding: monthWord, as: UTF8.self)], let year = FrenchFolding.integer(yearWord) else { return nil }
        let dayDigits = dayWord.count >= 2 && dayWord.suffix(2).elementsEqual("er".utf8) ? Array(dayWord.dropLast(2)) : dayWord
        guard let day = FrenchFolding.integer(dayDigits) else { return nil }
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
        // Titles of the characters `FrenchFolding` knows (no combining mark that could join a bracket) are cut over bytes.
        guard FrenchFolding.caseFolded(bytes) != nil else { return splitTitle(characters: title) }
        var text = Array(title.trimmingWhitespace().utf8)
        var updated = false
        if text.first == UInt8(ascii: "["), let close = text.firstIndex(of: UInt8(ascii: "]")),
           FrenchFolding.caseFolded(Array(text[1..<close])) == Array("màj".utf8) {
            updated = true
            text = Array(String(decoding: text[(close + 1)...], as: UTF8.self).trimmingWhitespace().utf8)
        }
        var date: Date?
        if text.last == UInt8(ascii: ")"), let open = text.lastIndex(of: UInt8(ascii: "(")),
           let parsed = frenchDate(String(decoding: text[(open + 1)..<(text.count - 1)], as: UTF8.self)) {
            date = parsed
            text = Array(String(decoding: text[..<open], as: UTF8.self).trimmingWhitespace().utf8)
        }
        return (text.isEmpty ? title : String(decoding: text, as: UTF8.self), updated, date)
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
            let tail = String(String(decoding: bytes[end...], as: UTF8.self).prefix(40))
            if let date = frenchDates(in: tail).first { dates.append(date) }
            searchStart = end
        }
        return dates.sorted()
    }

    private static let updateNote = Array("mise à jour du ".utf8)

    /// Text without the Markdown escapes and emphasis left in CERT-FR feed descriptions (`\[1\]`, `**…**`, `*MTA*`).
    static func withoutMarkdown(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "*") }) else { return text }
        let escapable = Set("[]*_`#()\\".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, escapable.contains(bytes[index + 1]) {
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
