import Foundation
@testable import TocsinIngest

/// The RFC 822 date reader that `IngestDate` replaced with a byte-level one for ASCII texts, kept as the reference
/// that the differential test compares the fast one with.
enum ReferenceIngestDate {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64 else { return nil }
        if let first = trimmed.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"),
           let date = IngestDate.iso8601(trimmed) {
            return date
        }
        return rfc822(trimmed)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let zones: [String: Int] = [
        "GMT": 0, "UT": 0, "UTC": 0, "Z": 0,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
        "AKST": -9, "AKDT": -8, "HST": -10, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "BST": 1, "WET": 0, "WEST": 1,
    ]

    static func rfc822(_ text: String) -> Date? {
        var tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        if let first = tokens.first?.lowercased(), weekdays.contains(where: { first.hasPrefix($0) }) { tokens.removeFirst() }
        guard tokens.count >= 4 else { return nil }
        var dayToken = tokens[0]
        var monthToken = tokens[1]
        if dayToken.first?.isLetter == true { swap(&dayToken, &monthToken) }
        guard let day = Int(dayToken), let monthIndex = months.firstIndex(where: { monthToken.lowercased().hasPrefix($0) }),
              var year = Int(tokens[2]) else { return nil }
        if tokens[2].count == 2 { year += year >= 50 ? 1900 : 2000 }
        let clock = tokens[3].split(separator: ":").map { Int($0) }
        guard clock.count == 2 || clock.count == 3, let hour = clock[0], let minute = clock[1] else { return nil }
        let second = clock.count == 3 ? clock[2] : 0
        guard let second else { return nil }
        var offset = 0
        if tokens.count >= 5 {
            let zone = tokens[4]
            if let hours = zones[zone.uppercased()] {
                offset = hours * 3600
            } else if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let value = Int(zone.dropFirst()) {
                guard value % 100 < 60, value / 100 < 24 else { return nil }
                offset = (sign == "-" ? -1 : 1) * ((value / 100) * 3600 + (value % 100) * 60)
            } else if zone.count == 1, zone.first?.isLetter == true {
                offset = 0
            } else {
                return nil
            }
        }
        return IngestDate.compose(year, monthIndex + 1, day, hour, minute, second, 0, offset: offset)
    }
}
