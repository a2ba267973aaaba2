import Foundation

/// A CPE name as a well-formed name (WFN, NISTIR 7695): eleven attributes, each ANY, NA or a value.
///
/// Reads the CPE 2.3 formatted string (`cpe:2.3:a:philips:vue_pacs:12.2.8.410:*:*:*:*:*:*:*`, backslash-quoted
/// punctuation, `*`/`?` wildcards at either end of a value) and the CPE 2.2 URI (`cpe:/o:redhat:enterprise_linux:8`,
/// percent-encoding, `~`-packed edition); writes the 2.3 formatted string back. Values are kept in WFN form:
/// letters, digits and `_` as they are, every other character quoted with `\`, unquoted `*`/`?` wildcards.
public struct CPEName: Sendable, Hashable, CustomStringConvertible {
    /// One attribute: ANY (`*`, matches everything), NA (`-`, not applicable) or a value in WFN form.
    public enum Value: Sendable, Hashable {
        case any
        case na
        case value(String)

        /// The value for people: quoting removed, wildcards kept (`8\.0\.6001` reads `8.0.6001`); nil for ANY/NA.
        public var literal: String? {
            guard case let .value(v) = self else { return nil }
            var out = ""
            var escaped = false
            for ch in v {
                if escaped { out.append(ch); escaped = false }
                else if ch == "\\" { escaped = true }
                else { out.append(ch) }
            }
            return out
        }

        /// Whether the value holds an unquoted `*` or `?`.
        public var hasWildcard: Bool {
            guard case let .value(v) = self else { return false }
            return CPEName.units(v).contains { $0 == .anyRun || $0 == .oneChar }
        }
    }

    /// The attribute names in WFN order, for messages and iteration.
    public static let attributeNames = ["part", "vendor", "product", "version", "update", "edition", "language",
                                        "sw_edition", "target_sw", "target_hw", "other"]

    public var part: Value
    public var vendor: Value
    public var product: Value
    public var version: Value
    public var update: Value
    public var edition: Value
    public var language: Value
    public var swEdition: Value
    public var targetSW: Value
    public var targetHW: Value
    public var other: Value

    /// The longest CPE string accepted; NVD's longest names are under 300 characters.
    public static let maximumLength = 1024

    /// A name from its attributes; unspecified ones are ANY.
    public init(
        part: Value = .any, vendor: Value = .any, product: Value = .any, version: Value = .any, update: Value = .any,
        edition: Value = .any, language: Value = .any, swEdition: Value = .any, targetSW: Value = .any,
        targetHW: Value = .any, other: Value = .any
    ) {
        self.part = part
        self.vendor = vendor
        self.product = product
        self.version = version
        self.update = update
        self.edition = edition
        self.language = language
        self.swEdition = swEdition
        self.targetSW = targetSW
        self.targetHW = targetHW
        self.other = other
    }

    /// Reads a CPE 2.3 formatted string or a CPE 2.2 URI, whichever `text` is.
    public init(parsing text: String) throws(CPEError) {
        let s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !s.isEmpty else { throw .empty }
        guard s.count <= CPEName.maximumLength else { throw .tooLong(s.count) }
        let lower = s.lowercased()
        if lower.hasPrefix("cpe:2.3:") {
            try self.init(attributes: CPEName.unbindFormattedString(String(s.dropFirst(8))))
        } else if lower.hasPrefix("cpe:/") {
            try self.init(attributes: CPEName.unbindURI(String(s.dropFirst(5))))
        } else {
            throw .unknownPrefix(String(s.prefix(12)))
        }
    }

    /// The eleven attributes in WFN order (part, vendor, product, version, update, edition, language, sw_edition,
    /// target_sw, target_hw, other).
    public var attributes: [Value] {
        [part, vendor, product, version, update, edition, language, swEdition, targetSW, targetHW, other]
    }

    private init(attributes a: [Value]) {
        self.init(part: a[0], vendor: a[1], product: a[2], version: a[3], update: a[4], edition: a[5],
                  language: a[6], swEdition: a[7], targetSW: a[8], targetHW: a[9], other: a[10])
    }

    /// The CPE 2.3 formatted string binding (`cpe:2.3:…`, eleven attributes).
    public var formattedString: String {
        "cpe:2.3:" + attributes.map { value in
            switch value {
            case .any: return "*"
            case .na: return "-"
            case let .value(v):
                // The formatted string leaves `.`, `-` and `_` unquoted; every other quoted character stays quoted.
                var out = ""
                var escaped = false
                for ch in v {
                    if escaped {
                        if ch != "." && ch != "-" && ch != "_" { out.append("\\") }
                        out.append(ch)
                        escaped = false
                    } else if ch == "\\" {
                        escaped = true
                    } else {
                        out.append(ch)
                    }
                }
                return out
            }
        }.joined(separator: ":")
    }

