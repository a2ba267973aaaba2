import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func publish(_ alert: Alert, route: @escaping RoutingStep) async throws -> PublishResult {
        try await pool.write { db in try self.insertAlert(db, alert, route: route) }
    }

    /// Stores revision 1 of a new alert and the deliveries `route` plans for it.
    func insertAlert(_ db: Database, _ alert: Alert, route: RoutingStep) throws -> PublishResult {
        let doc = try encodeJSON(alert)
        try db.execute(sql: """
            INSERT INTO alerts (id, source, source_ref, revision, status, severity_rank, tlp_rank, national, doc, published_at, updated_at,
                published_by, publisher_org)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [alert.id, alert.source, alert.sourceRef, alert.revision, alert.status.rawValue, alert.severity.rank,
                             alert.tlp.rank, alert.isNational, doc, alert.publishedAt.millis, alert.updatedAt.millis,
                             alert.publishedBy, alert.publisherOrgId])
        try insertRevision(db, alert, doc: doc)
        return try queue(db, alert, route: route)
    }

    public func revise(alertId: String, route: @escaping RoutingStep, _ change: @Sendable (Alert) throws -> Alert) async throws -> PublishResult {
        try await pool.write { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", arguments: [alertId]) else {
                throw StoreError.notFound("alert \(alertId)")
            }
            var next = try change(try Self.alert(from: current))
            next.publisherOrgId = current["publisher_org"]
            return try self.storeRevision(db, next, route: route)
        }
    }

    public func ingest(keys: [String], route: @escaping RoutingStep, _ decide: @Sendable (Alert?) throws -> Alert?) async throws -> IngestResult {
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
                result = .revised(try self.storeRevision(db, next, route: route))
            } else {
                result = .published(try self.insertAlert(db, next, route: route))
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

    public func alertId(refKey: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT alert_id FROM alert_refs WHERE ref_key = ?", arguments: [refKey])
        }
    }

    /// Stores `next` as the current revision of its alert and the deliveries `route` plans for it.
    func storeRevision(_ db: Database, _ next: Alert, route: RoutingStep) throws -> PublishResult {
        let doc = try encodeJSON(next)
        try db.execute(sql: """
            UPDATE alerts SET revision = ?, status = ?, severity_rank = ?, tlp_rank = ?, national = ?, doc = ?, updated_at = ?, source_ref = ?,
                published_by = ?
            WHERE id = ?
            """, arguments: [next.revision, next.status.rawValue, next.severity.rank, next.tlp.rank, next.isNational, doc,
                             next.updatedAt.millis, next.sourceRef, next.publishedBy, next.id])
        try insertRevision(db, next, doc: doc)
        return try queue(db, next, route: route)
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

    /// Runs the router in this transaction and writes the deliveries it plans, pending; when the plan says so, what
    /// older revisions still had waiting for the same subscriptions becomes `superseded`.
    func queue(_ db: Database, _ alert: Alert, route: RoutingStep) throws -> PublishResult {
        let plan = try route(alert, SQLiteRoutingReads(store: self, db: db, alert: alert))
        let outboxStart = ContinuousClock.now
        let now = alert.updatedAt.millis
        var concernsJSON: [[InventoryConcern]: String] = [:]
        let waiting = try waitingSubscriptions(db, plan)
        let taking = try adopting(db, plan, waiting: waiting)
        var taken: [CompactID] = []
        // Many rows per statement: a fan-out to thousands is written in a few dozen statements, not thousands.
        try Self.insertRows(db, """
            INSERT INTO deliveries (id, alert_id, revision, subscription_id, org_id, channel, state, attempts, due_at, next_attempt_at, lease_until,
                created_at, updated_at, concerns) VALUES
            """, row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", plan.deliveries) { planned in
            var concerns: String?
            if !planned.concerns.isEmpty {
                concerns = try concernsJSON[planned.concerns] ?? encodeJSON(planned.concerns)
                concernsJSON[planned.concerns] = concerns
            }
            let id = TocsinID.ordered()
            if let taking, taking.channels.contains(planned.channel), planned.dueAt <= taking.now, !taking.busy.contains(planned.subscriptionKey) {
                // Written as a claim of the running worker would leave it: in flight under its lease, first attempt.
                taken.append(CompactID(id))
                return [id, alert.id, alert.revision, planned.subscriptionId, planned.orgId, planned.channel.rawValue, DeliveryState.inFlight.rawValue,
                        1, taking.leaseUntil, nil, taking.leaseUntil, now, now, concerns]
            }
            // Never due before what its subscription still has waiting: the outbox is claimed by due date, and a
            // delivery released after a finished one (or pushed back behind one being sent) must not be overtaken by
            // one published since.
            var due = planned.dueAt.millis
            if let until = waiting.until[planned.subscriptionKey] { due = max(due, until) }
            return [id, alert.id, alert.revision, planned.subscriptionId, planned.orgId, planned.channel.rawValue, DeliveryState.pending.rawValue,
                    0, due, due, nil, now, now, concerns]
        }
        if let taking, !taken.isEmpty {
            let leaseUntil = Date(millis: taking.leaseUntil), take = taking.take
            db.afterNextTransaction(onCommit: { [taken] _ in take(taken, leaseUntil) })
        }
        if plan.supersedesWaiting, !plan.deliveries.isEmpty {
            // `OR ROLLBACK`: a failure here fails the whole publish anyway, and so the statement needs no statement
            // journal, which the writer keeps in memory (`keepStatementJournalsInMemory`), however many it supersedes.
            try db.execute(sql: """
                UPDATE OR ROLLBACK deliveries SET state = 'superseded', due_at = NULL, next_attempt_at = NULL, lease_until = NULL,
                    last_error = 'superseded by revision ' || :revision, updated_at = :now
                WHERE alert_id = :alert AND revision < :revision AND state IN ('pending', 'retry_scheduled') AND event = 'alert'
                    AND subscription_id IN (SELECT subscription_id FROM deliveries WHERE alert_id = :alert AND revision = :revision)
                """, arguments: ["alert": alert.id, "revision": alert.revision, "now": now])
        }
        try recordConcerned(db, alert, plan: plan)
        try recordEscalations(db, alert, plan: plan)
        return PublishResult(alert: alert, deliveriesQueued: plan.deliveries.count, routingSeconds: plan.routingSeconds,
                             outboxSeconds: (ContinuousClock.now - outboxStart).seconds)
    }

    /// The subscriptions with a delivery not done yet (waiting, being sent, to be retried: every such delivery has a
    /// due date, read through the outbox's partial indexes, never the ledger), and for each the latest due date among
    /// those that still hold it back (`orderHold`); nothing to read when `plan` has no delivery.
    func waitingSubscriptions(_ db: Database, _ plan: RoutingPlan) throws -> (busy: Set<CompactID>, until: [CompactID: Int64]) {
        guard !plan.deliveries.isEmpty else { return ([], [:]) }
        let now = Date()
        var busy: Set<CompactID> = []
        var until: [CompactID: Int64] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT subscription_id, MAX(CASE WHEN created_at > ? THEN due_at END)
            FROM (\(Self.inOutbox("d.subscription_id, d.created_at, d.due_at", "d", where: "d.due_at IS NOT NULL"))) GROUP BY subscription_id
            """, arguments: [now.addingTimeInterval(-Self.orderHold).millis])
        while let row = try rows.next() {
            let key = CompactID(row[0] as String)
            busy.insert(key)
            if let due: Int64 = row[1] { until[key] = min(due, now.addingTimeInterval(Self.orderHold).millis) }
        }
        return (busy, until)
    }

    /// What decides which deliveries of `plan` the running worker takes as they are written (`adoptNewDeliveries`):
    /// its channels, the subscriptions that must not be taken, now and the end of its lease; nil when no worker offered.
    ///
    /// Only what a claim would take now, in the same order: a due delivery of the worker's channels, to an immediate
    /// subscription (a digest goes out whole, when its period ends) that has nothing else waiting, being sent or to
    /// be retried (`busy`), so that nothing overtakes an earlier delivery of its subscription.
    func adopting(_ db: Database, _ plan: RoutingPlan, waiting: (busy: Set<CompactID>, until: [CompactID: Int64])) throws
        -> (channels: Set<Channel>, busy: Set<CompactID>, now: Date, leaseUntil: Int64, take: @Sendable ([CompactID], Date) -> Void)? {
        guard let adoption = adoption.withLock({ $0 }), !plan.deliveries.isEmpty else { return nil }
        let now = Date()
        var busy = waiting.busy
        busy.formUnion(try String.fetchAll(db, sql: "SELECT id FROM subscriptions WHERE digest != ?", arguments: [DigestMode.immediate.rawValue])
            .map(CompactID.init))
        return (adoption.channels, busy, now, now.addingTimeInterval(adoption.lease).millis, adoption.take)
    }

    /// Writes who the revision concerns (keeping the steps of those it already did) and, when it changes what was
    /// acknowledged, asks every acknowledgement again, keeping the old one in `reach_events`.
    func recordConcerned(_ db: Database, _ alert: Alert, plan: RoutingPlan) throws {
        let now = alert.updatedAt.millis
        if plan.reopensAcknowledgement {
            try db.execute(sql: """
                INSERT INTO reach_events (alert_id, org_id, revision, step, at, channel)
                    SELECT alert_id, org_id, :revision, 'reopened', :now, 'revision' FROM alert_reach WHERE alert_id = :alert AND acked_at IS NOT NULL;
                UPDATE alert_reach SET acked_at = NULL, acked_by = NULL, acked_by_name = NULL, acked_channel = NULL, acked_note = NULL,
                    acked_revision = NULL
                WHERE alert_id = :alert AND acked_at IS NOT NULL;
                """, arguments: ["alert": alert.id, "revision": alert.revision, "now": now])
        }
        guard !plan.concerned.isEmpty else { return }
        try Self.insertRows(db, "INSERT INTO alert_reach (alert_id, org_id, concerned_at, concerned_revision, inventory, exercise) VALUES",
                            row: "(?, ?, ?, ?, ?, ?)", plan.concerned,
                            suffix: "ON CONFLICT (alert_id, org_id) DO UPDATE SET inventory = MAX(inventory, excluded.inventory)") { concerned in
            [alert.id, concerned.orgId, now, alert.revision, concerned.inventory, alert.isExercise]
        }
    }

    /// Inserts one row per item, `rowsPerStatement` rows per statement (`insert` ends with `VALUES`, `row` is one row's
    /// placeholders, `suffix` follows the rows), in the items' order.
    static func insertRows<Item>(_ db: Database, _ insert: String, row: String, _ items: [Item], suffix: String = "",
                                 values: (Item) throws -> [(any DatabaseValueConvertible)?]) throws {
        func sql(_ rows: Int) -> String { insert + " " + Array(repeating: row, count: rows).joined(separator: ", ") + " " + suffix }
        var start = 0
        while start < items.count {
            let end = min(start + rowsPerStatement, items.count)
            let statement = try end - start == rowsPerStatement ? db.cachedStatement(sql: sql(rowsPerStatement)) : db.makeStatement(sql: sql(end - start))
            var arguments: [(any DatabaseValueConvertible)?] = []
            for item in items[start..<end] { arguments += try values(item) }
            try statement.execute(arguments: StatementArguments(arguments))
            start = end
        }
    }

    /// Rows per multi-row insert: at most 13 values each, far below SQLite's limit on variables.
    static let rowsPerStatement = 64

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

