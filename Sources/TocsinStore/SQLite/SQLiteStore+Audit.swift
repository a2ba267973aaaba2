import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func appendAudit(_ entry: AuditEntry) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO audit_log (at, actor, actor_role, org_id, action, target, source_address, outcome, status, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [entry.at.millis, entry.actor, entry.actorRole?.rawValue, entry.orgId, entry.action, entry.target,
                                 entry.sourceAddress, entry.outcome.rawValue, entry.status, entry.detail])
        }
    }

    public func auditEntries(_ query: AuditQuery) async throws -> Page<AuditEntry> {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let before = query.before { clauses.append("seq < ?"); arguments += [before] }
        if let actor = query.actor { clauses.append("actor = ?"); arguments += [actor] }
        if let target = query.target { clauses.append("target = ?"); arguments += [target] }
        if let action = query.action {
            // `alert` matches every alert action; `alert.cancel` only that one.
            clauses.append("(action = ? OR action LIKE ? ESCAPE '\\')")
            arguments += [action, action.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + ".%"]
        }
        if let outcome = query.outcome { clauses.append("outcome = ?"); arguments += [outcome.rawValue] }
        if let since = query.since { clauses.append("at >= ?"); arguments += [since.millis] }
        if let until = query.until { clauses.append("at < ?"); arguments += [until.millis] }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [query.limit + 1]
        let sql = "SELECT * FROM audit_log \(whereClause) ORDER BY seq DESC LIMIT ?"
        let limit = query.limit
        let finalArguments = arguments
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: finalArguments)
            let items = rows.prefix(limit).map { row in
                AuditEntry(sequence: row["seq"], at: row.date("at") ?? Date(timeIntervalSince1970: 0), actor: row["actor"],
                           actorRole: (row["actor_role"] as String?).flatMap(Role.init(rawValue:)), orgId: row["org_id"],
                           action: row["action"], target: row["target"], sourceAddress: row["source_address"],
                           outcome: AuditEntry.Outcome(rawValue: row["outcome"]) ?? .failed, status: row["status"], detail: row["detail"])
            }
            return Page(items: Array(items), nextCursor: rows.count > limit ? String(rows[limit - 1]["seq"] as Int64) : nil)
        }
    }
}
