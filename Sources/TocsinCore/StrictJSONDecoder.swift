import Foundation

/// Why a body was refused before or after its types were decoded; type errors themselves are `DecodingError`s.
public enum StrictJSONError: Error, Equatable, CustomStringConvertible {
    /// The bytes break the JSON grammar (RFC 8259) at `offset`.
    case syntax(offset: Int, reason: String)
    /// Arrays and objects nest deeper than `limit` at `offset`.
    case tooDeep(limit: Int, offset: Int)
    /// The bytes at `offset` are not UTF-8.
    case invalidUTF8(offset: Int)
    /// An object names the same key twice; `path` is that key's path, such as `indicators[1].value`.
    case duplicateKey(path: String)
    /// An object holds a key its type does not read; `path` is that key's path, such as `filter.minSeverty`.
    case unknownKey(path: String)

    public var description: String {
        switch self {
        case .syntax(let offset, let reason): "the body is not valid JSON: \(reason) at byte \(offset)"
        case .tooDeep(let limit, let offset): "the body nests arrays and objects deeper than \(limit) levels at byte \(offset)"
        case .invalidUTF8(let offset): "the body is not valid UTF-8 at byte \(offset)"
        case .duplicateKey(let path): "key '\(path)' appears twice"
        case .unknownKey(let path): "unknown key '\(path)'"
        }
    }

    /// The dotted path of the offending key, when one is at fault.
    public var field: String? {
        switch self {
        case .duplicateKey(let path), .unknownKey(let path): path
        case .syntax, .tooDeep, .invalidUTF8: nil
        }
    }
}

/// A JSON decoder for bodies from outside: it refuses what `JSONDecoder` lets through silently.
///
/// Two parsers can read the same bytes differently — one keeps the first of two `tlp` keys, another the last — so a
/// document this decoder accepts has exactly one reading: no duplicate keys, no key the type does not read (a
/// misspelt `minSeverty` would otherwise be dropped and the filter widened), no NaN, no lone surrogates, no
/// trailing bytes, and nesting no deeper than `maximumDepth`. Scalars are typed strictly (an `Int` field takes
/// `3` or `3.0` but not `3.5` or `"3"`), and dates are RFC 3339 strings, as `TocsinJSON` writes them.
///
/// A key counts as read when the type's `init(from:)` asked for it (`decode`, `decodeIfPresent`, `decodeNil`,
/// `contains`, `nestedContainer`, `superDecoder`) or listed `allKeys` of its object, as `[String: V]` does. An
/// object the type never opened as a keyed container (because it was skipped with `contains` or decoded by a type
/// that ignores its decoder) has none of its keys read. The parser recurses once per level of nesting, so keep
/// `maximumDepth` in the tens or low hundreds.
public struct StrictJSONDecoder: Sendable {
    public var maximumDepth: Int = 64
    /// When false, unknown keys are allowed (duplicates still refused) — for third-party documents such as SBOMs.
    public var refusesUnknownKeys: Bool = true

    public init(maximumDepth: Int = 64, refusesUnknownKeys: Bool = true) {
        self.maximumDepth = maximumDepth
        self.refusesUnknownKeys = refusesUnknownKeys
    }

    /// Parses `data`, decodes a `T` from it, then checks that every key of the input was read.
    ///
    /// Throws `StrictJSONError` for bytes that are not acceptable JSON and for duplicate or unknown keys, and
    /// `DecodingError` (with the `codingPath` of the value at fault) when the JSON does not fit `T`.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let (root, objectCount) = try data.withUnsafeBytes { raw in
            var parser = StrictJSONParser(bytes: raw.bindMemory(to: UInt8.self), maximumDepth: maximumDepth)
            return try parser.parseDocument()
        }
        let session = StrictDecodingSession(objectCount: objectCount, tracksKeys: refusesUnknownKeys)
        let value = try session.unbox(root, as: T.self, codingPath: [])
        if refusesUnknownKeys, let path = session.firstUnknownKey(in: root) {
            throw StrictJSONError.unknownKey(path: path)
        }
        return value
    }
}

