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
        let whole = Date(timeIntervalSince1970: Double(adjusted.0)).formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
        return whole.dropLast() + "." + String(format: "%03d", adjusted.1) + "Z"
    }

    public static func parse(_ text: String) -> Date? {
        guard let date = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text)) else { return nil }
        return date.millisecondPrecision
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
        "Channel": Channel.allCases.map(\.rawValue),
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
