import Foundation
import TocsinCore

/// Finds the inventory items an alert's affected products concern.
///
/// An item is recognised as an affected product by the same package URL, the same CPE vendor and product, or the
/// same normalised vendor and product names (case, accents, `_`/`-`/spaces and CPE quoting ignored; legal forms
/// dropped from vendors). When one side names no vendor, a version in range still only gives a product-only match
/// unless the vendor is written in the product name or the name is specific (a model number among several
/// distinctive words); the rule is spelled out on `ProductNameMatch`.
///
/// For each item, every affected product gives a verdict (``InventoryMatchVerdict``). The item matches when one
/// product says its version is affected (``InventoryMatchConfidence/versionInRange``); otherwise it does not when
/// one product states its version is not affected, even if another entry could not tell (CVE records list the same
/// product twice, once by git commit and once by release); otherwise a product-only verdict gives a
/// ``InventoryMatchConfidence/productOnly`` match. One match per item at most, for its best verdict.
///
/// A product's version information is read as CVE 5 writes it. Its `ranges` decide first: a version in a
/// `fixed`/`unaffected` range is not affected (the more specific statement wins over an overlapping affected
/// range), one in an `affected` range is. A version in no range is not affected when the product lists any
/// affected range ("outside every affected range"); when the ranges only list exceptions (Jenkins: unaffected from
/// 2.442, everything else affected), the product's `status` decides, as CVE `defaultStatus` does: `affected` → the
/// version is affected, `fixed`/`not_affected` → it is not, nil or `unknown` → product-only. Without ranges, the
/// `versions` texts are read as expressions (`<2024.2`, `vers:semver/<1.2.3`, `all versions`); without either, a
/// CPE naming a version is compared with the item's, and otherwise the match is product-only unless the product's
/// status is `fixed`/`not_affected`.
public enum InventoryMatcher {
    /// The matches of `inventory` against an alert's `affected` products, in inventory order.
    public static func matches(for affected: [AffectedProduct], in inventory: [InventoryItem]) -> [InventoryMatch] {
        let products = affected.map(PreparedProduct.init)
        let index = ProductCandidateIndex(products)
        var result: [InventoryMatch] = []
        for (itemIndex, item) in inventory.enumerated() {
            let prepared = PreparedItem(item)
            var best: InventoryMatch?
            var statedNotAffected = false
            for productIndex in index.candidates(for: prepared) {
                let product = products[productIndex]
                switch verdict(prepared, itemIndex: itemIndex, product, productIndex: productIndex) {
                case .unrelated: continue
                case .notAffected: statedNotAffected = true
                case let .affected(match):
                    if best.map({ match.confidence > $0.confidence }) ?? true { best = match }
                }
            }
            guard let best else { continue }
            if best.confidence == .productOnly && statedNotAffected { continue }
            result.append(best)
        }
        return result
    }

    /// What `product` says of `item`, for explaining a match or its absence.
    public static func verdict(for item: InventoryItem, against product: AffectedProduct) -> InventoryMatchVerdict {
        verdict(PreparedItem(item), itemIndex: 0, PreparedProduct(product), productIndex: 0)
    }

    private static func verdict(
        _ item: PreparedItem, itemIndex: Int, _ product: PreparedProduct, productIndex: Int
    ) -> InventoryMatchVerdict {
        guard let identity = identify(item, product) else { return .unrelated }
        let version = versionVerdict(item, product)
        func match(_ confidence: InventoryMatchConfidence, range: VersionRange?, doubt: InventoryMatch.Doubt?) -> InventoryMatchVerdict {
            .affected(InventoryMatch(item: item.item, itemIndex: itemIndex, product: product.product,
                                     productIndex: productIndex, confidence: confidence, basis: identity.basis,
                                     range: range, doubt: doubt))
        }
        switch version {
        case .notAffected: return .notAffected(identity.basis)
        case .unknown: return match(.productOnly, range: nil, doubt: .version)
        case let .affected(range):
            return identity.trusted ? match(.versionInRange, range: range, doubt: nil)
                : match(.productOnly, range: range, doubt: .vendor)
        }
    }

    // MARK: - Identity

