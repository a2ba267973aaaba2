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
        let words = text.split(whereSeparator: { $0.isWhitespace }).map { $0.lowercased() }
        guard words.count == 3, let day = Int(words[0].hasSuffix("er") ? String(words[0].dropLast(2)) : words[0]),
              let month = months[words[1]], let year = Int(words[2]) else { return nil }
        return IngestDate.compose(year, month, day, 0, 0, 0, 0, offset: 0)
    }

    /// Every `<day> <month> <year>` French date found in the text, in order.
    static func frenchDates(in text: String) -> [Date] {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "]" || $0 == "[" || $0 == "(" || $0 == ")" || $0 == "," || $0 == "*" || $0 == "\\" })
        guard words.count >= 3 else { return [] }
        var dates: [Date] = []
        for index in 0..<(words.count - 2) where months[words[index + 1].lowercased()] != nil {
            let year = words[index + 2].trimmingCharacters(in: CharacterSet(charactersIn: ".:;"))
            if let date = frenchDate("\(words[index]) \(words[index + 1]) \(year)") { dates.append(date) }
        }
        return dates
    }

    /// An RSS item title without its `[MàJ]` marker and `(DD mois YYYY)` suffix, with what they said.
    static func splitTitle(_ title: String) -> (title: String, updated: Bool, date: Date?) {
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
        guard Array(text.utf8).containsASCIICaseInsensitive("jour du ") else { return dates }
        var searchStart = text.startIndex
        while let range = text.range(of: "mise à jour du ", options: .caseInsensitive, range: searchStart..<text.endIndex) {
            let tail = String(text[range.upperBound...].prefix(40))
            if let date = frenchDates(in: tail).first { dates.append(date) }
            searchStart = range.upperBound
        }
        return dates.sorted()
    }

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
        guard Array(text.utf8).containsASCIICaseInsensitive("distance") else { return false }
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return folded.contains("execution de code arbitraire a distance") || folded.contains("execution de code a distance")
    }
}
