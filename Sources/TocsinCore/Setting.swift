import Foundation

/// A setting that could not be read, naming the key and what is wrong.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var key: String
    public var message: String
    public var description: String { "configuration: \(key) \(message)" }

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }
}

/// One key of a settings section and how its text value, from the file or the environment, is applied.
///
/// A section (`smtp:`, `webhooks:`) is a list of these; the configuration loader finds the key, hands it the text
/// and the full dotted key (`smtp.url`) to name in an error.
public struct SettingKey<Settings>: Sendable {
    public typealias Apply = @Sendable (inout Settings, _ value: String, _ key: String) throws(ConfigurationError) -> Void

    /// The key inside its section: `url` for `smtp.url`.
    public let name: String
    public let apply: Apply

    public init(_ name: String, _ apply: @escaping Apply) {
        self.name = name
        self.apply = apply
    }
}

/// Setting values as the file and the environment write them, read strictly, with errors naming the key.
public enum SettingText {
    /// A comma-separated list (as the environment and flattened YAML lists write it), items trimmed, empty ones dropped.
    public static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public static func int(_ text: String, _ key: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(key: key, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    public static func bool(_ text: String, _ key: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw ConfigurationError(key: key, message: "must be true or false")
        }
    }

    public static func duration(_ text: String, _ key: String) throws(ConfigurationError) -> TimeInterval {
        guard let value = DurationText.parse(text), value > 0 else {
            throw ConfigurationError(key: key, message: "must be a duration like 500ms, 30s, 5m or 2h")
        }
        return value
    }
}
