import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func escalationPolicies() async throws -> [EscalationPolicy] {
        try await pool.read { db in try self.escalationPolicies(db) }
    }

    func escalationPolicies(_ db: Database) throws -> [EscalationPolicy] {
        try String.fetchAll(db, sql: "SELECT doc FROM escalation_policies ORDER BY seq").map { try decodeJSON(EscalationPolicy.self, $0) }
    }

    /// As `escalationPolicies(unlessVersion:)`, in a transaction already open (routing reads them while it stores a revision).
    func escalationPolicies(_ db: Database, unlessVersion known: Int64?) throws -> (version: Int64, policies: [EscalationPolicy]?) {
        let version = try Int64.fetchOne(db, sql: "SELECT version FROM escalation_state WHERE id = 1") ?? 0
        if let known, known == version { return (version, nil) }
        return (version, try escalationPolicies(db))
    }

    public func escalationPolicies(unlessVersion known: Int64?) async throws -> (version: Int64, policies: [EscalationPolicy]?) {
        try await pool.read { db in try self.escalationPolicies(db, unlessVersion: known) }
    }

    public func escalationPolicy(id: String) async throws -> EscalationPolicy? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT doc FROM escalation_policies WHERE id = ?", arguments: [id]).map { try decodeJSON(EscalationPolicy.self, $0) }
        }
    }

    public func saveEscalationPolicy(_ policy: EscalationPolicy) async throws {
        let doc = try encodeJSON(policy)
        let now = Date().millis
        try await pool.write { db in
            if let orgId = policy.orgId, try Int.fetchOne(db, sql: "SELECT 1 FROM organisations WHERE id = ?", arguments: [orgId]) == nil {
                throw StoreError.notFound("organisation \(orgId)")
            }
            try db.execute(sql: """
                INSERT INTO escalation_policies (id, org_id, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, doc = excluded.doc, updated_at = excluded.updated_at
                """, arguments: [policy.id, policy.orgId, doc, policy.createdAt?.millis ?? now, policy.updatedAt?.millis ?? now])
            try db.execute(sql: "UPDATE escalation_state SET version = version + 1 WHERE id = 1")
        }
    }

    public func deleteEscalationPolicy(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM escalation_policies WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "UPDATE escalation_state SET version = version + 1 WHERE id = 1")
            return true
        }
    }

    /// Writes the steps a revision schedules; a step already scheduled for the same alert, organisation, step and
    /// round stays as it is, so a revision never fires a step again.
    func recordEscalations(_ db: Database, _ alert: Alert, plan: RoutingPlan) throws {
        guard !plan.escalations.isEmpty else { return }
        let now = alert.updatedAt.millis
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO escalation_steps (id, alert_id, org_id, policy_id, step, round, due_at, state, targets, after, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)
            """)
        // The same few targets stand for every organisation a policy covers: each is encoded once, as concerns are.
        var targetsJSON: [EscalationTargets: String] = [:]
        for planned in plan.escalations {
            let targets = try targetsJSON[planned.targets] ?? encodeJSON(planned.targets)
            targetsJSON[planned.targets] = targets
            try insert.execute(arguments: [TocsinID.make(), alert.id, planned.orgId, planned.policyId, planned.step, planned.round,
                                           planned.dueAt.millis, targets, planned.after.description, now, now])
        }
    }

    public func reclaimAbandonedEscalations(now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE escalation_steps SET lease_until = :now, updated_at = :now WHERE state = 'in_flight' AND lease_until > :now
                """, arguments: ["now": now.millis])
            return db.changesCount
        }
    }

    public func claimDueEscalations(now: Date, leaseUntil: Date, limit: Int) async throws -> [ClaimedEscalation] {
        try await pool.write { db in
            let at = now.millis
            // What the organisation acknowledged, or the publisher cancelled, escalates no further.
            try db.execute(sql: """
                UPDATE escalation_steps SET state = 'cancelled', lease_until = NULL, updated_at = :now,
                    last_error = CASE WHEN EXISTS (SELECT 1 FROM alerts a WHERE a.id = escalation_steps.alert_id AND a.status = 'cancelled')
                                      THEN 'alert cancelled' ELSE 'acknowledged' END
                WHERE state IN ('pending', 'in_flight') AND (state = 'pending' AND due_at <= :now OR state = 'in_flight' AND lease_until <= :now)
                    AND (EXISTS (SELECT 1 FROM alert_reach r WHERE r.alert_id = escalation_steps.alert_id AND r.org_id = escalation_steps.org_id
                                 AND r.acked_at IS NOT NULL)
                         OR EXISTS (SELECT 1 FROM alerts a WHERE a.id = escalation_steps.alert_id AND a.status = 'cancelled'))
                """, arguments: ["now": at])
            let rows = try Row.fetchAll(db, sql: """
                UPDATE escalation_steps SET state = 'in_flight', attempts = attempts + 1, lease_until = :lease, updated_at = :now
                WHERE id IN (SELECT id FROM escalation_steps
                             WHERE state = 'pending' AND due_at <= :now OR state = 'in_flight' AND lease_until <= :now
                             ORDER BY due_at, seq LIMIT :limit)
                RETURNING *
                """, arguments: ["now": at, "lease": leaseUntil.millis, "limit": limit])
            var claimed: [ClaimedEscalation] = []
            let skip = try db.cachedStatement(sql: """
                UPDATE escalation_steps SET state = 'skipped', lease_until = NULL, last_error = ?, updated_at = ? WHERE id = ?
                """)
            for row in rows.sorted(by: { ($0["due_at"] as Int64, $0["seq"] as Int64) < ($1["due_at"] as Int64, $1["seq"] as Int64) }) {
                let record = try Self.escalationRecord(from: row)
                guard let alertRow = try Row.fetchOne(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", arguments: [record.alertId]),
                      let alert = try? Self.alert(from: alertRow) else {
                    try skip.execute(arguments: ["alert missing or unreadable", at, record.id])
                    continue
                }
                guard let orgRow = try Row.fetchOne(db, sql: "SELECT * FROM organisations WHERE id = ?", arguments: [record.orgId]) else {
                    try skip.execute(arguments: ["organisation deleted", at, record.id])
                    continue
                }
                claimed.append(ClaimedEscalation(record: record, alert: alert, organisation: try Self.organisation(from: orgRow)))
            }
            return claimed
        }
    }

    static func escalationRecord(from row: Row) throws -> EscalationStepRecord {
        EscalationStepRecord(
            id: row["id"], alertId: row["alert_id"], orgId: row["org_id"], policyId: row["policy_id"], step: row["step"], round: row["round"],
            dueAt: row.date("due_at") ?? Date(), state: EscalationStepState(rawValue: row["state"]) ?? .pending,
            targets: try decodeJSON(EscalationTargets.self, row["targets"]), after: try ISO8601Duration(parsing: row["after"]),
            attempts: row["attempts"], leaseUntil: row.date("lease_until"), sentAt: row.date("sent_at"), lastError: row["last_error"])
    }

    public func recordEscalation(_ result: EscalationResult) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE escalation_steps SET state = ?, lease_until = NULL, last_error = ?, updated_at = ?,
                    sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END
                WHERE id = ? AND state = 'in_flight' AND attempts = ?
                """, arguments: [result.state.rawValue, result.error, result.at.millis, result.state.rawValue, result.at.millis, result.id, result.attempts])
            guard db.changesCount > 0 else { return false }
            if result.state == .sent {
                try db.execute(sql: """
                    INSERT INTO reach_events (alert_id, org_id, revision, step, at, by, channel, note)
                    SELECT s.alert_id, s.org_id, (SELECT revision FROM alerts WHERE id = s.alert_id), 'escalated', ?, ?, 'email',
                        'step ' || (s.step + 1) || ', round ' || (s.round + 1) || ', after ' || s.after
                    FROM escalation_steps s WHERE s.id = ?
                    """, arguments: [result.at.millis, result.recipients.joined(separator: ","), result.id])
            }
            return true
        }
    }

    public func nextEscalationDueDate() async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT MIN(CASE WHEN state = 'pending' THEN due_at ELSE lease_until END) FROM escalation_steps WHERE state IN ('pending', 'in_flight')
                """).map(Date.init(millis:))
        }
    }

    public func escalations(alertId: String) async throws -> [EscalationStepRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM escalation_steps WHERE alert_id = ? ORDER BY due_at, seq", arguments: [alertId])
                .map(Self.escalationRecord(from:))
        }
    }

    public func escalationCounts() async throws -> [EscalationStepState: Int] {
        try await pool.read { db in
            var counts: [EscalationStepState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM escalation_steps GROUP BY state") {
                if let state = EscalationStepState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }
}
