import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func createOrganisation(_ org: Organisation) async throws {
        let contacts = try encodeJSON(org.contacts)
        try await pool.write { db in try Self.insert(org, contacts: contacts, db) }
    }

    static func insert(_ org: Organisation, contacts: String, _ db: Database) throws {
        try Self.refusingTakenFINESS(org) {
            try db.execute(sql: """
                INSERT INTO organisations (id, name, kind, region, tlp_rank, locale, contacts, compromised, finess, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [org.id, org.name, org.kind.rawValue, org.regionScope, org.tlpClearance.rank, org.locale, contacts,
                                 org.compromised, org.finess, org.createdAt.millis, org.updatedAt.millis])
        }
    }

    static func update(_ org: Organisation, contacts: String, _ db: Database) throws {
        try Self.refusingTakenFINESS(org) {
            try db.execute(sql: """
                UPDATE organisations SET name = ?, kind = ?, region = ?, tlp_rank = ?, locale = ?, contacts = ?, compromised = ?, finess = ?,
                    updated_at = ?
                WHERE id = ?
                """, arguments: [org.name, org.kind.rawValue, org.regionScope, org.tlpClearance.rank, org.locale, contacts,
                                 org.compromised, org.finess, org.updatedAt.millis, org.id])
        }
        if db.changesCount == 0 { throw StoreError.notFound("organisation \(org.id)") }
    }

    /// Runs a write, turning the unique index on FINESS numbers into a conflict that names the number.
    static func refusingTakenFINESS(_ org: Organisation, _ write: () throws -> Void) throws {
        do {
            try write()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && error.message?.contains("finess") == true {
            throw StoreError.conflict("FINESS number \(org.finess ?? "") is already another organisation's")
        }
    }

    public func importOrganisations(creating created: [Organisation], updating updated: [Organisation]) async throws {
        let created = try created.map { ($0, try encodeJSON($0.contacts)) }
        let updated = try updated.map { ($0, try encodeJSON($0.contacts)) }
        // One transaction: a file is imported whole or not at all.
        try await pool.write { db in
            for (org, contacts) in updated { try Self.update(org, contacts: contacts, db) }
            for (org, contacts) in created { try Self.insert(org, contacts: contacts, db) }
        }
    }

    public func organisation(id: String) async throws -> Organisation? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM organisations WHERE id = ?", arguments: [id]).map(Self.organisation(from:))
        }
    }

    public func organisations(page: PageRequest) async throws -> Page<Organisation> {
        let after = try Cursor.decode(page.cursor) ?? 0
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM organisations WHERE seq > ? ORDER BY seq LIMIT ?",
                                        arguments: [after, page.limit + 1])
            let items = try rows.prefix(page.limit).map(Self.organisation(from:))
            return Page(items: items, nextCursor: rows.count > page.limit ? String(rows[page.limit - 1]["seq"] as Int64) : nil)
        }
    }

    public func organisations(region: String) async throws -> [Organisation] {
        // A national body's row holds `Region.all`, which is no region's code.
        guard region != Region.all else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM organisations WHERE region = ? ORDER BY seq", arguments: [region]).map(Self.organisation(from:))
        }
    }

    public func updateOrganisation(_ org: Organisation) async throws {
        let contacts = try encodeJSON(org.contacts)
        try await pool.write { db in try Self.update(org, contacts: contacts, db) }
    }

    public func deleteOrganisation(id: String) async throws -> Bool {
        try await pool.write { db in
            let now = Date().millis
            // The ledger outlives the organisation; what was still waiting will not be sent.
            try db.execute(sql: """
                UPDATE deliveries SET state = 'dead', due_at = NULL, lease_until = NULL, last_error = 'organisation deleted', updated_at = ?
                WHERE org_id = ? AND state IN ('pending', 'retry_scheduled', 'in_flight')
                """, arguments: [now, id])
            try db.execute(sql: "DELETE FROM organisations WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// An organisation from its row; the region column holds `Region.all` for a national body, so that routing and
    /// the send-time check read one column.
    static func organisation(from row: Row) throws -> Organisation {
        let region: String? = row["region"]
        return Organisation(
            id: row["id"], name: row["name"], kind: Organisation.Kind(rawValue: row["kind"]) ?? .other,
            region: region == Region.all ? nil : region, tlpClearance: TLP(rank: row["tlp_rank"]) ?? .clear, locale: row["locale"],
            contacts: try decodeJSON([Organisation.Contact].self, row["contacts"]),
            createdAt: row.date("created_at") ?? Date(), updatedAt: row.date("updated_at") ?? Date(), national: region == Region.all,
            compromised: row["compromised"] ?? false, finess: row["finess"]
        )
    }

    // MARK: Tokens

    public func createToken(_ token: APIToken, secret: String) async throws {
        try await pool.write { db in
            if let orgId = token.orgId,
               try Int.fetchOne(db, sql: "SELECT 1 FROM organisations WHERE id = ?", arguments: [orgId]) == nil {
                throw StoreError.notFound("organisation \(orgId)")
            }
            try db.execute(sql: """
                INSERT INTO tokens (id, hash, role, org_id, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [token.id, TokenHash.hash(secret), token.role.rawValue, token.orgId, token.label, token.createdAt.millis,
                                 token.expiresAt?.millis])
        }
    }

    public func principal(forToken secret: String, now: Date) async throws -> Principal? {
        let hash = TokenHash.hash(secret)
        let found = try await pool.read { db -> (Principal, Int64?)? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT t.id, t.role, t.org_id, t.last_used_at, o.tlp_rank FROM tokens t LEFT JOIN organisations o ON o.id = t.org_id
                WHERE t.hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
                """, arguments: [hash, now.millis]),
                let role = Role(rawValue: row["role"]) else { return nil }
            let rank: Int? = row["tlp_rank"]
            return (Principal(tokenId: row["id"], role: role, orgId: row["org_id"], clearance: rank.flatMap(TLP.init(rank:))), row["last_used_at"])
        }
        guard let (principal, lastUsed) = found else { return nil }
        // Last use is kept to the minute: enough to tell a dormant token, without a write on every request.
        if lastUsed.map({ now.millis - $0 >= 60_000 }) ?? true {
            try await pool.write { db in
                try db.execute(sql: "UPDATE tokens SET last_used_at = ? WHERE id = ?", arguments: [now.millis, principal.tokenId])
            }
        }
        return principal
    }

    public func tokenIsActive(id: String, now: Date) async throws -> Bool {
        try await pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT 1 FROM tokens WHERE id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
                """, arguments: [id, now.millis]) != nil
        }
    }

    public func tokens(page: PageRequest) async throws -> Page<APIToken> {
        let after = try Cursor.decode(page.cursor) ?? 0
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM tokens WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, page.limit + 1])
            let items = rows.prefix(page.limit).map(Self.token)
            return Page(items: Array(items), nextCursor: rows.count > page.limit ? String(rows[page.limit - 1]["seq"] as Int64) : nil)
        }
    }

    public func token(id: String) async throws -> APIToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE id = ?", arguments: [id]).map(Self.token)
        }
    }

    public func revokeToken(id: String, now: Date) async throws -> APIToken? {
        try await pool.write { db in
            try db.execute(sql: "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now.millis, id])
            return try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE id = ?", arguments: [id]).map(Self.token)
        }
    }

    /// A token as its row holds it (never its value, which is not stored).
    static func token(_ row: Row) -> APIToken {
        APIToken(id: row["id"], role: Role(rawValue: row["role"]) ?? .subscriber, orgId: row["org_id"], label: row["label"],
                 createdAt: row.date("created_at") ?? Date(), lastUsedAt: row.date("last_used_at"),
                 expiresAt: row.date("expires_at"), revokedAt: row.date("revoked_at"))
    }

    // MARK: Subscriptions

    public func rotateSecret(subscriptionId: String, secret: String, overlapUntil: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE subscriptions SET previous_secret = secret, previous_secret_until = ?, secret = ?, updated_at = ?
                WHERE id = ? AND secret IS NOT NULL
                """, arguments: [overlapUntil.millis, secret, Date().millis, subscriptionId])
            return db.changesCount > 0
        }
    }

    public func createSubscription(_ subscription: Subscription, secret: SubscriptionSecret?) async throws {
        let filter = try encodeJSON(subscription.filter)
        // Each kind of secret has its column: a signing secret is kept to sign, a feed token only as its hash, an
        // unsubscribe token to write into each message.
        let signing = secret?.value(of: .signing), feedToken = secret?.value(of: .feedToken), unsubscribe = secret?.value(of: .unsubscribe)
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM organisations WHERE id = ?", arguments: [subscription.orgId]) != nil else {
                throw StoreError.notFound("organisation \(subscription.orgId)")
            }
            try db.execute(sql: """
                INSERT INTO subscriptions (id, org_id, channel, target, filter, active, disabled_reason, secret, feed_token_hash,
                    unsubscribe_token, digest, acknowledgements, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [subscription.id, subscription.orgId, subscription.channel.rawValue, subscription.target, filter,
                                 subscription.active, subscription.disabledReason, signing, feedToken.map(TokenHash.hash), unsubscribe,
                                 subscription.digest.rawValue, subscription.acknowledgements, subscription.createdAt.millis,
                                 subscription.updatedAt.millis])
        }
    }

    public func subscription(id: String) async throws -> Subscription? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subscriptions WHERE id = ?", arguments: [id]).map(self.subscription(from:))
        }
    }

    public func subscriptions(orgId: String?, page: PageRequest) async throws -> Page<Subscription> {
        let after = try Cursor.decode(page.cursor) ?? 0
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM subscriptions WHERE seq > ? AND (? IS NULL OR org_id = ?) ORDER BY seq LIMIT ?
                """, arguments: [after, orgId, orgId, page.limit + 1])
            let items = try rows.prefix(page.limit).map(self.subscription(from:))
            return Page(items: items, nextCursor: rows.count > page.limit ? String(rows[page.limit - 1]["seq"] as Int64) : nil)
        }
    }

    public func feedSubscriber(token: String) async throws -> (Subscription, Organisation)? {
        let hash = TokenHash.hash(token)
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM subscriptions WHERE feed_token_hash = ?", arguments: [hash]),
                  let org = try Row.fetchOne(db, sql: "SELECT * FROM organisations WHERE id = ?", arguments: [row["org_id"] as String]) else {
                return nil
            }
            return (try self.subscription(from: row), try Self.organisation(from: org))
        }
    }

    public func unsubscribe(token: String, now: Date) async throws -> Subscription? {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM subscriptions WHERE unsubscribe_token = ?", arguments: [token]) else {
                return nil
            }
            try db.execute(sql: """
                UPDATE subscriptions SET active = 0, disabled_reason = 'unsubscribed by the recipient', updated_at = ? WHERE id = ?
                """, arguments: [now.millis, row["id"] as String])
            var subscription = try self.subscription(from: row)
            subscription.active = false
            subscription.disabledReason = "unsubscribed by the recipient"
            return subscription
        }
    }

    public func updateSubscription(_ subscription: Subscription, digestDue: Date) async throws {
        let filter = try encodeJSON(subscription.filter)
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE subscriptions SET target = ?, filter = ?, active = ?, disabled_reason = ?, acknowledgements = ?, updated_at = ? WHERE id = ?
                """, arguments: [subscription.target, filter, subscription.active, subscription.disabledReason, subscription.acknowledgements,
                                 subscription.updatedAt.millis, subscription.id])
            if db.changesCount == 0 { throw StoreError.notFound("subscription \(subscription.id)") }
            try db.execute(sql: "UPDATE subscriptions SET digest = ? WHERE id = ? AND digest != ?",
                           arguments: [subscription.digest.rawValue, subscription.id, subscription.digest.rawValue])
            if db.changesCount > 0 {
                // Deliveries waiting for a digest follow the new schedule.
                let due = digestDue.millis
                try db.execute(sql: """
                    UPDATE deliveries INDEXED BY deliveries_waiting SET due_at = ?, next_attempt_at = ?
                    WHERE subscription_id = ? AND \(Self.waitingState) AND state = 'pending' AND attempts = 0
                    """, arguments: [due, due, subscription.id])
            }
        }
    }

    public func deleteSubscription(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE deliveries SET state = 'dead', due_at = NULL, lease_until = NULL, last_error = 'subscription deleted', updated_at = ?
                WHERE seq IN (\(Self.inOutbox("d.seq", "d", where: "d.subscription_id = ?")))
                """, arguments: [Date().millis, id, id])
            try db.execute(sql: "DELETE FROM subscriptions WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func routableSubscriptions(unlessVersion known: Int64?) async throws -> (version: Int64, subscriptions: [RoutableSubscription]?) {
        try await pool.read { db in try self.routableSubscriptions(db, unlessVersion: known) }
    }

    /// The active subscriptions compiled for routing, unless `routing_state.version` (bumped by triggers on
    /// subscriptions and organisations) is still `known`.
    func routableSubscriptions(_ db: Database, unlessVersion known: Int64?) throws -> (version: Int64, subscriptions: [RoutableSubscription]?) {
        let version = try Int64.fetchOne(db, sql: "SELECT version FROM routing_state WHERE id = 1") ?? 0
        guard version != known else { return (version, nil) }
        let decoder = TocsinJSON.decoder()
        // Sized once: the index is kept for as long as the directory stands, and a doubling array would keep up to
        // half of it unused (and copy it whole at each doubling).
        var compiled: [RoutableSubscription] = []
        compiled.reserveCapacity(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subscriptions WHERE active = 1") ?? 0)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT s.id, s.org_id, s.channel, s.target, s.filter, s.digest, o.tlp_rank, o.region, o.kind, o.compromised
            FROM subscriptions s JOIN organisations o ON o.id = s.org_id
            WHERE s.active = 1 ORDER BY s.seq
            """)
        while let row = try rows.next() {
            let filterText: String = row["filter"]
            let filter = filterText == "{}" ? SubscriptionFilter() : try decoder.decode(SubscriptionFilter.self, from: Data(filterText.utf8))
            let channel = try channel(row)
            let target: String = row["target"]
            compiled.append(RoutableSubscription(
                subscriptionId: row["id"], orgId: row["org_id"], channel: channel,
                clearance: TLP(rank: row["tlp_rank"]) ?? .clear, orgRegion: row["region"], filter: filter,
                digest: DigestMode(rawValue: row["digest"]) ?? .immediate, orgKind: Organisation.Kind(rawValue: row["kind"]),
                orgCompromised: row["compromised"] ?? false, outOfBand: channel.rawValue == "email" && target == RoleAddress.outOfBandTarget))
        }
        return (version, compiled)
    }

    func subscription(from row: Row) throws -> Subscription {
        Subscription(
            id: row["id"], orgId: row["org_id"], channel: try channel(row), target: row["target"],
            filter: try decodeJSON(SubscriptionFilter.self, row["filter"]), active: row["active"],
            disabledReason: row["disabled_reason"], digest: DigestMode(rawValue: row["digest"] ?? "") ?? .immediate,
            acknowledgements: row["acknowledgements"] ?? false,
            createdAt: row.date("created_at") ?? Date(),
            updatedAt: row.date("updated_at") ?? Date()
        )
    }
}