extension TocsinJSON {
    /// The decoder for request bodies: strict about syntax, duplicates, unknown keys and types, RFC 3339 dates.
    public static func strictDecoder() -> StrictJSONDecoder { StrictJSONDecoder() }
}

// MARK: - Parsed tree

/// A parsed JSON value; numbers keep their source text so that integers are checked exactly, not through a Double.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order; `ordinal` numbers objects in document order so decoding can record which keys it read.
    case object(ordinal: Int, members: [JSONMember])

    var kindDescription: String {
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

typealias JSONMember = (key: String, value: JSONValue)

/// One step of a path into a document, rendered as `a.b[2].c` like `DecodingError.fieldAndReason` does.
enum JSONPathComponent: Sendable {
    case key(String)
    case index(Int)

    static func render(_ components: some Sequence<JSONPathComponent>) -> String {
        components.reduce(into: "") { result, component in
            switch component {
            case .key(let key): result += result.isEmpty ? key : ".\(key)"
            case .index(let index): result += "[\(index)]"
            }
        }
    }
}

// MARK: - Parser

/// Raised deep in the parser and given its path on the way out, so paths cost nothing unless a duplicate turns up.
private struct DuplicateKeyFound: Error {
    var reversedPath: [JSONPathComponent]
}

/// An RFC 8259 parser over raw bytes that validates UTF-8, escapes, numbers and depth as it goes.
struct StrictJSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    private var offset = 0
    private var objectCount = 0
    /// Reused for strings with escapes; most strings have none and are made straight from the input.
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// Parses the whole input as one JSON value with nothing but whitespace around it.
    mutating func parseDocument() throws -> (root: JSONValue, objectCount: Int) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw syntax("unexpected byte order mark")
        }
        skipWhitespace()
        let root: JSONValue
        do {
            root = try parseValue(depth: 0)
        } catch let found as DuplicateKeyFound {
            throw StrictJSONError.duplicateKey(path: JSONPathComponent.render(found.reversedPath.reversed()))
        }
        skipWhitespace()
        guard offset == bytes.count else { throw syntax("unexpected data after the JSON value") }
        return (root, objectCount)
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard offset < bytes.count else { throw syntax("unexpected end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        default: throw unexpectedByte()
        }
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        guard depth <= maximumDepth else { throw StrictJSONError.tooDeep(limit: maximumDepth, offset: offset) }
        let ordinal = objectCount
        objectCount += 1
        offset += 1
        var members: [JSONMember] = []
        // A linear scan is cheapest for the small objects most bodies hold; a set takes over for big ones.
        var seen: Set<String>?
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            return .object(ordinal: ordinal, members: members)
        }
        while true {
            guard offset < bytes.count else { throw syntax("unexpected end of input in an object") }
            guard bytes[offset] == UInt8(ascii: "\"") else { throw syntax("expected a string key") }
            let key = try parseString()
            // Swift compares strings by canonical equivalence, so `é` and `e\u0301` are one key to every decoded
            // type; refusing them as duplicates keeps the document's reading unique.
            if members.count >= 16 {
                if seen == nil { seen = Set(members.lazy.map(\.key)) }
                guard seen!.insert(key).inserted else { throw DuplicateKeyFound(reversedPath: [.key(key)]) }
            } else if members.contains(where: { $0.key == key }) {
                throw DuplicateKeyFound(reversedPath: [.key(key)])
            }
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw syntax("expected ':' after a key") }
            offset += 1
            skipWhitespace()
            let value: JSONValue
            do {
                value = try parseValue(depth: depth)
            } catch var found as DuplicateKeyFound {
                found.reversedPath.append(.key(key))
                throw found
            }
            members.append((key, value))
            skipWhitespace()
            guard offset < bytes.count else { throw syntax("unexpected end of input in an object") }
            switch bytes[offset] {
            case UInt8(ascii: ","):
                offset += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                offset += 1
                return .object(ordinal: ordinal, members: members)
            default:
                throw syntax("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        guard depth <= maximumDepth else { throw StrictJSONError.tooDeep(limit: maximumDepth, offset: offset) }
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            return .array(elements)
        }
        while true {
            do {
                elements.append(try parseValue(depth: depth))
            } catch var found as DuplicateKeyFound {
                found.reversedPath.append(.index(elements.count))
                throw found
            }
            skipWhitespace()
            guard offset < bytes.count else { throw syntax("unexpected end of input in an array") }
            switch bytes[offset] {
            case UInt8(ascii: ","):
                offset += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                offset += 1
                return .array(elements)
            default:
                throw syntax("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func parseString() throws -> String {
        let start = offset
        offset += 1
        var runStart = offset
        var escaped = false
        while true {
            // The common case first, in a tight loop: printable ASCII other than the quote and the backslash.
            while offset < bytes.count, case let byte = bytes[offset], byte >= 0x20, byte < 0x80, byte != 0x22, byte != 0x5C {
                offset += 1
            }
            guard offset < bytes.count else { throw syntax("unterminated string", at: start) }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<offset])
                offset += 1
                guard escaped else { return String(decoding: run, as: UTF8.self) }
                scratch.append(contentsOf: run)
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                if !escaped {
                    scratch.removeAll(keepingCapacity: true)
                    escaped = true
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<offset]))
                try parseEscape()
                runStart = offset
            } else if byte < 0x20 {
                throw syntax("unescaped control character in a string")
            } else if byte < 0x80 {
                offset += 1
            } else {
                offset += try utf8SequenceLength(at: offset)
            }
        }
    }

    /// Appends the bytes of the escape at `offset` to `scratch`; `\u` escapes must pair surrogates.
    private mutating func parseEscape() throws {
        let start = offset
        guard offset + 1 < bytes.count else { throw syntax("unterminated string") }
        let letter = bytes[offset + 1]
        offset += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(letter)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escapeStart: start)
            var scalarValue = unit
            if (0xD800...0xDBFF).contains(unit) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw syntax("unpaired UTF-16 surrogate in a \\u escape", at: start)
                }
                offset += 2
                let low = try parseHex4(escapeStart: offset - 2)
                guard (0xDC00...0xDFFF).contains(low) else { throw syntax("unpaired UTF-16 surrogate in a \\u escape", at: start) }
                scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw syntax("unpaired UTF-16 surrogate in a \\u escape", at: start)
            }
            // Surrogates are excluded above, so every remaining value up to 0x10FFFF is a scalar.
            UTF8.encode(Unicode.Scalar(scalarValue)!) { scratch.append($0) }
        default:
            throw syntax("invalid escape sequence in a string", at: start)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw syntax("invalid \\u escape", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw syntax("invalid \\u escape", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode 15, table 3-7), refusing overlong forms,
    /// encoded surrogates and code points past U+10FFFF.
    private func utf8SequenceLength(at index: Int) throws -> Int {
        func continuation(_ position: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            position < bytes.count && range.contains(bytes[position])
        }
        switch bytes[index] {
        case 0xC2...0xDF:
            if continuation(index + 1) { return 2 }
        case 0xE0:
            if continuation(index + 1, 0xA0...0xBF), continuation(index + 2) { return 3 }
        case 0xE1...0xEC, 0xEE...0xEF:
            if continuation(index + 1), continuation(index + 2) { return 3 }
        case 0xED:
            if continuation(index + 1, 0x80...0x9F), continuation(index + 2) { return 3 }
        case 0xF0:
            if continuation(index + 1, 0x90...0xBF), continuation(index + 2), continuation(index + 3) { return 4 }
        case 0xF1...0xF3:
            if continuation(index + 1), continuation(index + 2), continuation(index + 3) { return 4 }
        case 0xF4:
            if continuation(index + 1, 0x80...0x8F), continuation(index + 2), continuation(index + 3) { return 4 }
        default:
            break
        }
        throw StrictJSONError.invalidUTF8(offset: index)
    }

    /// Checks the RFC 8259 number grammar and returns the number's text: no `+`, no leading zeros, no bare `.`.
    private mutating func parseNumber() throws -> String {
        let start = offset
        func isDigit(_ position: Int) -> Bool {
            position < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
        }
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard isDigit(offset) else { throw syntax("expected a digit after '-'", at: start) }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
            if isDigit(offset) { throw syntax("numbers must not have leading zeros", at: start) }
        } else {
            while isDigit(offset) { offset += 1 }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard isDigit(offset) else { throw syntax("expected a digit after the decimal point") }
            while isDigit(offset) { offset += 1 }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard isDigit(offset) else { throw syntax("expected a digit in the exponent") }
            while isDigit(offset) { offset += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    }

    private mutating func parseLiteral(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        let start = offset
        guard offset + length <= bytes.count else { throw syntax("invalid literal", at: start) }
        for index in 0..<length where bytes[offset + index] != word.utf8Start[index] {
            throw syntax("invalid literal", at: start)
        }
        offset += length
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): offset += 1
            default: return
            }
        }
    }

    private func unexpectedByte() -> StrictJSONError {
        let byte = bytes[offset]
        if (0x21...0x7E).contains(byte) { return syntax("unexpected character '\(Character(Unicode.Scalar(byte)))'") }
        return syntax("unexpected byte 0x\(String(byte, radix: 16, uppercase: true))")
    }

    /// A syntax error, unless the byte at fault starts malformed UTF-8: then that is the better explanation.
    private func syntax(_ reason: String, at position: Int? = nil) -> StrictJSONError {
        let position = position ?? offset
        if position < bytes.count, bytes[position] >= 0x80, (try? utf8SequenceLength(at: position)) == nil {
            return .invalidUTF8(offset: position)
        }
        return .syntax(offset: position, reason: reason)
    }
}

