import Foundation
import TocsinCore

/// What a CSAF product tree says of each product id: vendor, product, version, identifiers. Built once per
/// document (linear in the size of the tree), then joined with the vulnerabilities' `product_status`.
struct CSAFProductCatalog {
    /// One product id resolved through the branches above it.
    struct Entry: Equatable {
        var fullName: String
        var vendor: String?
        var product: String
        var version: String?
        var versionIsRange = false
        /// The version to match inventories against, when the branch name wraps it
        /// (`python3.9-0:3.9.18-3.el9_4.5.src` → the purl's `3.9.18-3.el9_4.5`).
        var matchVersion: String?
        /// For relationship products: how the component sits in its platform (`component of RHEL 9`).
        var context: String?
        var cpe: String?
        var purl: String?
    }

    private(set) var entries: [String: Entry] = [:]
    /// Product ids in the order the tree defines them.
    private(set) var order: [String] = []
    /// Every product id the tree defines, resolved or not.
    private(set) var definedProductIDs: Set<String> = []
    private(set) var definedGroupIDs: Set<String> = []

    private static let versionCategories: Set<String> = ["product_version", "product_version_range", "service_pack", "patch_level"]

    init(tree: CSAFDocument.ProductTree?) {
        guard let tree else { return }
        for branch in tree.branches ?? [] { walk(branch, context: BranchContext()) }
        for product in tree.fullProductNames ?? [] {
            let identifiers = Self.identifiers(product.helper)
            let cpeVendor = identifiers.cpe.flatMap(JSONIngestCPE.init)?.vendor
            add(product.productID, Entry(fullName: product.name, vendor: cpeVendor, product: product.name, cpe: identifiers.cpe, purl: identifiers.purl))
        }
        for path in tree.productPaths ?? [] {
            add(path.fullProductName.productID, Entry(fullName: path.fullProductName.name, product: path.fullProductName.name))
        }
        // A relationship may build on another relationship's product; two passes resolve the usual chains.
        var pending = tree.relationships ?? []
        for relationship in pending { definedProductIDs.insert(relationship.fullProductName.productID) }
        for _ in 0..<2 where !pending.isEmpty {
            pending = pending.filter { !resolve($0) }
        }
        for relationship in pending {
            let name = relationship.fullProductName
            add(name.productID, Entry(fullName: name.name, product: name.name))
        }
        for group in tree.productGroups ?? [] { definedGroupIDs.insert(group.groupID) }
    }

    private struct BranchContext {
        var vendor: String?
        var family: String?
        var productName: String?
        var version: String?
        var versionIsRange = false
    }

    private mutating func walk(_ branch: CSAFDocument.Branch, context: BranchContext) {
        var context = context
        let name = branch.name.trimmingWhitespace()
        switch branch.category {
        case "vendor": context.vendor = name
        case "product_family": context.family = name
        case "product_name": context.productName = name
        case let category where Self.versionCategories.contains(category):
            context.version = name
            context.versionIsRange = category == "product_version_range"
        default: break
        }
        if let product = branch.product {
            let identifiers = Self.identifiers(product.helper)
            let productName = context.productName ?? context.family ?? identifiers.purl.flatMap(Self.purlName) ?? product.name
            var matchVersion: String?
            if let version = context.version, !context.versionIsRange, let purlVersion = identifiers.purl.flatMap(Self.purlVersion),
               purlVersion != version, version.contains(purlVersion) {
                matchVersion = purlVersion
            }
            add(product.productID, Entry(
                fullName: product.name, vendor: context.vendor ?? identifiers.cpe.flatMap(JSONIngestCPE.init)?.vendor,
                product: productName, version: context.version, versionIsRange: context.versionIsRange, matchVersion: matchVersion,
                cpe: identifiers.cpe, purl: identifiers.purl))
        }
        for child in branch.branches ?? [] { walk(child, context: context) }
    }

