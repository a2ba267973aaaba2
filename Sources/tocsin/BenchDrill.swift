import ArgumentParser
import Foundation
import Logging
import Synchronization
import TocsinCore
import TocsinDelivery
import TocsinNet
import TocsinPipeline
import TocsinServer
import TocsinStore

extension Bench {
    /// A national drill on this machine: N organisations over the 18 regions, one webhook each to a local receiver,
    /// a seeded script deciding who acknowledges fast, slowly or never and whose channel is broken; one exercise
    /// alert through the real outbox, acknowledgements through the real HTTP API, then the reach report checked
    /// against the script.
    struct Drill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate a national drill: publish one exercise to N organisations, acknowledge through the API, check the reach report.")

        @Option(help: "Number of organisations, spread over the 18 regions.") var orgs: Int = 3_000
        @Option(help: "Seed of the script that decides who acknowledges and whose channel is broken.") var seed: UInt64 = 2026
        @Option(help: "Concurrent API clients acknowledging.") var clients: Int = 8
        @Option(help: "Delivery attempts in flight at once.") var concurrency: Int = 16
        @Option(name: .customLong("data-dir"), help: "Where to put the benchmark database (default: a new temporary directory).") var dataDir: String?

        /// What the script decides for one organisation.
        enum Fate: String, CaseIterable {
            case fast, slow, never
            case gone, failing, unreachablePort, unsubscribed

            var broken: Bool { ![.fast, .slow, .never].contains(self) }
            var acknowledges: Bool { self == .fast || self == .slow }
        }

        /// SplitMix64, so that a seed gives the same drill on every machine.
        struct Script {
            var state: UInt64
            mutating func next() -> Double {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
            }

            /// 45 % acknowledge at once, 25 % later, 15 % never; 15 % have a broken channel (a 410, a receiver
            /// answering 500, a closed port, or no subscription at all).
            mutating func fate() -> Fate {
                let r = next()
                switch r {
                case ..<0.45: return .fast
                case ..<0.70: return .slow
                case ..<0.85: return .never
                default: return [.gone, .failing, .unreachablePort, .unsubscribed][min(3, Int((r - 0.85) / 0.0375))]
                }
            }
        }

        func run() async throws {
            guard orgs >= 18, orgs <= 100_000 else { throw CLIError("--orgs must be from 18 to 100000") }
            guard clients >= 1, clients <= 256 else { throw CLIError("--clients must be from 1 to 256") }
            var configuration = TocsinConfiguration()
            configuration.dataDir = dataDir ?? NSTemporaryDirectory() + "tocsin-drill-\(UUID().uuidString)"
            configuration.deliveryConcurrency = concurrency
            configuration.channels[WebhookSettings.self].allowedNetworks = ["127.0.0.0/8"]
            configuration.port = 0
            configuration.logLevel = "error"
            // Broken channels must not stall the drill: two quick retries, then a dead letter.
            configuration.deliveryRetrySchedule = [0.2, 0.2]
            configuration.deliveryRetryJitter = 0
            configuration.deliveryPollInterval = 0.05
            bootstrapStandardErrorLogging(level: .error)
            defer { if dataDir == nil { try? FileManager.default.removeItem(atPath: configuration.dataDir) } }

            let receiver = try await BenchReceiver.start()
            let base = "http://127.0.0.1:\(receiver.port)"
            print("Tocsin drill benchmark: \(orgs) organisations over \(Region.names.count) regions, seed \(seed), \(clients) API clients, concurrency \(concurrency)")

            // The script and the directory: organisations, their webhook (or none), a subscriber token each.
            var script = Script(state: seed)
            let regions = Region.names.keys.sorted()
            var organisations: [Organisation] = []
            var subscriptions: [(Subscription, secret: String?)] = []
            var fates: [String: Fate] = [:]
            for index in 0..<orgs {
                let org = Organisation(name: "Établissement \(index)", kind: .ch, region: regions[index % regions.count], tlpClearance: .amber)
                let fate = script.fate()
                fates[org.id] = fate
                organisations.append(org)
                let target: String? = switch fate {
                case .fast, .slow, .never: base + "/hook"
                case .gone: base + "/gone"
                case .failing: base + "/broken"
                case .unreachablePort: "http://127.0.0.1:1/hook"
                case .unsubscribed: nil
                }
                if let target { subscriptions.append((Subscription(orgId: org.id, channel: .webhook, target: target), StandardWebhooks.makeSecret())) }
            }
            let setupStore = try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog, logger: Logger(label: "tocsin.store"))
            try await setupStore.bulkInsert(organisations: organisations, subscriptions: subscriptions)
            var tokens: [String: String] = [:]
            for org in organisations where fates[org.id]!.acknowledges {
                let secret = APIToken.makeSecret()
                try await setupStore.createToken(APIToken(role: .subscriber, orgId: org.id, label: "drill"), secret: secret)
                tokens[org.id] = secret
            }
            let counted = Dictionary(grouping: fates.values, by: { $0 }).mapValues(\.count)
            print("script: " + Fate.allCases.map { "\($0.rawValue) \(counted[$0] ?? 0)" }.joined(separator: ", "))

