import Foundation

extension VersionScheme {
    /// Maven `ComparableVersion` order, the common subset: items split on `.`, `-` and digit/letter changes;
    /// numbers numerically; qualifiers alpha < beta < milestone < rc < snapshot < release (`""`, `ga`, `final`) <
    /// sp < any other word (alphabetically); trailing zeros and release qualifiers ignored (`1.0.0` = `1-ga` = `1`).
    /// The nesting of `-` sub-lists is flattened, which only matters for exotic versions.
    static func compareMaven(_ lhs: String, _ rhs: String) -> ComparisonResult {
        let x = mavenItems(lhs), y = mavenItems(rhs)
        for i in 0..<max(x.count, y.count) {
            let a: MavenItem? = i < x.count ? x[i] : nil
            let b: MavenItem? = i < y.count ? y[i] : nil
            let result = compareMavenItem(a, b)
            if result != .orderedSame { return result }
        }
        return .orderedSame
    }

    private static func compareMavenItem(_ a: MavenItem?, _ b: MavenItem?) -> ComparisonResult {
        switch (a, b) {
        case (nil, nil): return .orderedSame
        case let (.number(n)?, nil): return n.allSatisfy { $0 == "0" } ? .orderedSame : .orderedDescending
        case let (nil, .number(n)?): return n.allSatisfy { $0 == "0" } ? .orderedSame : .orderedAscending
        case let (.qualifier(q)?, nil): return compareQualifiers(q, "")
        case let (nil, .qualifier(q)?): return compareQualifiers("", q)
        case let (.number(m)?, .number(n)?): return compareDigits(m, n)
        case (.number?, .qualifier?): return .orderedDescending
        case (.qualifier?, .number?): return .orderedAscending
        case let (.qualifier(p)?, .qualifier(q)?): return compareQualifiers(p, q)
        }
    }

    private static let mavenQualifierOrder = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"]

    private static func compareQualifiers(_ p: String, _ q: String) -> ComparisonResult {
        // ComparableVersion sorts an unknown qualifier after every known one, then alphabetically.
        func key(_ s: String) -> String {
            if let i = mavenQualifierOrder.firstIndex(of: s) { return "\(i)" }
            return "\(mavenQualifierOrder.count)-\(s)"
        }
        return compareStrings(key(p), key(q))
    }

    private static func mavenItems(_ raw: String) -> [MavenItem] {
        let tokens = genericTokens(raw)
        var items: [MavenItem] = []
        for (index, token) in tokens.enumerated() {
            switch token {
            case let .number(n): items.append(.number(n))
            case let .word(w):
                // Zeros before a qualifier do not count either: `1.0-rc1` = `1-rc1`.
                while case let .number(n)? = items.last, n.allSatisfy({ $0 == "0" }) { items.removeLast() }
                // `a1`, `b2`, `m3` are short for alpha-1, beta-2, milestone-3 only when a number follows.
                let followedByNumber: Bool
                if index + 1 < tokens.count, case .number = tokens[index + 1] { followedByNumber = true } else { followedByNumber = false }
                items.append(.qualifier(canonicalMavenQualifier(w, followedByNumber: followedByNumber)))
            }
        }
        // Trailing zeros and release qualifiers do not change the version (`1.0-final` = `1`).
        while let last = items.last {
            switch last {
            case let .number(n) where n.allSatisfy({ $0 == "0" }): items.removeLast()
            case .qualifier(""): items.removeLast()
            default: return items
            }
        }
        return items
    }

    private static func canonicalMavenQualifier(_ w: String, followedByNumber: Bool) -> String {
        switch w {
        case "a" where followedByNumber: return "alpha"
        case "b" where followedByNumber: return "beta"
        case "m" where followedByNumber: return "milestone"
        case "cr": return "rc"
        case "ga", "final", "release": return ""
        default: return w
        }
    }
}

private enum MavenItem {
    case number(String)
    case qualifier(String)
}
