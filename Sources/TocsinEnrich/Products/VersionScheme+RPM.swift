import Foundation

extension VersionScheme {
    /// RPM `[epoch:]version[-release]` order: epochs numerically (missing is 0), then version and release with
    /// `rpmvercmp`. A release is compared only when both sides give one, as `rpm` does for a bare version.
    static func compareRPM(_ lhs: String, _ rhs: String) -> ComparisonResult {
        let a = RPMLabel(lhs), b = RPMLabel(rhs)
        let epochs = compareDigits(a.epoch, b.epoch)
        if epochs != .orderedSame { return epochs }
        let versions = rpmvercmp(a.version, b.version)
        if versions != .orderedSame { return versions }
        guard let x = a.release, let y = b.release else { return .orderedSame }
        return rpmvercmp(x, y)
    }

    /// A port of rpm's `rpmvercmp` (lib/rpmvercmp.c): alternating digit and letter segments, digits newer than
    /// letters, `~` older than anything (even the end), `^` newer than the end but older than anything else.
    static func rpmvercmp(_ lhs: String, _ rhs: String) -> ComparisonResult {
        if lhs == rhs { return .orderedSame }
        let one = Array(lhs.unicodeScalars), two = Array(rhs.unicodeScalars)
        var i = 0, j = 0
        func isAlnum(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) }
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        func isAlpha(_ c: Unicode.Scalar) -> Bool { c.isASCII && c.properties.isAlphabetic }
        while i < one.count || j < two.count {
            while i < one.count && !isAlnum(one[i]) && one[i] != "~" && one[i] != "^" { i += 1 }
            while j < two.count && !isAlnum(two[j]) && two[j] != "~" && two[j] != "^" { j += 1 }
            let a: Unicode.Scalar? = i < one.count ? one[i] : nil
            let b: Unicode.Scalar? = j < two.count ? two[j] : nil
            if a == "~" || b == "~" {
                if a != "~" { return .orderedDescending }
                if b != "~" { return .orderedAscending }
                i += 1; j += 1
                continue
            }
            if a == "^" || b == "^" {
                if a == nil { return .orderedAscending }
                if b == nil { return .orderedDescending }
                if a != "^" { return .orderedDescending }
                if b != "^" { return .orderedAscending }
                i += 1; j += 1
                continue
            }
            guard let first = a, b != nil else { break }
            let numeric = isDigit(first)
            let matches = numeric ? isDigit : isAlpha
            let startA = i, startB = j
            while i < one.count && matches(one[i]) { i += 1 }
            while j < two.count && matches(two[j]) { j += 1 }
            // A digit segment against a letter segment: the digit one is newer.
            if j == startB { return numeric ? .orderedDescending : .orderedAscending }
            let segA = String(String.UnicodeScalarView(one[startA..<i]))
            let segB = String(String.UnicodeScalarView(two[startB..<j]))
            let result = numeric ? compareDigits(segA, segB) : compareStrings(segA, segB)
            if result != .orderedSame { return result }
        }
        let restA = i < one.count, restB = j < two.count
        if !restA && !restB { return .orderedSame }
        return restA ? .orderedDescending : .orderedAscending
    }
}

/// An RPM label `[epoch:]version[-release]`; the release starts at the last `-`.
private struct RPMLabel {
    var epoch: Substring
    var version: String
    var release: String?

    init(_ raw: String) {
        var s = Substring(raw)
        epoch = "0"
        if let colon = s.firstIndex(of: ":") {
            let e = s[..<colon]
            if !e.isEmpty && e.allSatisfy({ $0.isASCII && $0.isNumber }) { epoch = e }
            s = s[s.index(after: colon)...]
        }
        if let dash = s.lastIndex(of: "-") {
            version = String(s[..<dash])
            release = String(s[s.index(after: dash)...])
        } else {
            version = String(s)
            release = nil
        }
    }
}