// MARK: - Decoding

/// Which keys of one object the decoded types read; shared by every container opened on that object.
final class StrictKeyTracker {
    var read: [Bool]
    var readAllKeys = false

    init(memberCount: Int) {
        read = Array(repeating: false, count: memberCount)
    }
}

/// A coding key for array indices and `super`, shaped like the ones `JSONDecoder` puts in coding paths.
struct StrictCodingKey: CodingKey {
    private let name: String?
    let intValue: Int?

    init(stringValue: String) {
        name = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        name = nil
        self.intValue = intValue
    }

    // Made on demand: paths of array elements are built for every element but rarely printed.
    var stringValue: String { name ?? "Index \(intValue ?? 0)" }
}

/// The state of one `decode` call: conversions of scalars and special types, and the key trackers.
final class StrictDecodingSession {
    let tracksKeys: Bool
    private var trackers: [StrictKeyTracker?]

    init(objectCount: Int, tracksKeys: Bool) {
        self.tracksKeys = tracksKeys
        trackers = tracksKeys ? Array(repeating: nil, count: objectCount) : []
    }

    func tracker(forObject ordinal: Int, memberCount: Int) -> StrictKeyTracker? {
        guard tracksKeys else { return nil }
        if let tracker = trackers[ordinal] { return tracker }
        let tracker = StrictKeyTracker(memberCount: memberCount)
        trackers[ordinal] = tracker
        return tracker
    }

