import Foundation
import TocsinCore

extension VersionRange {
    /// Whether `candidate` lies in this range, read with CVE 5 semantics; nil when that cannot be told (git commits
    /// against a bound, a range whose `version` is prose such as "See the bulletin").
    ///
    /// With `lessThan` or `lessThanOrEqual`, `version` is the first version concerned (`0`, `*`, empty,
    /// `unspecified` or `n/a` meaning from the start; `8.1.*` meaning from 8.1) and the bound is the end (`*` for
    /// every later version; `5.10.*` for everything up to the last 5.10.x). Without a bound, `version` is the exact
    /// version concerned, `*`/`all` meaning every version; a `version` written as an expression (`< 2.3`,
    /// `7.0.1-5035 and older versions`) is read as that expression. `status` is ignored here: the caller weighs it.
    public func contains(version candidate: String) -> Bool? {
        let scheme = VersionScheme(versionType: versionType)
        let v = VersionScheme.clean(candidate)
        guard !v.isEmpty else { return nil }
        let below = lessThan.flatMap { VersionRangeBound($0, isUpper: true) }
        let belowOrAt = lessThanOrEqual.flatMap { VersionRangeBound($0, isUpper: true) }

        guard below != nil || belowOrAt != nil else {
            let exact = VersionScheme.clean(version)
            if VersionRangeBound.isFromStart(exact) { return VersionRangeBound.isEverything(exact) ? true : nil }
            if !scheme.isOrdered { return scheme.isEqual(v, exact) }
            switch VersionExpression.parse(exact, versionType: versionType) {
            case nil: return nil
            case .all?: return true
            case let .exact(value)?:
                guard let order = scheme.compare(v, value) else { return scheme.isOrdered ? nil : false }
                return order == .orderedSame
            case let expression?: return expression.contains(v, versionType: versionType)
            }
        }

        if let lower = VersionRangeBound(version, isUpper: false), !lower.isUnbounded {
            guard let order = scheme.compare(v, lower.value) else { return nil }
            if order == .orderedAscending { return false }
        }
        for (bound, inclusive) in [(below, false), (belowOrAt, true)] {
            guard let bound else { continue }
            if bound.isUnbounded { continue }
            if bound.isUnknown { return nil }
            if bound.isPrefix {
                // Everything that starts with the prefix is inside, whatever the inclusive flag.
                if VersionScheme.hasSegmentPrefix(v, bound.value) { continue }
                guard let order = scheme.compare(v, bound.value) else { return nil }
                if order != .orderedAscending { return false }
            } else {
                guard let order = scheme.compare(v, bound.value) else { return nil }
                if order == .orderedDescending || (order == .orderedSame && !inclusive) { return false }
            }
        }
        return true
    }
}

/// One end of a CVE 5 range as written: a version, a wildcard prefix (`5.10.*`) or unbounded (`*`, `0`).
struct VersionRangeBound: Hashable, Sendable {
    /// The version, without a trailing wildcard.
    var value: String
    /// `*` as an upper bound, or `0`/`*`/`unspecified` as a lower bound: no limit on that side.
    var isUnbounded: Bool
    /// Written `X.*`: every version whose segments start with `X`.
    var isPrefix: Bool
    /// An upper bound of `unspecified` or `n/a`: the range's end is not known.
    var isUnknown = false

    /// Reads a bound; nil when the field is empty (absent). `*` ends nothing as an upper bound; as a lower bound,
    /// `0`, `*`, `unspecified` and the like start from the first version.
    init?(_ raw: String, isUpper: Bool) {
        let s = VersionScheme.clean(raw)
        guard !s.isEmpty else { return nil }
        if isUpper ? s == "*" : VersionRangeBound.isFromStart(s) {
            value = s
            isUnbounded = true
            isPrefix = false
            return
        }
        isUnbounded = false
        if isUpper, VersionRangeBound.isFromStart(s) {
            value = s
            isPrefix = false
            isUnknown = true
            return
        }
        if s.hasSuffix("*") {
            value = String(s.dropLast().reversed().drop { $0 == "." || $0 == "-" || $0 == "_" }.reversed())
            isPrefix = !value.isEmpty
            isUnbounded = value.isEmpty
        } else {
            value = s
            isPrefix = false
        }
    }

    /// Values CVE records use for "from the very first version" (and, as an upper bound, `*` for "no end").
    static func isFromStart(_ s: String) -> Bool {
        switch s.lowercased() {
        case "", "0", "*", "unspecified", "n/a", "-", "0.0", "0.0.0": return true
        default: return false
        }
    }

    /// A bare `*` as the only version: every version.
    static func isEverything(_ s: String) -> Bool { s == "*" }
}
