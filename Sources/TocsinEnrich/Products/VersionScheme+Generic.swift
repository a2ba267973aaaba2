import Foundation

/// One segment of a version in the generic scheme: a run of digits or a run of letters.
enum GenericVersionToken: Hashable, Sendable {
    case number(String)
    case word(String)
}

extension VersionScheme {
    /// Words that mark a version *before* the release they qualify (`1.0-rc1` < `1.0`), ranked among themselves.
    /// Every other word (`h1`, `p1`, `sp2`, `R2`, `build`, `update`) marks a version *after* it (`10.2.9-h1` >
    /// `10.2.9`, `9.7p1` > `9.7`).
    static let preReleaseRanks: [String: Int] = [
        "dev": 0, "snapshot": 0, "nightly": 0,
        "alpha": 1, "a": 1, "ea": 1,
        "beta": 2, "b": 2,
        "milestone": 3, "m": 3,
        "pre": 4, "preview": 4,
        "rc": 5, "cr": 5,
    ]

    /// The generic comparison: segments split on any non-alphanumeric character and on digit/letter changes,
    /// numbers compared as numbers, words case-insensitively; missing trailing zeros are equal (`1.0` = `1.0.0`).
    static func compareGeneric(_ lhs: String, _ rhs: String) -> ComparisonResult {
        compareTokens(genericTokens(lhs), genericTokens(rhs))
    }

    static func compareTokens(_ x: [GenericVersionToken], _ y: [GenericVersionToken]) -> ComparisonResult {
        var i = 0
        while i < max(x.count, y.count) {
            let a: GenericVersionToken? = i < x.count ? x[i] : nil
            let b: GenericVersionToken? = i < y.count ? y[i] : nil
            let result = compareToken(a, b)
            if result != .orderedSame { return result }
            i += 1
        }
        return .orderedSame
    }

    private static func compareToken(_ a: GenericVersionToken?, _ b: GenericVersionToken?) -> ComparisonResult {
        switch (a, b) {
        case (nil, nil): return .orderedSame
        case let (.number(n)?, nil): return n.allSatisfy { $0 == "0" } ? .orderedSame : .orderedDescending
        case let (nil, .number(n)?): return n.allSatisfy { $0 == "0" } ? .orderedSame : .orderedAscending
        case let (.word(w)?, nil): return preReleaseRanks[w] != nil ? .orderedAscending : .orderedDescending
        case let (nil, .word(w)?): return preReleaseRanks[w] != nil ? .orderedDescending : .orderedAscending
        case let (.number(m)?, .number(n)?): return compareDigits(m, n)
        case (.number?, .word?): return .orderedDescending
        case (.word?, .number?): return .orderedAscending
        case let (.word(v)?, .word(w)?):
            switch (preReleaseRanks[v], preReleaseRanks[w]) {
            // Synonyms (`a` and `alpha`) share a rank and are the same qualifier.
            case let (p?, q?): return p == q ? .orderedSame : (p < q ? .orderedAscending : .orderedDescending)
            case (_?, nil): return .orderedAscending
            case (nil, _?): return .orderedDescending
            case (nil, nil): return compareStrings(v, w)
            }
        }
    }

    /// The segments of a version for the generic scheme. A US date `8/30/2024` (CISA writes web-portal "versions"
    /// that way) is reordered year, month, day so that dates compare in time order.
    static func genericTokens(_ raw: String) -> [GenericVersionToken] {
        let s = dropVPrefix(clean(raw)).lowercased()
        var tokens: [GenericVersionToken] = []
        var current = ""
        var currentIsDigit = false
        func flush() {
            guard !current.isEmpty else { return }
            tokens.append(currentIsDigit ? .number(current) : .word(current))
            current = ""
        }
        for ch in s {
            let isDigit = ch.isASCII && ch.isNumber
            let isLetter = ch.isLetter
            if !isDigit && !isLetter {
                flush()
                continue
            }
            if !current.isEmpty && isDigit != currentIsDigit { flush() }
            currentIsDigit = isDigit
            current.append(ch)
        }
        flush()
        if isUSDate(s), tokens.count == 3, case let .number(month) = tokens[0], case let .number(day) = tokens[1],
           case let .number(year) = tokens[2] {
            return [.number(year), .number(month), .number(day)]
        }
        return tokens
    }

    /// Whether the generic segments of `prefix` open those of `version` (`5.10` opens `5.10.226`), for bounds such
    /// as `lessThanOrEqual: "5.10.*"`.
    static func hasSegmentPrefix(_ version: String, _ prefix: String) -> Bool {
        let v = genericTokens(version), p = genericTokens(prefix)
        guard !p.isEmpty, p.count <= v.count else { return false }
        for (a, b) in zip(v, p) where compareTokens([a], [b]) != .orderedSame { return false }
        return true
    }

    private static func isUSDate(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
              let month = Int(parts[0]), (1...12).contains(month) else { return false }
        return true
    }
}