    /// The path of the first key, in document order, that no decoded type read.
    func firstUnknownKey(in root: JSONValue) -> String? {
        var path: [JSONPathComponent] = []
        return firstUnknownKey(in: root, path: &path)
    }

    private func firstUnknownKey(in value: JSONValue, path: inout [JSONPathComponent]) -> String? {
        switch value {
        case .object(let ordinal, let members):
            let tracker = trackers[ordinal]
            let readAllKeys = tracker?.readAllKeys ?? false
            for index in members.indices {
                guard readAllKeys || tracker?.read[index] == true else {
                    return JSONPathComponent.render(path + [.key(members[index].key)])
                }
                if case .object = members[index].value {} else if case .array = members[index].value {} else { continue }
                path.append(.key(members[index].key))
                if let found = firstUnknownKey(in: members[index].value, path: &path) { return found }
                path.removeLast()
            }
        case .array(let elements):
            for index in elements.indices {
                if case .object = elements[index] {} else if case .array = elements[index] {} else { continue }
                path.append(.index(index))
                if let found = firstUnknownKey(in: elements[index], path: &path) { return found }
                path.removeLast()
            }
        case .null, .bool, .number, .string:
            break
        }
        return nil
    }

    // MARK: Values

    /// Decodes any type; the coding path is built only when a decoder or an error needs it, as most values need neither.
    func unbox<T: Decodable>(_ value: JSONValue, as type: T.Type, codingPath: @autoclosure () -> [any CodingKey]) throws -> T {
        // Arrays and dictionaries ask for their elements through the generic `decode`; going straight to the scalar
        // saves a decoder and a coding path per element.
        if T.self == String.self { return try unboxString(value, codingPath: codingPath()) as! T }
        if T.self == Int.self { return try unboxInteger(value, codingPath: codingPath()) as Int as! T }
        if T.self == Double.self { return try unboxFloat(value, codingPath: codingPath()) as Double as! T }
        if T.self == Bool.self { return try unboxBool(value, codingPath: codingPath()) as! T }
        // Types whose own Codable conformance does not describe their JSON form, as in JSONDecoder.
        if T.self == Date.self { return try unboxDate(value, codingPath: codingPath()) as! T }
        if T.self == URL.self { return try unboxURL(value, codingPath: codingPath()) as! T }
        if T.self == Data.self { return try unboxData(value, codingPath: codingPath()) as! T }
        if T.self == Decimal.self { return try unboxDecimal(value, codingPath: codingPath()) as! T }
        return try T(from: StrictValueDecoder(value: value, codingPath: codingPath(), session: self))
    }

