import Foundation
import TocsinCore

/// Turns CVE 5 `affected[]` entries into `AffectedProduct`s: every version entry of every `versionType` becomes a
/// `VersionRange`, `changes` split a range at each status change, `cpes[0]` and a purl built from
/// `collectionURL` + `packageName` identify the product.
enum CVEAffected {
    static func products(_ entries: [CVERecord.Affected]) -> [AffectedProduct] {
        var result: [AffectedProduct] = []
        for entry in entries {
            guard let product = product(entry), !result.contains(product) else { continue }
            result.append(product)
            if result.count >= AlertDraft.Limits.listItems { break }
        }
        return result
    }

    static func status(_ text: String) -> ProductStatus {
        switch text.lowercased() {
        case "affected": .affected
        case "unaffected": .notAffected
        default: .unknown
        }
    }

    private static func product(_ entry: CVERecord.Affected) -> AffectedProduct? {
        let cpe = (entry.cpes ?? []).first { JSONIngestCPE($0) != nil }
        var vendor = clean(entry.vendor)
        var name = clean(entry.product) ?? clean(entry.packageName)
        if name == nil, let cpe, let parsed = JSONIngestCPE(cpe) {
            name = parsed.product
            vendor = vendor ?? parsed.vendor
        }
        guard let name else { return nil }
        var ranges: [VersionRange] = []
        var versions: [String] = []
        for version in (entry.versions ?? []).prefix(AlertDraft.Limits.listItems) {
            for range in self.ranges(version) where !ranges.contains(range) { ranges.append(range) }
            let text = describe(version)
            if !text.isEmpty, !versions.contains(text) { versions.append(text) }
        }
        let defaultStatus = entry.defaultStatus.map(status)
        if let defaultStatus, !(entry.versions ?? []).isEmpty {
            versions.append("other versions: \(defaultStatus.rawValue.replacingOccurrences(of: "_", with: " "))")
        }
        let overall: ProductStatus?
        if ranges.contains(where: { $0.status == .affected }) {
            overall = .affected
        } else if let defaultStatus {
            overall = defaultStatus
        } else if let first = ranges.first, ranges.allSatisfy({ $0.status == first.status }) {
            overall = first.status
        } else {
            overall = nil
        }
        return AffectedProduct(vendor: vendor, product: name, versions: versions, ranges: ranges, cpe: cpe,
                               purl: purl(collectionURL: entry.collectionURL, packageName: entry.packageName), status: overall)
    }

    /// `n/a`, empty and whitespace-only names say nothing.
    private static func clean(_ text: String?) -> String? {
        guard let value = text?.trimmingWhitespace(), !value.isEmpty,
              !["n/a", "na", "unknown", "-"].contains(value.lowercased()) else { return nil }
        return String(value.prefix(AlertDraft.Limits.value))
    }

    /// One range per segment between the start, each change and the upper bound, with that segment's status.
    static func ranges(_ entry: CVERecord.Version) -> [VersionRange] {
        let start = entry.version.trimmingCharacters(in: .whitespaces)
        let lessThan = entry.lessThan?.trimmingCharacters(in: .whitespaces)
        let lessThanOrEqual = entry.lessThanOrEqual?.trimmingCharacters(in: .whitespaces)
        let type = entry.versionType?.trimmingCharacters(in: .whitespaces)
        let status = status(entry.status)
        let changes = (entry.changes ?? []).prefix(64)
        guard !changes.isEmpty, lessThan != nil || lessThanOrEqual != nil else {
            return [VersionRange(version: start, lessThan: lessThan, lessThanOrEqual: lessThanOrEqual, versionType: type, status: status)]
        }
        var result: [VersionRange] = []
        var segmentStart = start
        var segmentStatus = status
        for change in changes {
            let at = change.at.trimmingCharacters(in: .whitespaces)
            if at != segmentStart {
                result.append(VersionRange(version: segmentStart, lessThan: at, versionType: type, status: segmentStatus))
            }
            segmentStart = at
            segmentStatus = self.status(change.status)
        }
        if segmentStart != lessThan {
            result.append(VersionRange(version: segmentStart, lessThan: lessThan, lessThanOrEqual: lessThan == nil ? lessThanOrEqual : nil,
                                       versionType: type, status: segmentStatus))
        }
        return result
    }

    /// `10.2.0 to <10.2.9-h1`, `9.0.0 (unaffected)`, `<= 7.4.2`…
    private static func describe(_ entry: CVERecord.Version) -> String {
        let start = entry.version.trimmingCharacters(in: .whitespaces)
        let fromStart = ["0", "*", ""].contains(start)
        var text: String
        if let bound = entry.lessThan?.trimmingCharacters(in: .whitespaces) {
            text = bound == "*" ? (fromStart ? "all versions" : "\(start) and later") : (fromStart ? "<\(bound)" : "\(start) to <\(bound)")
        } else if let bound = entry.lessThanOrEqual?.trimmingCharacters(in: .whitespaces) {
            text = bound == "*" ? (fromStart ? "all versions" : "\(start) and later") : (fromStart ? "<=\(bound)" : "\(start) to <=\(bound)")
        } else {
            text = start
        }
        let status = status(entry.status)
        if status != .affected { text += " (\(status.rawValue.replacingOccurrences(of: "_", with: " ")))" }
        for change in (entry.changes ?? []).prefix(8) {
            text += ", \(self.status(change.status).rawValue.replacingOccurrences(of: "_", with: " ")) from \(change.at.trimmingCharacters(in: .whitespaces))"
        }
        return String(text.prefix(AlertDraft.Limits.value))
    }

    /// A package URL for the registries whose `collectionURL` maps to a purl type; nil otherwise.
    static func purl(collectionURL: String?, packageName: String?) -> String? {
        guard let collection = collectionURL?.lowercased(), let name = packageName?.trimmingCharacters(in: .whitespaces), !name.isEmpty,
              name.count <= 512 else { return nil }
        let types: [(String, String)] = [
            ("repo.maven.apache.org", "maven"), ("repo1.maven.org", "maven"), ("npmjs", "npm"), ("pypi.org", "pypi"),
            ("pypi.python.org", "pypi"), ("crates.io", "cargo"), ("rubygems.org", "gem"), ("nuget.org", "nuget"),
            ("packagist.org", "composer"), ("pkg.go.dev", "golang"), ("proxy.golang.org", "golang"), ("hex.pm", "hex"),
            ("pub.dev", "pub"), ("hackage.haskell.org", "hackage"), ("cocoapods.org", "cocoapods"),
        ]
        guard let type = types.first(where: { collection.contains($0.0) })?.1 else { return nil }
        let encode: (String) -> String = { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "@?#/:"))) ?? $0 }
        switch type {
        case "maven":
            let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
            return parts.count == 2 ? "pkg:maven/\(encode(parts[0]))/\(encode(parts[1]))" : "pkg:maven/\(encode(name))"
        case "npm" where name.hasPrefix("@"):
            let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
            return parts.count == 2 ? "pkg:npm/%40\(encode(String(parts[0].dropFirst())))/\(encode(parts[1]))" : "pkg:npm/\(encode(name))"
        case "golang":
            return "pkg:golang/" + name.split(separator: "/").map { encode(String($0)) }.joined(separator: "/")
        case "pypi":
            return "pkg:pypi/\(encode(name.lowercased().replacingOccurrences(of: "_", with: "-")))"
        default:
            return "pkg:\(type)/\(encode(name))"
        }
    }
}