    public var description: String { formattedString }
}

/// Why a CPE string could not be read; `attribute` names the WFN attribute (`vendor`, `version`…) at fault.
public enum CPEError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case unknownPrefix(String)
    case wrongComponentCount(found: Int)
    case tooManyURIComponents(found: Int)
    case invalidPart(String)
    case emptyComponent(attribute: String)
    case invalidCharacter(attribute: String, character: Character)
    case misplacedWildcard(attribute: String)
    case danglingEscape(attribute: String)
    case invalidPercentEncoding(attribute: String, sequence: String)
    case invalidPackedEdition(found: Int)

    public var description: String {
        switch self {
        case .empty: return "the CPE name is empty"
        case let .tooLong(n): return "the CPE name is \(n) characters long; at most \(CPEName.maximumLength) are accepted"
        case let .unknownPrefix(p): return "`\(p)…` is not a CPE name: it must start with `cpe:2.3:` (CPE 2.3) or `cpe:/` (CPE 2.2)"
        case let .wrongComponentCount(n):
            return "a CPE 2.3 name has 11 attributes after `cpe:2.3:` (part to other); this one has \(n) (a `:` inside a value must be written `\\:`)"
        case let .tooManyURIComponents(n): return "a CPE 2.2 URI has at most 7 components after `cpe:/`; this one has \(n)"
        case let .invalidPart(p): return "the part is `\(p)`; it must be `a` (application), `o` (operating system), `h` (hardware), `*` or `-`"
        case let .emptyComponent(a): return "the \(a) is empty; write `*` for any value or `-` for not applicable"
        case let .invalidCharacter(a, c):
            let shown = c.unicodeScalars.first.map { $0.value < 0x20 || $0.value == 0x7F ? String(format: "U+%04X", $0.value) : String(c) } ?? String(c)
            return "the \(a) contains `\(shown)`, which a CPE name cannot hold unquoted; quote punctuation with a backslash (`\\\(shown)`) and use ASCII only"
        case let .misplacedWildcard(a): return "the \(a) has a wildcard (`*` or `?`) inside its value; wildcards may only open or close a value, and a literal one is written `\\*` or `\\?`"
        case let .danglingEscape(a): return "the \(a) ends with a lone backslash; a backslash must quote the character after it"
        case let .invalidPercentEncoding(a, seq): return "the \(a) has `\(seq)`, which is not a percent-encoding a CPE 2.2 URI allows"
        case let .invalidPackedEdition(n): return "the packed edition (`~edition~sw_edition~target_sw~target_hw~other`) has \(n) fields instead of 5"
        }
    }
}

// MARK: - Binding and unbinding

extension CPEName {
    /// A WFN value read character by character: a literal character, `*` (any run) or `?` (one character).
    enum Unit: Hashable {
        case char(Character)
        case anyRun
        case oneChar
    }

    static func units(_ wfn: String) -> [Unit] {
        var result: [Unit] = []
        var escaped = false
        for ch in wfn {
            if escaped { result.append(.char(ch)); escaped = false }
            else if ch == "\\" { escaped = true }
            else if ch == "*" { result.append(.anyRun) }
            else if ch == "?" { result.append(.oneChar) }
            else { result.append(.char(ch)) }
        }
        return result
    }

    /// Characters a WFN value leaves unquoted.
    private static func isWFNPlain(_ ch: Character) -> Bool {
        ch.isASCII && (ch.isLetter || ch.isNumber || ch == "_")
    }

    private static func isPrintablePunctuation(_ ch: Character) -> Bool {
        guard ch.isASCII, let v = ch.asciiValue else { return false }
        return v > 0x20 && v < 0x7F && !(ch.isLetter || ch.isNumber)
    }

    /// Splits the part after `cpe:2.3:` on unquoted colons and reads each attribute.
    static func unbindFormattedString(_ body: String) throws(CPEError) -> [Value] {
        var components: [String] = []
        var current = ""
        var escaped = false
        for ch in body {
            if escaped { current.append(ch); escaped = false; continue }
            if ch == "\\" { escaped = true; current.append(ch); continue }
            if ch == ":" { components.append(current); current = ""; continue }
            current.append(ch)
        }
        components.append(current)
        guard components.count == 11 else { throw .wrongComponentCount(found: components.count) }
        var values: [Value] = []
        for (index, component) in components.enumerated() {
            values.append(try unbindFormattedValue(component, attribute: attributeNames[index]))
        }
        try checkPart(values[0])
        return values
    }

