import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func createIncident(_ incident: Incident) async throws {
        let doc = try encodeJSON(incident)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO incidents (id, org_id, status, flash_alert_id, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [incident.id, incident.orgId, incident.status.rawValue, incident.flashAlertId, doc,
                                 incident.declaredAt.millis, incident.updatedAt.millis])
        }
    }

    public func incident(id: String) async throws -> Incident? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT doc FROM incidents WHERE id = ?", arguments: [id]).map { try decodeJSON(Incident.self, $0) }
        }
    }

    public func incident(flashAlertId: String) async throws -> Incident? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT doc FROM incidents WHERE flash_alert_id = ?", arguments: [flashAlertId])
                .map { try decodeJSON(Incident.self, $0) }
        }
    }

    public func incidents(orgId: String?, status: Incident.Status?, page: PageRequest) async throws -> Page<Incident> {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let before = try Cursor.decode(page.cursor) { clauses.append("seq < ?"); arguments += [before] }
        if let orgId { clauses.append("org_id = ?"); arguments += [orgId] }
        if let status { clauses.append("status = ?"); arguments += [status.rawValue] }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [page.limit + 1]
        let sql = "SELECT seq, doc FROM incidents \(whereClause) ORDER BY seq DESC LIMIT ?"
        let limit = page.limit
        let finalArguments = arguments
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: finalArguments)
            let items = try rows.prefix(limit).map { try decodeJSON(Incident.self, $0["doc"]) }
            return Page(items: items, nextCursor: rows.count > limit ? String(rows[limit - 1]["seq"] as Int64) : nil)
        }
    }

    public func updateIncident(id: String, _ change: @Sendable (Incident) throws -> Incident) async throws -> Incident? {
        try await pool.write { db in
            guard let doc = try String.fetchOne(db, sql: "SELECT doc FROM incidents WHERE id = ?", arguments: [id]) else { return nil }
            let next = try change(try decodeJSON(Incident.self, doc))
            try db.execute(sql: "UPDATE incidents SET status = ?, flash_alert_id = ?, doc = ?, updated_at = ? WHERE id = ?",
                           arguments: [next.status.rawValue, next.flashAlertId, try encodeJSON(next), next.updatedAt.millis, id])
            return next
        }
    }

    public func appendIncidentMessage(_ message: IncidentMessage) async throws {
        let doc = try encodeJSON(message)
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM incidents WHERE id = ?", arguments: [message.incidentId]) != nil else {
                throw StoreError.notFound("incident \(message.incidentId)")
            }
            try db.execute(sql: "INSERT INTO incident_messages (id, incident_id, doc, at) VALUES (?, ?, ?, ?)",
                           arguments: [message.id, message.incidentId, doc, message.at.millis])
        }
    }

    public func incidentMessages(incidentId: String) async throws -> [IncidentMessage] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT doc FROM incident_messages WHERE incident_id = ? ORDER BY seq", arguments: [incidentId])
                .map { try decodeJSON(IncidentMessage.self, $0) }
        }
    }

    public func recordSighting(_ sighting: Sighting) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO sightings (alert_id, indicator_type, indicator_value, org_id, region, at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (alert_id, indicator_type, indicator_value, org_id) DO UPDATE SET at = MAX(at, excluded.at)
                """, arguments: [sighting.alertId, sighting.indicatorType.rawValue, sighting.indicatorValue, sighting.orgId, sighting.region,
                                 sighting.at.millis])
        }
    }

    public func sightings(alertId: String) async throws -> [Sighting] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sightings WHERE alert_id = ? ORDER BY seq", arguments: [alertId]).compactMap { row in
                guard let kind = Indicator.Kind(rawValue: row["indicator_type"]) else { return nil }
                return Sighting(alertId: row["alert_id"], indicatorType: kind, indicatorValue: row["indicator_value"], orgId: row["org_id"],
                                region: row["region"], at: row.date("at") ?? Date())
            }
        }
    }
}
