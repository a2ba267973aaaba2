import Foundation

/// A JSON document held as plain values, for formats whose producers disagree on field types (MISP writes
/// numbers as strings or numbers and booleans as `true`, `1` or `"1"`; STIX bundles mix object shapes).
///
/// Reading goes through `ThreatJSON.parse(_:format:)`, which reads through `IngestJSON` under `IngestLimits`, and then
/// through `ThreatJSONNode`, which remembers where each value sits so that errors name the offending field.
enum ThreatJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ThreatJSON])
    case object([String: ThreatJSON])

    /// Parses a whole document after `IngestJSON.checkLimits(_:format:)`.
    static func parse(_ data: Data, format: IngestFormat) throws(IngestError) -> ThreatJSONNode {
        ThreatJSONNode(value: try IngestJSON.decode(ThreatJSON.self, from: data, format: format), path: "", format: format)
    }

    /// A short name of the JSON type, for error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension ThreatJSON: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ThreatJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ThreatJSON].self))
        }
    }
}

/// A JSON value together with its path in the document (`objects[12].pattern`, `Event.Attribute[3].value`).
///
/// The strict readers (`string`, `stringList`, `objects`…) reject a present value of the wrong type; the lenient
/// ones (`text`, `flag`, `integer`) accept the spellings MISP versions have used for the same field.
struct ThreatJSONNode: Sendable {
    let value: ThreatJSON
    let path: String
    let format: IngestFormat

    /// The child at `key`, or nil when the key is absent or null; nil as well when this node is not an object.
    subscript(key: String) -> ThreatJSONNode? {
        guard case .object(let members) = value, let child = members[key] else { return nil }
        if case .null = child { return nil }
        return ThreatJSONNode(value: child, path: path.isEmpty ? key : "\(path).\(key)", format: format)
    }

    /// The members of an object in a stable (sorted) order, or nil when this node is not an object.
    var members: [(key: String, node: ThreatJSONNode)]? {
        guard case .object(let members) = value else { return nil }
        return members.keys.sorted().compactMap { key in self[key].map { (key, $0) } }
    }

    var isObject: Bool {
        if case .object = value { return true }
        return false
    }

    /// An error at this node's path.
    func error(_ message: String) -> IngestError {
        IngestError(format: format, path: path, message: message)
    }

    /// An error at the path of `key` below this node.
    func error(at key: String, _ message: String) -> IngestError {
        IngestError(format: format, path: path.isEmpty ? key : "\(path).\(key)", message: message)
    }

    /// This node's elements when it is an array.
    func elements() throws(IngestError) -> [ThreatJSONNode] {
        guard case .array(let items) = value else { throw error("must be an array, not \(value.typeName)") }
        return items.enumerated().map { ThreatJSONNode(value: $1, path: "\(path)[\($0)]", format: format) }
    }

    /// This node's value when it is a string.
    func stringValue() throws(IngestError) -> String {
        guard case .string(let text) = value else { throw error("must be a string, not \(value.typeName)") }
        return text
    }

    // MARK: Strict readers

    /// The string at `key`; nil when absent or null, an error when present with another type.
    func string(_ key: String) throws(IngestError) -> String? {
        try self[key]?.stringValue()
    }

    /// The string at `key`, which must be present.
    func requiredString(_ key: String) throws(IngestError) -> String {
        guard let text = try string(key) else { throw error(at: key, "is required") }
        return text
    }

    /// The array at `key` (empty when absent or null).
    func array(_ key: String) throws(IngestError) -> [ThreatJSONNode] {
        try self[key]?.elements() ?? []
    }

    /// The array of strings at `key` (empty when absent or null).
    func stringList(_ key: String) throws(IngestError) -> [String] {
        var result: [String] = []
        for element in try array(key) { result.append(try element.stringValue()) }
        return result
    }

    /// The array of objects at `key` (empty when absent or null).
    func objects(_ key: String) throws(IngestError) -> [ThreatJSONNode] {
        let items = try array(key)
        for item in items where !item.isObject { throw item.error("must be an object, not \(item.value.typeName)") }
        return items
    }

    /// The text (string or number, see `text(_:)`) of the first of `keys` that is present.
    func firstText(_ keys: String...) throws(IngestError) -> String? {
        for key in keys {
            if let found = try text(key) { return found }
        }
        return nil
    }

    // MARK: Lenient readers

    /// Text at `key` written as a string or a number (`"1539269748"` or `1539269748`); nil when absent or null.
    func text(_ key: String) throws(IngestError) -> String? {
        guard let child = self[key] else { return nil }
        switch child.value {
        case .string(let text): return text
        case .number(let number):
            if number.rounded() == number, abs(number) < 9.0e15 { return String(Int64(number)) }
            return String(number)
        default: throw child.error("must be a string or a number, not \(child.value.typeName)")
        }
    }

    /// A whole number at `key` written as a number or a numeric string; nil when absent, null or empty.
    func integer(_ key: String) throws(IngestError) -> Int64? {
        guard let child = self[key] else { return nil }
        switch child.value {
        case .number(let number):
            guard number.rounded() == number, abs(number) < 9.0e15 else { throw child.error("must be a whole number") }
            return Int64(number)
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            guard let number = Int64(trimmed) else { throw child.error("'\(text.prefix(40))' is not a whole number") }
            return number
        default: throw child.error("must be a number or a numeric string, not \(child.value.typeName)")
        }
    }

    /// A flag at `key` written as a boolean, `0`/`1` or `"0"`/`"1"`/`"true"`/`"false"`; nil when absent or null.
    func flag(_ key: String) throws(IngestError) -> Bool? {
        guard let child = self[key] else { return nil }
        switch child.value {
        case .bool(let flag): return flag
        case .number(let number) where number == 0 || number == 1: return number == 1
        case .string(let text):
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true": return true
            case "0", "false", "": return false
            default: throw child.error("'\(text.prefix(20))' is not a boolean (true, false, 1 or 0)")
            }
        default: throw child.error("must be a boolean, not \(child.value.typeName)")
        }
    }
}