    private static func unbindFormattedValue(_ s: String, attribute: String) throws(CPEError) -> Value {
        if s.isEmpty { throw .emptyComponent(attribute: attribute) }
        if s == "*" { return .any }
        if s == "-" { return .na }
        let chars = Array(s)
        var out = ""
        var i = 0
        // A value may open with `*` or a run of `?`, and close with `*` or a run of `?`; nowhere else.
        var leading = 0
        if chars[0] == "*" { leading = 1 } else { while leading < chars.count && chars[leading] == "?" { leading += 1 } }
        var trailingStart = chars.count
        if chars.count > leading, chars[chars.count - 1] == "*", !isQuoted(chars, chars.count - 1) {
            trailingStart = chars.count - 1
        } else {
            while trailingStart > leading, chars[trailingStart - 1] == "?", !isQuoted(chars, trailingStart - 1) { trailingStart -= 1 }
        }
        while i < chars.count {
            let ch = chars[i]
            if ch == "\\" {
                guard i + 1 < chars.count else { throw .danglingEscape(attribute: attribute) }
                let next = chars[i + 1]
                guard next.isASCII, let v = next.asciiValue, v > 0x20, v < 0x7F else {
                    throw .invalidCharacter(attribute: attribute, character: next)
                }
                // Quoting a letter or digit is harmless: keep the character itself.
                if isWFNPlain(next) { out.append(next) } else { out.append("\\"); out.append(next) }
                i += 2
                continue
            }
            if ch == "*" || ch == "?" {
                guard i < leading || i >= trailingStart else { throw .misplacedWildcard(attribute: attribute) }
                out.append(ch)
            } else if isWFNPlain(ch) {
                out.append(ch)
            } else if ch == "." || ch == "-" {
                out.append("\\")
                out.append(ch)
            } else {
                throw .invalidCharacter(attribute: attribute, character: ch)
            }
            i += 1
        }
        return .value(out)
    }

    private static func isQuoted(_ chars: [Character], _ index: Int) -> Bool {
        var backslashes = 0
        var j = index - 1
        while j >= 0 && chars[j] == "\\" { backslashes += 1; j -= 1 }
        return backslashes % 2 == 1
    }

    /// Reads the part after `cpe:/`: up to seven colon-separated components, missing ones ANY.
    static func unbindURI(_ body: String) throws(CPEError) -> [Value] {
        let components = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard components.count <= 7 else { throw .tooManyURIComponents(found: components.count) }
        var values = [Value](repeating: .any, count: 11)
        for (index, component) in components.enumerated() {
            if index == 5, component.hasPrefix("~") {
                let packed = component.dropFirst().split(separator: "~", omittingEmptySubsequences: false)
                guard packed.count == 5 else { throw .invalidPackedEdition(found: packed.count) }
                for (offset, field) in packed.enumerated() {
                    let slot = [5, 7, 8, 9, 10][offset]
                    values[slot] = try unbindURIValue(String(field), attribute: attributeNames[slot])
                }
                continue
            }
            values[index] = try unbindURIValue(component, attribute: attributeNames[index])
        }
        try checkPart(values[0])
        return values
    }

    private static func unbindURIValue(_ s: String, attribute: String) throws(CPEError) -> Value {
        if s.isEmpty { return .any }
        if s == "-" { return .na }
        var out = ""
        let chars = Array(s)
        var i = 0
        var units = 0
        var wildcardPositions: [Int] = []
        while i < chars.count {
            let ch = chars[i]
            if ch == "%" {
                guard i + 2 < chars.count, let byte = UInt8(String(chars[i + 1...i + 2]), radix: 16) else {
                    throw .invalidPercentEncoding(attribute: attribute, sequence: String(chars[i..<min(i + 3, chars.count)]))
                }
                let sequence = "%" + String(chars[i + 1...i + 2])
                switch byte {
                case 0x01: out.append("?"); wildcardPositions.append(units)
                case 0x02: out.append("*"); wildcardPositions.append(units)
                default:
                    let decoded = Character(Unicode.Scalar(byte))
                    guard isPrintablePunctuation(decoded) else {
                        throw .invalidPercentEncoding(attribute: attribute, sequence: sequence)
                    }
                    out.append("\\")
                    out.append(decoded)
                }
                i += 3
            } else if isWFNPlain(ch) {
                out.append(ch)
                i += 1
            } else if ch == "." || ch == "-" || ch == "~" {
                out.append("\\")
                out.append(ch)
                i += 1
            } else {
                throw .invalidCharacter(attribute: attribute, character: ch)
            }
            units += 1
        }
        // As in the formatted string, wildcards may only sit at either end of the value.
        for position in wildcardPositions {
            let atStart = wildcardPositions.prefix { $0 < position }.count == position
            let atEnd = wildcardPositions.filter { $0 > position }.count == units - 1 - position
            guard atStart || atEnd else { throw .misplacedWildcard(attribute: attribute) }
        }
        return .value(out)
    }

    private static func checkPart(_ part: Value) throws(CPEError) {
        switch part {
        case .any, .na: return
        case let .value(v):
            guard ["a", "o", "h"].contains(v.lowercased()) else { throw .invalidPart(v) }
        }
    }
}
