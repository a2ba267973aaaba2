import Foundation

/// Why an alert concerns one organisation: an item of its declared inventory matched one of the alert's affected
/// products. Recorded on the delivery (never in the alert itself, which every recipient shares) and shown to the
/// organisation as "concerne votre …" / "concerns your …".
public struct InventoryConcern: Codable, Sendable, Hashable {
    public enum Confidence: String, Codable, Sendable {
        /// The item's version is known and falls in an affected range.
        case versionInRange
        /// The product matches but a version is unknown on one side.
        case productOnly
    }

    /// The inventory item as the organisation declared it (`Philips IntelliBridge EC40 B.00.21`).
    public var item: String
    /// The affected product of the alert it matched.
    public var product: String
    public var confidence: Confidence
    /// The sentence shown to people, in French and in English.
    public var french: String
    public var english: String

    public init(item: String, product: String, confidence: Confidence, french: String, english: String) {
        self.item = item
        self.product = product
        self.confidence = confidence
        self.french = french
        self.english = english
    }

    /// The sentence in `locale` (French unless English is asked for).
    public func text(locale: String) -> String { locale.hasPrefix("en") ? english : french }
}
