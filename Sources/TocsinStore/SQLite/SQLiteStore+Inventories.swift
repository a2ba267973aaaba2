import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func inventory(orgId: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT items FROM inventories WHERE org_id = ?", arguments: [orgId]) }
    }

    public func setInventory(orgId: String, json: String?, count: Int) async throws {
        try await pool.write { db in
            try Self.requireOrganisation(db, orgId)
            try db.execute(sql: "DELETE FROM inventory_parts WHERE org_id = ?", arguments: [orgId])
            if let json {
                try db.execute(sql: "INSERT INTO inventory_parts (org_id, name, items, item_count, updated_at) VALUES (?, 'default', ?, ?, ?)",
                               arguments: [orgId, json, count, Date().millis])
            }
            try Self.mergeInventory(db, orgId)
        }
    }

    public func inventoryParts(orgId: String) async throws -> [InventoryPart] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, item_count, updated_at FROM inventory_parts WHERE org_id = ? ORDER BY name",
                             arguments: [orgId]).map { row in
                InventoryPart(name: row["name"], items: row["item_count"], updatedAt: Date(millis: row["updated_at"]))
            }
        }
    }

    public func inventoryPart(orgId: String, name: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT items FROM inventory_parts WHERE org_id = ? AND name = ?", arguments: [orgId, name])
        }
    }

    public func inventoryItemCount(orgId: String) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT item_count FROM inventories WHERE org_id = ?", arguments: [orgId]) ?? 0 }
    }

    public func setInventoryPart(orgId: String, name: String, json: String?, count: Int, maximumItems: Int, maximumParts: Int) async throws -> Int? {
        try await pool.write { db in
            try Self.requireOrganisation(db, orgId)
            guard let json else {
                try db.execute(sql: "DELETE FROM inventory_parts WHERE org_id = ? AND name = ?", arguments: [orgId, name])
                guard db.changesCount > 0 else { return nil }
                return try Self.mergeInventory(db, orgId)
            }
            let others = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS parts, COALESCE(SUM(item_count), 0) AS items FROM inventory_parts WHERE org_id = ? AND name != ?",
                                          arguments: [orgId, name])
            let otherParts: Int = others?["parts"] ?? 0, otherItems: Int = others?["items"] ?? 0
            guard otherParts + 1 <= maximumParts else {
                throw StoreError.invalid("an inventory holds at most \(maximumParts) parts; this organisation has \(otherParts)")
            }
            guard otherItems + count <= maximumItems else {
                throw StoreError.invalid("an inventory holds at most \(maximumItems) items in all its parts; the other parts hold \(otherItems) and this one \(count)")
            }
            try db.execute(sql: """
                INSERT INTO inventory_parts (org_id, name, items, item_count, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(org_id, name) DO UPDATE SET items = excluded.items, item_count = excluded.item_count, updated_at = excluded.updated_at
                """, arguments: [orgId, name, json, count, Date().millis])
            return try Self.mergeInventory(db, orgId)
        }
    }

    static func requireOrganisation(_ db: Database, _ orgId: String) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM organisations WHERE id = ?", arguments: [orgId]) != nil else {
            throw StoreError.notFound("organisation \(orgId)")
        }
    }

    /// Rewrites the organisation's inventory as the union of its parts, in part order, each item once; answers how
    /// many items it holds.
    @discardableResult
    static func mergeInventory(_ db: Database, _ orgId: String) throws -> Int {
        let merged = try Row.fetchOne(db, sql: """
            SELECT json_group_array(json(value)) AS items, COUNT(*) AS count FROM (
                SELECT j.value AS value, MIN(p.name || char(0) || printf('%08d', j.key)) AS position
                FROM inventory_parts p, json_each(p.items) j WHERE p.org_id = ? GROUP BY j.value ORDER BY position)
            """, arguments: [orgId])
        let count: Int = merged?["count"] ?? 0
        if count > 0, let items: String = merged?["items"] {
            try db.execute(sql: """
                INSERT INTO inventories (org_id, items, item_count, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(org_id) DO UPDATE SET items = excluded.items, item_count = excluded.item_count, updated_at = excluded.updated_at
                """, arguments: [orgId, items, count, Date().millis])
        } else if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inventory_parts WHERE org_id = ?", arguments: [orgId]) ?? 0 > 0 {
            // Parts that declare nothing still make an (empty) inventory.
            try db.execute(sql: """
                INSERT INTO inventories (org_id, items, item_count, updated_at) VALUES (?, '[]', 0, ?)
                ON CONFLICT(org_id) DO UPDATE SET items = excluded.items, item_count = 0, updated_at = excluded.updated_at
                """, arguments: [orgId, Date().millis])
        } else {
            try db.execute(sql: "DELETE FROM inventories WHERE org_id = ?", arguments: [orgId])
        }
        try db.execute(sql: "UPDATE inventory_state SET version = version + 1 WHERE id = 1")
        return count
    }

    public func inventories(unlessVersion known: String?) async throws -> (version: String, byOrg: [String: String]?) {
        try await pool.read { db in
            let version = try Int64.fetchOne(db, sql: "SELECT version FROM inventory_state WHERE id = 1") ?? 0
            guard "\(version)" != known else { return (known ?? "", nil) }
            var byOrg: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT org_id, items FROM inventories") { byOrg[row["org_id"]] = row["items"] }
            return ("\(version)", byOrg)
        }
    }
}
