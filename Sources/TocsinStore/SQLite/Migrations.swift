import GRDB

/// The SQLite schema as named, append-only migrations, run at start. Never edit one that has shipped: add one.
///
/// Dates are INTEGER milliseconds since the Unix epoch (UTC). Documents (alerts, filters, contacts) are JSON text;
/// the columns filtered on are copied out of them and indexed.
enum SQLiteMigrations {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-23-spine") { db in
            try db.execute(sql: """
                CREATE TABLE organisations (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    region TEXT,
                    tlp_rank INTEGER NOT NULL,
                    locale TEXT NOT NULL,
                    contacts TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE tokens (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    hash TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL,
                    org_id TEXT REFERENCES organisations(id) ON DELETE CASCADE,
                    label TEXT,
                    created_at INTEGER NOT NULL,
                    last_used_at INTEGER,
                    revoked_at INTEGER
                );
                CREATE TABLE subscriptions (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                    channel TEXT NOT NULL,
                    target TEXT NOT NULL,
                    filter TEXT NOT NULL,
                    active INTEGER NOT NULL,
                    disabled_reason TEXT,
                    secret TEXT,
                    feed_token_hash TEXT UNIQUE,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX subscriptions_org ON subscriptions(org_id);
                CREATE INDEX subscriptions_active ON subscriptions(active, channel);
                CREATE TABLE alerts (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    source TEXT NOT NULL,
                    source_ref TEXT,
                    revision INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    severity_rank INTEGER NOT NULL,
                    tlp_rank INTEGER NOT NULL,
                    national INTEGER NOT NULL,
                    doc TEXT NOT NULL,
                    published_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX alerts_source_ref ON alerts(source, source_ref);
                CREATE INDEX alerts_tlp_severity ON alerts(tlp_rank, severity_rank);
                CREATE TABLE alert_revisions (
                    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
                    revision INTEGER NOT NULL,
                    doc TEXT NOT NULL,
                    published_at INTEGER NOT NULL,
                    PRIMARY KEY (alert_id, revision)
                );
                CREATE TABLE deliveries (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    alert_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    subscription_id TEXT NOT NULL,
                    org_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    due_at INTEGER,
                    next_attempt_at INTEGER,
                    lease_until INTEGER,
                    last_error TEXT,
                    last_status INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    delivered_at INTEGER,
                    UNIQUE (alert_id, revision, subscription_id)
                );
                CREATE INDEX deliveries_due ON deliveries(due_at) WHERE due_at IS NOT NULL;
                CREATE INDEX deliveries_org ON deliveries(org_id, seq);
                CREATE INDEX deliveries_subscription ON deliveries(subscription_id, state);
                CREATE TABLE delivery_attempts (
                    delivery_id TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    started_at INTEGER NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    status INTEGER,
                    error TEXT
                );
                CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery_id);
                CREATE TABLE routing_state (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
                INSERT INTO routing_state (id, version) VALUES (1, 0);
                CREATE TRIGGER routing_sub_insert AFTER INSERT ON subscriptions BEGIN UPDATE routing_state SET version = version + 1; END;
                CREATE TRIGGER routing_sub_update AFTER UPDATE ON subscriptions BEGIN UPDATE routing_state SET version = version + 1; END;
                CREATE TRIGGER routing_sub_delete AFTER DELETE ON subscriptions BEGIN UPDATE routing_state SET version = version + 1; END;
                CREATE TRIGGER routing_org_update AFTER UPDATE OF region, tlp_rank ON organisations BEGIN UPDATE routing_state SET version = version + 1; END;
                CREATE TRIGGER routing_org_delete AFTER DELETE ON organisations BEGIN UPDATE routing_state SET version = version + 1; END;
                """)
        }
        migrator.registerMigration("2026-11-23-alert-events") { db in
            // One row per published revision, numbered in publication order: the ids of the live stream, so a
            // client resuming with Last-Event-ID gets every revision after the one it last saw.
            try db.execute(sql: """
                CREATE TABLE alert_events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    alert_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    published_at INTEGER NOT NULL,
                    UNIQUE (alert_id, revision)
                );
                INSERT INTO alert_events (alert_id, revision, published_at)
                    SELECT alert_id, revision, published_at FROM alert_revisions ORDER BY published_at, alert_id, revision;
                """)
        }
        migrator.registerMigration("2026-11-23-email-unsubscribe") { db in
            // The one-click unsubscribe link of email subscriptions (RFC 8058): it only turns the subscription off.
            try db.execute(sql: """
                ALTER TABLE subscriptions ADD COLUMN unsubscribe_token TEXT;
                CREATE UNIQUE INDEX subscriptions_unsubscribe ON subscriptions(unsubscribe_token) WHERE unsubscribe_token IS NOT NULL;
                """)
        }
        migrator.registerMigration("2026-11-23-digests") { db in
            // Email subscriptions may gather their alerts into hourly or daily digests.
            try db.execute(sql: "ALTER TABLE subscriptions ADD COLUMN digest TEXT NOT NULL DEFAULT 'immediate'")
        }
        migrator.registerMigration("2026-11-23-ingest") { db in
            // Identities of ingested documents (format:sourceRef, and the references a CAP update or cancel names),
            // so that the same document twice does nothing and a new revision updates the same alert; and the
            // CVEs of each alert, so that a KEV entry finds the alerts it flags.
            try db.execute(sql: """
                CREATE TABLE alert_refs (
                    ref_key TEXT PRIMARY KEY,
                    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE
                );
                CREATE INDEX alert_refs_alert ON alert_refs(alert_id);
                CREATE TABLE alert_cves (
                    cve TEXT NOT NULL,
                    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
                    PRIMARY KEY (cve, alert_id)
                );
                INSERT OR IGNORE INTO alert_cves (cve, alert_id)
                    SELECT cve.value, alerts.id FROM alerts, json_each(alerts.doc, '$.cves') AS cve;
                """)
        }
        migrator.registerMigration("2026-11-23-sources") { db in
            // What each polled source last answered (validators, cursors) and how it fares, kept across restarts.
            try db.execute(sql: """
                CREATE TABLE source_states (
                    name TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("2026-11-23-inventory") { db in
            // What each organisation declares it runs, and on each delivery which of it the alert concerns.
            try db.execute(sql: """
                CREATE TABLE inventories (
                    org_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
                    items TEXT NOT NULL,
                    item_count INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE inventory_state (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
                INSERT INTO inventory_state (id, version) VALUES (1, 0);
                CREATE TRIGGER inventory_org_delete AFTER DELETE ON organisations BEGIN UPDATE inventory_state SET version = version + 1; END;
                ALTER TABLE deliveries ADD COLUMN concerns TEXT;
                """)
        }
        migrator.registerMigration("2026-12-02-alert-publishers") { db in
            // Who published an alert lives beside it, not in the document recipients receive: the token of the
            // current revision for the audit trail, and the publishing organisation, which alone may revise it —
            // taken from the first revision, never from whoever revised it last.
            // Identities an organisation ingested move into its own namespace, so that nobody else's document
            // can name its alerts.
            try db.execute(sql: """
                ALTER TABLE alerts ADD COLUMN published_by TEXT;
                ALTER TABLE alerts ADD COLUMN publisher_org TEXT;
                UPDATE alerts SET published_by = json_extract(doc, '$.publishedBy');
                UPDATE alerts SET publisher_org = (SELECT t.org_id FROM alert_revisions r
                    JOIN tokens t ON t.id = json_extract(r.doc, '$.publishedBy')
                    WHERE r.alert_id = alerts.id AND r.revision = 1);
                UPDATE alerts SET doc = json_remove(doc, '$.publishedBy') WHERE json_type(doc, '$.publishedBy') IS NOT NULL;
                UPDATE alert_revisions SET doc = json_remove(doc, '$.publishedBy') WHERE json_type(doc, '$.publishedBy') IS NOT NULL;
                UPDATE alert_refs SET ref_key = 'org:' || (SELECT publisher_org FROM alerts WHERE alerts.id = alert_refs.alert_id) || ':' || ref_key
                    WHERE (SELECT publisher_org FROM alerts WHERE alerts.id = alert_refs.alert_id) IS NOT NULL;
                """)
        }
        migrator.registerMigration("2026-12-02-token-expiry") { db in
            // Tokens may expire; revoked ones were always refused, now they can be revoked too.
            try db.execute(sql: "ALTER TABLE tokens ADD COLUMN expires_at INTEGER")
        }
        migrator.registerMigration("2026-12-02-audit-log") { db in
            // (With the one-row table /readyz writes to, so that ready means "accepts a write".)
            // One row per action, appended and never changed: the triggers refuse any update or deletion, whatever
            // the code above them does.
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    seq INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    actor TEXT,
                    actor_role TEXT,
                    org_id TEXT,
                    action TEXT NOT NULL,
                    target TEXT,
                    source_address TEXT,
                    outcome TEXT NOT NULL,
                    status INTEGER,
                    detail TEXT
                );
                CREATE INDEX audit_log_actor ON audit_log(actor, seq);
                CREATE INDEX audit_log_target ON audit_log(target, seq);
                CREATE INDEX audit_log_at ON audit_log(at);
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TABLE readiness (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at INTEGER NOT NULL);
                """)
        }
        migrator.registerMigration("2026-12-02-delivery-order") { db in
            // The deliveries that hold back later ones of their subscription until they are sent: few at any time;
            // and the deliveries of an alert, which a newer revision supersedes. (With the webhook secret a rotation
            // replaced, which still signs until its overlap ends.)
            try db.execute(sql: """
                CREATE INDEX deliveries_holding ON deliveries(subscription_id, seq) WHERE state IN ('in_flight', 'retry_scheduled');
                CREATE INDEX deliveries_alert ON deliveries(alert_id, revision);
                ALTER TABLE subscriptions ADD COLUMN previous_secret TEXT;
                ALTER TABLE subscriptions ADD COLUMN previous_secret_until INTEGER;
                """)
        }
        migrator.registerMigration("2026-12-03-inventory-parts") { db in
            // An inventory declared in parts (one per device, site or SBOM), merged into `inventories`, which the
            // matching reads. What was declared whole becomes the part `default`.
            try db.execute(sql: """
                CREATE TABLE inventory_parts (
                    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    items TEXT NOT NULL,
                    item_count INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (org_id, name)
                );
                INSERT INTO inventory_parts (org_id, name, items, item_count, updated_at)
                    SELECT org_id, 'default', items, item_count, updated_at FROM inventories;
                """)
        }
        migrator.registerMigration("2026-12-03-reach") { db in
            // Who knows: one row per alert and organisation it concerns, with the first time it was delivered, seen
            // and acknowledged (and by whom, through which channel); the readers' steps (seen, acknowledged,
            // reopened, escalated) also appended to `reach_events`, the delivery's being in the ledger.
            // The broker's own keys (the one that signs acknowledgement links). Contacts get a role from the list
            // escalation knows (unknown ones become `rssi`) and a stable id.
            try db.execute(sql: """
                CREATE TABLE alert_reach (
                    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
                    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                    concerned_at INTEGER NOT NULL,
                    concerned_revision INTEGER NOT NULL,
                    inventory INTEGER NOT NULL DEFAULT 0,
                    exercise INTEGER NOT NULL DEFAULT 0,
                    delivered_at INTEGER,
                    delivered_by TEXT,
                    delivered_channel TEXT,
                    seen_at INTEGER,
                    seen_by TEXT,
                    seen_by_name TEXT,
                    seen_channel TEXT,
                    acked_at INTEGER,
                    acked_by TEXT,
                    acked_by_name TEXT,
                    acked_channel TEXT,
                    acked_note TEXT,
                    acked_revision INTEGER,
                    PRIMARY KEY (alert_id, org_id)
                );
                CREATE INDEX alert_reach_org ON alert_reach(org_id, alert_id);
                CREATE INDEX alert_reach_unacked ON alert_reach(alert_id) WHERE acked_at IS NULL;
                CREATE TABLE reach_events (
                    seq INTEGER PRIMARY KEY,
                    alert_id TEXT NOT NULL,
                    org_id TEXT NOT NULL,
                    revision INTEGER,
                    step TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    by TEXT,
                    by_name TEXT,
                    channel TEXT,
                    note TEXT
                );
                CREATE INDEX reach_events_alert ON reach_events(alert_id, org_id, seq);
                CREATE TABLE broker_keys (
                    name TEXT PRIMARY KEY,
                    value TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                UPDATE organisations SET contacts = (
                    SELECT json_group_array(json_set(c.value,
                        '$.role', CASE WHEN lower(json_extract(c.value, '$.role')) IN ('rssi', 'deputy', 'oncall', 'director', 'it')
                                       THEN lower(json_extract(c.value, '$.role')) ELSE 'rssi' END,
                        '$.id', COALESCE(json_extract(c.value, '$.id'), lower(hex(randomblob(16))))))
                    FROM json_each(organisations.contacts) AS c)
                WHERE json_array_length(contacts) > 0;
                """)
        }
        migrator.registerMigration("2026-12-03-acknowledgement-events") { db in
            // A webhook subscription may ask for `alert.acknowledged` events when its organisation acknowledges an
            // alert: they go through the outbox like alerts, so deliveries name their event, and an event's data
            // (for what is not an alert revision) is kept with it. SQLite cannot change a UNIQUE constraint in place:
            // the table is copied into one whose key includes the event.
            try db.execute(sql: """
                ALTER TABLE subscriptions ADD COLUMN acknowledgements INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE deliveries_v2 (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    alert_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    subscription_id TEXT NOT NULL,
                    org_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    due_at INTEGER,
                    next_attempt_at INTEGER,
                    lease_until INTEGER,
                    last_error TEXT,
                    last_status INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    delivered_at INTEGER,
                    concerns TEXT,
                    event TEXT NOT NULL DEFAULT 'alert',
                    payload TEXT,
                    UNIQUE (alert_id, revision, subscription_id, event)
                );
                INSERT INTO deliveries_v2 (seq, id, alert_id, revision, subscription_id, org_id, channel, state, attempts, due_at, next_attempt_at,
                    lease_until, last_error, last_status, created_at, updated_at, delivered_at, concerns)
                SELECT seq, id, alert_id, revision, subscription_id, org_id, channel, state, attempts, due_at, next_attempt_at,
                    lease_until, last_error, last_status, created_at, updated_at, delivered_at, concerns FROM deliveries;
                DROP TABLE deliveries;
                ALTER TABLE deliveries_v2 RENAME TO deliveries;
                CREATE INDEX deliveries_due ON deliveries(due_at) WHERE due_at IS NOT NULL;
                CREATE INDEX deliveries_org ON deliveries(org_id, seq);
                CREATE INDEX deliveries_subscription ON deliveries(subscription_id, state);
                CREATE INDEX deliveries_holding ON deliveries(subscription_id, seq) WHERE state IN ('in_flight', 'retry_scheduled');
                CREATE INDEX deliveries_alert ON deliveries(alert_id, revision);
                """)
        }
        migrator.registerMigration("2026-12-03-exercises") { db in
            // The alerts of one drill, found by the exercise id their document carries.
            try db.execute(sql: """
                CREATE INDEX alerts_exercise ON alerts(json_extract(doc, '$.exerciseId')) WHERE json_extract(doc, '$.exerciseId') IS NOT NULL;
                """)
        }
        migrator.registerMigration("2026-12-03-escalation") { db in
            // Escalation policies (an organisation's own, or broker-wide defaults with no organisation), with a
            // version that moves on every edit so that routing reads them again only then; and the steps each
            // alert schedules per organisation, durable rows due at a time and claimed under a lease, at most one
            // per alert, organisation, step and round.
            try db.execute(sql: """
                CREATE TABLE escalation_policies (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    org_id TEXT REFERENCES organisations(id) ON DELETE CASCADE,
                    doc TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX escalation_policies_org ON escalation_policies(org_id);
                CREATE TABLE escalation_state (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
                INSERT INTO escalation_state (id, version) VALUES (1, 0);
                CREATE TRIGGER escalation_policies_org_delete AFTER DELETE ON organisations BEGIN
                    UPDATE escalation_state SET version = version + 1;
                END;
                CREATE TABLE escalation_steps (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
                    org_id TEXT NOT NULL,
                    policy_id TEXT,
                    step INTEGER NOT NULL,
                    round INTEGER NOT NULL,
                    due_at INTEGER NOT NULL,
                    lease_until INTEGER,
                    state TEXT NOT NULL,
                    targets TEXT NOT NULL,
                    after TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    sent_at INTEGER,
                    last_error TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (alert_id, org_id, step, round)
                );
                CREATE INDEX escalation_steps_due ON escalation_steps(due_at) WHERE state IN ('pending', 'in_flight');
                CREATE INDEX escalation_steps_alert ON escalation_steps(alert_id, org_id);
                """)
        }
        migrator.registerMigration("2026-12-03-incidents") { db in
            // The flash lane: incidents declared by establishments (the document, with the columns the queue and
            // the flash alert are found by), their threads, and the sightings peers report (one row per alert,
            // indicator and organisation). An organisation may be flagged compromised; its routing moves then, so
            // the flag bumps the routing version like its region and clearance do.
            try db.execute(sql: """
                CREATE TABLE incidents (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                    status TEXT NOT NULL,
                    flash_alert_id TEXT,
                    doc TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX incidents_org ON incidents(org_id, seq);
                CREATE INDEX incidents_status ON incidents(status, seq);
                CREATE UNIQUE INDEX incidents_flash ON incidents(flash_alert_id) WHERE flash_alert_id IS NOT NULL;
                CREATE TABLE incident_messages (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
                    doc TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX incident_messages_incident ON incident_messages(incident_id, seq);
                CREATE TABLE sightings (
                    seq INTEGER PRIMARY KEY,
                    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
                    indicator_type TEXT NOT NULL,
                    indicator_value TEXT NOT NULL,
                    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                    region TEXT,
                    at INTEGER NOT NULL,
                    UNIQUE (alert_id, indicator_type, indicator_value, org_id)
                );
                ALTER TABLE organisations ADD COLUMN compromised INTEGER NOT NULL DEFAULT 0;
                CREATE TRIGGER routing_org_compromised AFTER UPDATE OF compromised, kind ON organisations BEGIN
                    UPDATE routing_state SET version = version + 1;
                END;
                """)
        }
        migrator.registerMigration("2026-12-03-relay") { db in
            // Between brokers: this broker's stable identity (one row, made at first start); the upstreams added from
            // the command line (their relay token is needed in clear to be sent, like a webhook secret); each
            // upstream's checkpoint (the last stream event handled, written in the transaction that stores what it
            // carried); the annotations a relaying broker adds to an alert, kept apart from its content; and the reach
            // that relaying brokers report back, kept apart from the alert log.
            try db.execute(sql: """
                CREATE TABLE broker_identity (id INTEGER PRIMARY KEY CHECK (id = 1), broker_id TEXT NOT NULL, created_at INTEGER NOT NULL);
                CREATE TABLE upstreams (
                    name TEXT PRIMARY KEY,
                    url TEXT NOT NULL,
                    token TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE relay_checkpoints (
                    upstream TEXT PRIMARY KEY,
                    last_event_id INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE alert_annotations (
                    alert_id TEXT PRIMARY KEY REFERENCES alerts(id) ON DELETE CASCADE,
                    text TEXT NOT NULL,
                    author TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE relayed_reach (
                    alert_id TEXT NOT NULL,
                    reporter_org TEXT NOT NULL,
                    doc TEXT NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (alert_id, reporter_org)
                );
                """)
        }
        migrator.registerMigration("2026-12-03-taxii") { db in
            // The TAXII collections' objects: one row per STIX object version, `date_added` (microseconds) unique and
            // strictly increasing within its collection (a TLP rank), so that a page after a date is one index range.
            // `latest` and `first` mark each object's newest and first version across collections, kept by the writer.
            try db.execute(sql: """
                CREATE TABLE taxii_objects (
                    seq INTEGER PRIMARY KEY,
                    collection INTEGER NOT NULL,
                    date_added INTEGER NOT NULL,
                    stix_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    version TEXT NOT NULL,
                    regions TEXT NOT NULL,
                    latest INTEGER NOT NULL,
                    first INTEGER NOT NULL,
                    doc TEXT NOT NULL,
                    UNIQUE (collection, date_added),
                    UNIQUE (collection, stix_id, version)
                );
                CREATE INDEX taxii_objects_id ON taxii_objects(stix_id, latest);
                CREATE TABLE taxii_state (id INTEGER PRIMARY KEY CHECK (id = 1), event_seq INTEGER NOT NULL);
                INSERT INTO taxii_state (id, event_seq) VALUES (1, 0);
                """)
        }
        migrator.registerMigration("2026-12-03-relay-catchup") { db in
            // Where a catch-up through the upstream's alert log starts (the newest upstream update time seen, in
            // milliseconds), when the last one ended, and the last alert event read from the stream with its time in
            // the upstream's log (sent back on resuming, so that the upstream tells whether its log is still the one
            // the checkpoint was taken in).
            try db.execute(sql: """
                ALTER TABLE relay_checkpoints ADD COLUMN seen_until INTEGER;
                ALTER TABLE relay_checkpoints ADD COLUMN caught_up_at INTEGER;
                ALTER TABLE relay_checkpoints ADD COLUMN check_event_id INTEGER;
                ALTER TABLE relay_checkpoints ADD COLUMN check_event_at INTEGER;
                """)
        }
        migrator.registerMigration("2026-12-03-console-sessions") { db in
            // The web console's sessions and one-time login links, each under the SHA-256 of its secret. A session
            // made from a token names it, so that revoking the token ends the session.
            try db.execute(sql: """
                CREATE TABLE console_sessions (
                    id TEXT PRIMARY KEY,
                    hash TEXT NOT NULL UNIQUE,
                    origin TEXT NOT NULL,
                    role TEXT NOT NULL,
                    org_id TEXT REFERENCES organisations(id) ON DELETE CASCADE,
                    token_id TEXT,
                    contact_id TEXT,
                    locale TEXT NOT NULL,
                    csrf TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_seen_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                CREATE INDEX console_sessions_expiry ON console_sessions(expires_at);
                CREATE TABLE console_login_links (
                    hash TEXT PRIMARY KEY,
                    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                    contact_id TEXT NOT NULL,
                    next TEXT,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    used_at INTEGER
                );
                CREATE INDEX console_login_links_expiry ON console_login_links(expires_at);
                """)
        }
        migrator.registerMigration("2026-12-03-org-finess") { db in
            // An establishment's FINESS number, by which a bulk import finds it again; the organisations there were
            // before have none, and two may never share one.
            try db.execute(sql: """
                ALTER TABLE organisations ADD COLUMN finess TEXT;
                CREATE UNIQUE INDEX organisations_finess ON organisations(finess) WHERE finess IS NOT NULL;
                """)
        }
        migrator.registerMigration("2026-12-03-delivery-indexes") { db in
            // The deliveries' unique key (alert, revision, subscription, event) starts with the alert and revision:
            // an index on those two alone answered nothing it does not, and cost every delivery written a B-tree insert.
            try db.execute(sql: "DROP INDEX IF EXISTS deliveries_alert")
        }
        migrator.registerMigration("2026-12-05-delivery-outbox-indexes") { db in
            // No index of the deliveries keyed by their subscription holds their state any more. With the state in
            // the key, every claim and every result moved the delivery's entry to another place of an index as large
            // as the ledger, keyed by a random id: a page of its own written to the log for almost every delivery.
            // The subscription's history is read by sequence; what is still to be sent through two partial indexes
            // as small as the outbox: what waits or is to be retried (`deliveries_waiting`), and what is being sent or
            // to be retried (`deliveries_holding`, which already held the subscription back). A delivery written
            // already claimed enters only the second, a claim moves one from the first to the second, a result takes
            // it out. The counts by state, which read the state index whole, count what is not delivered through
            // partial indexes.
            try db.execute(sql: """
                DROP INDEX IF EXISTS deliveries_subscription;
                CREATE INDEX deliveries_subscription ON deliveries(subscription_id, seq);
                CREATE INDEX deliveries_waiting ON deliveries(subscription_id, seq) WHERE state IN ('pending', 'retry_scheduled');
                CREATE INDEX deliveries_unsent ON deliveries(seq) WHERE state IN ('dead', 'superseded');
                """)
        }
        return migrator
    }
}