/// What a router reads while its revision is being stored: the same transaction, so what it sees is what is written.
struct SQLiteRoutingReads: RoutingReads {
    let store: SQLiteStore
    let db: Database
    let alert: Alert

    func previousRevision() throws -> Alert? {
        guard alert.revision > 1 else { return nil }
        return try String.fetchOne(db, sql: "SELECT doc FROM alert_revisions WHERE alert_id = ? AND revision = ?",
                                   arguments: [alert.id, alert.revision - 1]).map { try decodeJSON(Alert.self, $0) }
    }

    func previousRecipients() throws -> Set<String> {
        guard alert.revision > 1 else { return [] }
        return Set(try String.fetchAll(db, sql: "SELECT DISTINCT subscription_id FROM deliveries WHERE alert_id = ? AND revision < ? AND event = 'alert'",
                                       arguments: [alert.id, alert.revision]))
    }

    func routableSubscriptions(unlessVersion known: Int64?) throws -> (version: Int64, subscriptions: [RoutableSubscription]?) {
        try store.routableSubscriptions(db, unlessVersion: known)
    }

    func escalationPolicies(unlessVersion known: Int64?) throws -> (version: Int64, policies: [EscalationPolicy]?) {
        try store.escalationPolicies(db, unlessVersion: known)
    }

    func organisations() throws -> [AudienceMember] {
        // Row by row through a cursor: tens of thousands of organisations are never all held as database rows at once.
        var members: [AudienceMember] = []
        members.reserveCapacity(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organisations") ?? 0)
        let rows = try Row.fetchCursor(db, sql: "SELECT id, tlp_rank, region, kind FROM organisations ORDER BY seq")
        while let row = try rows.next() {
            members.append(AudienceMember(orgId: row["id"], clearance: TLP(rank: row["tlp_rank"]) ?? .clear, region: row["region"],
                                          kind: Organisation.Kind(rawValue: row["kind"])))
        }
        return members
    }
}
