import Foundation
import TocsinCore

/// Reads the version statements advisories write for people (`< 2024.2`, `<=7.4.2`, `>=1.0 <2.0`, `before 3.2`,
/// `7.0.1-5035 and older versions`, `all versions`, `vers:semver/...`, `B.00.21`) into something a version can be
/// tested against.
///
/// Used on `AffectedProduct.versions` when a source gives no structured ranges (CSAF `product_version_range` names,
/// CERT-FR "Systèmes affectés"), and on CVE `version` fields that hold an expression instead of a version. Prose
/// that states no version ("See the HP bulletin") reads as nil: the version is then unknown, never guessed.
public enum VersionExpression: Sendable, Hashable {
    /// Every version.
    case all
    /// Exactly this version.
    case exact(String)
    /// The versions a set of constraints admits.
    case constraints(VersSpecifier)

    /// Expressions longer than this are prose, not version statements.
    static let maximumLength = 200

    /// The expression `text` states, compared with `versionType`'s scheme; nil when it states no version.
    public static func parse(_ text: String, versionType: String? = nil) -> VersionExpression? {
        var s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !s.isEmpty, s.count <= maximumLength else { return nil }
        let schemeName = versionType?.lowercased() ?? "generic"
        if s.lowercased().hasPrefix("vers:") {
            guard let spec = try? VersSpecifier(parsing: s) else { return nil }
            return spec.matchesEverything ? .all : .constraints(spec)
        }
        if isAll(s) { return .all }
        for prefix in ["versions ", "version ", "versión ", "v. "] where s.lowercased().hasPrefix(prefix) {
            s = String(s.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        if let first = s.first, "<>=≤≥!".contains(first) {
            guard let constraints = operatorConstraints(s), !constraints.isEmpty else { return nil }
            if constraints.count == 1, constraints[0].comparator == .equal { return .exact(constraints[0].version) }
            return .constraints(VersSpecifier(versioningScheme: schemeName, constraints: constraints))
        }
        if let phrased = phrasedConstraints(s) {
            return .constraints(VersSpecifier(versioningScheme: schemeName, constraints: phrased))
        }
        return isPlainVersion(s) ? .exact(s) : nil
    }

    /// CVE 5 ranges for the versions `text` states (`< 2024.2` → from `0` less than `2024.2`), with `status`; nil
    /// when the text states no version or a set CVE ranges cannot express exactly (`> 1.0`).
    public static func ranges(
        from text: String, versionType: String? = nil, status: ProductStatus = .affected
    ) -> [VersionRange]? {
        switch parse(text, versionType: versionType) {
        case nil: return nil
        case .all?: return [VersionRange(version: "0", lessThan: "*", versionType: versionType, status: status)]
        case let .exact(v)?: return [VersionRange(version: v, versionType: versionType, status: status)]
        case let .constraints(spec)?:
            return spec.versionRanges(status: status).map { ranges in
                ranges.map { var r = $0; r.versionType = versionType; return r }
            }
        }
    }

    /// Whether `version` is among the versions this expression states; nil when that cannot be told.
    public func contains(_ version: String, versionType: String? = nil) -> Bool? {
        switch self {
        case .all: return true
        case let .exact(v):
            let scheme = VersionScheme(versionType: versionType)
            guard let order = scheme.compare(version, v) else { return scheme.isOrdered ? nil : false }
            return order == .orderedSame
        case let .constraints(spec): return spec.contains(version)
        }
    }

    /// Words sources use for "every version".
    static func isAll(_ text: String) -> Bool {
        let s = text.lowercased().trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ".")))
        return ["*", "all", "all versions", "any", "any version", "every version", "all releases", "toutes",
                "toutes versions", "toutes les versions", "tous", "vers:all/*"].contains(s)
    }

    /// `<2024.2`, `< 2016 R2`, `>= 1.0, < 2.0`, `>=1.0 <2.0`, `>= 1.0 and < 2.0`.
    private static func operatorConstraints(_ s: String) -> [VersSpecifier.Constraint]? {
        var result: [VersSpecifier.Constraint] = []
        var rest = Substring(s)
        while !rest.isEmpty {
            rest = rest.drop { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "&" || $0 == "|" }
            if rest.isEmpty { break }
            let ops: [(String, VersSpecifier.Comparator)] = [
                ("<=", .lessThanOrEqual), (">=", .greaterThanOrEqual), ("==", .equal), ("!=", .notEqual),
                ("≤", .lessThanOrEqual), ("≥", .greaterThanOrEqual), ("<", .lessThan), (">", .greaterThan), ("=", .equal),
            ]
            guard let (symbol, comparator) = ops.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(symbol.count).drop(while: \.isWhitespace)
            let end = rest.firstIndex { "<>=≤≥!,;&|".contains($0) } ?? rest.endIndex
            var version = String(rest[..<end]).trimmingCharacters(in: .whitespaces)
            for joiner in [" and", " et", " or", " ou"] where version.lowercased().hasSuffix(joiner) {
                version = String(version.dropLast(joiner.count)).trimmingCharacters(in: .whitespaces)
            }
            guard isPlainVersion(version) else { return nil }
            result.append(.init(comparator, version))
            rest = rest[end...]
        }
        return result
    }

    /// `before 3.2`, `prior to 3.2`, `3.2 and earlier`, `up to 3.2`, `3.2 and later`, `3.0 - 3.5`, `3.0 to 3.5`,
    /// and the French forms CERT-FR uses (`antérieures à 3.2`, `3.2 et antérieures`).
    private static func phrasedConstraints(_ s: String) -> [VersSpecifier.Constraint]? {
        let lower = s.lowercased()
        let before = ["before ", "prior to ", "earlier than ", "older than ", "lower than ", "below ",
                      "antérieures à ", "antérieure à ", "antérieures au ", "avant "]
        let upTo = ["up to and including ", "up to ", "through ", "jusqu'à ", "jusqu’à "]
        let andEarlier = [" and earlier", " and older", " and prior", " or earlier", " or older", " and below",
                          " and lower", " et antérieures", " et antérieure", " ou antérieures"]
        let andLater = [" and later", " and newer", " and above", " or later", " or newer", " or above",
                        " et ultérieures", " et supérieures", " ou ultérieures"]
        func version(_ v: Substring) -> String? {
            var t = String(v).trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: ".,;")))
            for prefix in ["versions ", "version ", "v. "] where t.lowercased().hasPrefix(prefix) {
                t = String(t.dropFirst(prefix.count))
            }
            return isPlainVersion(t) ? t : nil
        }
        for p in before where lower.hasPrefix(p) {
            return version(s.dropFirst(p.count)).map { [.init(.lessThan, $0)] }
        }
        for p in upTo where lower.hasPrefix(p) {
            return version(s.dropFirst(p.count)).map { [.init(.lessThanOrEqual, $0)] }
        }
        // Trailing words, optionally followed by "versions"/"releases" ("5.9.2.14-12o and older versions").
        var trimmed = lower
        var cut = 0
        for tail in [" versions", " releases", " version"] where trimmed.hasSuffix(tail) {
            trimmed = String(trimmed.dropLast(tail.count))
            cut = tail.count
        }
        for suffix in andEarlier where trimmed.hasSuffix(suffix) {
            return version(s.dropLast(cut + suffix.count)).map { [.init(.lessThanOrEqual, $0)] }
        }
        for suffix in andLater where trimmed.hasSuffix(suffix) {
            return version(s.dropLast(cut + suffix.count)).map { [.init(.greaterThanOrEqual, $0)] }
        }
        if s.hasSuffix("+"), let v = version(s.dropLast()) { return [.init(.greaterThanOrEqual, v)] }
        // Two ends: "3.0 - 3.5", "3.0 to 3.5", "from 3.0 to 3.5", "between 3.0 and 3.5", "de 3.0 à 3.5".
        var body = Substring(s)
        for p in ["from ", "between ", "de ", "du "] where lower.hasPrefix(p) { body = body.dropFirst(p.count) }
        for separator in [" - ", " – ", " to ", " through ", " and ", " à ", " au "] {
            guard let range = body.range(of: separator, options: .caseInsensitive) else { continue }
            guard let a = version(body[..<range.lowerBound]), let b = version(body[range.upperBound...]) else { return nil }
            return [.init(.greaterThanOrEqual, a), .init(.lessThanOrEqual, b)]
        }
        return nil
    }

    /// A version as written on its own: short, with a digit, at most three words (`B.00.21`, `2016 R2`,
    /// `7.0.1-5035`), and no sentence punctuation.
    static func isPlainVersion(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 64, s.contains(where: { $0.isNumber }) else { return false }
        guard !s.contains(where: { ",;<>=|\"".contains($0) || $0.isNewline }) else { return false }
        return s.split(whereSeparator: \.isWhitespace).count <= 3
    }
}
