import Foundation
import TocsinCore

/// Turns CERT-FR "systèmes affectés" lines (`FortiOS versions 7.4.x antérieures à 7.4.3`) into `AffectedProduct`s.
///
/// The whole line is kept in `versions` for people to read. The product is the text before "version(s)" when the
/// line has a version part, else the structured name when CERT-FR gives one (not `N/A`), else the whole line. Ranges are derived only from the unambiguous French forms:
/// `versions antérieures à B` (< B), `versions A.x antérieures à B` (A ≤ v < B), `versions A à B [incluse]`
/// (A ≤ v ≤ B), and one or a comma list of exact versions; anything else (`sans le correctif …`) gives no range.
enum CERTFRProducts {
    /// Products from the structured `affected_systems` list, grouped by vendor and product.
    static func products(from systems: [CERTFRAdvisory.AffectedSystem]) -> [AffectedProduct] {
        var products: [AffectedProduct] = []
        for system in systems {
            guard let line = system.description.map(FeedText.collapse), !line.isEmpty else { continue }
            let (productFromText, versionText) = split(line)
            // The line names the product more precisely than the structured name, which groups variants
            // (FortiAnalyzer-BigData under FortiAnalyzer): use it when the line has a version part.
            let structured = known(system.product?.name)
            let product = versionText != nil && !productFromText.isEmpty && productFromText.count <= 100
                ? productFromText : structured ?? productFromText
            guard !product.isEmpty else { continue }
            add(line: line, product: product, vendor: known(system.product?.vendor?.name), versionText: versionText, to: &products)
        }
        return Array(products.prefix(AlertDraft.Limits.listItems))
    }

    /// Products from the free-text `affected_systems_content` (older documents), one per line naming versions.
    static func products(fromText text: String) -> [AffectedProduct] {
        var products: [AffectedProduct] = []
        for rawLine in FeedText.plainText(fromHTML: text).split(separator: "\n").prefix(AlertDraft.Limits.listItems) {
            let line = FeedText.collapse(rawLine.trimmingCharacters(in: CharacterSet(charactersIn: " .;")))
            let (product, versionText) = split(line)
            guard versionText != nil, !product.isEmpty, product.count <= 200 else { continue }
            add(line: line, product: product, vendor: nil, versionText: versionText, to: &products)
        }
        return products
    }

    private static func add(line: String, product: String, vendor: String?, versionText: String?, to products: inout [AffectedProduct]) {
        let ranges = versionText.map(ranges(in:)) ?? []
        if let index = products.firstIndex(where: { $0.product == product && $0.vendor == vendor }) {
            if !products[index].versions.contains(line) { products[index].versions.append(line) }
            products[index].ranges.append(contentsOf: ranges.filter { !products[index].ranges.contains($0) })
        } else {
            products.append(AffectedProduct(vendor: vendor, product: product, versions: [line], ranges: ranges, status: .affected))
        }
    }

    /// `N/A` and empty names are no names.
    private static func known(_ name: String?) -> String? {
        guard let name = name.map(FeedText.collapse), !name.isEmpty, name.uppercased() != "N/A" else { return nil }
        return name
    }

    /// The product part and the version part of a line, split at the first "version"/"versions" word.
    static func split(_ line: String) -> (product: String, versionText: String?) {
        let words = line.split(separator: " ")
        guard let index = words.firstIndex(where: { $0.lowercased() == "versions" || $0.lowercased() == "version" }) else {
            return (line, nil)
        }
        let product = words[..<index].joined(separator: " ")
        let versions = words[(index + 1)...].joined(separator: " ")
        return (product, versions.isEmpty ? nil : versions)
    }

    /// Ranges for the version forms described on the type; empty when the text is anything else.
    static func ranges(in text: String) -> [VersionRange] {
        let words = text.trimmingCharacters(in: CharacterSet(charactersIn: " .;")).split(separator: " ").map(String.init)
        let lower = words.map { $0.lowercased() }
        func isBefore(_ word: String) -> Bool { word.hasPrefix("antérieure") }
        if words.count == 3, isBefore(lower[0]), lower[1] == "à", isVersion(words[2]) {
            return [VersionRange(version: "0", lessThan: words[2])]
        }
        if words.count == 4, isVersion(words[0]), isBefore(lower[1]), lower[2] == "à", isVersion(words[3]) {
            return [VersionRange(version: branch(words[0]), lessThan: words[3])]
        }
        if words.count == 3 || (words.count == 4 && lower[3].hasPrefix("inclus")), lower[1] == "à", isVersion(words[0]), isVersion(words[2]) {
            return [VersionRange(version: words[0], lessThanOrEqual: words[2])]
        }
        let list = text.replacingOccurrences(of: " et ", with: ",").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if !list.isEmpty, list.allSatisfy(isVersion) {
            return list.map { VersionRange(version: $0) }
        }
        return []
    }

    /// `7.4.x` → `7.4`: the branch a `.x` version stands for.
    private static func branch(_ version: String) -> String {
        version.lowercased().hasSuffix(".x") ? String(version.dropLast(2)) : version
    }

    /// A version token: an optional `V`, a digit, then digits, letters, dots, dashes and underscores.
    private static func isVersion(_ word: String) -> Bool {
        var characters = Substring(word)
        if characters.first == "V" || characters.first == "v" { characters = characters.dropFirst() }
        guard let first = characters.first, first.isASCII, first.isNumber, word.count <= 64 else { return false }
        return characters.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }
    }
}
