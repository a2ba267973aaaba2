import Foundation

extension CPEName {
    /// How one attribute of a source name relates to the same attribute of a target name (NISTIR 7696 §6.1).
    public enum Relation: Sendable, Hashable {
        case superset
        case subset
        case equal
        case disjoint
        /// Both sides hold wildcards: the specification leaves the relation undefined.
        case undefined
    }

    /// The attribute-by-attribute relation of `self` (the source, often an advisory's CPE) to `target` (often an
    /// inventory CPE), per NISTIR 7696. Values compare case-insensitively; wildcards apply on the source side.
    public func relations(to target: CPEName) -> [Relation] {
        zip(attributes, target.attributes).map { CPEName.relation(source: $0, target: $1) }
    }

    /// NISTIR 7696 name matching: every attribute of `self` is a superset of or equal to `target`'s, i.e. `self`
    /// (for example `cpe:2.3:a:philips:vue_pacs:*:…`) names a set that holds `target`.
    public func isSuperset(of target: CPEName) -> Bool {
        relations(to: target).allSatisfy { $0 == .superset || $0 == .equal }
    }

    /// Whether the two names can denote the same product: ANY on either side matches everything, NA only NA,
    /// values compare case-insensitively, and a value with `*`/`?` wildcards (on either side) matches as a pattern.
    /// This is the symmetric test inventory matching needs, where either side may be the vaguer one.
    public func matches(_ other: CPEName) -> Bool {
        zip(attributes, other.attributes).allSatisfy { a, b in
            let forward = CPEName.relation(source: a, target: b)
            if forward == .superset || forward == .equal || forward == .undefined { return true }
            let backward = CPEName.relation(source: b, target: a)
            return backward == .superset || backward == .equal
        }
    }

    /// Whether the vendor and product attributes of both names are values and match (case-insensitively, with
    /// wildcards): the two names speak of the same product, whatever the versions.
    public func hasSameProduct(as other: CPEName) -> Bool {
        for (a, b) in [(vendor, other.vendor), (product, other.product)] {
            guard case .value = a, case .value = b else { return false }
            let forward = CPEName.relation(source: a, target: b)
            let backward = CPEName.relation(source: b, target: a)
            guard forward == .equal || forward == .superset || backward == .superset else { return false }
        }
        return true
    }

    static func relation(source: Value, target: Value) -> Relation {
        switch (source, target) {
        case (.any, .any): return .equal
        case (.any, _): return .superset
        case (.na, .na): return .equal
        case (.na, _): return .disjoint
        case (.value, .any): return .subset
        case (.value, .na): return .disjoint
        case let (.value(s), .value(t)):
            let sourceUnits = units(s.lowercased()), targetUnits = units(t.lowercased())
            let sourceWild = sourceUnits.contains { $0 == .anyRun || $0 == .oneChar }
            let targetWild = targetUnits.contains { $0 == .anyRun || $0 == .oneChar }
            if targetWild { return sourceWild ? .undefined : .subset }
            if !sourceWild { return sourceUnits == targetUnits ? .equal : .disjoint }
            return wildcardMatches(sourceUnits, targetUnits) ? .superset : .disjoint
        }
    }

    /// Whether a pattern (wildcards only at its ends, as CPE allows) matches a literal value: `*` takes any run,
    /// each `?` at most one character, as NISTIR 7696's `compareStrings` reads them.
    private static func wildcardMatches(_ pattern: [Unit], _ target: [Unit]) -> Bool {
        var start = 0, end = pattern.count
        var leading: Int? = 0, trailing: Int? = 0 // nil: unbounded
        if pattern.first == .anyRun { start = 1; leading = nil }
        else { while start < end, pattern[start] == .oneChar { start += 1; leading = (leading ?? 0) + 1 } }
        if end > start, pattern[end - 1] == .anyRun { end -= 1; trailing = nil }
        else { while end > start, pattern[end - 1] == .oneChar { end -= 1; trailing = (trailing ?? 0) + 1 } }
        let core = Array(pattern[start..<end])
        guard core.count <= target.count else { return false }
        for offset in 0...(target.count - core.count) {
            guard Array(target[offset..<(offset + core.count)]) == core else { continue }
            let before = offset, after = target.count - offset - core.count
            if let leading, before > leading { continue }
            if let trailing, after > trailing { continue }
            return true
        }
        return false
    }
}
