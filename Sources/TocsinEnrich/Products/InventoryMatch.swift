import Foundation
import TocsinCore

/// How sure Tocsin is that an alert concerns an inventory item.
public enum InventoryMatchConfidence: String, Codable, Sendable, Hashable, Comparable, CaseIterable {
    /// The product is the same, but whether the item's version is affected could not be told: the item's version
    /// is unknown, the source gives no usable versions, or the product is recognised by a name alone that other
    /// vendors may share.
    case productOnly
    /// The product is the same and the item's version is affected: it lies in an affected range, equals an affected
    /// version, or the item's CPE matches an affected CPE that names a version.
    case versionInRange

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .productOnly && rhs == .versionInRange }
}

/// An inventory item an alert concerns: which item, which of the alert's affected products, and how sure.
public struct InventoryMatch: Sendable, Hashable {
    /// How the item was recognised as the affected product.
    public enum Basis: String, Codable, Sendable, Hashable {
        /// Same package URL type, namespace and name.
        case packageURL
        /// Same CPE vendor and product.
        case cpe
        /// Same vendor and product names.
        case vendorAndProduct
        /// Same product name, one side naming no vendor.
        case productName
    }

    /// What a product-only match leaves for people to check.
    public enum Doubt: String, Codable, Sendable, Hashable {
        /// Whether the version in use is affected.
        case version
        /// Whether the item is this vendor's product (only its name matched).
        case vendor
    }

    public var item: InventoryItem
    /// The item's position in the inventory given to the matcher.
    public var itemIndex: Int
    public var product: AffectedProduct
    /// The product's position in the alert's `affectedProducts`.
    public var productIndex: Int
    public var confidence: InventoryMatchConfidence
    public var basis: Basis
    /// The affected range the item's version lies in, when one does.
    public var range: VersionRange?
    /// What to check; nil for a ``InventoryMatchConfidence/versionInRange`` match.
    public var doubt: Doubt?

    public init(item: InventoryItem, itemIndex: Int, product: AffectedProduct, productIndex: Int,
                confidence: InventoryMatchConfidence, basis: Basis, range: VersionRange? = nil, doubt: Doubt? = nil) {
        self.item = item
        self.itemIndex = itemIndex
        self.product = product
        self.productIndex = productIndex
        self.confidence = confidence
        self.basis = basis
        self.range = range
        self.doubt = doubt
    }

    /// A short phrase for emails, webhooks and feeds in `locale` (French for a locale without messages), its words
    /// from `messages`: `concerne votre Philips IntelliBridge EC40 B.00.21 (Réanimation)`, `may concern your Vue PACS
    /// (check the version)`.
    public func phrase(_ messages: Messages, locale: String) -> String {
        var name = item.displayName
        if let label = item.label?.trimmingCharacters(in: .whitespaces), !label.isEmpty { name += " (\(label))" }
        let key: MessageKey = switch confidence {
        case .versionInRange: .concernVersionInRange
        case .productOnly: doubt == .vendor ? .concernVendorToCheck : .concernVersionToCheck
        }
        return messages.text(key, locale: locale, ["item": name])
    }
}

/// What one affected product says of one inventory item.
public enum InventoryMatchVerdict: Sendable, Hashable {
    /// Not the same product.
    case unrelated
    /// The same product, and the item's version is stated not affected (outside every affected range, in a
    /// `fixed`/`unaffected` range, or the product as a whole is fixed or not affected).
    case notAffected(InventoryMatch.Basis)
    /// The same product, possibly affected; see the match for how sure.
    case affected(InventoryMatch)
}