    private struct Identity {
        var basis: InventoryMatch.Basis
        /// Whether a version verdict may be trusted as is: the vendor is confirmed or the name is specific.
        var trusted: Bool
    }

    private static func identify(_ item: PreparedItem, _ product: PreparedProduct) -> Identity? {
        if let a = item.purl, let b = product.purl, a.isSamePackage(as: b) { return Identity(basis: .packageURL, trusted: true) }
        if let a = item.cpe, let b = product.cpe, a.hasSameProduct(as: b) { return Identity(basis: .cpe, trusted: true) }
        var best: ProductNameMatch?
        for a in item.names {
            for b in product.names {
                guard let m = ProductNameMatch.compare(a, b) else { continue }
                if best.map({ m.strength > $0.strength }) ?? true { best = m }
            }
        }
        switch best {
        case nil: return nil
        case .confirmed?: return Identity(basis: .vendorAndProduct, trusted: true)
        case let .unconfirmed(specific)?: return Identity(basis: .productName, trusted: specific)
        }
    }

    // MARK: - Version

    private enum VersionVerdict {
        case affected(VersionRange?)
        case notAffected
        case unknown
    }

    private static func versionVerdict(_ item: PreparedItem, _ product: PreparedProduct) -> VersionVerdict {
        let status = product.product.status
        let statedUnaffected = status == .fixed || status == .notAffected
        let ranges = product.ranges
        if ranges.isEmpty {
            if statedUnaffected { return .notAffected }
            // The source says the whole product is affected (CVE `defaultStatus: affected` with no versions).
            if status == .affected { return item.version == nil ? .unknown : .affected(nil) }
            if let affectedCPE = product.cpe, let cpeVersion = affectedCPE.version.literal, !affectedCPE.version.hasWildcard {
                if let itemCPE = item.cpe, itemCPE.hasSameProduct(as: affectedCPE), itemCPE.version != .any {
                    return affectedCPE.matches(itemCPE) ? .affected(nil) : .notAffected
                }
                if let v = item.version {
                    return VersionScheme.generic.isEqual(v, cpeVersion) ? .affected(nil) : .notAffected
                }
            }
            return .unknown
        }
        guard let v = item.version else {
            let listsAffected = ranges.contains { $0.status == .affected }
            return statedUnaffected && !listsAffected ? .notAffected : .unknown
        }
        var affectedRange: VersionRange?
        var inUnaffected = false
        var undecided = false
        for range in ranges {
            switch range.contains(version: v) {
            case true?:
                switch range.status {
                case .affected: if affectedRange == nil { affectedRange = range }
                case .fixed, .notAffected: inUnaffected = true
                case .underInvestigation, .unknown: undecided = true
                }
            case nil: undecided = true
            case false?: break
            }
        }
        if inUnaffected { return .notAffected }
        if let affectedRange { return .affected(affectedRange) }
        if undecided { return .unknown }
        if ranges.contains(where: { $0.status == .affected }) { return .notAffected }
        switch status {
        case .affected?: return .affected(nil)
        case .fixed?, .notAffected?: return .notAffected
        case .underInvestigation?, .unknown?, nil: return .unknown
        }
    }
}

/// An inventory item with its CPE, purl, names and version worked out once.
private struct PreparedItem {
    var item: InventoryItem
    var cpe: CPEName?
    var purl: ProductPackageURL?
    var names: [ProductNameKey.Name]
    var version: String?

    init(_ item: InventoryItem) {
        self.item = item
        cpe = item.cpe.flatMap { try? CPEName(parsing: $0) }
        purl = item.purl.flatMap(ProductPackageURL.init)
        names = [ProductNameKey.Name(vendor: item.vendor, product: item.product)]
        if let cpe, let name = cpeName(cpe) { names.append(name) }
        if let purl { names.append(ProductNameKey.Name(vendor: nil, product: purl.name)) }
        version = item.effectiveVersion
    }
}

/// An affected product with its CPE, purl, names and version ranges worked out once.
private struct PreparedProduct {
    var product: AffectedProduct
    var cpe: CPEName?
    var purl: ProductPackageURL?
    var names: [ProductNameKey.Name]
    /// The structured ranges, or those read from the `versions` texts when the source gave none.
    var ranges: [VersionRange]

