import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func reach(alertId: String) async throws -> [OrganisationReach] {
        try await pool.read { db in try self.reach(db, alertId: alertId, orgId: nil) }
    }

    public func reach(alertId: String, region: String) async throws -> [OrganisationReach] {
        try await pool.read { db in try self.reach(db, alertId: alertId, orgId: nil, region: region) }
    }

    public func reachCounts(alertIds: [String], region: String) async throws -> [String: ReachCounts] {
        let ids = Array(Set(alertIds))
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            // A later step implies the earlier ones, as `OrganisationReach.step` reads them (a read through a feed
            // can come before any delivery is recorded).
            var counts: [String: ReachCounts] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT r.alert_id, COUNT(*) AS concerned,
                    SUM(r.delivered_at IS NOT NULL OR r.seen_at IS NOT NULL OR r.acked_at IS NOT NULL) AS delivered,
                    SUM(r.seen_at IS NOT NULL OR r.acked_at IS NOT NULL) AS seen,
                    SUM(r.acked_at IS NOT NULL) AS acknowledged
                FROM alert_reach r JOIN organisations o ON o.id = r.org_id
                WHERE r.alert_id IN (\(databaseQuestionMarks(count: ids.count))) AND o.region = ?
                GROUP BY r.alert_id
                """, arguments: StatementArguments(ids + [region]))
            while let row = try rows.next() {
                counts[row["alert_id"]] = ReachCounts(concerned: row["concerned"], delivered: row["delivered"], seen: row["seen"],
                                                      acknowledged: row["acknowledged"])
            }
            return counts
        }
    }

    public func reach(alertId: String, orgId: String) async throws -> OrganisationReach? {
        try await pool.read { db in try self.reach(db, alertId: alertId, orgId: orgId).first }
    }

    func reach(_ db: Database, alertId: String, orgId: String?, region: String? = nil) throws -> [OrganisationReach] {
        var standings: [String: [String: DeliveryStanding]] = [:]
        let deliveries = try Row.fetchCursor(db, sql: """
            SELECT d.org_id, d.subscription_id, d.channel, d.revision, d.state, d.last_error, d.last_status
            FROM deliveries d JOIN organisations o ON o.id = d.org_id
            WHERE d.alert_id = ? AND (? IS NULL OR d.org_id = ?) AND (? IS NULL OR o.region = ?) AND d.event = 'alert'
            ORDER BY d.seq
            """, arguments: [alertId, orgId, orgId, region, region])
        while let row = try deliveries.next() {
            // The newest revision's delivery to each subscription says where that subscription stands.
            let standing = DeliveryStanding(subscriptionId: row["subscription_id"], channel: Channel(rawValue: row["channel"]),
                                            revision: row["revision"], state: DeliveryState(rawValue: row["state"]) ?? .pending,
                                            lastError: row["last_error"], lastStatus: row["last_status"])
            standings[row["org_id"], default: [:]][standing.subscriptionId] = standing
        }
        // Active subscriptions counted once for all, not once per row.
        var active: [String: Int] = [:]
        let counts = try Row.fetchCursor(db, sql: """
            SELECT s.org_id, COUNT(*) AS n FROM subscriptions s JOIN organisations o ON o.id = s.org_id
            WHERE s.active = 1 AND (? IS NULL OR s.org_id = ?) AND (? IS NULL OR o.region = ?) GROUP BY s.org_id
            """, arguments: [orgId, orgId, region, region])
        while let row = try counts.next() { active[row["org_id"]] = row["n"] }
        return try Row.fetchAll(db, sql: """
            SELECT r.*, o.name AS org_name, o.region AS org_region, o.tlp_rank AS org_tlp
            FROM alert_reach r JOIN organisations o ON o.id = r.org_id
            WHERE r.alert_id = ? AND (? IS NULL OR r.org_id = ?) AND (? IS NULL OR o.region = ?) ORDER BY o.seq
            """, arguments: [alertId, orgId, orgId, region, region]).map { row in
            let org: String = row["org_id"]
            return OrganisationReach(
                alertId: row["alert_id"], orgId: org, orgName: row["org_name"], region: row["org_region"],
                clearance: TLP(rank: row["org_tlp"]) ?? .clear, concernedAt: row.date("concerned_at") ?? Date(),
                concernedRevision: row["concerned_revision"], inventory: row["inventory"],
                delivered: Self.mark(row, "delivered"), seen: Self.mark(row, "seen"), acknowledged: Self.mark(row, "acked"),
                note: row["acked_note"], acknowledgedRevision: row["acked_revision"], activeSubscriptions: active[org] ?? 0,
                deliveries: (standings[org] ?? [:]).values.sorted { $0.subscriptionId < $1.subscriptionId })
        }
    }

    /// The step `prefix` (`delivered`, `seen`, `acked`) of a reach row, if it happened.
    static func mark(_ row: Row, _ prefix: String) -> ReachMark? {
        guard let at = row.date("\(prefix)_at") else { return nil }
        return ReachMark(at: at, by: row["\(prefix)_by"], byName: row.hasColumn("\(prefix)_by_name") ? row["\(prefix)_by_name"] : nil,
                         channel: row["\(prefix)_channel"] ?? "")
    }

    public func markSeen(alertIds: [String], orgId: String, mark: ReachMark) async throws {
        let ids = Array(Set(alertIds))
        guard !ids.isEmpty else { return }
        // Readers come back often (a feed polled every minute): when every row was seen already, a read says so and
        // no write waits for the lock.
        let unseen = try await pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM alert_reach WHERE org_id = ? AND seen_at IS NULL AND alert_id IN (\(databaseQuestionMarks(count: ids.count))))
                """, arguments: StatementArguments([orgId] + ids)) ?? false
        }
        guard unseen else { return }
        try await pool.write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE alert_reach SET seen_at = :at, seen_by = :by, seen_by_name = :name, seen_channel = :channel
                WHERE alert_id = :alert AND org_id = :org AND seen_at IS NULL
                """)
            let event = try db.cachedStatement(sql: """
                INSERT INTO reach_events (alert_id, org_id, revision, step, at, by, by_name, channel)
                VALUES (:alert, :org, (SELECT revision FROM alerts WHERE id = :alert), 'seen', :at, :by, :name, :channel)
                """)
            for alertId in ids {
                let arguments: StatementArguments = ["at": mark.at.millis, "by": mark.by, "name": mark.byName, "channel": mark.channel,
                                                     "alert": alertId, "org": orgId]
                try update.execute(arguments: arguments)
                if db.changesCount > 0 { try event.execute(arguments: arguments) }
            }
        }
    }

    public func acknowledge(alertId: String, orgId: String, mark: ReachMark, note: String?) async throws -> AcknowledgeOutcome {
        try await pool.write { db in
            guard let alert = try Row.fetchOne(db, sql: """
                SELECT revision, json_extract(doc, '$.exerciseId') IS NOT NULL AS exercise FROM alerts WHERE id = ?
                """, arguments: [alertId]) else {
                throw StoreError.notFound("alert \(alertId)")
            }
            let revision: Int = alert["revision"]
            let exercise: Bool = alert["exercise"]
            try db.execute(sql: """
                INSERT INTO alert_reach (alert_id, org_id, concerned_at, concerned_revision, exercise) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (alert_id, org_id) DO NOTHING
                """, arguments: [alertId, orgId, mark.at.millis, revision, exercise])
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM alert_reach WHERE alert_id = ? AND org_id = ?", arguments: [alertId, orgId]),
               let existing = Self.mark(row, "acked") {
                return .already(existing, note: row["acked_note"])
            }
            let arguments: StatementArguments = ["at": mark.at.millis, "by": mark.by, "name": mark.byName, "channel": mark.channel,
                                                 "note": note, "revision": revision, "alert": alertId, "org": orgId]
            // Acknowledging says the alert reached someone and was read: the earlier steps are filled in when missing.
            try db.execute(sql: """
                UPDATE alert_reach SET acked_at = :at, acked_by = :by, acked_by_name = :name, acked_channel = :channel, acked_note = :note,
                    acked_revision = :revision,
                    seen_at = COALESCE(seen_at, :at), seen_by = CASE WHEN seen_at IS NULL THEN :by ELSE seen_by END,
                    seen_by_name = CASE WHEN seen_at IS NULL THEN :name ELSE seen_by_name END,
                    seen_channel = CASE WHEN seen_at IS NULL THEN :channel ELSE seen_channel END,
                    delivered_at = COALESCE(delivered_at, :at), delivered_by = COALESCE(delivered_by, :by),
                    delivered_channel = COALESCE(delivered_channel, :channel)
                WHERE alert_id = :alert AND org_id = :org;
                INSERT INTO reach_events (alert_id, org_id, revision, step, at, by, by_name, channel, note)
                VALUES (:alert, :org, :revision, 'acknowledged', :at, :by, :name, :channel, :note);
                """, arguments: arguments)
            try self.queueAcknowledgedEvents(db, AcknowledgedEvent(alertId: alertId, revision: revision, orgId: orgId, mark: mark, note: note))
            return .recorded(mark)
        }
    }

    /// Queues an `alert.acknowledged` event, in the acknowledgement's transaction, for each active subscription of
    /// the organisation that asked for them (`Subscription.acknowledgements`, which only signing channels accept).
    func queueAcknowledgedEvents(_ db: Database, _ event: AcknowledgedEvent) throws {
        let subscriptions = try Row.fetchAll(db, sql: """
            SELECT id, channel FROM subscriptions WHERE org_id = ? AND active = 1 AND acknowledgements = 1 ORDER BY seq
            """, arguments: [event.orgId])
        guard !subscriptions.isEmpty else { return }
        let payload = String(decoding: try TocsinJSON.encode(event), as: UTF8.self)
        let now = event.acknowledgedAt.millis
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO deliveries (id, alert_id, revision, subscription_id, org_id, channel, state, attempts, due_at, next_attempt_at,
                created_at, updated_at, event, payload)
            VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?)
            """)
        for row in subscriptions {
            try insert.execute(arguments: [TocsinID.ordered(), event.alertId, event.revision, row["id"] as String, event.orgId, row["channel"] as String,
                                           now, now, now, now, AcknowledgedEvent.type, payload])
        }
    }

    public func brokerKey(named name: String, make: @Sendable () -> String) async throws -> String {
        try await pool.write { db in
            if let value = try String.fetchOne(db, sql: "SELECT value FROM broker_keys WHERE name = ?", arguments: [name]) { return value }
            let value = make()
            try db.execute(sql: "INSERT INTO broker_keys (name, value, created_at) VALUES (?, ?, ?)", arguments: [name, value, Date().millis])
            return value
        }
    }
}

