import Foundation

/// A recursive-descent reader of STIX 2.1 patterning (OASIS STIX 2.1 part 9), bounded in length and nesting so
/// that a hostile pattern costs little.
struct STIXPatternParser {
    /// Longer patterns are refused: real ones are a few hundred characters, large OR lists a few thousand.
    static let maximumLength = 200_000
    /// Parentheses and brackets nested deeper than this are refused.
    static let maximumDepth = 32

    private enum Token: Equatable {
        case leftBracket, rightBracket, leftParen, rightParen, comma, colon, dot, star
        case op(String)
        case word(String)
        case string(String)
        case prefixed(Character, String)
        case integer(Int)
        case float(Double)
        case end
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var position = 0
    private var depth = 0
    private var length = 0

    init(_ text: String) throws(STIXPatternError) {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= Self.maximumLength else {
            throw STIXPatternError(offset: 0, message: "the pattern is longer than \(Self.maximumLength) characters")
        }
        tokens = try Self.tokenize(scalars)
        length = scalars.count
    }

    // MARK: Grammar

    mutating func parsePattern() throws(STIXPatternError) -> STIXObservationExpression {
        guard current != .end else { throw STIXPatternError(offset: 0, message: "the pattern is empty") }
        let expression = try parseFollowedBy()
        guard current == .end else { throw unexpected("the end of the pattern") }
        return expression
    }

    private mutating func parseFollowedBy() throws(STIXPatternError) -> STIXObservationExpression {
        var parts = [try parseObservationOr()]
        while takeKeyword("FOLLOWEDBY") { parts.append(try parseObservationOr()) }
        return parts.count == 1 ? parts[0] : .followedBy(parts)
    }