    init(_ product: AffectedProduct) {
        self.product = product
        cpe = product.cpe.flatMap { try? CPEName(parsing: $0) }
        purl = product.purl.flatMap(ProductPackageURL.init)
        names = [ProductNameKey.Name(vendor: product.vendor, product: product.product)]
        if let cpe, let name = cpeName(cpe) { names.append(name) }
        if let purl { names.append(ProductNameKey.Name(vendor: nil, product: purl.name)) }
        if !product.ranges.isEmpty {
            ranges = product.ranges
        } else {
            // Listed versions share the product's status: affected unless the product is stated fixed/unaffected.
            let listed: ProductStatus = product.status == .fixed || product.status == .notAffected
                ? product.status ?? .affected : .affected
            ranges = product.versions.flatMap { text -> [VersionRange] in
                guard VersionExpression.parse(text) != nil else { return [] }
                // An expression CVE ranges cannot hold (`> 1.0`) stays as text, which `contains` reads again.
                return VersionExpression.ranges(from: text, status: listed) ?? [VersionRange(version: text, status: listed)]
            }
        }
    }
}

private func cpeName(_ cpe: CPEName) -> ProductNameKey.Name? {
    guard !cpe.product.hasWildcard, let product = cpe.product.literal else { return nil }
    let vendor = cpe.vendor.hasWildcard ? nil : cpe.vendor.literal
    return ProductNameKey.Name(vendor: vendor, product: product)
}

/// Which affected products an item could possibly be, found by the name, CPE and purl keys they share, so that a
/// 10,000-item inventory is not compared with every product of every alert.
///
/// Every identity ``InventoryMatcher`` accepts implies a shared key: two names match only when a product form of
/// one equals a product form, or the vendor and product form, of the other (see ``ProductNameMatch``).
private struct ProductCandidateIndex {
    private var byName: [String: [Int]] = [:]
    private var byCPE: [String: [Int]] = [:]
    private var byPURL: [String: [Int]] = [:]
    /// Products whose CPE vendor or product is a pattern: compared with every item that has a CPE.
    private var cpePatterns: [Int] = []

    init(_ products: [PreparedProduct]) {
        for (index, product) in products.enumerated() {
            for name in product.names {
                for key in ProductCandidateIndex.keys(name) { byName[key, default: []].append(index) }
            }
            if let cpe = product.cpe {
                if let key = ProductCandidateIndex.key(cpe) { byCPE[key, default: []].append(index) }
                else if case .value = cpe.vendor, case .value = cpe.product { cpePatterns.append(index) }
            }
            if let purl = product.purl { byPURL[ProductCandidateIndex.key(purl), default: []].append(index) }
        }
    }

    /// The indices of the products `item` may be, ascending.
    func candidates(for item: PreparedItem) -> [Int] {
        var found = Set<Int>()
        for name in item.names {
            for key in ProductCandidateIndex.keys(name) { found.formUnion(byName[key] ?? []) }
        }
        if let cpe = item.cpe {
            if let key = ProductCandidateIndex.key(cpe) { found.formUnion(byCPE[key] ?? []) }
            else { found.formUnion(byCPE.values.joined()) }
            found.formUnion(cpePatterns)
        }
        if let purl = item.purl { found.formUnion(byPURL[ProductCandidateIndex.key(purl)] ?? []) }
        return found.sorted()
    }

    private static func keys(_ name: ProductNameKey.Name) -> [String] {
        var keys = Array(name.forms)
        for vendor in name.vendor?.keys ?? [] { keys += name.forms.map { vendor + $0 } }
        return keys
    }

    private static func key(_ cpe: CPEName) -> String? {
        guard !cpe.vendor.hasWildcard, !cpe.product.hasWildcard, let v = cpe.vendor.literal, let p = cpe.product.literal
        else { return nil }
        return "\(v.lowercased()):\(p.lowercased())"
    }

    private static func key(_ purl: ProductPackageURL) -> String {
        "\(purl.type)/\(purl.namespace?.lowercased() ?? "")/\(purl.name.lowercased())"
    }
}