            // The broker, serving HTTP on a loopback port with its outbox worker.
            let broker = try await TocsinBroker(configuration: configuration, logger: Logger(label: "tocsin"))
            let listening = Mutex<Int?>(nil)
            let server = Task { try await broker.run(onListening: { port in listening.withLock { $0 = port } }) }
            let startDeadline = ContinuousClock.now + .seconds(30)
            while listening.withLock({ $0 }) == nil, ContinuousClock.now < startDeadline { try await Task.sleep(for: .milliseconds(10)) }
            guard let port = listening.withLock({ $0 }) else { throw CLIError("the broker did not start listening within 30 s") }
            let api = "http://127.0.0.1:\(port)"

            // Publish the exercise and wait until every delivery has reached a terminal state.
            var draft = AlertDraft(title: "Exercice national : rançongiciel simulé", summary: "Exercice de crise cyber.", severity: .critical,
                                   tlp: .amber, categories: ["ransomware"])
            draft.exerciseId = "bench-drill-\(seed)"
            let publishStart = ContinuousClock.now
            let published = try await broker.store.publish(Alert.first(from: draft), route: try await broker.routing.router())
            let publishSeconds = (ContinuousClock.now - publishStart).seconds
            broker.worker.wake()
            let alertId = published.alert.id
            let good = fates.values.filter { !$0.broken }.count
            let deadline = ContinuousClock.now + .seconds(600)
            var goodSeconds: Double?
            while ContinuousClock.now < deadline {
                if goodSeconds == nil, receiver.distinctCount >= good { goodSeconds = (ContinuousClock.now - publishStart).seconds }
                let counts = try await broker.store.deliveryCounts()
                if (counts[.pending] ?? 0) + (counts[.inFlight] ?? 0) + (counts[.retryScheduled] ?? 0) == 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let terminalSeconds = (ContinuousClock.now - publishStart).seconds
            let counts = try await broker.store.deliveryCounts()

            // Acknowledgements through the API: the fast ones, then the slow ones; a baseline of plain GET /healthz
            // on the same server, clients and concurrency.
            let client = CurlHTTPClient(connectionsPerHost: clients)
            let fast = organisations.filter { fates[$0.id] == .fast }.map(\.id)
            let slow = organisations.filter { fates[$0.id] == .slow }.map(\.id)
            let failures = Mutex(0)
            let secrets = tokens
            func acknowledge(_ ids: [String]) async -> Double {
                await Baseline.rate(ids.count, over: clients) { index in
                    let request = HTTPRequest(url: "\(api)/api/v1/alerts/\(alertId)/ack", method: "POST",
                                              headers: [("Authorization", "Bearer \(secrets[ids[index]]!)")])
                    if case .success(let response) = await client.send(request), response.status == 200 { return }
                    failures.withLock { $0 += 1 }
                }
            }
            let ackStart = ContinuousClock.now
            _ = await acknowledge(fast)
            try await Task.sleep(for: .milliseconds(500))
            _ = await acknowledge(slow)
            let ackSeconds = (ContinuousClock.now - ackStart).seconds - 0.5
            let ackRate = Double(fast.count + slow.count) / ackSeconds
            let baselineCount = max(2_000, fast.count + slow.count)
            let baselineRate = await Baseline.rate(baselineCount, over: clients) { _ in
                _ = await client.send(HTTPRequest(url: "\(api)/healthz", method: "GET"))
            }
            client.shutdown()

            // The reach report: store read plus ReachReport.make, five times, the median kept.
            var reportTimes: [Double] = []
            var report: ReachReport?
            for _ in 0..<5 {
                let start = ContinuousClock.now
                guard let alert = try await broker.store.alert(id: alertId) else { throw CLIError("the drill's alert vanished") }
                report = ReachReport.make(alert: alert, rows: try await broker.store.reach(alertId: alertId), now: Date())
                reportTimes.append((ContinuousClock.now - start).seconds)
            }
            reportTimes.sort()

            server.cancel()
            _ = try? await server.value
            try await receiver.stop()

            // The report against the script, exactly.
            guard let report else { throw CLIError("no report") }
            let acknowledged = Set(fast + slow)
            let broken = Set(fates.filter { $0.value.broken }.map(\.key))
            let never = Set(fates.filter { $0.value == .never }.map(\.key))
            var mismatches: [String] = []
            let expectedCounts = ReachCounts(concerned: orgs, delivered: orgs - broken.count, seen: acknowledged.count, acknowledged: acknowledged.count)
            if report.counts != expectedCounts { mismatches.append("counts \(report.counts) instead of \(expectedCounts)") }
            if Set(report.uninformed.map(\.orgId)) != broken { mismatches.append("the uninformed are not the broken channels") }
            for entry in report.uninformed {
                let expected: UninformedReason = fates[entry.orgId] == .unsubscribed ? .noSubscription : .deadLettered
                if entry.reason != expected { mismatches.append("\(entry.orgId): \(entry.reason.rawValue) instead of \(expected.rawValue)"); break }
            }
            if Set(report.unacknowledged.map(\.orgId)) != never { mismatches.append("the unacknowledged are not those that never acknowledge") }
            if report.byRegion.count != Region.names.count { mismatches.append("\(report.byRegion.count) regions instead of \(Region.names.count)") }
            let failed = failures.withLock { $0 }
            if failed > 0 { mismatches.append("\(failed) acknowledgements refused") }

            print(String(format: "publish: %.1f ms (routing %.1f ms; %d deliveries queued, %d organisations concerned)",
                         publishSeconds * 1000, published.routingSeconds * 1000, published.deliveriesQueued, report.counts.concerned))
            print(String(format: "publish → every working receiver served: %@; → every delivery recorded in a terminal state: %.2f s (%d delivered, %d dead)",
                         goodSeconds.map { String(format: "%.2f s", $0) } ?? "not reached", terminalSeconds, counts[.delivered] ?? 0, counts[.dead] ?? 0))
            print(String(format: "acknowledgements: %d through POST /api/v1/alerts/{id}/ack in %.2f s, %.0f acks/s (%d clients)",
                         acknowledged.count, ackSeconds, ackRate, clients))
            print(String(format: "baseline: %.0f GET /healthz/s on the same server and clients (%d requests); ratio %.2f",
                         baselineRate, baselineCount, ackRate / baselineRate))
            print(String(format: "reach report: %.1f ms median, %.1f ms worst of 5 (store read + ReachReport.make, %d organisations)",
                         reportTimes[2] * 1000, reportTimes[4] * 1000, report.rows.count))
            let d = report.delays
            print(String(format: "delays from publication: delivered p50 %.2f s p90 %.2f s max %.2f s; acknowledged p50 %.2f s p90 %.2f s max %.2f s",
                         d.delivered.p50 ?? 0, d.delivered.p90 ?? 0, d.delivered.max ?? 0, d.acknowledged.p50 ?? 0, d.acknowledged.p90 ?? 0, d.acknowledged.max ?? 0))
            print("report: concerned \(report.counts.concerned), delivered \(report.counts.delivered), acknowledged \(report.counts.acknowledged), "
                  + "uninformed \(report.uninformed.count), unacknowledged \(report.unacknowledged.count)")
            print("peak memory: \(PeakMemory.megabytes()) MiB (max resident set size of this process)")
            if mismatches.isEmpty {
                print("MATCH: the reach report is exactly what the script decided")
            } else {
                print("MISMATCH: " + mismatches.joined(separator: "; "))
                throw ExitCode(1)
            }
        }
    }
}
