import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func brokerId() async throws -> String {
        try await pool.write { db in
            if let id = try String.fetchOne(db, sql: "SELECT broker_id FROM broker_identity WHERE id = 1") { return id }
            let id = TocsinID.make()
            try db.execute(sql: "INSERT INTO broker_identity (id, broker_id, created_at) VALUES (1, ?, ?)", arguments: [id, Date().millis])
            return id
        }
    }

    public func upstreams() async throws -> [UpstreamRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, url, token, created_at FROM upstreams ORDER BY name").map { row in
                UpstreamRecord(name: row["name"], url: row["url"], token: row["token"], createdAt: Date(millis: row["created_at"]))
            }
        }
    }

    public func addUpstream(_ upstream: UpstreamRecord) async throws {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM upstreams WHERE name = ?", arguments: [upstream.name]) == nil else {
                throw StoreError.conflict("an upstream named \(upstream.name) exists")
            }
            try db.execute(sql: "INSERT INTO upstreams (name, url, token, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [upstream.name, upstream.url, upstream.token, upstream.createdAt.millis])
        }
    }

    public func removeUpstream(name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM upstreams WHERE name = ?", arguments: [name])
            let removed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM relay_checkpoints WHERE upstream = ?", arguments: [name])
            return removed
        }
    }

    public func relayCheckpoint(upstream: String) async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT last_event_id FROM relay_checkpoints WHERE upstream = ?", arguments: [upstream])
        }
    }

    public func saveRelayCheckpoint(upstream: String, eventId: Int64) async throws {
        try await pool.write { db in try Self.moveCheckpoint(db, upstream: upstream, eventId: eventId) }
    }

    /// Moves a checkpoint forward; an older event id (an upstream that restarted its numbering) never moves it back.
    static func moveCheckpoint(_ db: Database, upstream: String, eventId: Int64) throws {
        try db.execute(sql: """
            INSERT INTO relay_checkpoints (upstream, last_event_id, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (upstream) DO UPDATE SET last_event_id = MAX(last_event_id, excluded.last_event_id), updated_at = excluded.updated_at
            """, arguments: [upstream, eventId, Date().millis])
    }

    public func storeRelayed(alertId: String, upstream: String, eventId: Int64?, seen: Date?, route: @escaping RoutingStep,
                             _ decide: @Sendable (Alert?) throws -> Alert?) async throws -> PublishResult? {
        try await pool.write { db in
            let held = try Row.fetchOne(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", arguments: [alertId]).map(Self.alert(from:))
            var result: PublishResult?
            if let next = try decide(held) {
                guard next.id == alertId, held.map({ next.revision > $0.revision }) ?? true else {
                    throw StoreError.conflict("a relayed revision must be newer than the one held of alert \(alertId)")
                }
                result = held == nil ? try self.insertAlert(db, next, route: route) : try self.storeRevision(db, next, route: route)
            }
            if let eventId { try Self.moveCheckpoint(db, upstream: upstream, eventId: eventId) }
            if let seen { try Self.moveSeen(db, upstream: upstream, seen: seen) }
            if let eventId, let seen {
                try db.execute(sql: "UPDATE relay_checkpoints SET check_event_id = ?, check_event_at = ? WHERE upstream = ?",
                               arguments: [eventId, seen.millis, upstream])
            }
            return result
        }
    }

    /// Moves the upstream time seen forward (never back); creates the checkpoint at 0 when there is none yet.
    static func moveSeen(_ db: Database, upstream: String, seen: Date) throws {
        try db.execute(sql: """
            INSERT INTO relay_checkpoints (upstream, last_event_id, updated_at, seen_until) VALUES (?, 0, ?, ?)
            ON CONFLICT (upstream) DO UPDATE SET seen_until = MAX(COALESCE(seen_until, 0), excluded.seen_until)
            """, arguments: [upstream, Date().millis, seen.millis])
    }

    public func relayCatchUpMark(upstream: String) async throws -> RelayCatchUpMark? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT last_event_id, seen_until, caught_up_at, updated_at, check_event_id, check_event_at FROM relay_checkpoints WHERE upstream = ?
                """, arguments: [upstream]).map { row in
                RelayCatchUpMark(lastEventId: row["last_event_id"], seenUntil: (row["seen_until"] as Int64?).map(Date.init(millis:)),
                                 caughtUpAt: (row["caught_up_at"] as Int64?).map(Date.init(millis:)), updatedAt: Date(millis: row["updated_at"]),
                                 checkEventId: row["check_event_id"], checkEventAt: (row["check_event_at"] as Int64?).map(Date.init(millis:)))
            }
        }
    }

    public func finishRelayCatchUp(upstream: String, resumeAfter: Int64, seen: Date?, at: Date) async throws {
        try await pool.write { db in
            if let seen { try Self.moveSeen(db, upstream: upstream, seen: seen) }
            try db.execute(sql: """
                INSERT INTO relay_checkpoints (upstream, last_event_id, updated_at, caught_up_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (upstream) DO UPDATE SET last_event_id = excluded.last_event_id, updated_at = excluded.updated_at,
                    caught_up_at = excluded.caught_up_at, check_event_id = NULL, check_event_at = NULL
                """, arguments: [upstream, resumeAfter, at.millis, at.millis])
        }
    }

    public func relayedAlertIds(upstream: String, limit: Int) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM alerts WHERE source = ? ORDER BY seq DESC LIMIT ?", arguments: ["relay:\(upstream)", limit])
        }
    }

    public func annotation(alertId: String) async throws -> AlertAnnotation? {
        try await pool.read { db in try Self.annotation(db, alertId: alertId) }
    }

    static func annotation(_ db: Database, alertId: String) throws -> AlertAnnotation? {
        try Row.fetchOne(db, sql: "SELECT text, author, created_at, updated_at FROM alert_annotations WHERE alert_id = ?", arguments: [alertId]).map { row in
            AlertAnnotation(alertId: alertId, text: row["text"], author: row["author"], createdAt: Date(millis: row["created_at"]),
                            updatedAt: Date(millis: row["updated_at"]))
        }
    }

    public func setAnnotation(_ annotation: AlertAnnotation) async throws {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM alerts WHERE id = ?", arguments: [annotation.alertId]) != nil else {
                throw StoreError.notFound("alert \(annotation.alertId)")
            }
            try db.execute(sql: """
                INSERT INTO alert_annotations (alert_id, text, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (alert_id) DO UPDATE SET text = excluded.text, author = excluded.author, updated_at = excluded.updated_at
                """, arguments: [annotation.alertId, annotation.text, annotation.author, annotation.createdAt.millis, annotation.updatedAt.millis])
        }
    }

    public func saveRelayedReach(_ reports: [(alertId: String, json: String)], reporterOrgId: String, now: Date) async throws {
        guard !reports.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO relayed_reach (alert_id, reporter_org, doc, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (alert_id, reporter_org) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
                """)
            for report in reports { try statement.execute(arguments: [report.alertId, reporterOrgId, report.json, now.millis]) }
        }
    }

    public func relayedReach(alertId: String) async throws -> [(reporterOrgId: String, json: String, updatedAt: Date)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT reporter_org, doc, updated_at FROM relayed_reach WHERE alert_id = ? ORDER BY reporter_org",
                             arguments: [alertId]).map { ($0["reporter_org"], $0["doc"], Date(millis: $0["updated_at"])) }
        }
    }
}