extension SQLiteStore {
    public func reachMetrics(bounds: [Double], since: Date) async throws -> ReachMetrics {
        try await pool.read { db in
            // Which bucket a delay (milliseconds) falls in: the index of the first bound it does not exceed, or
            // `bounds.count` past the last.
            let bucket = "CASE " + bounds.enumerated().map { "WHEN ms <= \(Int64(($0.element * 1000).rounded())) THEN \($0.offset)" }.joined(separator: " ")
                + " ELSE \(bounds.count) END"
            func histograms(_ step: String) throws -> [Severity: LatencyHistogram] {
                var buckets: [Severity: (counts: [Int], count: Int, sum: Double)] = [:]
                let rows = try Row.fetchAll(db, sql: """
                    SELECT severity_rank, \(bucket) AS bucket, COUNT(*) AS n, SUM(ms) AS total FROM (
                        SELECT a.severity_rank, MAX(0, r.\(step)_at - r.concerned_at) AS ms
                        FROM alert_reach r JOIN alerts a ON a.id = r.alert_id
                        WHERE r.exercise = 0 AND r.\(step)_at IS NOT NULL)
                    GROUP BY severity_rank, bucket
                    """)
                for row in rows {
                    guard let severity = Severity(rank: row["severity_rank"]) else { continue }
                    let index: Int = row["bucket"], n: Int = row["n"], total: Int64 = row["total"]
                    var entry = buckets[severity] ?? (Array(repeating: 0, count: bounds.count + 1), 0, 0)
                    entry.counts[index] += n
                    entry.count += n
                    entry.sum += Double(total) / 1000
                    buckets[severity] = entry
                }
                return buckets.mapValues { entry in
                    var running = 0
                    let cumulative = entry.counts.prefix(bounds.count).map { running += $0; return running }
                    return LatencyHistogram(bounds: bounds, cumulative: cumulative, count: entry.count, sum: entry.sum)
                }
            }
            let unacknowledged = try Int.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT r.alert_id) FROM alert_reach r JOIN alerts a ON a.id = r.alert_id
                WHERE r.exercise = 0 AND r.acked_at IS NULL AND a.status != 'cancelled' AND a.published_at >= ?
                """, arguments: [since.millis]) ?? 0
            return ReachMetrics(timeToDeliver: try histograms("delivered"), timeToAcknowledge: try histograms("acked"),
                                unacknowledgedAlerts: unacknowledged)
        }
    }

    public func organisationChannels() async throws -> [OrganisationChannels] {
        try await pool.read { db in try self.organisationChannels(db, region: nil) }
    }

    public func organisationChannels(region: String) async throws -> [OrganisationChannels] {
        try await pool.read { db in try self.organisationChannels(db, region: region) }
    }

    /// Every organisation's channels, or those of `region`'s organisations only.
    func organisationChannels(_ db: Database, region: String?) throws -> [OrganisationChannels] {
        var last: [String: DeliveryStanding] = [:]
        // The latest finished delivery of each subscription (of the region's organisations), read backwards through
        // the subscription's index by sequence: the newest deliveries are almost always finished.
        let latest = """
            SELECT (SELECT MAX(seq) FROM deliveries WHERE subscription_id = s.id AND state IN ('delivered', 'dead')) AS seq
            FROM subscriptions s JOIN organisations o ON o.id = s.org_id WHERE \(region == nil ? "1" : "o.region = ?")
            """
        let finished = try Row.fetchCursor(db, sql: """
            SELECT d.subscription_id, d.channel, d.revision, d.state, d.last_error, d.last_status FROM deliveries d
            JOIN (\(latest)) m ON m.seq = d.seq
            """, arguments: region.map { StatementArguments([$0]) } ?? StatementArguments())
        while let row = try finished.next() {
            last[row["subscription_id"]] = DeliveryStanding(
                subscriptionId: row["subscription_id"], channel: Channel(rawValue: row["channel"]), revision: row["revision"],
                state: DeliveryState(rawValue: row["state"]) ?? .dead, lastError: row["last_error"], lastStatus: row["last_status"])
        }
        var subscriptions: [String: [SubscriptionStanding]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT s.id, s.org_id, s.channel, s.active, s.disabled_reason FROM subscriptions s JOIN organisations o ON o.id = s.org_id
            WHERE ? IS NULL OR o.region = ? ORDER BY s.seq
            """, arguments: [region, region]) {
            let id: String = row["id"]
            let channel = Channel(rawValue: row["channel"])
            subscriptions[row["org_id"], default: []].append(SubscriptionStanding(
                subscriptionId: id, channel: channel, active: row["active"], disabledReason: row["disabled_reason"],
                pulled: channels.pulled.contains(channel), lastFinished: last[id]))
        }
        return try String.fetchAll(db, sql: "SELECT id FROM organisations WHERE ? IS NULL OR region = ? ORDER BY seq",
                                   arguments: [region, region]).map { org in
            OrganisationChannels(orgId: org, subscriptions: subscriptions[org] ?? [])
        }
    }

    public func alerts(exerciseId: String) async throws -> [Alert] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE json_extract(doc, '$.exerciseId') = ? ORDER BY seq",
                             arguments: [exerciseId]).map(Self.alert(from:))
        }
    }
}
