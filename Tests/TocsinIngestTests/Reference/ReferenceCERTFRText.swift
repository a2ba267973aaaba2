import Foundation
@testable import TocsinIngest

/// The Foundation-based searches of `CERTFRText` that a byte-level folding replaced for the characters of French
/// prose, kept as the reference that the differential test compares the fast ones with.
enum ReferenceCERTFRText {
    static func updateDates(in text: String) -> [Date] {
        var dates: [Date] = []
        guard Array(text.utf8).containsASCIICaseInsensitive("jour du ") else { return dates }
        var searchStart = text.startIndex
        while let range = text.range(of: "mise à jour du ", options: .caseInsensitive, range: searchStart..<text.endIndex) {
            let tail = String(text[range.upperBound...].prefix(40))
            if let date = CERTFRText.frenchDates(in: tail).first { dates.append(date) }
            searchStart = range.upperBound
        }
        return dates.sorted()
    }

    static func statesRemoteCodeExecution(_ text: String) -> Bool {
        guard Array(text.utf8).containsASCIICaseInsensitive("distance") else { return false }
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return folded.contains("execution de code arbitraire a distance") || folded.contains("execution de code a distance")
    }

    private static let months: [String: Int] = [
        "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
        "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    ]

    static func frenchDate(_ text: String) -> Date? {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map { $0.lowercased() }
        guard words.count == 3, let day = Int(words[0].hasSuffix("er") ? String(words[0].dropLast(2)) : words[0]),
              let month = months[words[1]], let year = Int(words[2]) else { return nil }
        return IngestDate.compose(year, month, day, 0, 0, 0, 0, offset: 0)
    }

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

    /// The reference's parts as `CERTFRReference.init(_:)` read them by Characters.
    static func reference(_ text: String) -> String? {
        let parts = text.trimmingWhitespace().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "CERTFR" || parts[0] == "CERTA", parts[1].count == 4, let year = Int(parts[1]),
              parts[2].count == 3, parts[2].allSatisfy({ $0.isASCII && $0.isUppercase }),
              (3...4).contains(parts[3].count), parts[3].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return "\(parts[0])-\(year)-\(parts[2])-\(parts[3])"
    }

    /// The first reference in a text, as `CERTFRReference.find(in:)` found it before reading candidates over bytes.
    static func find(in text: String) -> String? {
        let bytes = Array(text.utf8), marker = Array("CERT".utf8)
        guard bytes.count >= marker.count else { return nil }
        func isPart(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "-")
        }
        var start = 0
        while start + marker.count <= bytes.count {
            if bytes[start] == marker[0], bytes[start + 1] == marker[1], bytes[start + 2] == marker[2], bytes[start + 3] == marker[3] {
                var end = start
                while end < bytes.count, isPart(bytes[end]) { end += 1 }
                if let reference = reference(String(decoding: bytes[start..<end], as: UTF8.self)) { return reference }
                start += marker.count
            } else {
                start += 1
            }
        }
        return nil
    }
}
