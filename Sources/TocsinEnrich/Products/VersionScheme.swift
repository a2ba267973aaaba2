import Foundation

/// A way of ordering version strings, one per CVE 5 `versionType` Tocsin understands.
///
/// `custom`, `generic` and any unknown type use ``generic``: dotted numeric and alphabetic segments compared one
/// by one, tolerant of vendor forms such as `10.2.9-h1`, `7.1.0.12`, `R2.1` or `v7.2.8.810`. A string a scheme
/// cannot parse (a `semver` range holding `2.426`, a `python` range holding `7.x`) falls back to ``generic``
/// rather than failing, so comparing never throws and never crashes on odd input.
public enum VersionScheme: String, Sendable, Hashable, CaseIterable, Codable {
    /// Semantic Versioning 2.0: numeric core, pre-release precedence, build metadata ignored.
    case semver
    /// RPM `epoch:version-release`, compared with `rpmvercmp` (including `~` and `^`).
    case rpm
    /// Maven `ComparableVersion` (qualifiers alpha < beta < milestone < rc < snapshot < release < sp).
    case maven
    /// PEP 440: epochs, pre-, post- and dev-releases.
    case python
    /// Dotted numeric and alphabetic segments, for `custom` and unknown version types.
    case generic
    /// Git commit hashes: no order, only equality (an abbreviated hash equals its full form).
    case git

    /// The scheme for a CVE 5 `versionType` (or a purl/VERS type such as `pypi`, `npm`); unknown types are generic.
    public init(versionType: String?) {
        switch versionType?.trimmingCharacters(in: .whitespaces).lowercased() ?? "" {
        case "semver", "npm", "cargo", "golang", "go", "nuget", "composer", "hex", "swift": self = .semver
        case "rpm": self = .rpm
        case "maven": self = .maven
        case "python", "pypi", "pep440": self = .python
        case "git": self = .git
        default: self = .generic
        }
    }

    /// How `lhs` orders against `rhs`; nil when the scheme cannot order them (two different git commits, an empty
    /// string).
    public func compare(_ lhs: String, _ rhs: String) -> ComparisonResult? {
        let a = VersionScheme.clean(lhs), b = VersionScheme.clean(rhs)
        guard !a.isEmpty, !b.isEmpty else { return nil }
        switch self {
        case .semver: return VersionScheme.compareSemver(a, b) ?? VersionScheme.compareGeneric(a, b)
        case .rpm: return VersionScheme.compareRPM(a, b)
        case .maven: return VersionScheme.compareMaven(a, b)
        case .python: return VersionScheme.comparePython(a, b) ?? VersionScheme.compareGeneric(a, b)
        case .generic: return VersionScheme.compareGeneric(a, b)
        case .git: return VersionScheme.sameCommit(a, b) ? .orderedSame : nil
        }
    }

    /// Whether the two versions are the same version under this scheme (`1.0` and `1.0.0` are, in most schemes).
    public func isEqual(_ lhs: String, _ rhs: String) -> Bool {
        compare(lhs, rhs) == .orderedSame
    }

    /// Whether this scheme orders versions at all (git does not).
    public var isOrdered: Bool { self != .git }

    /// Versions longer than this are compared on their first characters only: no real version is that long, and
    /// the bound keeps hostile input from costing more than a few microseconds.
    static let maximumLength = 256

    static func clean(_ version: String) -> String {
        let trimmed = version.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count > maximumLength ? String(trimmed.prefix(maximumLength)) : trimmed
    }

    private static func sameCommit(_ a: String, _ b: String) -> Bool {
        let x = a.lowercased(), y = b.lowercased()
        if x == y { return true }
        // An abbreviated hash (git prints 7 to 12 characters) names the same commit as the full one.
        let isHex = { (s: String) in s.count >= 7 && s.allSatisfy(\.isHexDigit) }
        guard isHex(x), isHex(y) else { return false }
        return x.hasPrefix(y) || y.hasPrefix(x)
    }
}

extension VersionScheme {
    /// Compares two runs of ASCII digits as unbounded integers, so `99999999999999999999` never overflows.
    static func compareDigits<S: StringProtocol>(_ a: S, _ b: S) -> ComparisonResult {
        let x = a.drop { $0 == "0" }, y = b.drop { $0 == "0" }
        if x.count != y.count { return x.count < y.count ? .orderedAscending : .orderedDescending }
        for (p, q) in zip(x.unicodeScalars, y.unicodeScalars) where p != q {
            return p.value < q.value ? .orderedAscending : .orderedDescending
        }
        return .orderedSame
    }

    static func compareStrings(_ a: String, _ b: String) -> ComparisonResult {
        a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
    }

    /// Strips a leading `v`/`V` written before a digit (`v7.2.8`), which no scheme counts as part of the version.
    static func dropVPrefix(_ s: String) -> String {
        guard let first = s.first, first == "v" || first == "V",
              let second = s.dropFirst().first, second.isASCII, second.isNumber else { return s }
        return String(s.dropFirst())
    }
}
