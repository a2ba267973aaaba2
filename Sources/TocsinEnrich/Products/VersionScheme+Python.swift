import Foundation

extension VersionScheme {
    /// PEP 440 order: epoch, release (padded with zeros), then dev-only < pre-releases (a < b < rc) < final <
    /// post-releases, dev-releases before what they qualify; a local label (`+ubuntu1`) only breaks ties. Nil when a
    /// string is not a PEP 440 version, so the caller can fall back to the generic order.
    static func comparePython(_ lhs: String, _ rhs: String) -> ComparisonResult? {
        guard let a = PEP440Version(lhs), let b = PEP440Version(rhs) else { return nil }
        var result = compareDigits(a.epoch, b.epoch)
        if result != .orderedSame { return result }
        for i in 0..<max(a.release.count, b.release.count) {
            result = compareDigits(i < a.release.count ? a.release[i] : "0", i < b.release.count ? b.release[i] : "0")
            if result != .orderedSame { return result }
        }
        for (x, y) in zip(a.sortKey, b.sortKey) {
            result = x.compare(y)
            if result != .orderedSame { return result }
        }
        switch (a.local, b.local) {
        case (nil, nil): return .orderedSame
        case (nil, _?): return .orderedAscending
        case (_?, nil): return .orderedDescending
        case let (x?, y?): return compareGeneric(x, y)
        }
    }
}

/// A PEP 440 version cut into its parts, after the spec's normalisations (`alpha` → `a`, `c`/`pre` → `rc`, `-1` →
/// post-release 1, separators optional).
private struct PEP440Version {
    var epoch = "0"
    var release: [String] = []
    var pre: (rank: Int, number: String)?
    var post: String?
    var dev: String?
    var local: String?

    /// A component of the sort key: below everything, a number/qualifier pair, or above everything.
    enum KeyPart {
        case bottom
        case value(Int, String)
        case top

        func compare(_ other: KeyPart) -> ComparisonResult {
            switch (self, other) {
            case (.bottom, .bottom), (.top, .top): return .orderedSame
            case (.bottom, _), (_, .top): return .orderedAscending
            case (_, .bottom), (.top, _): return .orderedDescending
            case let (.value(r, n), .value(s, m)):
                if r != s { return r < s ? .orderedAscending : .orderedDescending }
                return VersionScheme.compareDigits(n, m)
            }
        }
    }

    /// PEP 440's ordering of the suffixes, as `packaging` builds it.
    var sortKey: [KeyPart] {
        let preKey: KeyPart
        if let pre { preKey = .value(pre.rank, pre.number) }
        else if post == nil && dev != nil { preKey = .bottom } // 1.0.dev0 sorts before 1.0a0
        else { preKey = .top }
        let postKey: KeyPart = post.map { .value(0, $0) } ?? .bottom
        let devKey: KeyPart = dev.map { .value(0, $0) } ?? .top
        return [preKey, postKey, devKey]
    }

    init?(_ raw: String) {
        var s = Substring(raw.lowercased())
        if s.first == "v" { s = s.dropFirst() }
        if let plus = s.firstIndex(of: "+") {
            let label = s[s.index(after: plus)...]
            guard !label.isEmpty, label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }) else { return nil }
            local = String(label)
            s = s[..<plus]
        }
        if let bang = s.firstIndex(of: "!") {
            let e = s[..<bang]
            guard !e.isEmpty, e.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            epoch = String(e)
            s = s[s.index(after: bang)...]
        }
        // Release: N(.N)*
        while true {
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            release.append(String(digits))
            s = s.dropFirst(digits.count)
            if s.first == ".", let next = s.dropFirst().first, next.isASCII, next.isNumber { s = s.dropFirst(); continue }
            break
        }
        func dropSeparator() { if let c = s.first, c == "." || c == "-" || c == "_" { s = s.dropFirst() } }
        func number() -> String {
            var t = s
            if let c = t.first, c == "." || c == "-" || c == "_" { t = t.dropFirst() }
            let digits = t.prefix { $0.isASCII && $0.isNumber }
            if digits.isEmpty { return "0" }
            s = t.dropFirst(digits.count)
            return String(digits)
        }
        func take(_ words: [String]) -> String? {
            var t = s
            if let c = t.first, c == "." || c == "-" || c == "_" { t = t.dropFirst() }
            for w in words where t.hasPrefix(w) {
                s = t.dropFirst(w.count)
                return w
            }
            return nil
        }
        if let word = take(["alpha", "beta", "preview", "pre", "rc", "a", "b", "c"]) {
            let rank: Int
            switch word {
            case "alpha", "a": rank = 0
            case "beta", "b": rank = 1
            default: rank = 2
            }
            pre = (rank, number())
        }
        if take(["post", "rev", "r"]) != nil {
            post = number()
        } else if s.first == "-", let next = s.dropFirst().first, next.isASCII, next.isNumber {
            post = number()
        }
        if take(["dev"]) != nil { dev = number() }
        dropSeparator()
        guard s.isEmpty else { return nil }
    }
}
