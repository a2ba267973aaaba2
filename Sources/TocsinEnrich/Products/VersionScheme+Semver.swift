import Foundation

extension VersionScheme {
    /// Semantic Versioning 2.0 precedence (§11). Tolerant of a `v` prefix and of a short core (`2.426` is
    /// `2.426.0`), as CVE ranges write them; nil when the core is not numeric, so the caller can fall back.
    static func compareSemver(_ lhs: String, _ rhs: String) -> ComparisonResult? {
        guard let a = SemverParts(lhs), let b = SemverParts(rhs) else { return nil }
        for i in 0..<max(a.core.count, b.core.count) {
            let x = i < a.core.count ? a.core[i] : "0", y = i < b.core.count ? b.core[i] : "0"
            let result = compareDigits(x, y)
            if result != .orderedSame { return result }
        }
        switch (a.preRelease.isEmpty, b.preRelease.isEmpty) {
        case (true, true): return .orderedSame
        case (true, false): return .orderedDescending
        case (false, true): return .orderedAscending
        case (false, false): break
        }
        for (x, y) in zip(a.preRelease, b.preRelease) {
            let xNumeric = x.allSatisfy { $0.isASCII && $0.isNumber }, yNumeric = y.allSatisfy { $0.isASCII && $0.isNumber }
            let result: ComparisonResult
            switch (xNumeric, yNumeric) {
            case (true, true): result = compareDigits(x, y)
            case (true, false): result = .orderedAscending
            case (false, true): result = .orderedDescending
            case (false, false): result = compareStrings(String(x), String(y))
            }
            if result != .orderedSame { return result }
        }
        return a.preRelease.count == b.preRelease.count ? .orderedSame
            : (a.preRelease.count < b.preRelease.count ? .orderedAscending : .orderedDescending)
    }
}

/// A semantic version cut into its numeric core and pre-release identifiers; build metadata is dropped.
private struct SemverParts {
    var core: [Substring]
    var preRelease: [Substring]

    init?(_ raw: String) {
        var s = Substring(VersionScheme.dropVPrefix(raw))
        if let plus = s.firstIndex(of: "+") { s = s[..<plus] }
        var pre: Substring = ""
        if let dash = s.firstIndex(of: "-") {
            pre = s[s.index(after: dash)...]
            s = s[..<dash]
        }
        let core = s.split(separator: ".", omittingEmptySubsequences: false)
        guard !core.isEmpty, core.count <= 8,
              core.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let identifiers = pre.isEmpty ? [] : pre.split(separator: ".", omittingEmptySubsequences: false)
        guard identifiers.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.core = core
        self.preRelease = identifiers
    }
}
