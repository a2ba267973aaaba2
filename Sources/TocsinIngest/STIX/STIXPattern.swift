import Foundation

/// A parsed STIX 2.1 pattern (`[ipv4-addr:value = '198.51.100.1'] AND [file:hashes.'SHA-256' = '…']`).
///
/// The tree keeps the whole grammar of STIX Patterning (observation operators `AND`/`OR`/`FOLLOWEDBY`, qualifiers
/// `WITHIN`, `REPEATS`, `START … STOP`, comparison operators, `NOT`, `EXISTS`, set/hex/binary/timestamp literals)
/// so that a pattern is either read completely or refused with the offset of the fault; Tocsin only takes
/// indicator values out of it (`indicators(comment:)`).
public struct STIXPattern: Sendable, Hashable {
    /// The observations of the pattern and how they combine.
    public var expression: STIXObservationExpression

    /// A pattern made of `expression`.
    public init(expression: STIXObservationExpression) {
        self.expression = expression
    }

    /// Parses pattern text; refuses anything outside the STIX 2.1 patterning grammar.
    public static func parse(_ text: String) throws(STIXPatternError) -> STIXPattern {
        var parser = try STIXPatternParser(text)
        return STIXPattern(expression: try parser.parsePattern())
    }

    /// Every comparison of the pattern, in reading order, with whether it sits under a negation.
    public var comparisons: [STIXComparison] {
        var result: [STIXComparison] = []
        func walk(_ expression: STIXComparisonExpression) {
            switch expression {
            case .test(let comparison): result.append(comparison)
            case .and(let parts), .or(let parts): parts.forEach(walk)
            }
        }
        func walk(_ expression: STIXObservationExpression) {
            switch expression {
            case .observation(let comparison): walk(comparison)
            case .and(let parts), .or(let parts), .followedBy(let parts): parts.forEach(walk)
            case .qualified(let inner, _): walk(inner)
            }
        }
        walk(expression)
        return result
    }
}

/// Observations and how they combine; `AND`, `OR` and `FOLLOWEDBY` chains are kept flat.
public indirect enum STIXObservationExpression: Sendable, Hashable {
    /// `[ comparison expression ]`
    case observation(STIXComparisonExpression)
    case and([STIXObservationExpression])
    case or([STIXObservationExpression])
    case followedBy([STIXObservationExpression])
    case qualified(STIXObservationExpression, STIXQualifier)
}

/// A qualifier applied to an observation expression.
public enum STIXQualifier: Sendable, Hashable {
    case within(seconds: Double)
    case repeats(times: Int)
    case startStop(start: String, stop: String)
}

/// Comparisons inside one observation (`[...]`); `AND` binds tighter than `OR`.
public indirect enum STIXComparisonExpression: Sendable, Hashable {
    case test(STIXComparison)
    case and([STIXComparisonExpression])
    case or([STIXComparisonExpression])
}

/// One property test: `object-path [NOT] operator value`, or `EXISTS object-path` (operator `.exists`, no value).
public struct STIXComparison: Sendable, Hashable {
    /// The comparison operators of STIX patterning; `==` and `<>` are read as `=` and `!=`.
    public enum Operator: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case greater = ">"
        case less = "<"
        case greaterOrEqual = ">="
        case lessOrEqual = "<="
        case `in` = "IN"
        case like = "LIKE"
        case matches = "MATCHES"
        case isSubset = "ISSUBSET"
        case isSuperset = "ISSUPERSET"
        case exists = "EXISTS"
    }

    /// The property tested.
    public var path: STIXObjectPath
    public var op: Operator
    /// True when the operator is preceded by `NOT`.
    public var negated: Bool
    /// The right-hand side; nil for `EXISTS`.
    public var value: STIXLiteral?

    /// A comparison of `path` with `value`.
    public init(path: STIXObjectPath, op: Operator, negated: Bool = false, value: STIXLiteral?) {
        self.path = path
        self.op = op
        self.negated = negated
        self.value = value
    }
}

/// `object-type:property.sub_property[index]…` as in `file:hashes.'SHA-256'` or `email-message:to_refs[*].value`.
public struct STIXObjectPath: Sendable, Hashable, CustomStringConvertible {
    /// A step of the path: a property name, a list index or `[*]` (any element).
    public enum Component: Sendable, Hashable {
        case property(String)
        case index(Int)
        case anyIndex
    }

    /// The observable object type before the colon (`ipv4-addr`, `file`, `x-custom-object`).
    public var objectType: String
    public var components: [Component]

    /// A path from `objectType` through `components`.
    public init(objectType: String, components: [Component]) {
        self.objectType = objectType
        self.components = components
    }

    /// The property names only, without list indexes: `["hashes", "SHA-256"]`.
    public var properties: [String] {
        components.compactMap { if case .property(let name) = $0 { name } else { nil } }
    }

    /// The path as a pattern writes it, quoting names that need it: `file:hashes.'SHA-256'`.
    public var description: String {
        var text = objectType + ":"
        for (position, component) in components.enumerated() {
            switch component {
            case .property(let name):
                let plain = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
                text += (position == 0 ? "" : ".") + (plain ? name : "'\(name)'")
            case .index(let index): text += "[\(index)]"
            case .anyIndex: text += "[*]"
            }
        }
        return text
    }
}

/// A literal on the right of a comparison.
public enum STIXLiteral: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// `h'…'`, kept as the hex digits written.
    case hex(String)
    /// `b'…'`, kept as the base64 text written.
    case binary(String)
    /// `t'…'`, kept as the RFC 3339 text written.
    case timestamp(String)
    /// `( literal, literal, … )` after `IN`.
    case set([STIXLiteral])
}