    func unboxBool(_ value: JSONValue, codingPath: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let bool) = value else { throw mismatch(Bool.self, value, codingPath()) }
        return bool
    }

    func unboxString(_ value: JSONValue, codingPath: @autoclosure () -> [any CodingKey]) throws -> String {
        guard case .string(let string) = value else { throw mismatch(String.self, value, codingPath()) }
        return string
    }

    /// An integer from a number that is one exactly: `3`, `3.0` and `3e2` are, `3.5` is not; out of range is refused.
    func unboxInteger<I: FixedWidthInteger>(_ value: JSONValue, codingPath: @autoclosure () -> [any CodingKey]) throws -> I {
        guard case .number(let text) = value else { throw mismatch(I.self, value, codingPath()) }
        let isPlain = !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let decimal: String
        if isPlain {
            decimal = text
        } else {
            switch Self.integerDigits(of: text) {
            case .integer(let digits): decimal = digits
            case .fractional:
                throw DecodingError.typeMismatch(I.self, .init(
                    codingPath: codingPath(), debugDescription: "'\(text.prefix(40))' is not an integer"))
            case .tooLarge:
                throw outOfRange(text, I.self, codingPath())
            }
        }
        guard let integer = I(decimal) else { throw outOfRange(text, I.self, codingPath()) }
        return integer
    }

    /// A floating-point number from any JSON number, refusing those too large for the type rather than making them infinite.
    func unboxFloat<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: JSONValue, codingPath: @autoclosure () -> [any CodingKey]) throws -> F {
        guard case .number(let text) = value else { throw mismatch(F.self, value, codingPath()) }
        guard let number = F(text), number.isFinite else { throw outOfRange(text, F.self, codingPath()) }
        return number
    }

    private func unboxDate(_ value: JSONValue, codingPath: @autoclosure () -> [any CodingKey]) throws -> Date {
        let text = try unboxString(value, codingPath: codingPath())
        // What clients send is read strictly: `2024-02-30` is refused, not taken for 1 March.
        guard let date = RFC3339.parseStrict(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath(), debugDescription: "'\(text.prefix(40))' is not an RFC 3339 date-time"))
        }
        return date
    }

    private func unboxURL(_ value: JSONValue, codingPath: @autoclosure () -> [any CodingKey]) throws -> URL {
        let text = try unboxString(value, codingPath: codingPath())
        guard let url = URL(string: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath(), debugDescription: "'\(text.prefix(40))' is not a URL"))
        }
        return url
    }

    private func unboxData(_ value: JSONValue, codingPath: @autoclosure () -> [any CodingKey]) throws -> Data {
        let text = try unboxString(value, codingPath: codingPath())
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath(), debugDescription: "is not valid base64"))
        }
        return data
    }

    private func unboxDecimal(_ value: JSONValue, codingPath: @autoclosure () -> [any CodingKey]) throws -> Decimal {
        guard case .number(let text) = value else { throw mismatch(Decimal.self, value, codingPath()) }
        guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !decimal.isNaN else {
            throw outOfRange(text, Decimal.self, codingPath())
        }
        return decimal
    }

    private enum IntegerDigits {
        case integer(String)
        case fractional
        case tooLarge
    }

    /// The plain decimal digits of a grammar-checked number with a fraction or exponent, worked out on its digits
    /// so that `1e2` is 100 and `0.1e1` is 1 exactly, without rounding through a Double.
    private static func integerDigits(of text: String) -> IntegerDigits {
        var negative = false
        var digits: [UInt8] = []
        var fractionLength = 0
        var exponent = 0
        var exponentNegative = false
        var part = 0  // 0: integer part, 1: fraction, 2: exponent
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-") where part == 0: negative = true
            case UInt8(ascii: "-"): exponentNegative = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): part = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): part = 2
            default:
                let digit = Int(byte - UInt8(ascii: "0"))
                if part == 2 {
                    // Saturates: an exponent this size is out of range for every integer type either way.
                    exponent = min(exponent * 10 + digit, 1_000_000)
                } else {
                    if digits.isEmpty, digit == 0 { if part == 1 { fractionLength += 1 }; continue }
                    digits.append(byte)
                    if part == 1 { fractionLength += 1 }
                }
            }
        }
        if digits.isEmpty { return .integer("0") }
        var scale = (exponentNegative ? -exponent : exponent) - fractionLength
        while scale < 0, digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            scale += 1
        }
        if scale < 0 { return .fractional }
        // 40 digits exceed every standard integer type, including 128-bit ones.
        guard digits.count + scale <= 40 else { return .tooLarge }
        return .integer((negative ? "-" : "") + String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: scale))
    }

    private func outOfRange(_ text: String, _ type: Any.Type, _ codingPath: [any CodingKey]) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "'\(text.prefix(40))' is out of range for \(type)"))
    }

    /// A type mismatch, or `valueNotFound` when the value is null, as `JSONDecoder` reports them.
    func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
        if case .null = value {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Expected \(type) value but found null instead."))
        }
        return .typeMismatch(type, .init(
            codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(value.kindDescription) instead."))
    }

    // MARK: Containers

    func keyedContainer<Key: CodingKey>(_ value: JSONValue, keyedBy: Key.Type, codingPath: [any CodingKey]) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let ordinal, let members) = value else {
            if case .null = value {
                throw DecodingError.valueNotFound(KeyedDecodingContainer<Key>.self, .init(
                    codingPath: codingPath, debugDescription: "Cannot get keyed decoding container -- found null value instead"))
            }
            throw mismatch([String: Any].self, value, codingPath)
        }
        let tracker = tracker(forObject: ordinal, memberCount: members.count)
        return KeyedDecodingContainer(StrictKeyedContainer<Key>(session: self, members: members, tracker: tracker, codingPath: codingPath))
    }

    func unkeyedContainer(_ value: JSONValue, codingPath: [any CodingKey]) throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            if case .null = value {
                throw DecodingError.valueNotFound(UnkeyedDecodingContainer.self, .init(
                    codingPath: codingPath, debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
            }
            throw mismatch([Any].self, value, codingPath)
        }
        return StrictUnkeyedContainer(session: self, elements: elements, codingPath: codingPath)
    }
}