    /// Describes a relationship product through its component, placed in its platform; false when either side
    /// is not resolved yet.
    private mutating func resolve(_ relationship: CSAFDocument.Relationship) -> Bool {
        guard let component = entries[relationship.productReference],
              let platform = entries[relationship.relatesToProductReference] else { return false }
        let how = relationship.category.replacingOccurrences(of: "_", with: " ")
        var entry = component
        entry.fullName = relationship.fullProductName.name
        entry.vendor = component.vendor ?? platform.vendor
        entry.context = "\(how) \(platform.fullName)"
        entry.cpe = component.cpe ?? platform.cpe
        add(relationship.fullProductName.productID, entry)
        return true
    }

    private mutating func add(_ id: String, _ entry: Entry) {
        definedProductIDs.insert(id)
        if entries.updateValue(entry, forKey: id) == nil { order.append(id) }
    }

    private static func identifiers(_ helper: CSAFDocument.IdentificationHelper?) -> (cpe: String?, purl: String?) {
        let cpe = helper?.cpe?.trimmingCharacters(in: .whitespaces)
        let purl = (helper?.purl ?? helper?.purls?.first)?.trimmingCharacters(in: .whitespaces)
        return (cpe?.isEmpty == false ? cpe : nil, purl?.isEmpty == false ? purl : nil)
    }

    /// The package name of a purl (`pkg:rpm/redhat/python3.9@3.9.18?arch=src` → `python3.9`).
    static func purlName(_ purl: String) -> String? {
        guard purl.hasPrefix("pkg:") else { return nil }
        let path = purl.dropFirst(4).prefix { $0 != "@" && $0 != "?" && $0 != "#" }
        guard let last = path.split(separator: "/").last, path.contains("/") else { return nil }
        let name = String(last).removingPercentEncoding ?? String(last)
        return name.isEmpty ? nil : name
    }

    /// The version of a purl (`pkg:maven/org.yaml/snakeyaml@1.33` → `1.33`).
    static func purlVersion(_ purl: String) -> String? {
        guard purl.hasPrefix("pkg:"), let at = purl.lastIndex(of: "@") else { return nil }
        let version = purl[purl.index(after: at)...].prefix { $0 != "?" && $0 != "#" }
        let decoded = String(version).removingPercentEncoding ?? String(version)
        return decoded.isEmpty ? nil : decoded
    }

    /// The products the statuses name, grouped by vendor, product, status and identifiers so that a tree of
    /// hundreds of versions gives a handful of products each listing its versions.
    func affectedProducts(_ statuses: [(productID: String, status: ProductStatus?)]) -> [AffectedProduct] {
        struct Key: Hashable {
            var vendor: String?
            var product: String
            var status: ProductStatus?
            var cpe: String?
            var purl: String?
        }
        var index: [Key: Int] = [:]
        var products: [AffectedProduct] = []
        var seen = Set<String>()
        for (id, status) in statuses {
            guard let entry = entries[id], seen.insert("\(status?.rawValue ?? "-")\u{1F}\(id)").inserted else { continue }
            let key = Key(vendor: entry.vendor, product: entry.product, status: status, cpe: entry.cpe, purl: entry.purl)
            let position: Int
            if let existing = index[key] {
                position = existing
            } else {
                guard products.count < AlertDraft.Limits.listItems else { continue }
                position = products.count
                index[key] = position
                products.append(AffectedProduct(vendor: entry.vendor, product: entry.product, cpe: entry.cpe, purl: entry.purl, status: status))
            }
            let text = [entry.version, entry.context.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            if !text.isEmpty, !products[position].versions.contains(text), products[position].versions.count < AlertDraft.Limits.listItems {
                products[position].versions.append(text)
            }
            guard let version = entry.version else { continue }
            let ranges = entry.versionIsRange
                ? CSAFVersionRange.ranges(from: version, status: status ?? .affected)
                : [VersionRange(version: entry.matchVersion ?? version, status: status ?? .affected)]
            for range in ranges where !products[position].ranges.contains(range) && products[position].ranges.count < AlertDraft.Limits.listItems {
                products[position].ranges.append(range)
            }
        }
        return products
    }

    /// The products of the whole tree without a status, for documents that state none (informational
    /// advisories, product-tree-only documents).
    func allProducts() -> [AffectedProduct] {
        affectedProducts(order.map { ($0, nil) })
    }
}
