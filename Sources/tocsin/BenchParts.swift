import ArgumentParser
import Foundation
import GRDB
import Logging
import Synchronization
import TocsinCore
import TocsinDelivery
import TocsinNet
import TocsinPipeline
import TocsinServer
import TocsinStore

extension Bench {
    /// The cost of each part of a webhook delivery, measured one part at a time over the same N deliveries: the
    /// publish transaction that writes them to the outbox, the claims, the body and its signature, the sending, and
    /// the recording of the results in the ledger.
    struct Parts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time each part of N webhook deliveries apart: outbox write, claim, body, signature, send (to nginx), record.",
            discussion: "Needs nginx (`make bench-deps`). The parts run one after the other, each over all N deliveries, in the sizes the outbox worker uses.")

        @Option(help: "Deliveries (webhook subscriptions, one organisation each).") var deliveries: Int = 10_000
        @Option(help: "Requests in flight at once while sending.") var concurrency: Int = 256
        @Option(help: "Deliveries per claim.") var claim: Int = 768
        @Option(help: "Results per recording transaction.") var record: Int = 512
        @Option(help: "Alerts already delivered to every subscription before the one measured: the ledger's history, which a broker in service has (0 to 1000).")
        var history: Int = 0

        func run() async throws {
            guard deliveries >= 1, deliveries <= 1_000_000, concurrency >= 1, claim >= 1, record >= 1, (0...1_000).contains(history) else {
                throw CLIError("--deliveries must be from 1 to 1000000, --history from 0 to 1000, the others at least 1")
            }
            let tools = try BenchTools.locate(["nginx"])
            bootstrapStandardErrorLogging(level: .warning)
            let work = NSTemporaryDirectory() + "tocsin-parts-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }
            let nginx = try await NginxReceiver.start(binary: tools["nginx"]!, directory: work + "/nginx")
            defer { nginx.stop() }

            var configuration = TocsinConfiguration()
            configuration.dataDir = work + "/tocsin"
            configuration.channels[WebhookSettings.self].allowedNetworks = ["127.0.0.0/8"]
            try FileManager.default.createDirectory(atPath: configuration.dataDir, withIntermediateDirectories: true)
            let store = try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog, logger: Logger(label: "tocsin.store"))
            try await Baseline.seed(store, count: deliveries, kind: .ch, channel: .webhook) { index in
                ("http://127.0.0.1:\(nginx.port)/tocsin/\(index)", StandardWebhooks.makeSecret())
            }
            let router = try await AlertRouter(store: store, messages: try configuration.loadMessages()).router()
            let client = CurlHTTPClient(connectionsPerHost: 16, maxConnections: concurrency)
            defer { client.shutdown() }
            let channel = WebhookChannel(client: client, guardrail: try configuration.channels[WebhookSettings.self].targetGuard(),
                                         ackLinks: AckLinks(signer: try await store.ackLinkSigner(), publicUrl: configuration.publicUrl))
            print("Cost of each part of \(deliveries) webhook deliveries, one part at a time; nginx receiver on port \(nginx.port)")
            // The process's CPU time beside the wall clock: on a machine shared with other work, the wall clock of a
            // part grows with the load while its CPU time stays what the part costs.
            var cpuMark = processCPUSeconds()
            var cpuTotal = 0.0
            func line(_ part: String, _ seconds: Double, _ note: String) {
                let cpu = processCPUSeconds() - cpuMark
                cpuTotal += cpu
                let name = part.padding(toLength: 32, withPad: " ", startingAt: 0)
                print(name + String(format: " %9.1f ms  %7.2f µs per delivery  %7.2f µs CPU  ", seconds * 1000, seconds * 1_000_000 / Double(deliveries),
                                    cpu * 1_000_000 / Double(deliveries)) + note)
                cpuMark = processCPUSeconds()
            }
            func sumLine(_ seconds: Double, _ note: String) {
                let name = "sum of the parts".padding(toLength: 32, withPad: " ", startingAt: 0)
                print(name + String(format: " %9.1f ms  %7.2f µs per delivery  %7.2f µs CPU  ", seconds * 1000, seconds * 1_000_000 / Double(deliveries),
                                    cpuTotal * 1_000_000 / Double(deliveries)) + note)
            }
            var total = 0.0

            // The publish transaction: the alert, its routing, N outbox rows and N reach lines.
            let draft = AlertDraft(title: "Rançongiciel : indicateurs de compromission", summary: "Benchmark alert", severity: .critical,
                                   tlp: .amber, categories: ["ransomware"], cves: ["CVE-2024-3400"],
                                   indicators: [Indicator(type: .ipv4, value: "203.0.113.7")])
            /// Results in the ledger in transactions of `record`, as the worker records them.
            func recordInTransactions(_ results: [DeliveryResult]) async throws {
                for start in stride(from: 0, to: results.count, by: record) {
                    try await store.recordResults(Array(results[start..<min(start + record, results.count)]))
                }
            }
            // The history: earlier alerts published, claimed and recorded as delivered, nothing sent.
            if history > 0 {
                let start = ContinuousClock.now
                for number in 1...history {
                    var earlier = draft
                    earlier.title = "Alerte précédente \(number)"
                    _ = try await store.publish(Alert.first(from: earlier), route: router)
                    var batch: [ClaimedDelivery] = []
                    repeat {
                        let now = Date()
                        batch = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now.addingTimeInterval(60), limit: claim)
                        try await recordInTransactions(try Self.delivered(batch, at: Date()))
                    } while !batch.isEmpty
                }
                print(String(format: "history: %d alerts delivered to every subscription before the one measured (%d rows in the ledger, %.1f s)",
                             history, history * deliveries, (ContinuousClock.now - start).seconds))
            }
            cpuMark = processCPUSeconds()
            var clock = ContinuousClock.now
            let published = try await store.publish(Alert.first(from: draft), route: router)
            var seconds = (ContinuousClock.now - clock).seconds
            total += seconds
            line("publish (outbox write)", seconds, String(format: "routing %.1f ms", published.routingSeconds * 1000))

            // Claims under a lease, in batches, with what sending needs (the stored alert, the subscriptions).
            clock = ContinuousClock.now
            var claimed: [ClaimedDelivery] = []
            var claims = 0
            while true {
                let now = Date()
                let batch = try await store.claimDueDeliveries(channels: [.webhook], now: now, leaseUntil: now.addingTimeInterval(60), limit: claim)
                if batch.isEmpty { break }
                claims += 1
                claimed += batch
            }
            seconds = (ContinuousClock.now - clock).seconds
            total += seconds
            line("claim", seconds, "\(claims) claims of up to \(claim)")
            guard claimed.count == deliveries else { throw CLIError("claimed \(claimed.count) of \(deliveries)") }

            // The body of each delivery (the shared alert JSON, the recipient's acknowledgement link), then its signature.
            clock = ContinuousClock.now
            var bodies: [[UInt8]] = []
            bodies.reserveCapacity(claimed.count)
            for item in claimed { bodies.append(channel.body(for: item)) }
            seconds = (ContinuousClock.now - clock).seconds
            total += seconds
            line("body (incl. ack link HMAC)", seconds, "\(bodies.first?.count ?? 0) bytes each")
            clock = ContinuousClock.now
            let timestamp = Int(Date().timeIntervalSince1970)
            var signatures = 0
            for (item, body) in zip(claimed, bodies) {
                signatures += try StandardWebhooks.sign(secret: item.secrets(.signing)[0], id: item.delivery.id, timestamp: timestamp, body: body).count
            }
            seconds = (ContinuousClock.now - clock).seconds
            total += seconds
            line("signature (HMAC-SHA256)", seconds, "")
            clock = ContinuousClock.now
            let requests = try claimed.map { try channel.request(for: $0) }
            let requestSeconds = (ContinuousClock.now - clock).seconds
            cpuMark = processCPUSeconds()

            // Sending: the signed requests, `concurrency` at once, through the SSRF guard's pin, to nginx.
            clock = ContinuousClock.now
            let guardrail = channel.guardrail
            let statuses = await withTaskGroup(of: Int.self) { group in
                var next = 0
                var statuses: [Int] = []
                func add() {
                    let request = requests[next]
                    next += 1
                    group.addTask {
                        guard case .success(let answer) = await client.send(request, pin: { components throws(HTTPClientError) in try guardrail.pin(components) })
                        else { return 0 }
                        return answer.status
                    }
                }
                while next < min(concurrency, requests.count) { add() }
                for await status in group {
                    statuses.append(status)
                    if next < requests.count { add() }
                }
                return statuses
            }
            seconds = (ContinuousClock.now - clock).seconds
            total += seconds
            line("send (pin, HTTP POST, answer)", seconds, String(format: "%d in flight, %.0f/s", concurrency, Double(deliveries) / seconds))
            guard statuses.allSatisfy({ $0 == 204 }) else { throw CLIError("not every request was answered 204: \(Set(statuses))") }

            // Recording: each result through the state machine, then in the ledger in transactions of `record`.
            clock = ContinuousClock.now
            try await recordInTransactions(try Self.delivered(claimed, at: Date()))
            seconds = (ContinuousClock.now - clock).seconds
            total += seconds
            line("record (ledger, reach)", seconds, "transactions of \(record)")
            let delivered = try await store.deliveryCounts()[.delivered] ?? 0
            guard delivered == deliveries * (history + 1) else {
                throw CLIError("the ledger shows \(delivered) of \(deliveries * (history + 1)) delivered")
            }
            sumLine(total, String(format: "(building the whole requests: %.1f ms)", requestSeconds * 1000))

            // The same alert again while a worker offers to take what it can send at once, as `tocsin serve`'s does:
            // the publish writes the deliveries already claimed, and the worker only reads them, in batches.
            let taken = Mutex<[(ids: [CompactID], leaseUntil: Date)]>([])
            store.adoptNewDeliveries(DeliveryAdoption(channels: [.webhook], lease: 60) { ids, leaseUntil in
                taken.withLock { $0.append((ids, leaseUntil)) }
            })
            defer { store.adoptNewDeliveries(nil) }
            print("With a running worker's offer (`OutboxStore.adoptNewDeliveries`), in place of the publish and the claims above:")
            cpuMark = processCPUSeconds()
            clock = ContinuousClock.now
            let again = try await store.publish(Alert.first(from: draft), route: router)
            line("publish, written claimed", (ContinuousClock.now - clock).seconds, String(format: "routing %.1f ms", again.routingSeconds * 1000))
            let offers = taken.withLock { $0 }
            clock = ContinuousClock.now
            var read = 0
            for offer in offers {
                for start in stride(from: 0, to: offer.ids.count, by: claim) {
                    let ids = offer.ids[start..<min(start + claim, offer.ids.count)].map(\.text)
                    read += try await store.claimedDeliveries(ids: ids, leaseUntil: offer.leaseUntil, now: Date()).count
                }
            }
            line("read of what was written claimed", (ContinuousClock.now - clock).seconds, "in batches of up to \(claim)")
            guard read == deliveries else { throw CLIError("read \(read) of \(deliveries) deliveries written claimed") }

            // The floor of this outbox's design: the same rows and the same writes on a fresh database of the same
            // schema, statements only (no routing, reach lines, reads, order rule or Swift values around them).
            print("SQLite alone, the outbox's writes on its own schema (a fresh database migrated like the store's):")
            let floorPath = work + "/floor/tocsin.sqlite"
            _ = try SQLiteStore(path: floorPath, channels: ChannelRegistry.catalog)
            var floorConfiguration = Configuration()
            floorConfiguration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            let floor = try DatabasePool(path: floorPath, configuration: floorConfiguration)
            try await floor.writeWithoutTransaction { db in try SQLiteStore.keepStatementJournalsInMemory(db) }
            try await writeFloor(floor, start: { cpuMark = processCPUSeconds() }, line: line)
        }
    
        /// Writes `deliveries` outbox rows, claims them in batches of `claim` and records them delivered in
        /// transactions of `record`, as the store's statements do, timing each step with `line` from `start`.
        func writeFloor(_ pool: DatabasePool, start: () -> Void, line: (String, Double, String) -> Void) async throws {
            let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
            let rows = (0..<deliveries).map { _ in (TocsinID.ordered(), UUID().uuidString.lowercased(), UUID().uuidString.lowercased()) }
            let alert = UUID().uuidString.lowercased()
            start()
            var clock = ContinuousClock.now
            try await pool.write { db in
                for start in stride(from: 0, to: rows.count, by: 64) {
                    let chunk = rows[start..<min(start + 64, rows.count)]
                    var values: [(any DatabaseValueConvertible)?] = []
                    for row in chunk { values += [row.0, alert, 1, row.1, row.2, "webhook", "pending", 0, now, now, nil, now, now, nil] }
                    try db.execute(sql: """
                        INSERT INTO deliveries (id, alert_id, revision, subscription_id, org_id, channel, state, attempts, due_at, next_attempt_at,
                            lease_until, created_at, updated_at, concerns) VALUES
                        """ + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "),
                        arguments: StatementArguments(values))
                }
            }
            line("  publish: outbox rows only", (ContinuousClock.now - clock).seconds, "multi-row inserts of 64")
            clock = ContinuousClock.now
            var claimed: [String] = []
            while true {
                let batch = try await pool.write { db in
                    try String.fetchAll(db, sql: """
                        UPDATE deliveries SET state = 'in_flight', attempts = attempts + 1, lease_until = :lease, due_at = :lease,
                            next_attempt_at = NULL, updated_at = :now
                        WHERE seq IN (SELECT seq FROM deliveries WHERE due_at IS NOT NULL AND due_at <= :now AND channel IN ('webhook')
                            ORDER BY due_at, seq LIMIT :limit)
                        RETURNING id
                        """, arguments: ["lease": now + 60_000, "now": now, "limit": claim])
                }
                if batch.isEmpty { break }
                claimed += batch
            }
            line("  claim: the update only", (ContinuousClock.now - clock).seconds, "batches of \(claim)")
            guard claimed.count == deliveries else { throw CLIError("claimed \(claimed.count) of \(deliveries) on the bare schema") }
            clock = ContinuousClock.now
            for start in stride(from: 0, to: claimed.count, by: record) {
                let ids = claimed[start..<min(start + record, claimed.count)]
                try await pool.write { db in
                    for part in stride(from: ids.startIndex, to: ids.endIndex, by: 128) {
                        let chunk = ids[part..<min(part + 128, ids.endIndex)]
                        var values: [(any DatabaseValueConvertible)?] = []
                        for id in chunk { values += [id, 1, now, 1, "success", 204] }
                        try db.execute(sql: "INSERT INTO delivery_attempts (delivery_id, number, started_at, duration_ms, outcome, status) VALUES "
                                       + Array(repeating: "(?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "),
                                       arguments: StatementArguments(values))
                    }
                    let update = try db.cachedStatement(sql: """
                        UPDATE deliveries SET state = 'delivered', due_at = NULL, next_attempt_at = NULL, lease_until = NULL, last_status = 204,
                            updated_at = ?, delivered_at = ?
                        WHERE id = ? AND state = 'in_flight' AND attempts = 1
                        """)
                    for id in ids { try update.execute(arguments: [now, now, id]) }
                }
            }
            line("  record: attempt and state only", (ContinuousClock.now - clock).seconds, "transactions of \(record)")
        }
    }
}

extension Bench.Parts {
    /// Each claimed delivery's result, sent and answered 204 at `finished`, through the delivery state machine.
    static func delivered(_ claimed: [ClaimedDelivery], at finished: Date) throws -> [DeliveryResult] {
        try claimed.map { item in
            var machine = DeliveryMachine(item.delivery)
            let action = try machine.finish(.success(status: 204), now: finished, policy: RetryPolicy(), random: 0.5)
            return DeliveryResult(deliveryId: item.delivery.id, subscriptionId: item.delivery.subscriptionId,
                                  attempt: DeliveryAttempt(deliveryId: item.delivery.id, number: machine.attempts, startedAt: finished,
                                                           durationMs: 1, outcome: "success", status: 204, error: nil),
                                  machine: machine, action: action, finishedAt: finished)
        }
    }
}
