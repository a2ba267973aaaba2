import Foundation
import TocsinCore

/// A purl version range specifier (`vers:generic/>=1.0|<2.0`, `vers:semver/1.2.3|>=2.0.0|<5.0.0`, `vers:all/*`),
/// as CSAF `product_version_range` and OSV-like sources write affected versions.
///
/// Parsing follows the package-url VERS specification: a `vers:` scheme, a versioning scheme, then `|`-separated
/// constraints of a comparator (`=` when absent, `!=`, `<`, `<=`, `>`, `>=`) and a percent-encoded version, or a
/// lone `*` for every version. Versions are compared with the ``VersionScheme`` the versioning scheme maps to.
public struct VersSpecifier: Sendable, Hashable, CustomStringConvertible {
    /// How a constraint compares a tested version with its own version.
    public enum Comparator: String, Sendable, Hashable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case lessThan = "<"
        case lessThanOrEqual = "<="
        case greaterThan = ">"
        case greaterThanOrEqual = ">="

        var isUpper: Bool { self == .lessThan || self == .lessThanOrEqual }
        var isLower: Bool { self == .greaterThan || self == .greaterThanOrEqual }
    }

    /// One `comparator version` clause.
    public struct Constraint: Sendable, Hashable {
        public var comparator: Comparator
        public var version: String

        public init(_ comparator: Comparator, _ version: String) {
            self.comparator = comparator
            self.version = version
        }
    }

    /// The VERS versioning scheme as written, lowercased (`semver`, `npm`, `pypi`, `maven`, `rpm`, `generic`, `all`).
    public var versioningScheme: String
    /// The constraints in the order written; empty when ``matchesEverything``.
    public var constraints: [Constraint]
    /// `vers:<scheme>/*`: every version.
    public var matchesEverything: Bool

    /// The longest specifier and the most constraints accepted; real ones are far smaller.
    public static let maximumLength = 4096
    public static let maximumConstraints = 256

    /// A specifier built from constraints, for expressions read elsewhere (`< 2016 R2`, `before 3.2`).
    public init(versioningScheme: String, constraints: [Constraint], matchesEverything: Bool = false) {
        self.versioningScheme = versioningScheme.lowercased()
        self.constraints = constraints
        self.matchesEverything = matchesEverything
    }

    /// Parses a `vers:` string; throws with what is wrong and where.
    public init(parsing text: String) throws(VersError) {
        let s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !s.isEmpty else { throw .empty }
        guard s.count <= VersSpecifier.maximumLength else { throw .tooLong(s.count) }
        guard s.lowercased().hasPrefix("vers:") else { throw .missingPrefix }
        let rest = s.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else { throw .missingConstraints }
        let scheme = rest[..<slash].lowercased()
        guard !scheme.isEmpty,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "+") })
        else { throw .invalidScheme(String(rest[..<slash])) }
        let body = rest[rest.index(after: slash)...].filter { !$0.isWhitespace }
        guard !body.isEmpty else { throw .missingConstraints }
        if body == "*" {
            self.init(versioningScheme: scheme, constraints: [], matchesEverything: true)
            return
        }
        let clauses = body.split(separator: "|", omittingEmptySubsequences: false)
        guard clauses.count <= VersSpecifier.maximumConstraints else { throw .tooManyConstraints(clauses.count) }
        var constraints: [Constraint] = []
        for (index, clause) in clauses.enumerated() {
            guard !clause.isEmpty else { throw .emptyConstraint(index: index) }
            if clause == "*" { throw .starNotAlone }
            var comparator = Comparator.equal
            var version = Substring(clause)
            for candidate in [Comparator.lessThanOrEqual, .greaterThanOrEqual, .notEqual, .lessThan, .greaterThan, .equal]
            where clause.hasPrefix(candidate.rawValue) {
                comparator = candidate
                version = clause.dropFirst(candidate.rawValue.count)
                break
            }
            guard !version.isEmpty else { throw .missingVersion(index: index) }
            guard let decoded = String(version).removingPercentEncoding else {
                throw .invalidPercentEncoding(index: index)
            }
            constraints.append(Constraint(comparator, decoded))
        }
        self.init(versioningScheme: scheme, constraints: constraints)
    }

    /// The ``VersionScheme`` used to compare versions of this specifier.
    public var scheme: VersionScheme { VersionScheme(versionType: versioningScheme) }

    /// The CVE 5 `versionType` closest to the versioning scheme (`pypi` → `python`, `npm` → `semver`).
    public var versionType: String {
        switch scheme {
        case .generic: return "custom"
        default: return scheme.rawValue
        }
    }

    /// Whether `version` is in the range, by the VERS containment procedure; nil when the scheme cannot order the
    /// versions involved.
    public func contains(_ version: String) -> Bool? {
        if matchesEverything { return true }
        let scheme = self.scheme
        let v = VersionScheme.clean(version)
        guard !v.isEmpty, !constraints.isEmpty else { return constraints.isEmpty ? false : nil }
        if constraints.count == 1 { return Self.satisfies(v, constraints[0], scheme) }
        var undecidable = false
        for c in constraints {
            // Git cannot order, but two different commits are simply not equal.
            guard let order = scheme.compare(v, c.version) else { undecidable = undecidable || scheme.isOrdered; continue }
            if order == .orderedSame {
                switch c.comparator {
                case .equal, .lessThanOrEqual, .greaterThanOrEqual: return true
                case .notEqual: return false
                case .lessThan, .greaterThan: break
                }
            }
        }
        let bounds = constraints.filter { $0.comparator != .equal && $0.comparator != .notEqual }
        if bounds.isEmpty { return undecidable ? nil : false }
        guard scheme.isOrdered, !undecidable, let sorted = Self.sorted(bounds, scheme) else { return nil }
        if sorted.count == 1 { return Self.satisfies(v, sorted[0], scheme) }
        for i in 0..<(sorted.count - 1) {
            let current = sorted[i], next = sorted[i + 1]
            if i == 0, current.comparator.isUpper, scheme.compare(v, current.version) == .orderedAscending { return true }
            if i == sorted.count - 2, next.comparator.isLower, scheme.compare(v, next.version) == .orderedDescending {
                return true
            }
            if current.comparator.isLower, next.comparator.isUpper,
               scheme.compare(v, current.version) == .orderedDescending,
               scheme.compare(v, next.version) == .orderedAscending {
                return true
            }
        }
        return false
    }

    /// The same set of versions as CVE 5 ranges with `status`; nil when it has no exact equivalent (an exclusive
    /// lower bound `>1.0`, an exclusion `!=1.0`), in which case ask ``contains(_:)`` directly.
    public func versionRanges(status: ProductStatus = .affected) -> [VersionRange]? {
        let type = versionType
        if matchesEverything { return [VersionRange(version: "0", lessThan: "*", versionType: type, status: status)] }
        guard let sorted = Self.sorted(constraints, scheme) else { return nil }
        var ranges: [VersionRange] = []
        var lower: String?
        var openedFromStart = true
        for c in sorted {
            switch c.comparator {
            case .equal:
                ranges.append(VersionRange(version: c.version, versionType: type, status: status))
            case .notEqual, .greaterThan:
                return nil
            case .greaterThanOrEqual:
                guard lower == nil else { return nil }
                lower = c.version
                openedFromStart = false
            case .lessThan, .lessThanOrEqual:
                guard lower != nil || openedFromStart else { return nil }
                let start = lower ?? "0"
                ranges.append(c.comparator == .lessThan
                    ? VersionRange(version: start, lessThan: c.version, versionType: type, status: status)
                    : VersionRange(version: start, lessThanOrEqual: c.version, versionType: type, status: status))
                lower = nil
                openedFromStart = false
            }
        }
        if let lower { ranges.append(VersionRange(version: lower, lessThan: "*", versionType: type, status: status)) }
        return ranges
    }

    /// The canonical `vers:` string.
    public var description: String {
        let body = matchesEverything ? "*" : constraints.map { c in
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-_~+"))
            let version = c.version.addingPercentEncoding(withAllowedCharacters: allowed) ?? c.version
            return c.comparator == .equal ? version : c.comparator.rawValue + version
        }.joined(separator: "|")
        return "vers:\(versioningScheme)/\(body)"
    }

    private static func satisfies(_ v: String, _ c: Constraint, _ scheme: VersionScheme) -> Bool? {
        guard let order = scheme.compare(v, c.version) else { return scheme.isOrdered ? nil : (c.comparator == .notEqual) }
        switch c.comparator {
        case .equal: return order == .orderedSame
        case .notEqual: return order != .orderedSame
        case .lessThan: return order == .orderedAscending
        case .lessThanOrEqual: return order != .orderedDescending
        case .greaterThan: return order == .orderedDescending
        case .greaterThanOrEqual: return order != .orderedAscending
        }
    }

    private static func sorted(_ constraints: [Constraint], _ scheme: VersionScheme) -> [Constraint]? {
        guard scheme.isOrdered || constraints.allSatisfy({ $0.comparator == .equal }) else { return nil }
        // Insertion sort: the comparison is total for ordered schemes, and the lists are short.
        var result: [Constraint] = []
        for c in constraints {
            var index = result.count
            while index > 0, let order = scheme.compare(c.version, result[index - 1].version), order == .orderedAscending {
                index -= 1
            }
            result.insert(c, at: index)
        }
        return result
    }
}

