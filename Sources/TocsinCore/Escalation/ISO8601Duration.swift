import Foundation

/// A delay written as an ISO 8601 duration (`PT30M`, `PT1H`, `P1D`, `PT5S`, `P1DT2H`), as escalation policies
/// write the time after publication at which a step fires.
///
/// Only days, hours, minutes and seconds, in whole numbers: months and years have no fixed length, and an
/// escalation that waits more than `maximum` (30 days) is not one. Zero and negative durations are refused.
public struct ISO8601Duration: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let days: Int
    public let hours: Int
    public let minutes: Int
    public let seconds: Int

    /// The longest delay a policy may name.
    public static let maximum: TimeInterval = 30 * 86_400

    /// Why a text is not an acceptable duration.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public init(days: Int = 0, hours: Int = 0, minutes: Int = 0, seconds: Int = 0) {
        self.days = days
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
    }

    /// Parses `P[nD][T[nH][nM][nS]]`; refuses anything else, zero, and more than 30 days.
    public init(parsing text: String) throws(ParseError) {
        let bad = ParseError(description: "'\(text.prefix(32))' is not an ISO 8601 duration such as PT30M, PT1H or P1DT2H")
        var rest = Substring(text)
        guard rest.first == "P" else { throw bad }
        rest = rest.dropFirst()
        var values: [Character: Int] = [:]
        var inTime = false
        var number = ""
        var order: [Character] = []
        for character in rest {
            if character.isASCII, character.isNumber {
                number.append(character)
                guard number.count <= 7 else { throw bad }
                continue
            }
            if character == "T" {
                guard !inTime, number.isEmpty else { throw bad }
                inTime = true
                continue
            }
            let unit: Character
            switch (character, inTime) {
            case ("D", false): unit = "D"
            case ("H", true): unit = "H"
            case ("M", true): unit = "M"
            case ("S", true): unit = "S"
            default: throw bad
            }
            guard let value = Int(number), values[unit] == nil else { throw bad }
            if let last = order.last, "DHMS".firstIndex(of: last)! >= "DHMS".firstIndex(of: unit)! { throw bad }
            values[unit] = value
            order.append(unit)
            number = ""
        }
        guard number.isEmpty, !values.isEmpty, !(inTime && values.keys.allSatisfy { $0 == "D" }) else { throw bad }
        self.init(days: values["D"] ?? 0, hours: values["H"] ?? 0, minutes: values["M"] ?? 0, seconds: values["S"] ?? 0)
        guard timeInterval > 0 else { throw ParseError(description: "'\(text)' is zero: a step waits some time") }
        guard timeInterval <= Self.maximum else { throw ParseError(description: "'\(text)' is longer than 30 days") }
    }

    /// The duration in seconds.
    public var timeInterval: TimeInterval { TimeInterval(((days * 24 + hours) * 60 + minutes) * 60 + seconds) }

    /// The duration written back in ISO 8601, as it was parsed (`P1DT2H`).
    public var description: String {
        var text = "P"
        if days > 0 { text += "\(days)D" }
        if hours > 0 || minutes > 0 || seconds > 0 {
            text += "T"
            if hours > 0 { text += "\(hours)H" }
            if minutes > 0 { text += "\(minutes)M" }
            if seconds > 0 { text += "\(seconds)S" }
        }
        return text == "P" ? "PT0S" : text
    }

    /// The duration as a person reads it (`30 min`, `1 h 30 min`, `2 j`), in the words of `locale`.
    public func text(locale: String, messages: Messages) -> String {
        var parts: [String] = []
        if days > 0 { parts.append(messages.text(.durationDays, locale: locale, ["n": "\(days)"])) }
        if hours > 0 { parts.append(messages.text(.durationHours, locale: locale, ["n": "\(hours)"])) }
        if minutes > 0 { parts.append(messages.text(.durationMinutes, locale: locale, ["n": "\(minutes)"])) }
        if seconds > 0 { parts.append(messages.text(.durationSeconds, locale: locale, ["n": "\(seconds)"])) }
        return parts.joined(separator: " ")
    }

    public static func < (lhs: ISO8601Duration, rhs: ISO8601Duration) -> Bool { lhs.timeInterval < rhs.timeInterval }
}

extension ISO8601Duration: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