    private mutating func parseObservationOr() throws(STIXPatternError) -> STIXObservationExpression {
        var parts = [try parseObservationAnd()]
        while takeKeyword("OR") { parts.append(try parseObservationAnd()) }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    private mutating func parseObservationAnd() throws(STIXPatternError) -> STIXObservationExpression {
        var parts = [try parseQualifiedObservation()]
        while takeKeyword("AND") { parts.append(try parseQualifiedObservation()) }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func parseQualifiedObservation() throws(STIXPatternError) -> STIXObservationExpression {
        var expression = try parseObservation()
        while true {
            if takeKeyword("WITHIN") {
                let seconds: Double
                switch current {
                case .integer(let value): seconds = Double(value)
                case .float(let value): seconds = value
                default: throw unexpected("a number of seconds after WITHIN")
                }
                guard seconds > 0 else { throw failure("WITHIN needs a positive number of seconds") }
                advance()
                guard takeKeyword("SECONDS") else { throw unexpected("SECONDS") }
                expression = .qualified(expression, .within(seconds: seconds))
            } else if takeKeyword("REPEATS") {
                guard case .integer(let times) = current, times > 0 else { throw unexpected("a positive whole number after REPEATS") }
                advance()
                guard takeKeyword("TIMES") else { throw unexpected("TIMES") }
                expression = .qualified(expression, .repeats(times: times))
            } else if takeKeyword("START") {
                guard case .prefixed("t", let start) = current else { throw unexpected("a timestamp t'…' after START") }
                advance()
                guard takeKeyword("STOP") else { throw unexpected("STOP") }
                guard case .prefixed("t", let stop) = current else { throw unexpected("a timestamp t'…' after STOP") }
                advance()
                expression = .qualified(expression, .startStop(start: start, stop: stop))
            } else {
                return expression
            }
        }
    }

    private mutating func parseObservation() throws(STIXPatternError) -> STIXObservationExpression {
        switch current {
        case .leftBracket:
            try enter()
            advance()
            let comparison = try parseComparisonOr()
            guard current == .rightBracket else { throw unexpected("']' closing the observation") }
            advance()
            depth -= 1
            return .observation(comparison)
        case .leftParen:
            try enter()
            advance()
            let inner = try parseFollowedBy()
            guard current == .rightParen else { throw unexpected("')'") }
            advance()
            depth -= 1
            return inner
        default:
            throw unexpected("'[' opening an observation")
        }
    }

    private mutating func parseComparisonOr() throws(STIXPatternError) -> STIXComparisonExpression {
        var parts = [try parseComparisonAnd()]
        while takeKeyword("OR") { parts.append(try parseComparisonAnd()) }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    private mutating func parseComparisonAnd() throws(STIXPatternError) -> STIXComparisonExpression {
        var parts = [try parseComparisonPrimary()]
        while takeKeyword("AND") { parts.append(try parseComparisonPrimary()) }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func parseComparisonPrimary() throws(STIXPatternError) -> STIXComparisonExpression {
        if current == .leftParen {
            try enter()
            advance()
            let inner = try parseComparisonOr()
            guard current == .rightParen else { throw unexpected("')'") }
            advance()
            depth -= 1
            return inner
        }
        if takeKeyword("EXISTS") {
            return .test(STIXComparison(path: try parseObjectPath(), op: .exists, value: nil))
        }
        let path = try parseObjectPath()
        let negated = takeKeyword("NOT")
        let op: STIXComparison.Operator
        switch current {
        case .op(let symbol):
            switch symbol {
            case "=", "==": op = .equal
            case "!=", "<>": op = .notEqual
            case ">": op = .greater
            case "<": op = .less
            case ">=": op = .greaterOrEqual
            default: op = .lessOrEqual
            }
            advance()
        case .word(let word):
            guard let keyword = STIXComparison.Operator(rawValue: word.uppercased()), keyword != .exists,
                  ![.equal, .notEqual, .greater, .less, .greaterOrEqual, .lessOrEqual].contains(keyword) else {
                throw unexpected("a comparison operator after \(path)")
            }
            op = keyword
            advance()
        default:
            throw unexpected("a comparison operator after \(path)")
        }
        let value = try parseLiteral(for: op)
        return .test(STIXComparison(path: path, op: op, negated: negated, value: value))
    }

    private mutating func parseObjectPath() throws(STIXPatternError) -> STIXObjectPath {
        guard case .word(let objectType) = current else { throw unexpected("an object path such as ipv4-addr:value") }
        advance()
        guard current == .colon else { throw unexpected("':' after the object type '\(objectType)'") }
        advance()
        var components: [STIXObjectPath.Component] = []
        switch current {
        case .word(let name), .string(let name): components.append(.property(name))
        default: throw unexpected("a property name after '\(objectType):'")
        }
        advance()
        while true {
            if current == .dot {
                advance()
                switch current {
                case .word(let name), .string(let name): components.append(.property(name))
                default: throw unexpected("a property name after '.'")
                }
                advance()
            } else if current == .leftBracket {
                advance()
                switch current {
                case .star: components.append(.anyIndex)
                case .integer(let index) where index >= 0: components.append(.index(index))
                default: throw unexpected("a list index or '*'")
                }
                advance()
                guard current == .rightBracket else { throw unexpected("']' closing the list index") }
                advance()
            } else {
                return STIXObjectPath(objectType: objectType, components: components)
            }
        }
    }

    private mutating func parseLiteral(for op: STIXComparison.Operator) throws(STIXPatternError) -> STIXLiteral {
        switch op {
        case .in:
            guard current == .leftParen else { throw unexpected("'(' opening the set after IN") }
            advance()
            var members: [STIXLiteral] = [try parsePrimitive()]
            while current == .comma {
                advance()
                members.append(try parsePrimitive())
            }
            guard current == .rightParen else { throw unexpected("')' closing the set") }
            advance()
            return .set(members)
        case .like, .matches, .isSubset, .isSuperset:
            guard case .string(let text) = current else { throw unexpected("a quoted string after \(op.rawValue)") }
            advance()
            return .string(text)
        default:
            return try parsePrimitive()
        }
    }

    private mutating func parsePrimitive() throws(STIXPatternError) -> STIXLiteral {
        let literal: STIXLiteral
        switch current {
        case .string(let text): literal = .string(text)
        case .integer(let value): literal = .integer(value)
        case .float(let value): literal = .float(value)
        case .prefixed("h", let text): literal = .hex(text)
        case .prefixed("b", let text): literal = .binary(text)
        case .prefixed(_, let text): literal = .timestamp(text)
        case .word(let word) where word.lowercased() == "true": literal = .boolean(true)
        case .word(let word) where word.lowercased() == "false": literal = .boolean(false)
        default: throw unexpected("a value (a quoted string, a number, true/false, h'…', b'…' or t'…')")
        }
        advance()
        return literal
    }

    // MARK: Tokens

    private var current: Token { position < tokens.count ? tokens[position].token : .end }
    private var currentOffset: Int { position < tokens.count ? tokens[position].offset : length }

    private mutating func advance() { if position < tokens.count { position += 1 } }

    private mutating func takeKeyword(_ keyword: String) -> Bool {
        guard case .word(let word) = current, word.uppercased() == keyword else { return false }
        advance()
        return true
    }

    private mutating func enter() throws(STIXPatternError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("the pattern nests deeper than \(Self.maximumDepth) levels") }
    }

    private func failure(_ message: String) -> STIXPatternError {
        STIXPatternError(offset: currentOffset, message: message)
    }

    private func unexpected(_ expected: String) -> STIXPatternError {
        let found: String
        switch current {
        case .end: found = "the end of the pattern"
        case .leftBracket: found = "'['"
        case .rightBracket: found = "']'"
        case .leftParen: found = "'('"
        case .rightParen: found = "')'"
        case .comma: found = "','"
        case .colon: found = "':'"
        case .dot: found = "'.'"
        case .star: found = "'*'"
        case .op(let symbol): found = "'\(symbol)'"
        case .word(let word): found = "'\(word.prefix(40))'"
        case .string(let text): found = "the string '\(text.prefix(40))'"
        case .prefixed(let prefix, let text): found = "\(prefix)'\(text.prefix(40))'"
        case .integer(let value): found = "\(value)"
        case .float(let value): found = "\(value)"
        }
        return STIXPatternError(offset: currentOffset, message: "expected \(expected), found \(found)")
    }

    private static func tokenize(_ scalars: [Unicode.Scalar]) throws(STIXPatternError) -> [(token: Token, offset: Int)] {
        var result: [(token: Token, offset: Int)] = []
        var index = 0
        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }
        func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic && scalar.isASCII || scalar == "_"
        }
        func isWordPart(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) || scalar == "_" || scalar == "-"
        }
        func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
            guard let scalar else { return false }
            return ("0"..."9").contains(scalar)
        }

