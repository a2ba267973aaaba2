import Foundation
import GRDB

extension SQLiteStore {
    public func sourceState(name: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT state FROM source_states WHERE name = ?", arguments: [name]) }
    }

    public func saveSourceState(name: String, json: String) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO source_states (name, state, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                """, arguments: [name, json, Date().millis])
        }
    }
}