/// The decoder handed to `init(from:)`; it is also its own single-value container, saving an allocation per value.
final class StrictValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let session: StrictDecodingSession
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: JSONValue, codingPath: [any CodingKey], session: StrictDecodingSession) {
        self.value = value
        self.codingPath = codingPath
        self.session = session
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try session.keyedContainer(value, keyedBy: type, codingPath: codingPath)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try session.unkeyedContainer(value, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool {
        if case .null = value { true } else { false }
    }

    func decode(_ type: Bool.Type) throws -> Bool { try session.unboxBool(value, codingPath: codingPath) }
    func decode(_ type: String.Type) throws -> String { try session.unboxString(value, codingPath: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try session.unboxFloat(value, codingPath: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try session.unboxFloat(value, codingPath: codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try session.unboxInteger(value, codingPath: codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try session.unboxInteger(value, codingPath: codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try session.unboxInteger(value, codingPath: codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try session.unboxInteger(value, codingPath: codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try session.unboxInteger(value, codingPath: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try session.unboxInteger(value, codingPath: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try session.unboxInteger(value, codingPath: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try session.unboxInteger(value, codingPath: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try session.unboxInteger(value, codingPath: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try session.unboxInteger(value, codingPath: codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try session.unbox(value, as: type, codingPath: codingPath)
    }
}

/// A keyed container over one object; every lookup marks the key as read in the object's tracker.
struct StrictKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let session: StrictDecodingSession
    let members: [JSONMember]
    let tracker: StrictKeyTracker?
    let codingPath: [any CodingKey]
    /// Positions by key for big objects (such as dictionaries), where a linear search per key would be quadratic.
    private let positions: [String: Int]?

    init(session: StrictDecodingSession, members: [JSONMember], tracker: StrictKeyTracker?, codingPath: [any CodingKey]) {
        self.session = session
        self.members = members
        self.tracker = tracker
        self.codingPath = codingPath
        positions = members.count > 16
            ? Dictionary(members.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { first, _ in first })
            : nil
    }

    var allKeys: [Key] {
        tracker?.readAllKeys = true
        // Made from the string so that `[String: V]` keys such as "28" stay strings.
        return members.compactMap { Key(stringValue: $0.key) }
    }

    func contains(_ key: Key) -> Bool { position(of: key) != nil }

    private func position(of key: Key) -> Int? {
        let name = key.stringValue
        guard let position = positions.map({ $0[name] }) ?? members.firstIndex(where: { $0.key == name }) else { return nil }
        tracker?.read[position] = true
        return position
    }

    private func value(for key: Key) throws -> JSONValue {
        guard let position = position(of: key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key '\(key.stringValue)'."))
        }
        return members[position].value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try value(for: key) { true } else { false }
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try session.unboxBool(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try session.unboxString(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try session.unboxFloat(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try session.unboxFloat(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try session.unboxInteger(value(for: key), codingPath: codingPath + [key]) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try session.unbox(value(for: key), as: type, codingPath: codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let position = position(of: key) else { return nil }
        let value = members[position].value
        if case .null = value { return nil }
        return try session.unbox(value, as: type, codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try session.keyedContainer(value(for: key), keyedBy: type, codingPath: codingPath + [key])
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try session.unkeyedContainer(value(for: key), codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        let key = StrictCodingKey(stringValue: "super")
        let position = positions.map { $0[key.stringValue] } ?? members.firstIndex { $0.key == key.stringValue }
        if let position { tracker?.read[position] = true }
        return StrictValueDecoder(value: position.map { members[$0].value } ?? .null, codingPath: codingPath + [key], session: session)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        // As in JSONDecoder, a missing key gives a decoder of null, so an optional superclass field can be absent.
        let value = position(of: key).map { members[$0].value } ?? .null
        return StrictValueDecoder(value: value, codingPath: codingPath + [key], session: session)
    }
}

/// An unkeyed container over one array; the index advances only when a value was decoded.
struct StrictUnkeyedContainer: UnkeyedDecodingContainer {
    let session: StrictDecodingSession
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(session: StrictDecodingSession, elements: [JSONValue], codingPath: [any CodingKey]) {
        self.session = session
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private var currentPath: [any CodingKey] { codingPath + [StrictCodingKey(intValue: currentIndex)] }

    private func current(_ type: Any.Type) throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: currentPath, debugDescription: "Unkeyed container is at end."))
        }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard case .null = try current(Any?.self) else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decode(scalar: session.unboxBool) }
    mutating func decode(_ type: String.Type) throws -> String { try decode(scalar: session.unboxString) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decode(scalar: session.unboxFloat) }
    mutating func decode(_ type: Float.Type) throws -> Float { try decode(scalar: session.unboxFloat) }
    mutating func decode(_ type: Int.Type) throws -> Int { try decode(scalar: session.unboxInteger) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decode(scalar: session.unboxInteger) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decode(scalar: session.unboxInteger) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decode(scalar: session.unboxInteger) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decode(scalar: session.unboxInteger) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decode(scalar: session.unboxInteger) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(scalar: session.unboxInteger) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(scalar: session.unboxInteger) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(scalar: session.unboxInteger) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(scalar: session.unboxInteger) }

    private mutating func decode<T>(scalar convert: (JSONValue, @autoclosure () -> [any CodingKey]) throws -> T) throws -> T {
        let result = try convert(current(T.self), currentPath)
        currentIndex += 1
        return result
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let result = try session.unbox(current(type), as: type, codingPath: currentPath)
        currentIndex += 1
        return result
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let result = try session.keyedContainer(current(KeyedDecodingContainer<NestedKey>.self), keyedBy: type, codingPath: currentPath)
        currentIndex += 1
        return result
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let result = try session.unkeyedContainer(current((any UnkeyedDecodingContainer).self), codingPath: currentPath)
        currentIndex += 1
        return result
    }

    mutating func superDecoder() throws -> any Decoder {
        let result = StrictValueDecoder(value: try current((any Decoder).self), codingPath: currentPath, session: session)
        currentIndex += 1
        return result
    }
}

// MARK: - Untyped reading

extension StrictJSONDecoder {
    /// Parses `data` with the same checks (syntax, UTF-8, duplicates, depth) into Foundation's untyped shapes —
    /// `[String: Any]`, `[Any]`, `String`, `NSNumber`, `Bool`, `NSNull` — for third-party documents read field by field
    /// (SBOMs). Costs a small multiple of the document's size, where `JSONSerialization` on Linux costs about 90×.
    public func parseUntyped(_ data: Data) throws -> Any {
        let (root, _) = try data.withUnsafeBytes { raw in
            var parser = StrictJSONParser(bytes: raw.bindMemory(to: UInt8.self), maximumDepth: maximumDepth)
            return try parser.parseDocument()
        }
        return Self.untyped(root)
    }

    private static func untyped(_ value: JSONValue) -> Any {
        switch value {
        case .null: return NSNull()
        case .bool(let bool): return bool
        case .number(let text): return Int64(text).map { NSNumber(value: $0) } ?? NSNumber(value: Double(text) ?? .nan)
        case .string(let string): return string
        case .array(let elements): return elements.map(untyped)
        case .object(_, let members):
            var object: [String: Any] = Dictionary(minimumCapacity: members.count)
            for member in members { object[member.key] = untyped(member.value) }
            return object
        }
    }
}