        func quoted(from start: Int) throws(STIXPatternError) -> String {
            // `index` points at the opening quote; only \' and \\ are escapes in STIX patterning.
            index += 1
            var text = String.UnicodeScalarView()
            while true {
                guard let scalar = peek() else {
                    throw STIXPatternError(offset: start, message: "the quoted string is not closed")
                }
                if scalar == "\\" {
                    guard let next = peek(1), next == "'" || next == "\\" else {
                        throw STIXPatternError(offset: index, message: "invalid escape in a quoted string: only \\' and \\\\ are allowed")
                    }
                    text.append(next)
                    index += 2
                } else if scalar == "'" {
                    index += 1
                    return String(text)
                } else {
                    text.append(scalar)
                    index += 1
                }
            }
        }

        while let scalar = peek() {
            let start = index
            switch scalar {
            case " ", "\t", "\n", "\r":
                index += 1
            case "[": result.append((.leftBracket, start)); index += 1
            case "]": result.append((.rightBracket, start)); index += 1
            case "(": result.append((.leftParen, start)); index += 1
            case ")": result.append((.rightParen, start)); index += 1
            case ",": result.append((.comma, start)); index += 1
            case ":": result.append((.colon, start)); index += 1
            case ".": result.append((.dot, start)); index += 1
            case "*": result.append((.star, start)); index += 1
            case "=":
                index += peek(1) == "=" ? 2 : 1
                result.append((.op("="), start))
            case "!":
                guard peek(1) == "=" else { throw STIXPatternError(offset: start, message: "'!' must be followed by '='") }
                index += 2
                result.append((.op("!="), start))
            case "<", ">":
                if peek(1) == "=" {
                    result.append((.op(String(scalar) + "="), start))
                    index += 2
                } else if scalar == "<", peek(1) == ">" {
                    result.append((.op("!="), start))
                    index += 2
                } else {
                    result.append((.op(String(scalar)), start))
                    index += 1
                }
            case "'":
                result.append((.string(try quoted(from: start)), start))
            case "-", "+", "0"..."9":
                var end = index + (scalar == "-" || scalar == "+" ? 1 : 0)
                guard end < scalars.count, isDigit(scalars[end]) else {
                    throw STIXPatternError(offset: start, message: "unexpected character '\(scalar)'")
                }
                while end < scalars.count, isDigit(scalars[end]) { end += 1 }
                var isFloat = false
                if end + 1 < scalars.count, scalars[end] == ".", isDigit(scalars[end + 1]) {
                    isFloat = true
                    end += 1
                    while end < scalars.count, isDigit(scalars[end]) { end += 1 }
                }
                let text = String(String.UnicodeScalarView(scalars[index..<end]))
                index = end
                if isFloat {
                    guard let value = Double(text) else { throw STIXPatternError(offset: start, message: "'\(text)' is not a number") }
                    result.append((.float(value), start))
                } else {
                    guard let value = Int(text) else { throw STIXPatternError(offset: start, message: "'\(text.prefix(40))' is too large a number") }
                    result.append((.integer(value), start))
                }
            default:
                if ["h", "b", "t"].contains(scalar), peek(1) == "'" {
                    index += 1
                    let text = try quoted(from: start)
                    result.append((.prefixed(Character(scalar), text), start))
                } else if isWordStart(scalar) {
                    var end = index + 1
                    while end < scalars.count, isWordPart(scalars[end]) { end += 1 }
                    result.append((.word(String(String.UnicodeScalarView(scalars[index..<end]))), start))
                    index = end
                } else {
                    throw STIXPatternError(offset: start, message: "unexpected character '\(scalar)'")
                }
            }
        }
        return result
    }
}
