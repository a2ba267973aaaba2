import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func publish(_ alert: Alert, concerns: @escaping Concerns) async throws -> PublishResult {
        try await pool.write { db in try self.insertAlert(db, alert, concerns: concerns(alert)) }
    }

    /// Stores revision 1 of a new alert, routes it and queues its deliveries.
    func insertAlert(_ db: Database, _ alert: Alert, concerns: [String: [InventoryConcern]]) throws -> PublishResult {
        let doc = try encodeJSON(alert)
        try db.execute(sql: """
            INSERT INTO alerts (id, source, source_ref, revision, status, severity_rank, tlp_rank, national, doc, published_at, updated_at,
                published_by, publisher_org)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [alert.id, alert.source, alert.sourceRef, alert.revision, alert.status.rawValue, alert.severity.rank,
                             alert.tlp.rank, alert.isNational, doc, alert.publishedAt.millis, alert.updatedAt.millis,
                             alert.publishedBy, alert.publisherOrgId])
        try insertRevision(db, alert, doc: doc)
        return try routeAndQueue(db, alert: alert, previousRecipients: [], concerns: concerns)
    }

    public func revise(alertId: String, concerns: @escaping Concerns, _ change: @Sendable (Alert) throws -> Alert) async throws -> PublishResult {
        try await pool.write { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", arguments: [alertId]) else {
                throw StoreError.notFound("alert \(alertId)")
            }
            var next = try change(try Self.alert(from: current))
            next.publisherOrgId = current["publisher_org"]
            return try self.storeRevision(db, next, concerns: concerns(next))
        }
    }

    public func ingest(keys: [String], concerns: @escaping Concerns, _ decide: @Sendable (Alert?) throws -> Alert?) async throws -> IngestResult {
        try await pool.write { db in
            var existing: Alert?
            for key in keys {
                if let id = try String.fetchOne(db, sql: "SELECT alert_id FROM alert_refs WHERE ref_key = ?", arguments: [key]),
                   let row = try Row.fetchOne(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", arguments: [id]) {
                    existing = try Self.alert(from: row)
                    break
                }
            }
            guard var next = try decide(existing) else { return .unchanged(existing) }
            // The publishing organisation is the alert's for good: a revision never hands it to another.
            if let existing { next.publisherOrgId = existing.publisherOrgId }
            let result: IngestResult
            if let existing {
                guard next.id == existing.id, next.revision == existing.revision + 1 else {
                    throw StoreError.conflict("an ingested revision must be the next revision of alert \(existing.id)")
                }
                result = .revised(try self.storeRevision(db, next, concerns: concerns(next)))
            } else {
                result = .published(try self.insertAlert(db, next, concerns: concerns(next)))
            }
            let ref = try db.cachedStatement(sql: "INSERT OR IGNORE INTO alert_refs (ref_key, alert_id) VALUES (?, ?)")
            for key in keys { try ref.execute(arguments: [key, next.id]) }
            return result
        }
    }

    public func alertIds(cve: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT alert_id FROM alert_cves WHERE cve = ? ORDER BY alert_id", arguments: [cve])
        }
    }

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

    public func alertId(refKey: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT alert_id FROM alert_refs WHERE ref_key = ?", arguments: [refKey])
        }
    }

    /// Stores `next` as the current revision of its alert, routes it and queues its deliveries.
    func storeRevision(_ db: Database, _ next: Alert, concerns: [String: [InventoryConcern]]) throws -> PublishResult {
        let doc = try encodeJSON(next)
        try db.execute(sql: """
            UPDATE alerts SET revision = ?, status = ?, severity_rank = ?, tlp_rank = ?, national = ?, doc = ?, updated_at = ?, source_ref = ?,
                published_by = ?
            WHERE id = ?
            """, arguments: [next.revision, next.status.rawValue, next.severity.rank, next.tlp.rank, next.isNational, doc,
                             next.updatedAt.millis, next.sourceRef, next.publishedBy, next.id])
        try insertRevision(db, next, doc: doc)
        let previous = Set(try String.fetchAll(db, sql: "SELECT DISTINCT subscription_id FROM deliveries WHERE alert_id = ?",
                                               arguments: [next.id]))
        return try routeAndQueue(db, alert: next, previousRecipients: previous, concerns: concerns)
    }

    /// Keeps the revision in the log and numbers it as an event of the live stream.
    func insertRevision(_ db: Database, _ alert: Alert, doc: String) throws {
        try db.execute(sql: "DELETE FROM alert_cves WHERE alert_id = ?", arguments: [alert.id])
        let cve = try db.cachedStatement(sql: "INSERT OR IGNORE INTO alert_cves (cve, alert_id) VALUES (?, ?)")
        for id in alert.cves { try cve.execute(arguments: [id, alert.id]) }
        try db.execute(sql: "INSERT INTO alert_revisions (alert_id, revision, doc, published_at) VALUES (?, ?, ?, ?)",
                       arguments: [alert.id, alert.revision, doc, alert.updatedAt.millis])
        try db.execute(sql: "INSERT INTO alert_events (alert_id, revision, published_at) VALUES (?, ?, ?)",
                       arguments: [alert.id, alert.revision, alert.updatedAt.millis])
    }

    public func events(after sequence: Int64, limit: Int) async throws -> [AlertEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.seq, r.doc FROM alert_events e JOIN alert_revisions r ON r.alert_id = e.alert_id AND r.revision = e.revision
                WHERE e.seq > ? ORDER BY e.seq LIMIT ?
                """, arguments: [sequence, limit]).map { row in
                AlertEvent(sequence: row["seq"], alert: try decodeJSON(Alert.self, row["doc"]))
            }
        }
    }

    public func lastEventSequence() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM alert_events") ?? 0 }
    }

    /// Routes `alert` with the cached index and writes one pending delivery per recipient.
    func routeAndQueue(_ db: Database, alert: Alert, previousRecipients: Set<String>, concerns: [String: [InventoryConcern]]) throws -> PublishResult {
        let index = try currentIndex(db)
        let routingStart = ContinuousClock.now
        // Feeds are pulled, not pushed: they read the alert log, so they need no outbox row.
        // A backfilled revision is stored for reading, never pushed.
        let concerned = Set(concerns.keys)
        let recipients: [RoutableSubscription]
        if alert.isBackfilled {
            recipients = []
        } else if alert.notifiesNewlyMatchingOnly, alert.revision > 1,
                  let doc = try String.fetchOne(db, sql: "SELECT doc FROM alert_revisions WHERE alert_id = ? AND revision = ?",
                                                arguments: [alert.id, alert.revision - 1]) {
            recipients = index.newlyMatching(alert, previous: try decodeJSON(Alert.self, doc), concerned: concerned).filter { $0.channel != .feed }
        } else {
            recipients = index.route(alert, previousRecipients: previousRecipients, concerned: concerned).filter { $0.channel != .feed }
        }
        let routingSeconds = (ContinuousClock.now - routingStart).seconds
        let outboxStart = ContinuousClock.now
        let now = alert.updatedAt.millis
        let insert = try db.cachedStatement(sql: """
            INSERT INTO deliveries (id, alert_id, revision, subscription_id, org_id, channel, state, attempts, due_at, next_attempt_at, created_at,
                updated_at, concerns)
            VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)
            """)
        var concernsJSON: [String: String] = [:]
        for (org, list) in concerns where !list.isEmpty { concernsJSON[org] = try encodeJSON(list) }
        for recipient in recipients {
            // A digest subscription's delivery waits for its next digest, which gathers everything due by then.
            let due = recipient.digest == .immediate ? now : digests.due(after: alert.updatedAt, mode: recipient.digest).millis
            try insert.execute(arguments: [TocsinID.make(), alert.id, alert.revision, recipient.subscriptionId, recipient.orgId,
                                           recipient.channel.rawValue, due, due, now, now, concernsJSON[recipient.orgId]])
        }
        if alert.revision > 1, !recipients.isEmpty {
            // What an older revision still had waiting for these subscriptions is not sent: the new one carries the
            // alert's state, and follows it in order.
            try db.execute(sql: """
                UPDATE deliveries SET state = 'superseded', due_at = NULL, next_attempt_at = NULL, lease_until = NULL,
                    last_error = 'superseded by revision ' || :revision, updated_at = :now
                WHERE alert_id = :alert AND revision < :revision AND state IN ('pending', 'retry_scheduled')
                    AND subscription_id IN (SELECT subscription_id FROM deliveries WHERE alert_id = :alert AND revision = :revision)
                """, arguments: ["alert": alert.id, "revision": alert.revision, "now": now])
        }
        let outboxSeconds = (ContinuousClock.now - outboxStart).seconds
        logger.info("alert routed", metadata: [
            "alert": "\(alert.id)", "revision": "\(alert.revision)", "tlp": "\(alert.tlp.rawValue)",
            "deliveries": "\(recipients.count)", "routing_ms": "\(String(format: "%.2f", routingSeconds * 1000))",
        ])
        return PublishResult(alert: alert, deliveriesQueued: recipients.count, routingSeconds: routingSeconds, outboxSeconds: outboxSeconds)
    }

    /// The routing index for the current `routing_state.version`, rebuilt from the database when it moved.
    func currentIndex(_ db: Database) throws -> RoutingIndex {
        let version = try Int64.fetchOne(db, sql: "SELECT version FROM routing_state WHERE id = 1") ?? 0
        if let cached = routingCache.withLock({ $0 }), cached.version == version { return cached.index }
        let start = ContinuousClock.now
        let decoder = TocsinJSON.decoder()
        let rows = try Row.fetchCursor(db, sql: """
            SELECT s.id, s.org_id, s.channel, s.filter, s.digest, o.tlp_rank, o.region
            FROM subscriptions s JOIN organisations o ON o.id = s.org_id
            WHERE s.active = 1 ORDER BY s.seq
            """)
        var compiled: [RoutableSubscription] = []
        while let row = try rows.next() {
            let filterText: String = row["filter"]
            let filter = filterText == "{}" ? SubscriptionFilter() : try decoder.decode(SubscriptionFilter.self, from: Data(filterText.utf8))
            compiled.append(RoutableSubscription(
                subscriptionId: row["id"], orgId: row["org_id"], channel: try Self.channel(row),
                clearance: TLP(rank: row["tlp_rank"]) ?? .clear, orgRegion: row["region"], filter: filter,
                digest: DigestMode(rawValue: row["digest"]) ?? .immediate))
        }
        let index = RoutingIndex(compiled)
        routingCache.withLock { $0 = (version, index) }
        logger.debug("routing index rebuilt", metadata: [
            "subscriptions": "\(compiled.count)", "ms": "\(String(format: "%.1f", (ContinuousClock.now - start).seconds * 1000))",
        ])
        return index
    }

    public func routingIndex() async throws -> RoutingIndex {
        try await pool.write { db in try self.currentIndex(db) }
    }

    public func alert(id: String) async throws -> Alert? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", arguments: [id]).map(Self.alert(from:))
        }
    }

    /// The columns `alert(from:)` reads: the document recipients receive and who published it.
    static let alertColumns = "doc, published_by, publisher_org"

    /// An alert from its row: the document plus the publishing bookkeeping kept beside it.
    static func alert(from row: Row) throws -> Alert {
        var alert = try decodeJSON(Alert.self, row["doc"])
        alert.publishedBy = row["published_by"]
        alert.publisherOrgId = row["publisher_org"]
        return alert
    }

    public func alert(id: String, revision: Int) async throws -> Alert? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT doc FROM alert_revisions WHERE alert_id = ? AND revision = ?", arguments: [id, revision])
                .map { try decodeJSON(Alert.self, $0) }
        }
    }

    public func alerts(_ query: AlertQuery) async throws -> Page<Alert> {
        let before = try Cursor.decode(query.page.cursor)
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let before { clauses.append("seq < ?"); arguments += [before] }
        if let clearance = query.clearance { clauses.append("tlp_rank <= ?"); arguments += [clearance.rank] }
        if let minSeverity = query.minSeverity { clauses.append("severity_rank >= ?"); arguments += [minSeverity.rank] }
        if let status = query.status { clauses.append("status = ?"); arguments += [status.rawValue] }
        if let since = query.since { clauses.append("updated_at >= ?"); arguments += [since.millis] }
        if let category = query.category {
            clauses.append("EXISTS (SELECT 1 FROM json_each(doc, '$.categories') WHERE value = ?)"); arguments += [category.lowercased()]
        }
        if let cve = query.cve {
            clauses.append("EXISTS (SELECT 1 FROM json_each(doc, '$.cves') WHERE value = ?)"); arguments += [cve.uppercased()]
        }
        if let orgRegion = query.orgRegion, orgRegion != Region.all {
            clauses.append("(national = 1 OR EXISTS (SELECT 1 FROM json_each(doc, '$.regions') WHERE value = ?))"); arguments += [orgRegion]
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [query.page.limit + 1]
        let sql = "SELECT seq, \(Self.alertColumns) FROM alerts \(whereClause) ORDER BY seq DESC LIMIT ?"
        let limit = query.page.limit
        let finalArguments = arguments
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: finalArguments)
            let items = try rows.prefix(limit).map(Self.alert(from:))
            return Page(items: items, nextCursor: rows.count > limit ? String(rows[limit - 1]["seq"] as Int64) : nil)
        }
    }
}

extension Swift.Duration {
    /// The duration in seconds as a Double, for logs and benchmarks.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
