import Foundation
import TocsinCore

/// Tolerant reading of the dates every source writes, always in the Gregorian calendar with English names,
/// whatever the machine's locale.
///
/// Accepted: RFC 3339 / ISO 8601 (`2003-04-02T14:39:01-05:00`, `…-00:00`, `….675Z`, any number of fraction digits,
/// a space instead of `T`, `+0100` or `+01` offsets, no offset at all, a date alone) and RFC 822 / 5322 as RSS
/// writes it (`Tue, 07 Mar 2023 00:29:00 GMT`, `+0000`, `EST`, `PDT`…, with or without the weekday or the seconds,
/// two-digit years, a single-digit day, full month names). A date without an offset is read as UTC: CERT-FR
/// publishes midnight dates without a zone, its RSS feeds state the same dates as `+0000`, and CVE records and
/// CSAF documents write zone-less date-times meaning UTC. Fractions are cut (not rounded) to the milliseconds
/// Tocsin keeps, so that a cursor read from a source never lies after the source's own timestamp.
enum IngestDate {
    /// The date, or nil when the text is not a date in any accepted form.
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64 else { return nil }
        if let first = trimmed.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"),
           let date = iso8601(trimmed) {
            return date
        }
        return rfc822(trimmed)
    }

    /// A calendar day written exactly `YYYY-MM-DD` (MISP's `date`), as midnight UTC; nil for any other form or a
    /// day that does not exist.
    static func day(_ text: String) -> Date? {
        guard text.utf8.count == 10 else { return nil }
        return iso8601(text)
    }

    /// RFC 3339 and its common relaxations.
    static func iso8601(_ text: String) -> Date? {
        var scanner = DateScanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.take("-"), let month = scanner.digits(2), scanner.take("-"),
              let day = scanner.digits(2) else { return nil }
        if scanner.atEnd { return compose(year, month, day, 0, 0, 0, 0, offset: 0) }
        guard scanner.take("T") || scanner.take("t") || scanner.take(" "),
              let hour = scanner.digits(2), scanner.take(":"), let minute = scanner.digits(2) else { return nil }
        var second = 0
        var fraction = 0.0
        if scanner.take(":") {
            guard let value = scanner.digits(2) else { return nil }
            second = value
            if scanner.take(".") || scanner.take(",") {
                let digits = scanner.run { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                guard !digits.isEmpty, let value = Double("0." + String(decoding: digits.prefix(3), as: UTF8.self)) else { return nil }
                fraction = value
            }
        }
        var offset = 0
        if scanner.take("Z") || scanner.take("z") {
            offset = 0
        } else if let sign = scanner.sign() {
            guard let hours = scanner.digits(2) else { return nil }
            _ = scanner.take(":")
            let minutes = scanner.atEnd ? 0 : (scanner.digits(2) ?? -1)
            guard hours <= 23, minutes >= 0, minutes <= 59 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard scanner.atEnd else { return nil }
        return compose(year, month, day, hour, minute, second, fraction, offset: offset)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let zones: [String: Int] = [
        "GMT": 0, "UT": 0, "UTC": 0, "Z": 0,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
        "AKST": -9, "AKDT": -8, "HST": -10, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "BST": 1, "WET": 0, "WEST": 1,
    ]

    /// RFC 822 / 5322 dates: `[Day,] DD Mon YYYY HH:MM[:SS] [zone]`; read over bytes when the text is ASCII (every
    /// date seen in feeds), by Characters otherwise.
    static func rfc822(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes in
            bytes.allSatisfy { $0 < 0x80 } ? rfc822(ascii: bytes) : rfc822(characters: String(decoding: bytes, as: UTF8.self))
        }
    }

    private static let weekdayBytes = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map { Array($0.utf8) }
    private static let monthBytes = months.map { Array($0.utf8) }

    /// `rfc822(characters:)` over ASCII: the same tokens, words compared without case, numbers read as `Int(_:)`
    /// reads them (an optional sign, digits, nil on overflow).
    private static func rfc822(ascii bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == UInt8(ascii: ",") || byte == 0x09 }
        func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z") }
        func lower(_ byte: UInt8) -> UInt8 { isLetter(byte) ? byte | 0x20 : byte }
        func hasPrefix(_ token: Range<Int>, _ prefix: [UInt8]) -> Bool {
            token.count >= prefix.count && prefix.indices.allSatisfy { lower(bytes[token.lowerBound + $0]) == prefix[$0] }
        }
        func integer(_ token: Range<Int>) -> Int? { ASCIIInteger.parse(bytes[token]) }
        var tokens: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard !isSeparator(bytes[index]) else { index += 1; continue }
            let start = index
            while index < bytes.count, !isSeparator(bytes[index]) { index += 1 }
            tokens.append(start..<index)
        }
        if let first = tokens.first, weekdayBytes.contains(where: { hasPrefix(first, $0) }) { tokens.removeFirst() }
        guard tokens.count >= 4 else { return nil }
        var dayToken = tokens[0]
        var monthToken = tokens[1]
        if isLetter(bytes[dayToken.lowerBound]) { swap(&dayToken, &monthToken) }
        guard let day = integer(dayToken), let monthIndex = monthBytes.firstIndex(where: { hasPrefix(monthToken, $0) }),
              var year = integer(tokens[2]) else { return nil }
        if tokens[2].count == 2 { year += year >= 50 ? 1900 : 2000 }
        // The clock's parts, split at colons with empty parts left out, as `split(separator:)` does.
        var clock: [Int?] = []
        var partStart = tokens[3].lowerBound
        for position in tokens[3].lowerBound...tokens[3].upperBound where position == tokens[3].upperBound || bytes[position] == UInt8(ascii: ":") {
            if position > partStart { clock.append(integer(partStart..<position)) }
            partStart = position + 1
        }
        guard clock.count == 2 || clock.count == 3, let hour = clock[0], let minute = clock[1] else { return nil }
        let second = clock.count == 3 ? clock[2] : 0
        guard let second else { return nil }
        var offset = 0
        if tokens.count >= 5 {
            let zone = tokens[4]
            let sign = bytes[zone.lowerBound]
            // A numeric offset first: no zone name starts with a sign, so the names need not be looked up for it.
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), zone.count == 5, let value = integer((zone.lowerBound + 1)..<zone.upperBound) {
                guard value % 100 < 60, value / 100 < 24 else { return nil }
                offset = (sign == UInt8(ascii: "-") ? -1 : 1) * ((value / 100) * 3600 + (value % 100) * 60)
            } else if let hours = zones[String(decoding: bytes[zone].map { isLetter($0) ? $0 & 0xDF : $0 }, as: UTF8.self)] {
                offset = hours * 3600
            } else if zone.count == 1, isLetter(sign) {
                offset = 0  // RFC 822 military zones are unreliable; RFC 5322 says to read them as UTC.
            } else {
                return nil
            }
        }
        return compose(year, monthIndex + 1, day, hour, minute, second, 0, offset: offset)
    }

    /// `rfc822(_:)` by Characters, for texts that are not ASCII.
    private static func rfc822(characters text: String) -> Date? {
        var tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        if let first = tokens.first?.lowercased(), weekdays.contains(where: { first.hasPrefix($0) }) { tokens.removeFirst() }
        // Either "07 Mar 2023 …" or the asctime-like "Mar 07 2023 …".
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
                offset = 0  // RFC 822 military zones are unreliable; RFC 5322 says to read them as UTC.
            } else {
                return nil
            }
        }
        return compose(year, monthIndex + 1, day, hour, minute, second, 0, offset: offset)
    }

    /// A date from its civil parts, or nil when a part is out of range.
    static func compose(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ fraction: Double, offset: Int) -> Date? {
        guard (1...9999).contains(year), (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute),
              (0...60).contains(second) else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + min(second, 59) - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction).millisecondPrecision
    }
}

/// A cursor over the ASCII bytes of a date.
private struct DateScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue, index < bytes.count, bytes[index] == ascii else { return false }
        index += 1
        return true
    }

    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<(index + count)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += count
        return value
    }

    mutating func sign() -> Int? {
        if take("+") { return 1 }
        if take("-") { return -1 }
        return nil
    }

    mutating func run(while predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while index < bytes.count, predicate(bytes[index]) { index += 1 }
        return bytes[start..<index]
    }
}
