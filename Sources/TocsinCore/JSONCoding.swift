import Foundation

/// The JSON encoder and decoder every part of Tocsin uses: camelCase keys, RFC 3339 dates in UTC.
public enum TocsinJSON {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text.prefix(40))' is not an RFC 3339 date-time")
            }
            return date
        }
        return decoder
    }

    /// Encodes a value to bytes with the shared encoder.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try encoder().encode(value))
    }
}

/// RFC 3339 timestamps: written in UTC with milliseconds, read with or without fractions and with any offset.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = millis.quotientAndRemainder(dividingBy: 1000)
        let adjusted = fraction < 0 ? (seconds - 1, fraction + 1000) : (seconds, fraction)
        // Years 1583 to 9999 by arithmetic on the Gregorian calendar (a fan-out writes one per delivery); any other
        // year through Foundation, which writes the same form and counts days before the 1582 reform as Julian.
        let days = adjusted.0 >= 0 ? adjusted.0 / 86_400 : (adjusted.0 - 86_399) / 86_400
        let secondOfDay = adjusted.0 - days * 86_400
        let (year, month, day) = civil(days: days)
        if (1_583...9_999).contains(year) {
            var text = [UInt8](repeating: 0, count: 24)
            func put(_ value: Int64, _ at: Int, _ width: Int) {
                var value = value
                for index in stride(from: at + width - 1, through: at, by: -1) {
                    text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, 0, 4); text[4] = UInt8(ascii: "-"); put(month, 5, 2); text[7] = UInt8(ascii: "-"); put(day, 8, 2)
            text[10] = UInt8(ascii: "T"); put(secondOfDay / 3_600, 11, 2); text[13] = UInt8(ascii: ":"); put(secondOfDay / 60 % 60, 14, 2)
            text[16] = UInt8(ascii: ":"); put(secondOfDay % 60, 17, 2); text[19] = UInt8(ascii: "."); put(adjusted.1, 20, 3)
            text[23] = UInt8(ascii: "Z")
            return String(decoding: text, as: UTF8.self)
        }
        return foundationFormat(seconds: adjusted.0, milliseconds: adjusted.1)
    }

    /// The year, month and day of a count of days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The same text through Foundation's ISO 8601 style (what `format` checks itself against in the tests).
    static func foundationFormat(seconds: Int64, milliseconds: Int64) -> String {
        let adjusted = (seconds, milliseconds)
        let whole = Date(timeIntervalSince1970: Double(adjusted.0)).formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
        return whole.dropLast() + "." + String(format: "%03d", adjusted.1) + "Z"
    }

    /// Reads RFC 3339 strictly first, then leniently as ISO 8601 (a date such as `2024-02-30` rolls over), for dates
    /// in source documents; what API clients send is read with `parseStrict` alone.
    public static func parse(_ text: String) -> Date? {
        if let date = parseStrict(text) { return date }
        guard let date = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text)) else { return nil }
        return date.millisecondPrecision
    }

    /// RFC 3339 `date-time` exactly as its grammar says (section 5.6): `T`/`t`, `Z`/`z` or any offset from -23:59 to
    /// +23:59, fractions of any length, and the leap second `:60` (read as the second after `:59`), which the
    /// ISO 8601 styles refuse. Read to the millisecond.
    public static func parseStrict(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for byte in b[start..<start + count] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard b.count >= 20, let year = number(0, 4), b[4] == UInt8(ascii: "-"), let month = number(5, 2), b[7] == UInt8(ascii: "-"),
              let day = number(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let hour = number(11, 2), b[13] == UInt8(ascii: ":"), let minute = number(14, 2), b[16] == UInt8(ascii: ":"),
              let second = number(17, 2) else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...monthDays[month - 1]).contains(day), hour <= 23, minute <= 59, second <= 60 else { return nil }
        var index = 19
        var millis = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, (0x30...0x39).contains(b[index]) { index += 1 }
            guard index > start else { return nil }
            // Rounded to the millisecond from the first four digits.
            let digits = b[start..<min(index, start + 4)].map { Int($0 - 0x30) } + Array(repeating: 0, count: max(0, 4 - (index - start)))
            millis = (digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3] + 5) / 10
        }
        guard index < b.count else { return nil }
        var offset = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let offsetHour = number(index + 1, 2), index + 3 < b.count, b[index + 3] == UInt8(ascii: ":"),
                  let offsetMinute = number(index + 4, 2), offsetHour <= 23, offsetMinute <= 59 else { return nil }
            offset = (offsetHour * 60 + offsetMinute) * 60 * (b[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return Date(timeIntervalSince1970: Double(seconds * 1000 + Int64(millis)) / 1000)
    }
}

extension DecodingError {
    /// The dotted path of the field at fault and what was wrong with it, for problem documents.
    public var fieldAndReason: (field: String, reason: String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { result, key in
                if let index = key.intValue { result += "[\(index)]" } else { result += result.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
        }
        switch self {
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "has the wrong type (expected \(type))")
        case .valueNotFound(_, let context):
            return (path(context.codingPath), "must not be null")
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "is required")
        case .dataCorrupted(let context):
            let reason = context.debugDescription.contains("not valid JSON") || context.codingPath.isEmpty && context.underlyingError != nil
                ? "the body is not valid JSON" : Self.readable(context.debugDescription)
            return (path(context.codingPath), reason)
        @unknown default:
            return ("", "could not be decoded")
        }
    }
}

extension DecodingError {
    /// The words of the standard library's enum errors ("Cannot initialize Role from invalid String value x"), which
    /// name Swift types, put as a user reads them: "'x' is not one of admin, publisher, subscriber, relay".
    static func readable(_ description: String) -> String {
        guard description.hasPrefix("Cannot initialize "), let range = description.range(of: " from invalid ") else { return description }
        let type = String(description[description.index(description.startIndex, offsetBy: 18)..<range.lowerBound])
        let rest = description[range.upperBound...]
        let value = rest.split(separator: " ", maxSplits: 2).dropFirst(2).first.map(String.init) ?? ""
        let shown = "'\(value.prefix(40))'"
        guard let allowed = allowedValues[type] else { return "\(shown) is not an allowed value" }
        return "\(shown) is not one of \(allowed.joined(separator: ", "))"
    }

    /// The wire values of the enums clients send, by Swift type name.
    static let allowedValues: [String: [String]] = [
        "Role": Role.allCases.map(\.rawValue),
        "Severity": Severity.allCases.map(\.rawValue),
        "TLP": TLP.allCases.map(\.rawValue),
        "AlertStatus": AlertStatus.allCases.map(\.rawValue),
        "Kind": Organisation.Kind.allCases.map(\.rawValue),
        "DigestMode": DigestMode.allCases.map(\.rawValue),
        "DeliveryState": DeliveryState.allCases.map(\.rawValue),
    ]
}

extension Date {
    /// The date rounded to the millisecond, the precision Tocsin stores and sends.
    public var millisecondPrecision: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}

/// Dates as RFC 5322 mail headers, RSS 2.0 and HTTP headers write them: `Mon, 23 Nov 2026 09:49:15 GMT`
/// (HTTP, RSS) or `… +0000` (mail). Always UTC and English names, whatever the machine's locale.
public enum InternetDate {
    public static func format(_ date: Date, zone: String = "GMT") -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d %@", days[Int(parts.tm_wday)], parts.tm_mday, months[Int(parts.tm_mon)],
                      parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec, zone)
    }
}
