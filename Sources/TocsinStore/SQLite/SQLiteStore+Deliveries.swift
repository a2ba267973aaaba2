import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func claimDueDeliveries(channels: Set<Channel>, now: Date, leaseUntil: Date, limit: Int) async throws -> [ClaimedDelivery] {
        guard !channels.isEmpty else { return [] }
        let channelList = Self.sqlList(channels)
        return try await pool.write { db in
            let rows = try Row.fetchAll(db, sql: """
                UPDATE deliveries
                SET state = 'in_flight', attempts = attempts + 1, lease_until = :lease, due_at = :lease, next_attempt_at = NULL, updated_at = :now
                WHERE seq IN (SELECT seq FROM deliveries d WHERE due_at IS NOT NULL AND due_at <= :now AND channel IN (\(channelList))
                    AND NOT EXISTS (SELECT 1 FROM deliveries e INDEXED BY deliveries_holding
                        WHERE e.subscription_id = d.subscription_id AND e.seq < d.seq AND \(Self.holding))
                    ORDER BY due_at, seq LIMIT :limit)
                RETURNING \(Self.claimColumns)
                """, arguments: ["lease": leaseUntil.millis, "now": now.millis, "limit": limit])
            // Nothing is sent to a subscription past one of its deliveries still being sent or waiting for a retry, so
            // that a receiver coming back from an outage gets everything in publication order. What waits is due
            // when what holds it back is; it is released at once when that one is sent or dead (recordResults).
            // Found from the deliveries holding (being sent or waiting for a retry, read through their partial index),
            // not from every due one, so that a claim costs the same whatever a fan-out still has waiting.
            try db.execute(sql: """
                WITH h AS (SELECT subscription_id, seq FROM deliveries INDEXED BY deliveries_holding WHERE \(Self.holding))
                UPDATE deliveries AS d SET due_at = (SELECT MIN(MAX(e.due_at), MIN(e.created_at) + \(Int64(Self.orderHold * 1000)))
                    FROM deliveries e INDEXED BY deliveries_holding WHERE e.subscription_id = d.subscription_id AND e.seq < d.seq AND \(Self.holding))
                WHERE d.seq IN (SELECT later.seq FROM h JOIN deliveries later INDEXED BY deliveries_waiting
                        ON later.subscription_id = h.subscription_id AND later.seq > h.seq
                        WHERE later.\(Self.waitingState) AND later.due_at IS NOT NULL AND later.due_at <= :now
                    UNION
                    SELECT later.seq FROM h JOIN deliveries later INDEXED BY deliveries_holding
                        ON later.subscription_id = h.subscription_id AND later.seq > h.seq
                        WHERE later.\(Self.holdingState) AND later.state = 'in_flight' AND later.due_at IS NOT NULL AND later.due_at <= :now)
                """, arguments: ["now": now.millis])
            guard !rows.isEmpty else { return [] }
            var (deliveries, payloads) = try self.claimed(rows)
            let targets = try Self.sendTargets(db, Set(deliveries.map(\.subscriptionId)), now: now)
            // A digest goes out whole: whatever else of that subscription is due is claimed with it, whatever the limit.
            let rest = try db.cachedStatement(sql: """
                UPDATE deliveries
                SET state = 'in_flight', attempts = attempts + 1, lease_until = :lease, due_at = :lease, next_attempt_at = NULL, updated_at = :now
                WHERE seq IN (\(Self.inOutbox("d.seq", "d", where: "d.subscription_id = :subscription AND d.due_at IS NOT NULL AND d.due_at <= :now")))
                RETURNING \(Self.claimColumns)
                """)
            for (id, target) in targets where target.digest != .immediate {
                deliveries += try Row.fetchAll(rest, arguments: ["lease": leaseUntil.millis, "now": now.millis, "subscription": id])
                    .map(self.delivery(claimRow:))
            }
            return try self.prepare(db, deliveries, payloads: payloads, targets: targets, now: now)
        }
    }

    /// The deliveries of claimed rows (`claimColumns`) in publication order, which the worker keeps within each
    /// subscription, and the data of events that are not an alert revision (an acknowledgement), by delivery id.
    func claimed(_ rows: [Row]) throws -> (deliveries: [Delivery], payloads: [String: String]) {
        let deliveries = try rows.map { (seq: $0[0] as Int64, delivery: try self.delivery(claimRow: $0)) }
            .sorted { $0.seq < $1.seq }.map(\.delivery)
        var payloads: [String: String] = [:]
        for row in rows { if let payload: String = row[Self.claimPayloadColumn] { payloads[row[1]] = payload } }
        return (deliveries, payloads)
    }

    /// Where and how a subscription's deliveries go, read when they are claimed.
    struct SendTarget {
        var target: String
        var secrets: [SubscriptionSecret]
        var active: Bool
        var clearance: TLP
        var region: String?
        var name: String
        var locale: String
        var digest: DigestMode
        var addresses: [String]
        /// The organisation is flagged compromised and the subscription is not its out-of-band one.
        var laneClosed: Bool
        var statedIndicatorsOnly: Bool
    }

    /// The subscriptions' targets, secrets and organisations as they are now.
    ///
    /// The organisation's clearance and region are read again at send time: an organisation whose clearance was
    /// lowered since routing never receives what it may no longer read.
    static func sendTargets(_ db: Database, _ subscriptions: Set<String>, now: Date) throws -> [String: SendTarget] {
        var targets: [String: SendTarget] = [:]
        // One query per 500 subscriptions rather than one per subscription.
        for (chunk, marks) in inLists(Array(subscriptions)) {
            var arguments = StatementArguments([now.millis])
            arguments += StatementArguments(chunk)
            // Read by position: hundreds of rows per claim.
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.id, s.target, s.secret, s.active, s.unsubscribe_token, s.digest, o.tlp_rank, o.region, o.name, o.locale, o.contacts,
                    o.compromised, json_extract(s.filter, '$.statedIndicatorsOnly'), CASE WHEN s.previous_secret_until > ? THEN s.previous_secret END
                FROM subscriptions s JOIN organisations o ON o.id = s.org_id
                WHERE s.id IN (\(marks))
                """, arguments: arguments)
            for row in rows {
                let id: String = row[0]
                let target: String = row[1]
                // A role names whoever holds it when the message leaves, not when the subscription was made.
                let addresses = RoleAddress.isRoleTarget(target)
                    ? RoleAddress.addresses(for: target, contacts: (try? decodeJSON([Contact].self, row[10] as String)) ?? []) : [target]
                // Newest first: the signing secret and, while a rotation's overlap lasts, the one it replaced; the
                // unsubscribe token.
                var secrets: [SubscriptionSecret] = []
                if let secret: String = row[2] { secrets.append(SubscriptionSecret(.signing, secret)) }
                if let previous: String = row[13] { secrets.append(SubscriptionSecret(.signing, previous)) }
                if let token: String = row[4] { secrets.append(SubscriptionSecret(.unsubscribe, token)) }
                targets[id] = SendTarget(
                    target: target, secrets: secrets, active: row[3], clearance: TLP(rank: row[6]) ?? .clear, region: row[7],
                    name: row[8], locale: row[9], digest: DigestMode(rawValue: row[5]) ?? .immediate, addresses: addresses,
                    // The exit check of the out-of-band rule, as routing applies it (`RoutableSubscription.laneOpen`):
                    // an organisation flagged compromised since routing is reached out of band only.
                    laneClosed: ((row[11] as Bool?) ?? false) != (target == RoleAddress.outOfBandTarget),
                    statedIndicatorsOnly: (row[12] as Int64?) == 1)
            }
        }
        return targets
    }

    /// A claimed delivery that is not to be sent after all, and why: it is dead, and releases what waited behind it.
    struct Abandoned {
        var delivery: Delivery
        var reason: String
    }

    /// What sending claimed deliveries needs (their targets, the alert revisions); those that are not to be sent
    /// (subscription gone or disabled, organisation compromised, revision unreadable, clearance or region refused)
    /// are recorded dead (`abandon`).
    func prepare(_ db: Database, _ deliveries: [Delivery], payloads: [String: String], targets: [String: SendTarget],
                 now: Date) throws -> [ClaimedDelivery] {
        var documents: [String: (json: [UInt8], alert: Alert)?] = [:]
        let revisionStatement = try db.cachedStatement(sql: "SELECT doc FROM alert_revisions WHERE alert_id = ? AND revision = ?")
        for delivery in deliveries where documents["\(delivery.alertId)#\(delivery.revision)"] == nil {
            let key = "\(delivery.alertId)#\(delivery.revision)"
            // A document that no longer decodes fails its own deliveries, never the whole batch.
            documents[key] = try String.fetchOne(revisionStatement, arguments: [delivery.alertId, delivery.revision])
                .flatMap { doc in (try? decodeJSON(Alert.self, doc)).map { (Array(doc.utf8), $0) } }
        }

        var claimed: [ClaimedDelivery] = []
        var annotations: [String: String?] = [:]
        var statedOnly: [String: [UInt8]] = [:]
        var abandoned: [Abandoned] = []
        for delivery in deliveries {
            guard let target = targets[delivery.subscriptionId], target.active else {
                abandoned.append(Abandoned(delivery: delivery, reason: targets[delivery.subscriptionId] == nil ? "subscription deleted" : "subscription disabled"))
                continue
            }
            if target.laneClosed {
                abandoned.append(Abandoned(delivery: delivery, reason: "organisation compromised: reached out of band only"))
                continue
            }
            guard let document = documents["\(delivery.alertId)#\(delivery.revision)"] ?? nil else {
                abandoned.append(Abandoned(delivery: delivery, reason: "alert revision missing or unreadable"))
                continue
            }
            if let refusal = document.alert.refusal(clearance: target.clearance, region: target.region) {
                abandoned.append(Abandoned(delivery: delivery, reason: refusal))
                continue
            }
            if delivery.event != Delivery.alertEvent {
                guard let payload = payloads[delivery.id] else {
                    abandoned.append(Abandoned(delivery: delivery, reason: "event data missing"))
                    continue
                }
                claimed.append(ClaimedDelivery(delivery: delivery, target: target.target, alertJSON: Array(payload.utf8),
                                               eventType: delivery.event, eventTime: delivery.createdAt, orgName: target.name,
                                               locale: target.locale, digest: .immediate, secrets: target.secrets, addresses: target.addresses))
                continue
            }
            // A subscription that takes stated indicators only gets the revision without the extracted ones.
            var json = document.json
            if target.statedIndicatorsOnly {
                let key = "\(delivery.alertId)#\(delivery.revision)"
                if let stripped = statedOnly[key] { json = stripped } else {
                    let alert = document.alert.keepingStatedIndicators()
                    if alert != document.alert { json = Array(try encodeJSON(alert).utf8) }
                    statedOnly[key] = json
                }
            }
            claimed.append(ClaimedDelivery(delivery: delivery, target: target.target, alertJSON: json,
                                           eventType: document.alert.eventType, eventTime: document.alert.updatedAt,
                                           orgName: target.name, locale: target.locale, digest: target.digest,
                                           concerns: delivery.concerns, secrets: target.secrets, addresses: target.addresses))
            claimed[claimed.count - 1].alertStatus = document.alert.status
            claimed[claimed.count - 1].alertPublishedAt = document.alert.publishedAt
            if annotations[delivery.alertId] == nil { annotations[delivery.alertId] = .some(try Self.annotation(db, alertId: delivery.alertId)?.text) }
            claimed[claimed.count - 1].annotation = annotations[delivery.alertId] ?? nil
        }
        try Self.abandon(db, abandoned, now: now)
        return claimed
    }

    /// Marks abandoned deliveries dead, if this claim still holds them, and releases what waited behind them.
    static func abandon(_ db: Database, _ abandoned: [Abandoned], now: Date) throws {
        guard !abandoned.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            UPDATE deliveries SET state = 'dead', due_at = NULL, lease_until = NULL, last_error = ?, updated_at = ?
            WHERE id = ? AND state = 'in_flight' AND attempts = ?
            """)
        for item in abandoned { try statement.execute(arguments: [item.reason, now.millis, item.delivery.id, item.delivery.attempts]) }
        for subscription in Set(abandoned.map(\.delivery.subscriptionId)) { try releaseSuccessors(db, subscriptionId: subscription, now: now) }
    }

    public func adoptNewDeliveries(_ adoption: DeliveryAdoption?) {
        self.adoption.withLock { $0 = adoption }
    }

    public func claimedDeliveries(ids: [String], leaseUntil: Date, now: Date) async throws -> [ClaimedDelivery] {
        guard !ids.isEmpty else { return [] }
        // In the writer, as a claim: the publish already took these deliveries under the worker's lease, so this is
        // reading, but its page cache is the one that holds them (reading them through another connection cost 10 MB
        // more at 50,000). Only those still held by that lease are returned; one that a restart or another claim took
        // since is no longer ours.
        return try await pool.write { db in
            var rows: [Row] = []
            for (chunk, marks) in Self.inLists(ids) {
                var arguments = StatementArguments([leaseUntil.millis])
                arguments += StatementArguments(chunk)
                rows += try Row.fetchAll(db, sql: """
                    SELECT \(Self.claimColumns) FROM deliveries WHERE state = 'in_flight' AND attempts = 1 AND lease_until = ? AND id IN (\(marks))
                    """, arguments: arguments)
            }
            let (deliveries, payloads) = try self.claimed(rows)
            let targets = try Self.sendTargets(db, Set(deliveries.map(\.subscriptionId)), now: now)
            return try self.prepare(db, deliveries, payloads: payloads, targets: targets, now: now)
        }
    }

    public func recordResults(_ results: [DeliveryResult]) async throws {
        guard !results.isEmpty else { return }
        try await pool.write { db in
            // The attempts' history, many rows per statement. An attempt is numbered after every earlier one of the
            // delivery, redeliveries included (a redelivery starts a fresh retry budget, not a fresh history).
            try Self.insertAttempts(db, results.map(\.attempt))
            let lookUp = try db.cachedStatement(sql: "SELECT id, \(Self.reachColumns) FROM deliveries WHERE id = ?")
            // The subscriptions with something waiting behind a delivery of this batch: one look for the whole batch
            // (a fan-out has none), so that only those are released one by one, in the batch's order.
            let finishing = results.filter { $0.machine.state == .delivered || $0.machine.state == .dead }
            let waiting = try Self.subscriptionsWaiting(db, Set(finishing.map(\.subscriptionId)),
                                                        earliest: finishing.map(\.finishedAt).min() ?? Date(),
                                                        latest: finishing.map(\.finishedAt).max() ?? Date())
            var start = 0
            while start < results.count {
                // A run of plain results (nothing to release behind them, no subscription to disable, each delivery
                // once) moves on in one statement; any other result is a run of its own, as its effects follow one
                // another.
                var end = start + 1
                if Self.isPlain(results[start], waiting: waiting) {
                    var ids: Set<String> = [results[start].deliveryId]
                    while end < results.count, end - start < Self.resultRows, Self.isPlain(results[end], waiting: waiting),
                          ids.insert(results[end].deliveryId).inserted {
                        end += 1
                    }
                }
                let run = results[start..<end]
                start = end
                // Only the holder of the current claim may move the delivery on: a worker whose lease expired and was
                // taken over records its attempt but leaves the state to the newer claim.
                let moved = try Self.moveOn(db, run)
                var delivered: [(row: Row, at: Date)] = []
                for result in run where result.machine.state == .delivered {
                    // A newer claim may hold the delivery (the update then returns nothing): the receiver still got
                    // this attempt.
                    if let row = try moved[result.deliveryId] ?? Row.fetchOne(lookUp, arguments: [result.deliveryId]) {
                        delivered.append((row, result.finishedAt))
                    }
                }
                try Self.noteDelivered(db, delivered)
                for result in run {
                    // A delivery that is done (sent or dead) releases what waited behind it in its subscription, at once.
                    if result.machine.state == .delivered || result.machine.state == .dead, waiting.contains(result.subscriptionId) {
                        try Self.releaseSuccessors(db, subscriptionId: result.subscriptionId, now: result.finishedAt)
                    }
                    if case .disableSubscription(let reason) = result.action {
                        try db.execute(sql: "UPDATE subscriptions SET active = 0, disabled_reason = ?, updated_at = ? WHERE id = ?",
                                       arguments: [reason, result.finishedAt.millis, result.subscriptionId])
                        try db.execute(sql: """
                            UPDATE deliveries INDEXED BY deliveries_waiting
                            SET state = 'dead', due_at = NULL, lease_until = NULL, last_error = 'subscription disabled: ' || ?, updated_at = ?
                            WHERE subscription_id = ? AND \(Self.waitingState)
                            """, arguments: [reason, result.finishedAt.millis, result.subscriptionId])
                        logger.warning("subscription disabled", metadata: ["subscription": "\(result.subscriptionId)", "reason": "\(reason)"])
                    }
                }
            }
        }
    }

    /// A result whose effects are its delivery's new state and reach alone: nothing waits behind it to be released and
    /// it disables no subscription.
    static func isPlain(_ result: DeliveryResult, waiting: Set<String>) -> Bool {
        if case .disableSubscription = result.action { return false }
        let done = result.machine.state == .delivered || result.machine.state == .dead
        return !(done && waiting.contains(result.subscriptionId))
    }

    /// A result's new state as the statements of `recordResults` take it: state, due and next attempt dates, last
    /// error and status, when it finished, when it was delivered, the delivery and the attempt its claim holds.
    static func stateArguments(_ result: DeliveryResult) -> StatementArguments {
        let machine = result.machine
        let next = machine.nextAttemptAt?.millis
        let deliveredAt: Int64? = machine.state == .delivered ? result.finishedAt.millis : nil
        var lastError = result.attempt.error
        switch result.action {
        case .markDead(let reason), .disableSubscription(let reason): lastError = reason
        default: break
        }
        return [machine.state.rawValue, next, next, lastError, result.attempt.status, result.finishedAt.millis, deliveredAt,
                result.deliveryId, machine.attempts]
    }

    /// Moves plain results' deliveries on in one statement, each only if its claim still holds it (in flight, at the
    /// attempt the result is for), and returns those it moved by delivery id: each row the id, then the reach columns
    /// (`reachColumns`), as `noteDelivered` reads them.
    static func moveOn(_ db: Database, _ results: ArraySlice<DeliveryResult>) throws -> [String: Row] {
        func sql(_ rows: Int) -> String {
            """
            UPDATE deliveries SET state = r.column1, due_at = r.column2, next_attempt_at = r.column3, lease_until = NULL, last_error = r.column4,
                last_status = r.column5, updated_at = r.column6, delivered_at = COALESCE(r.column7, deliveries.delivered_at)
            FROM (VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", "))) AS r
            WHERE deliveries.id = r.column8 AND deliveries.state = 'in_flight' AND deliveries.attempts = r.column9
            RETURNING id, \(reachColumns)
            """
        }
        var moved: [String: Row] = [:], start = results.startIndex
        for rows in preparedSizes(results.count) {
            var arguments = StatementArguments()
            for result in results[start..<start + rows] { arguments += stateArguments(result) }
            for row in try Row.fetchAll(db.cachedStatement(sql: sql(rows)), arguments: arguments) { moved[row[0]] = row }
            start += rows
        }
        return moved
    }

    /// Results moved on, and attempts written, per statement at most (9 values each at most, far below SQLite's limit
    /// on variables).
    static let resultRows = 128

    /// `count` rows as the statements of many rows that write them take them: 128, 32, 8 or 1 at a time, so that
    /// the few statements this needs stay prepared, whatever the size of a batch. Results come in batches of any
    /// size: a burst, where every subscription has more waiting, breaks them into runs of a few, and compiling a
    /// statement for each run cost more than the rows it wrote.
    static func preparedSizes(_ count: Int) -> [Int] {
        var sizes: [Int] = [], left = count
        for size in [resultRows, 32, 8, 1] {
            while left >= size {
                sizes.append(size)
                left -= size
            }
        }
        return sizes
    }

    /// Writes attempts' history rows, in the statement sizes of `preparedSizes`.
    static func insertAttempts(_ db: Database, _ attempts: [DeliveryAttempt]) throws {
        func sql(_ rows: Int) -> String {
            "INSERT INTO delivery_attempts (delivery_id, number, started_at, duration_ms, outcome, status, error) VALUES "
                + Array(repeating: "(?, MAX(?, (SELECT COALESCE(MAX(number), 0) + 1 FROM delivery_attempts WHERE delivery_id = ?)), ?, ?, ?, ?, ?)",
                        count: rows).joined(separator: ", ")
        }
        var start = 0
        for rows in preparedSizes(attempts.count) {
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity(rows * 8)
            for a in attempts[start..<start + rows] {
                values += [a.deliveryId, a.number, a.deliveryId, a.startedAt.millis, a.durationMs, a.outcome, a.status, a.error]
            }
            try db.cachedStatement(sql: sql(rows)).execute(arguments: StatementArguments(values))
            start += rows
        }
    }

    /// `ids` in chunks of at most 500 (far below SQLite's limit on variables), each with the placeholders of its
    /// `IN (…)` list.
    static func inLists(_ ids: [String]) -> [(ids: [String], marks: String)] {
        stride(from: 0, to: ids.count, by: 500).map { start in
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            return (chunk, Array(repeating: "?", count: chunk.count).joined(separator: ", "))
        }
    }

    /// Of `subscriptions`, those with a delivery that a delivery finished between `earliest` and `latest` may release
    /// (`releaseSuccessors`): a superset, read once for a batch of results.
    static func subscriptionsWaiting(_ db: Database, _ subscriptions: Set<String>, earliest: Date, latest: Date) throws -> Set<String> {
        guard !subscriptions.isEmpty else { return [] }
        var waiting: Set<String> = []
        for (chunk, marks) in inLists(Array(subscriptions)) {
            // The condition's placeholders are bound once for each part of `inOutbox`.
            var once = StatementArguments(chunk)
            once += [earliest.millis, latest.millis]
            var arguments = once
            arguments += once
            waiting.formUnion(try String.fetchAll(db, sql: Self.inOutbox("d.subscription_id", "d", where: """
                d.subscription_id IN (\(marks)) AND d.due_at > ? AND (d.state != 'in_flight' OR d.lease_until <= ?)
                """), arguments: arguments))
        }
        return waiting
    }


    public func nextDueDate(channels: Set<Channel>) async throws -> Date? {
        guard !channels.isEmpty else { return nil }
        let channelList = Self.sqlList(channels)
        return try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(due_at) FROM deliveries WHERE due_at IS NOT NULL AND channel IN (\(channelList))")
                .map(Date.init(millis:))
        }
    }

    public func delivery(id: String) async throws -> Delivery? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.ledgerColumns) WHERE d.id = ?", arguments: [id]).map(self.delivery(from:))
        }
    }

    public func deliveries(_ query: DeliveryQuery) async throws -> Page<Delivery> {
        let after = try Cursor.decode(query.page.cursor) ?? 0
        var clauses = ["d.seq > ?"]
        var arguments: StatementArguments = [after]
        if let alertId = query.alertId { clauses.append("d.alert_id = ?"); arguments += [alertId] }
        if let orgId = query.orgId { clauses.append("d.org_id = ?"); arguments += [orgId] }
        if let subscriptionId = query.subscriptionId { clauses.append("d.subscription_id = ?"); arguments += [subscriptionId] }
        if let state = query.state { clauses.append("d.state = ?"); arguments += [state.rawValue] }
        arguments += [query.page.limit + 1]
        let sql = "SELECT \(Self.ledgerColumns) WHERE \(clauses.joined(separator: " AND ")) ORDER BY d.seq LIMIT ?"
        let limit = query.page.limit
        let finalArguments = arguments
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: finalArguments)
            return Page(items: try rows.prefix(limit).map(self.delivery(from:)),
                        nextCursor: rows.count > limit ? String(rows[limit - 1]["seq"] as Int64) : nil)
        }
    }

    public func attempts(deliveryId: String) async throws -> [DeliveryAttempt] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY rowid", arguments: [deliveryId]).map { row in
                DeliveryAttempt(deliveryId: row["delivery_id"], number: row["number"], startedAt: row.date("started_at") ?? Date(),
                                durationMs: row["duration_ms"], outcome: row["outcome"], status: row["status"], error: row["error"])
            }
        }
    }

    public func redeliver(id: String, now: Date) async throws -> Delivery {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM deliveries WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("delivery \(id)")
            }
            var delivery = try self.delivery(from: row)
            var machine = DeliveryMachine(delivery)
            do {
                _ = try machine.redeliver(now: now)
            } catch {
                throw StoreError.conflict("delivery \(id) is \(delivery.state.rawValue); only dead or delivered deliveries can be redelivered")
            }
            if let doc = try String.fetchOne(db, sql: "SELECT doc FROM alert_revisions WHERE alert_id = ? AND revision = ?",
                                             arguments: [delivery.alertId, delivery.revision]),
               let alert = try? decodeJSON(Alert.self, doc),
               let org = try Row.fetchOne(db, sql: "SELECT tlp_rank, region FROM organisations WHERE id = ?", arguments: [delivery.orgId]),
               let refusal = alert.refusal(clearance: TLP(rank: org["tlp_rank"]) ?? .clear, region: org["region"]) {
                throw StoreError.conflict("delivery \(id) cannot be sent again: \(refusal)")
            }
            if let active = try Bool.fetchOne(db, sql: "SELECT active FROM subscriptions WHERE id = ?", arguments: [delivery.subscriptionId]), !active {
                try db.execute(sql: "UPDATE subscriptions SET active = 1, disabled_reason = NULL, updated_at = ? WHERE id = ?",
                               arguments: [now.millis, delivery.subscriptionId])
            }
            try db.execute(sql: """
                UPDATE deliveries SET state = ?, attempts = ?, due_at = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ? WHERE id = ?
                """, arguments: [machine.state.rawValue, machine.attempts, now.millis, now.millis, now.millis, id])
            delivery.state = machine.state
            delivery.attempts = machine.attempts
            delivery.nextAttemptAt = now
            delivery.updatedAt = now
            return delivery
        }
    }

    public func deliveryCounts() async throws -> [DeliveryState: Int] {
        try await pool.read { db in
            // No index holds every delivery's state: those still to be sent are counted through the outbox's partial
            // indexes, dead and superseded ones through theirs, and the delivered ones are the rest of the total (which
            // SQLite counts from an index's pages without reading a row). One read transaction: the parts add up.
            var counts: [DeliveryState: Int] = [:]
            let parts = try Row.fetchAll(db, sql: """
                SELECT state, COUNT(*) AS n FROM (\(Self.inOutbox("d.state", "d", where: "1"))) GROUP BY state
                UNION ALL
                SELECT state, COUNT(*) AS n FROM deliveries INDEXED BY deliveries_unsent WHERE \(Self.unsent) GROUP BY state
                """)
            for row in parts {
                if let state = DeliveryState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries") ?? 0
            let delivered = total - counts.values.reduce(0, +)
            if delivered > 0 { counts[.delivered] = delivered }
            return counts
        }
    }

    public func reclaimAbandonedDeliveries(now: Date) async throws -> Int {
        try await pool.write { db in
            // Nothing is in flight any more: each claim becomes a retry due now. It keeps its attempt count (the
            // attempt may have reached the receiver) and its id, so a receiver that got it sees the same webhook-id
            // again; as a retry, it still holds later deliveries of its subscription back until it is sent.
            try db.execute(sql: """
                UPDATE deliveries SET state = 'retry_scheduled', due_at = :now, next_attempt_at = :now, lease_until = NULL, updated_at = :now
                WHERE state = 'in_flight'
                """, arguments: ["now": now.millis])
            return db.changesCount
        }
    }

    public func release(_ deliveries: [Delivery], now: Date) async throws {
        guard !deliveries.isEmpty else { return }
        try await pool.write { db in
            // Only the claim this worker still holds is handed back, as if it had never been taken.
            let statement = try db.cachedStatement(sql: """
                UPDATE deliveries SET state = CASE WHEN attempts > 1 THEN 'retry_scheduled' ELSE 'pending' END, attempts = attempts - 1,
                    due_at = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ?
                WHERE id = ? AND state = 'in_flight' AND attempts = ?
                """)
            for delivery in deliveries {
                try statement.execute(arguments: [now.millis, now.millis, now.millis, delivery.id, delivery.attempts])
            }
        }
    }

    /// The deliveries that hold back later ones of their subscription, so that each subscription receives its
    /// deliveries in publication order: those being sent and those waiting for a retry. Subscriptions still go in
    /// parallel; within one, the worker sends what one claim took in order.
    ///
    /// An attempt whose lease ran out (a crash) holds nothing: it is claimable again with what follows it. A delivery
    /// holds its subscription back for `orderHold` at most: past it, later alerts go through rather than wait
    /// days behind one payload a receiver keeps refusing. Its first term is the condition of the partial index
    /// `deliveries_holding` (subscription, sequence), which the queries that use it name.
    static let holding = """
        \(holdingState) AND (state = 'retry_scheduled' OR lease_until > :now)
            AND created_at > :now - \(Int64(orderHold * 1000))
        """

    /// The outbox's two partial indexes by (subscription, sequence), apart from the subscription's history: what
    /// waits or is to be retried (`deliveries_waiting`), what is being sent or to be retried (`deliveries_holding`).
    /// Each condition is written exactly as its index's, which SQLite uses only for a query that states it.
    static let waitingState = "state IN ('pending', 'retry_scheduled')"
    static let holdingState = "state IN ('in_flight', 'retry_scheduled')"

    /// A compound `SELECT` of `columns` from the outbox's deliveries (waiting, being sent, to be retried: every one
    /// has a due date) that meet `condition`, read through the two partial indexes and never the ledger. `alias`
    /// names the deliveries in `columns` and `condition`; a condition's `?` are bound twice, once per part.
    static func inOutbox(_ columns: String, _ alias: String, where condition: String) -> String {
        """
        SELECT \(columns) FROM deliveries \(alias) INDEXED BY deliveries_waiting WHERE \(alias).\(waitingState) AND \(condition)
        UNION ALL
        SELECT \(columns) FROM deliveries \(alias) INDEXED BY deliveries_holding
            WHERE \(alias).\(holdingState) AND \(alias).state = 'in_flight' AND \(condition)
        """
    }

    /// The deliveries that ended without being sent, as the condition of their partial index `deliveries_unsent`.
    static let unsent = "state IN ('dead', 'superseded')"

    /// How long one delivery may hold back the later ones of its subscription.
    static let orderHold: TimeInterval = 6 * 3_600

    /// What of a delivery its reach line is found and noted by, in the order `noteDelivered` reads them (after the id).
    static let reachColumns = "alert_id, org_id, subscription_id, channel, event"

    /// Notes the first delivery of an alert to an organisation, on whichever channel, in its reach: for each delivery
    /// in order, a row of its id then its `reachColumns`, and when it was delivered. One statement for them
    /// all, by key, so that a fan-out's results cost the same whatever the reach holds; the first of each alert and
    /// organisation is the one its line keeps. Only an alert revision counts; the ledger is this step's history,
    /// `reach_events` keeps the readers' steps.
    static func noteDelivered(_ db: Database, _ delivered: [(row: Row, at: Date)]) throws {
        var seen: Set<[String]> = [], notes: [StatementArguments] = []
        for (row, at) in delivered where (row[5] as String) == Delivery.alertEvent {
            let alertId: String = row[1], orgId: String = row[2]
            guard seen.insert([alertId, orgId]).inserted else { continue }
            notes.append([alertId, orgId, at.millis, row[3] as String, row[4] as String])
        }
        var start = 0
        for rows in preparedSizes(notes.count) {
            var arguments = StatementArguments()
            for note in notes[start..<start + rows] { arguments += note }
            try db.cachedStatement(sql: """
                UPDATE alert_reach SET delivered_at = r.column3, delivered_by = 'subscription:' || r.column4, delivered_channel = r.column5
                FROM (VALUES \(Array(repeating: "(?, ?, ?, ?, ?)", count: rows).joined(separator: ", "))) AS r
                WHERE alert_reach.alert_id = r.column1 AND alert_reach.org_id = r.column2 AND alert_reach.delivered_at IS NULL
                """).execute(arguments: arguments)
            start += rows
        }
    }

    /// Makes the next `successorsReleased` of what waited behind a finished delivery of an immediate subscription
    /// due now, in publication order.
    ///
    /// Never past an earlier delivery of the subscription still being sent (the rest of a claim sent in order): that
    /// one releases them when it is done, and if its worker dies, they stay behind it rather than fall due before it.
    ///
    /// Only the next few: the claim that takes them holds the rest back again, and releasing everything each time
    /// rewrote a subscription's whole backlog once per delivery sent (a burst of N alerts cost N²/2 row updates per
    /// subscription). What is not released yet still falls due when the delay it was given runs out.
    static func releaseSuccessors(_ db: Database, subscriptionId: String, now: Date) throws {
        try db.cachedStatement(sql: """
            UPDATE deliveries SET due_at = :now, next_attempt_at = CASE WHEN state = 'retry_scheduled' THEN :now ELSE next_attempt_at END
            WHERE seq IN (SELECT seq FROM (\(inOutbox("d.seq", "d", where: """
                    d.subscription_id = :subscription AND d.due_at > :now AND (d.state != 'in_flight' OR d.lease_until <= :now)
                    AND NOT EXISTS (SELECT 1 FROM deliveries e INDEXED BY deliveries_holding WHERE e.subscription_id = d.subscription_id
                        AND e.\(holdingState) AND e.seq < d.seq AND e.state = 'in_flight' AND e.lease_until > :now)
                    """))) ORDER BY seq LIMIT \(successorsReleased))
                AND EXISTS (SELECT 1 FROM subscriptions WHERE id = :subscription AND digest = 'immediate')
            """).execute(arguments: ["now": now.millis, "subscription": subscriptionId])
    }

    /// How many waiting deliveries a finished one releases: what the worker sends of one subscription in one go with
    /// the default lease and timeout (60 s and 15 s: three attempts, each within the lease).
    static let successorsReleased = 3

    /// Channels as an SQL list (`'email', 'webhook'`). Their names are declared by the channels, never input; each is
    /// still written as an SQL string literal, its quotes doubled.
    static func sqlList(_ channels: Set<Channel>) -> String {
        channels.map { "'\($0.rawValue.replacingOccurrences(of: "'", with: "''"))'" }.sorted().joined(separator: ", ")
    }

    /// A delivery row with, for the ledger, its organisation's name and its subscription's target.
    static let ledgerColumns = """
        d.*, o.name AS ledger_org_name, s.target AS ledger_target FROM deliveries d
        LEFT JOIN organisations o ON o.id = d.org_id LEFT JOIN subscriptions s ON s.id = d.subscription_id
        """

    /// A row's channel: one this version knows, or a loud error, never silently another channel.
    func channel(_ row: Row) throws -> Channel {
        try channels.known(row["channel"])
    }

    /// The columns a claim returns, in the order `delivery(claimRow:)` reads them: by position, since GRDB finds a
    /// column by name by comparing it, lowercased, with each column's, and a claim reads hundreds of rows.
    static let claimColumns = """
        seq, id, alert_id, revision, subscription_id, org_id, channel, state, attempts, next_attempt_at, lease_until, last_error,
        last_status, created_at, updated_at, delivered_at, concerns, event, payload
        """

    /// The position of `payload` in `claimColumns`.
    static let claimPayloadColumn = 18

    /// A delivery from a row of `claimColumns`.
    func delivery(claimRow row: Row) throws -> Delivery {
        func date(_ index: Int) -> Date? { (row[index] as Int64?).map(Date.init(millis:)) }
        var delivery = Delivery(
            id: row[1], alertId: row[2], revision: row[3], subscriptionId: row[4], orgId: row[5], channel: try channels.known(row[6]),
            state: DeliveryState(rawValue: row[7]) ?? .pending, attempts: row[8], nextAttemptAt: date(9), leaseUntil: date(10),
            lastError: row[11], lastStatus: row[12], createdAt: date(13) ?? Date(), updatedAt: date(14) ?? Date(), deliveredAt: date(15),
            concerns: (row[16] as String?).flatMap { try? decodeJSON([InventoryConcern].self, $0) } ?? []
        )
        delivery.event = row[17] ?? Delivery.alertEvent
        return delivery
    }

    func delivery(from row: Row) throws -> Delivery {
        var delivery = Delivery(
            id: row["id"], alertId: row["alert_id"], revision: row["revision"], subscriptionId: row["subscription_id"],
            orgId: row["org_id"], channel: try channel(row),
            state: DeliveryState(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
            nextAttemptAt: row.date("next_attempt_at"), leaseUntil: row.date("lease_until"), lastError: row["last_error"],
            lastStatus: row["last_status"], createdAt: row.date("created_at") ?? Date(), updatedAt: row.date("updated_at") ?? Date(),
            deliveredAt: row.date("delivered_at"),
            concerns: (row["concerns"] as String?).flatMap { try? decodeJSON([InventoryConcern].self, $0) } ?? []
        )
        delivery.event = row["event"] ?? Delivery.alertEvent
        if row.hasColumn("ledger_org_name") {
            delivery.orgName = row["ledger_org_name"]
            delivery.target = row["ledger_target"]
        }
        return delivery
    }
}
