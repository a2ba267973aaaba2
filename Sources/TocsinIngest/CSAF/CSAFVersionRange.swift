import Foundation
import TocsinCore

/// Turns a CSAF `product_version_range` into structured ranges: purl VERS (`vers:generic/>=1.0|<2.0`,
/// `vers:all/*`) or the free text vendors write instead (`<4.2`, `<=V3.1`, `>= 1.0, < 2.0`, `all versions`,
/// `before 2.4`, `2.0 and later`).
///
/// A lower bound is always read as inclusive (`>` as `>=`) and `!=` exclusions are dropped, since `VersionRange`
/// cannot say otherwise; text that is none of these forms gives no range and stays readable in `versions`.
enum CSAFVersionRange {
    /// The ranges `text` states, each with `status`; empty when the text is not understood.
    static func ranges(from text: String, status: ProductStatus) -> [VersionRange] {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 1_024 else { return [] }
        if trimmed.lowercased().hasPrefix("vers:") { return vers(trimmed, status: status) }
        return freeText(trimmed, status: status)
    }

    private static func vers(_ text: String, status: ProductStatus) -> [VersionRange] {
        let body = text.dropFirst(5)
        guard let slash = body.firstIndex(of: "/") else { return [] }
        let scheme = body[..<slash].lowercased()
        let constraints = body[body.index(after: slash)...].split(separator: "|").prefix(256).map { raw -> (String, String) in
            let item = (String(raw).removingPercentEncoding ?? String(raw)).trimmingCharacters(in: .whitespaces)
            let op = String(item.prefix { "<>=!".contains($0) })
            return (op, item.dropFirst(op.count).trimmingCharacters(in: .whitespaces))
        }
        return build(constraints, versionType: scheme == "all" ? nil : scheme, status: status)
    }

    private static func freeText(_ text: String, status: ProductStatus) -> [VersionRange] {
        let lower = text.lowercased()
        if ["*", "all", "all versions", "alle versionen", "toutes versions", "toutes les versions", "any", "any version"].contains(lower) {
            return [VersionRange(version: "0", lessThan: "*", status: status)]
        }
        for prefix in ["before ", "prior to ", "versions before ", "versions prior to ", "earlier than "] where lower.hasPrefix(prefix) {
            let version = text.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            return version.isEmpty ? [] : [VersionRange(version: "0", lessThan: version, status: status)]
        }
        for suffix in [" and later", " and above", " or later", " and newer", " and higher"] where lower.hasSuffix(suffix) {
            let version = text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            return version.isEmpty ? [] : [VersionRange(version: version, lessThan: "*", status: status)]
        }
        guard let first = text.first, "<>=".contains(first) else { return [] }
        // Split where a comparator starts: ">= 1.0, < 2.0" → [">= 1.0,", "< 2.0"].
        var segments: [String] = []
        var current = ""
        var previous: Character = " "
        for character in text {
            if "<>=".contains(character), !"<>=!".contains(previous), !current.isEmpty {
                segments.append(current)
                current = ""
            }
            current.append(character)
            previous = character
            if segments.count > 64 { return [] }
        }
        segments.append(current)
        let constraints = segments.map { segment -> (String, String) in
            let op = String(segment.prefix { "<>=!".contains($0) })
            var value = segment.dropFirst(op.count).trimmingCharacters(in: .whitespaces)
            for joiner in [",", ";", "&&", "|", " and", " und", " et"] where value.lowercased().hasSuffix(joiner) {
                value = String(value.dropLast(joiner.count)).trimmingCharacters(in: .whitespaces)
            }
            return (op, value)
        }
        return build(constraints, versionType: nil, status: status)
    }

    /// Pairs lower bounds with the upper bound that follows them, as VERS orders its constraints.
    private static func build(_ constraints: [(op: String, value: String)], versionType: String?, status: ProductStatus) -> [VersionRange] {
        var result: [VersionRange] = []
        var lowerBound: String?
        for (op, value) in constraints {
            if value == "*" {
                result.append(VersionRange(version: "0", lessThan: "*", versionType: versionType, status: status))
                continue
            }
            guard !value.isEmpty, value.count <= 256 else { continue }
            switch op {
            case ">=", ">", "=>":
                if let pending = lowerBound {
                    result.append(VersionRange(version: pending, lessThan: "*", versionType: versionType, status: status))
                }
                lowerBound = value
            case "<", "<=", "=<":
                let start = lowerBound ?? "0"
                result.append(op == "<"
                    ? VersionRange(version: start, lessThan: value, versionType: versionType, status: status)
                    : VersionRange(version: start, lessThanOrEqual: value, versionType: versionType, status: status))
                lowerBound = nil
            case "", "=", "==":
                result.append(VersionRange(version: value, versionType: versionType, status: status))
            default:
                continue
            }
        }
        if let pending = lowerBound {
            result.append(VersionRange(version: pending, lessThan: "*", versionType: versionType, status: status))
        }
        return result
    }
}