/// Why a `vers:` string could not be read.
public enum VersError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case missingPrefix
    case invalidScheme(String)
    case missingConstraints
    case tooManyConstraints(Int)
    case emptyConstraint(index: Int)
    case missingVersion(index: Int)
    case starNotAlone
    case invalidPercentEncoding(index: Int)

    public var description: String {
        switch self {
        case .empty: return "the version range is empty"
        case let .tooLong(n): return "the version range is \(n) characters long; at most \(VersSpecifier.maximumLength) are accepted"
        case .missingPrefix: return "a version range specifier starts with `vers:` (for example `vers:generic/>=1.0|<2.0`)"
        case let .invalidScheme(s): return "`\(s)` is not a versioning scheme: use lowercase letters, digits, `.`, `-` or `+` (for example `semver`, `pypi`)"
        case .missingConstraints: return "the version range has no constraints after `vers:<scheme>/`"
        case let .tooManyConstraints(n): return "the version range has \(n) constraints; at most \(VersSpecifier.maximumConstraints) are accepted"
        case let .emptyConstraint(i): return "constraint \(i + 1) is empty: remove the doubled or trailing `|`"
        case let .missingVersion(i): return "constraint \(i + 1) has a comparator but no version"
        case .starNotAlone: return "`*` means every version and must be the only constraint"
        case let .invalidPercentEncoding(i): return "constraint \(i + 1) has a malformed percent-encoding (`%` must be followed by two hex digits)"
        }
    }
}
