import Foundation
import TocsinCore
import TocsinEnrich
import TocsinStore

/// Every organisation's declared inventory, read from the store once and again only when one of them changed, and
/// matched against each alert before it is routed.
public actor InventoryIndex {
    let store: any Store
    /// The words of the "concerne votre …" / "concerns your …" sentences.
    let messages: Messages
    private var cached: (version: String, snapshot: InventorySnapshot)?

    public init(store: any Store, messages: Messages) {
        self.store = store
        self.messages = messages
    }

    /// The inventories as they are now: one read of a version number while nothing changed.
    public func snapshot() async throws -> InventorySnapshot {
        let (version, changed) = try await store.inventories(unlessVersion: cached?.version)
        guard let byOrg = changed else { return cached?.snapshot ?? InventorySnapshot(byOrg: [:], messages: messages) }
        var items: [String: [InventoryItem]] = [:]
        for (org, json) in byOrg {
            items[org] = (try? TocsinJSON.decoder().decode([InventoryItem].self, from: Data(json.utf8))) ?? []
        }
        let snapshot = InventorySnapshot(byOrg: items, messages: messages)
        cached = (version, snapshot)
        return snapshot
    }
}

/// The inventories at one moment: pure, so it can run inside the store's transaction.
public struct InventorySnapshot: Sendable {
    public let byOrg: [String: [InventoryItem]]
    let messages: Messages

    /// For each organisation whose inventory the alert concerns, the items and why.
    public func concerns(for alert: Alert) -> [String: [InventoryConcern]] {
        guard !alert.affectedProducts.isEmpty else { return [:] }
        var result: [String: [InventoryConcern]] = [:]
        for (org, items) in byOrg where !items.isEmpty {
            let found = concerns(InventoryMatcher.matches(for: alert.affectedProducts, in: items))
            if !found.isEmpty { result[org] = found }
        }
        return result
    }

    /// The concerns of these matches, each said in French and in English (the two sentences a concern records).
    func concerns(_ matches: [InventoryMatch]) -> [InventoryConcern] {
        matches.map { match in
            InventoryConcern(item: match.item.displayName, product: [match.product.vendor, match.product.product].compactMap { $0 }.joined(separator: " "),
                             confidence: match.confidence == .versionInRange ? .versionInRange : .productOnly,
                             french: match.phrase(messages, locale: "fr"), english: match.phrase(messages, locale: "en"))
        }
    }

    /// The concerns of one organisation (for a feed read).
    public func concerns(for alert: Alert, orgId: String) -> [InventoryConcern] {
        guard let items = byOrg[orgId], !items.isEmpty, !alert.affectedProducts.isEmpty else { return [] }
        return concerns(InventoryMatcher.matches(for: alert.affectedProducts, in: items))
    }
}
