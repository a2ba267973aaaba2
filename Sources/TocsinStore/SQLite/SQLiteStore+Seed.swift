import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    /// Inserts many organisations and subscriptions in one transaction, for benchmarks and demo data.
    public func bulkInsert(organisations: [Organisation], subscriptions: [(Subscription, secret: String?)]) async throws {
        let orgRows = try organisations.map { ($0, try encodeJSON($0.contacts)) }
        let subRows = try subscriptions.map { ($0.0, $0.secret, try encodeJSON($0.0.filter)) }
        try await pool.write { db in
            let org = try db.cachedStatement(sql: """
                INSERT INTO organisations (id, name, kind, region, tlp_rank, locale, contacts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (o, contacts) in orgRows {
                try org.execute(arguments: [o.id, o.name, o.kind.rawValue, o.regionScope, o.tlpClearance.rank, o.locale, contacts, o.createdAt.millis, o.updatedAt.millis])
            }
            let sub = try db.cachedStatement(sql: """
                INSERT INTO subscriptions (id, org_id, channel, target, filter, active, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (s, secret, filter) in subRows {
                try sub.execute(arguments: [s.id, s.orgId, s.channel.rawValue, s.target, filter, s.active, secret, s.createdAt.millis, s.updatedAt.millis])
            }
        }
    }

    /// Whether any organisation exists yet (a fresh database has none).
    public func isEmpty() async throws -> Bool {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organisations") == 0 }
    }
}
