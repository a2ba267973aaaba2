import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func createConsoleSession(_ session: ConsoleSession, secretHash: String) async throws {
        try await pool.write { db in
            // Sessions over for a day are dropped as new ones are made, so that the table stays small.
            try db.execute(sql: "DELETE FROM console_sessions WHERE expires_at < ?", arguments: [session.createdAt.millis - 86_400_000])
            try db.execute(sql: """
                INSERT INTO console_sessions (id, hash, origin, role, org_id, token_id, contact_id, locale, csrf, created_at, last_seen_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [session.id, secretHash, session.origin.rawValue, session.role.rawValue, session.orgId, session.tokenId,
                                 session.contactId, session.locale, session.csrfToken, session.createdAt.millis, session.lastSeenAt.millis,
                                 session.expiresAt.millis])
        }
    }

    public func consoleSession(secretHash: String, now: Date, idleCutoff: Date) async throws -> ConsoleSession? {
        let found = try await pool.read { db -> ConsoleSession? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.* FROM console_sessions s LEFT JOIN tokens t ON t.id = s.token_id
                WHERE s.hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND s.last_seen_at > ?
                  AND (s.token_id IS NULL OR (t.id IS NOT NULL AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)))
                """, arguments: [secretHash, now.millis, idleCutoff.millis, now.millis]),
                let origin = ConsoleSession.Origin(rawValue: row["origin"]), let role = Role(rawValue: row["role"]) else { return nil }
            return ConsoleSession(id: row["id"], origin: origin, role: role, orgId: row["org_id"], tokenId: row["token_id"],
                                  contactId: row["contact_id"], locale: row["locale"], csrfToken: row["csrf"],
                                  createdAt: Date(millis: row["created_at"]), lastSeenAt: Date(millis: row["last_seen_at"]),
                                  expiresAt: Date(millis: row["expires_at"]))
        }
        guard var session = found else { return nil }
        // Last use is kept to the minute: enough for the idle timeout, without a write on every page.
        if now.millis - session.lastSeenAt.millis >= 60_000 {
            let id = session.id
            try await pool.write { db in
                try db.execute(sql: "UPDATE console_sessions SET last_seen_at = ? WHERE id = ?", arguments: [now.millis, id])
            }
            session.lastSeenAt = now
        }
        return session
    }

    public func revokeConsoleSession(id: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE console_sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", arguments: [now.millis, id])
            return db.changesCount > 0
        }
    }

    public func createLoginLink(_ link: ConsoleLoginLink, secretHash: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_login_links WHERE expires_at < ?", arguments: [link.createdAt.millis - 86_400_000])
            try db.execute(sql: """
                INSERT INTO console_login_links (hash, org_id, contact_id, next, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [secretHash, link.orgId, link.contactId, link.next, link.createdAt.millis, link.expiresAt.millis])
        }
    }

    public func loginLink(secretHash: String, now: Date) async throws -> ConsoleLoginLink? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM console_login_links WHERE hash = ? AND used_at IS NULL AND expires_at > ?",
                             arguments: [secretHash, now.millis]).map(Self.loginLink)
        }
    }

    public func consumeLoginLink(secretHash: String, now: Date) async throws -> ConsoleLoginLink? {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM console_login_links WHERE hash = ? AND used_at IS NULL AND expires_at > ?",
                                             arguments: [secretHash, now.millis]) else { return nil }
            try db.execute(sql: "UPDATE console_login_links SET used_at = ? WHERE hash = ?", arguments: [now.millis, secretHash])
            return Self.loginLink(row)
        }
    }

    static func loginLink(_ row: Row) -> ConsoleLoginLink {
        ConsoleLoginLink(orgId: row["org_id"], contactId: row["contact_id"], next: row["next"], createdAt: Date(millis: row["created_at"]),
                         expiresAt: Date(millis: row["expires_at"]))
    }

    public func contacts(email: String) async throws -> [(Organisation, Contact)] {
        let wanted = email.lowercased()
        let orgs = try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT DISTINCT o.* FROM organisations o, json_each(o.contacts) c
                WHERE lower(json_extract(c.value, '$.email')) = ? ORDER BY o.seq LIMIT 20
                """, arguments: [wanted]).map(Self.organisation(from:))
        }
        return orgs.flatMap { org in org.contacts.filter { $0.email.lowercased() == wanted }.map { (org, $0) } }
    }
}
