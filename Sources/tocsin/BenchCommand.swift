import ArgumentParser
import Foundation
import Logging
import TocsinCore
import TocsinDelivery
import TocsinNet
import TocsinPipeline
import TocsinServer
import TocsinStore

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the broker on this machine.",
        subcommands: [Fanout.self, Parts.self, Route.self, Email.self, Ingest.self, Enrich.self, Drill.self, Flash.self, Relay.self, TAXII.self, Console.self, Compare.self, Memory.self])

    struct Fanout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish one alert to N webhook subscribers served by a local receiver; compare with raw keep-alive POSTs.")

        @Option(help: "Number of webhook subscribers.") var subscribers: Int = 1_000
        @Option(help: "Attempts in flight at once (also the baseline's concurrency).") var concurrency: Int = 256
        @Option(name: .customLong("data-dir"), help: "Where to put the benchmark database (default: a new temporary directory).") var dataDir: String?

        func run() async throws {
            guard subscribers >= 1, subscribers <= 1_000_000 else { throw CLIError("--subscribers must be from 1 to 1000000") }
            var configuration = TocsinConfiguration()
            configuration.dataDir = dataDir ?? NSTemporaryDirectory() + "tocsin-bench-\(UUID().uuidString)"
            configuration.deliveryConcurrency = concurrency
            configuration.channels[WebhookSettings.self].allowedNetworks = ["127.0.0.0/8"]
            configuration.logLevel = "warning"
            bootstrapStandardErrorLogging(level: .warning)
            defer { if dataDir == nil { try? FileManager.default.removeItem(atPath: configuration.dataDir) } }

            let receiver = try await BenchReceiver.start()
            let url = "http://127.0.0.1:\(receiver.port)/hook"
            print("Tocsin fan-out benchmark: \(subscribers) webhook subscribers, concurrency \(concurrency), receiver \(url)")

            // Baseline: the same receiver, the same client and concurrency, plain keep-alive POSTs of an alert-sized body.
            let client = CurlHTTPClient(connectionsPerHost: 16, maxConnections: max(concurrency, 16))
            let sample = Array(repeating: UInt8(ascii: "x"), count: 1_200)
            let baselineCount = max(subscribers, 2_000)
            let baselineRate = await Baseline.rate(baselineCount, over: concurrency) { _ in
                _ = await client.send(HTTPRequest(url: url + "?baseline=1", headers: [("Content-Type", "application/json")], body: sample))
            }
            client.shutdown()
            receiver.reset()

            let store = try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog, logger: Logger(label: "tocsin.store"))
            try await Baseline.seed(store, count: subscribers, kind: .ch, channel: .webhook) { _ in (url, StandardWebhooks.makeSecret()) }
            let indexStart = ContinuousClock.now
            _ = try await AlertRouter(store: store, messages: try configuration.loadMessages()).index()
            let indexSeconds = (ContinuousClock.now - indexStart).seconds

            let broker = try await TocsinBroker(configuration: configuration, logger: Logger(label: "tocsin"))
            let workerTask = Task { await broker.worker.run() }
            let draft = AlertDraft(title: "Rançongiciel : indicateurs de compromission", summary: "Benchmark alert", severity: .critical,
                                   tlp: .amber, categories: ["ransomware"], cves: ["CVE-2024-3400"],
                                   indicators: [Indicator(type: .ipv4, value: "203.0.113.7")])
            let publishStart = Date()
            let clockStart = ContinuousClock.now
            let result = try await broker.store.publish(Alert.first(from: draft), route: try await broker.routing.router())
            let publishSeconds = (ContinuousClock.now - clockStart).seconds
            broker.worker.wake()

            let deadline = ContinuousClock.now + .seconds(600)
            while receiver.distinctCount < subscribers, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let arrivals = receiver.arrivals().map { $0.timeIntervalSince(publishStart) }.sorted()
            // Until nothing is left in the outbox: read from the due index, whose size falls to nothing, rather than
            // counting the whole ledger at every look, which took the worker's CPU during the recording it timed.
            while try await store.nextDueDate(channels: [.webhook]) != nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let recordedSeconds = Date().timeIntervalSince(publishStart)
            workerTask.cancel()
            await workerTask.value
            broker.httpClient.shutdown()
            try await receiver.stop()
            let counts = try await store.deliveryCounts()

            guard arrivals.count >= subscribers else {
                throw CLIError("only \(arrivals.count) of \(subscribers) deliveries arrived within 600 s")
            }
            func percentile(_ p: Double) -> Double { arrivals[min(arrivals.count - 1, Int((Double(arrivals.count) * p).rounded(.up)) - 1)] }
            let last = arrivals.last ?? 0
            let rate = Double(subscribers) / last
            print(String(format: "routing: %.3f ms for %d subscriptions (index build %.1f ms, publish transaction with outbox %.1f ms)",
                         result.routingSeconds * 1000, subscribers, indexSeconds * 1000, publishSeconds * 1000))
            print(String(format: "time to delivery: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, last %.1f ms",
                         percentile(0.5) * 1000, percentile(0.9) * 1000, percentile(0.99) * 1000, last * 1000))
            print(String(format: "deliveries/s: %.0f (signed, recorded in the ledger)", rate))
            print(String(format: "baseline: %.0f plain keep-alive POSTs/s (%d requests, same receiver, client and concurrency)", baselineRate, baselineCount))
            print(String(format: "ratio: %.2f of the baseline rate", rate / baselineRate))
            print(String(format: "floor: the client alone needs %.3f s for %d plain POSTs to this receiver; no fan-out through it ends sooner",
                         Double(subscribers) / baselineRate, subscribers))
            print(String(format: "ledger: %d delivered, all recorded %.1f ms after publishing; %d duplicates received",
                         counts[.delivered] ?? 0, recordedSeconds * 1000, receiver.totalCount - receiver.distinctCount))
            print("peak memory: \(PeakMemory.megabytes()) MiB (max resident set size of this process)")
        }
    }

    struct Route: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time routing one alert over N subscriptions with mixed filters, against a bare scan of the same set.")

        @Option(help: "Number of subscriptions.") var subscriptions: Int = 50_000
        @Option(help: "Alerts to route (the median and worst are reported).") var alerts: Int = 50

        func run() async throws {
            let regions = Array(Region.names.keys).sorted()
            let categories = ["ransomware", "phishing", "vulnerability", "data-leak", "ddos"]
            var generator = SystemRandomNumberGenerator()
            var compiled: [RoutableSubscription] = []
            compiled.reserveCapacity(subscriptions)
            for index in 0..<subscriptions {
                var filter = SubscriptionFilter()
                if index % 3 == 0 { filter.minSeverity = .high }
                if index % 5 == 0 { filter.categories = [categories[index % categories.count]] }
                if index % 50 == 0 { filter.keywords = ["citrix", "fortinet"] }
                if index % 20 == 0 { filter.cves = ["CVE-2024-\(1000 + index % 9000)"] }
                compiled.append(RoutableSubscription(
                    subscriptionId: TocsinID.make(), orgId: TocsinID.make(), channel: .webhook,
                    clearance: TLP.allCases[index % 4], orgRegion: regions[Int.random(in: 0..<regions.count, using: &generator)], filter: filter))
            }
            let index = RoutingIndex(compiled)
            var routeTimes: [Double] = []
            var scanTimes: [Double] = []
            var matched = 0
            for n in 0..<alerts {
                var alert = Alert.first(from: AlertDraft(
                    title: "Vulnérabilité critique Fortinet", summary: "Exploitée activement", severity: n % 2 == 0 ? .critical : .medium,
                    tlp: n % 3 == 0 ? .amber : .green, categories: [categories[n % categories.count]], cves: ["CVE-2024-3400"]))
                if n % 4 == 0 { alert.regions = ["28", "11"] }
                let start = ContinuousClock.now
                matched += index.route(alert).count
                routeTimes.append((ContinuousClock.now - start).seconds)
                let scanStart = ContinuousClock.now
                var count = 0
                for sub in index.subscriptions where sub.clearance.rank >= alert.tlp.rank { count += 1 }
                scanTimes.append((ContinuousClock.now - scanStart).seconds)
                if count < 0 { print(count) }
            }
            routeTimes.sort()
            scanTimes.sort()
            let median = routeTimes[routeTimes.count / 2]
            let scanMedian = scanTimes[scanTimes.count / 2]
            print("Routing benchmark: \(subscriptions) subscriptions with mixed filters, \(alerts) alerts")
            print(String(format: "route one alert: median %.2f ms, worst %.2f ms (target: well under 100 ms)", median * 1000, routeTimes.last! * 1000))
            print(String(format: "baseline bare scan (TLP test only): median %.2f ms; routing costs %.1fx the bare scan", scanMedian * 1000, median / scanMedian))
            print("matches per alert: \(matched / max(alerts, 1)) on average")
        }
    }
}

extension Bench {
    struct Email: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish one alert to N email subscribers through a local SMTP server; compare with a raw SMTP client's rate.")

        @Option(help: "Number of email subscribers.") var recipients: Int = 1_000
        @Option(help: "SMTP sessions at once (also the baseline's).") var concurrency: Int = 4
        @Option(name: .customLong("smtp-url"), help: "An SMTP server to use; by default one is started (python3 -m aiosmtpd, discarding mail).")
        var smtpURL: String?
        @Flag(name: .customLong("smtp-sink"), help: "Start Postfix's smtp-sink (a mail server that accepts and discards at wire speed) instead of aiosmtpd.")
        var smtpSink = false
        @Option(name: .customLong("templates-dir"), help: "The Templates folder (found in ./Templates by default).") var templatesDir: String?
        @Option(name: .customLong("repeat"), help: "Rounds, each the baseline then Tocsin; the median and range are shown.") var repeats: Int = 3

        func run() async throws {
            guard recipients >= 1, recipients <= 100_000 else { throw CLIError("--recipients must be from 1 to 100000") }
            guard repeats >= 1, repeats <= 100 else { throw CLIError("--repeat must be from 1 to 100") }
            bootstrapStandardErrorLogging(level: .warning)
            var server: Process?
            defer { if let server { kill(server.processIdentifier, SIGKILL) } }
            let url: String
            if let smtpURL {
                url = smtpURL
            } else {
                guard let port = LoopbackPort.free() else { throw CLIError("cannot find a free port") }
                let process = Process()
                if smtpSink {
                    // smtp-sink refuses to keep root's privileges once its socket is open.
                    process.executableURL = URL(fileURLWithPath: try BenchTools.locate(["smtp-sink"])["smtp-sink"]!)
                    process.arguments = (getuid() == 0 ? ["-u", "nobody"] : []) + ["127.0.0.1:\(port)", "512"]
                } else {
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Sink"]
                }
                process.standardError = FileHandle.nullDevice
                try process.run()
                server = process
                url = "smtp://127.0.0.1:\(port)"
                guard await LoopbackPort.waitUntilListening(port) else {
                    throw CLIError("the SMTP server did not start on port \(port) (\(smtpSink ? "smtp-sink" : "python3 -m aiosmtpd") installed?)")
                }
            }
            let dataDir = NSTemporaryDirectory() + "tocsin-bench-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: dataDir) }
            var configuration = TocsinConfiguration()
            configuration.dataDir = dataDir
            configuration.channels[EmailSettings.self].url = url
            configuration.channels[EmailSettings.self].from = "alertes@tocsin.test"
            configuration.channels[EmailSettings.self].startTLS = .off
            configuration.channels[EmailSettings.self].concurrency = concurrency
            configuration.templatesDir = templatesDir
            print("Tocsin email benchmark: \(recipients) email subscribers, \(concurrency) SMTP sessions, server \(url)")

            // Baseline: the same server and sessions, a raw SMTP client sending a fixed 2 kB message.
            guard let smtp = configuration.channels[EmailSettings.self].smtp else { throw CLIError("the SMTP settings are incomplete") }
            let raw = SMTPSender(configuration: smtp)
            defer { raw.shutdown() }
            /// A raw message: a few headers and a body of one line of `body` bytes (2,000 for the ratio), or as long as
            /// makes the message `size` bytes in all.
            let head = Array("From: <alertes@tocsin.test>\r\nTo: <rssi@example.test>\r\nSubject: baseline\r\n\r\n".utf8)
            func sample(size: Int? = nil) -> [UInt8] {
                let body = size.map { max($0 - head.count - 2, 1) } ?? 2_000
                return head + Array(repeating: UInt8(ascii: "x"), count: body) + Array("\r\n".utf8)
            }
            let baselineCount = max(recipients, 500)
            func baseline(size: Int? = nil) async -> Double {
                let message = sample(size: size)
                return await Baseline.rate(baselineCount, over: concurrency) { index in
                    _ = await raw.send(to: ["rssi\(index)@example.test"], message: message)
                }
            }

            let store = try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog, logger: Logger(label: "tocsin.store"))
            try await Baseline.seed(store, count: recipients, kind: .ehpad, channel: .email) { index in ("rssi\(index)@etablissement.test", nil) }
            let broker = try await TocsinBroker(configuration: configuration, logger: Logger(label: "tocsin"))
            let workerTask = Task { await broker.worker.run() }
            defer { workerTask.cancel() }
            var published = 0
            /// The benchmark's alert, numbered so that each round publishes a new one.
            func benchAlert(_ number: Int) -> Alert {
                Alert.first(from: AlertDraft(
                    title: "Rançongiciel : indicateurs de compromission \(number)", summary: "Campagne en cours contre des établissements de santé.",
                    severity: .critical, tlp: .amber, categories: ["ransomware"], cves: ["CVE-2024-3400"],
                    indicators: [Indicator(type: .ipv4, value: "203.0.113.7"), Indicator(type: .url, value: "http://evil.example.com/x")]))
            }
            // One alert to every subscriber, from its publication until every delivery is in the ledger.
            func tocsin() async throws -> (seconds: Double, delivered: Int, dead: Int) {
                let before = try await store.deliveryCounts()
                published += 1
                let start = ContinuousClock.now
                _ = try await broker.store.publish(benchAlert(published), route: try await broker.routing.router())
                broker.worker.wake()
                let deadline = ContinuousClock.now + .seconds(600)
                // Until nothing is left in the outbox, read from the due index (cheap, and cheaper as it empties);
                // counting the whole ledger at every look took as much CPU as the publish, and grew with each round.
                repeat {
                    try await Task.sleep(for: .milliseconds(5))
                } while try await store.nextDueDate(channels: [.email]) != nil && ContinuousClock.now < deadline
                let seconds = (ContinuousClock.now - start).seconds
                let counts = try await store.deliveryCounts()
                func done(_ state: DeliveryState) -> Int { (counts[state] ?? 0) - (before[state] ?? 0) }
                return (seconds, done(.delivered), done(.dead))
            }

            // Both warmed up once (sessions, caches), then alternated: the machine's load drifts within seconds, and
            // a ratio of two runs far apart measures the drift as much as the broker.
            _ = await baseline()
            _ = try await tocsin()
            var rates: [Double] = [], baselines: [Double] = [], ratios: [Double] = [], recorded: [Double] = []
            var delivered = 0, dead = 0
            for round in 1...repeats {
                let base = await baseline()
                let run = try await tocsin()
                let rate = Double(run.delivered) / run.seconds
                rates.append(rate)
                baselines.append(base)
                ratios.append(rate / base)
                recorded.append(run.seconds)
                delivered += run.delivered
                dead += run.dead
                print(String(format: "round %d: %.0f emails/s, last recorded %.1f ms after publishing; baseline %.0f raw messages/s; ratio %.2f",
                             round, rate, run.seconds * 1000, base, rate / base))
            }
            workerTask.cancel()
            await workerTask.value
            func summary(_ values: [Double], _ format: String) -> String {
                String(format: "\(format) (\(format)–\(format))", BenchTiming.median(values), values.min()!, values.max()!)
            }
            print(String(format: "emails: %d delivered, %d dead over %d rounds of %d", delivered, dead, repeats, recipients))
            print("emails/s: \(summary(rates, "%.0f")), median (range); rendered from templates, MIME-encoded, recorded in the ledger")
            print("last recorded: \(summary(recorded.map { $0 * 1000 }, "%.1f")) ms after publishing")
            print("baseline: \(summary(baselines, "%.0f")) raw SMTP messages/s (\(baselineCount) messages, same server and sessions)")
            print("ratio: \(summary(ratios, "%.2f")) of the baseline rate, each round against the baseline measured just before it")
            print("peak memory: \(PeakMemory.megabytes()) MiB (max resident set size of this process)")
            let size = try composeCost(benchAlert(published), smtp: smtp, count: min(recipients, 2_000))
            // For information, not the ratio above: the raw rate with messages as large as Tocsin's, which says how
            // much of the gap is bytes rather than the broker's work.
            var sized: [Double] = []
            for _ in 0..<3 { sized.append(await baseline(size: size)) }
            print(String(format: "baseline with messages of Tocsin's size (%d bytes): %.0f raw SMTP messages/s (median of 3); Tocsin's median rate is %.2f of it",
                         size, BenchTiming.median(sized), BenchTiming.median(rates) / BenchTiming.median(sized)))
        }

        /// What making one message costs, apart from sending it: rendered from the templates for each recipient
        /// alone, and made from the alert's variant rendered once (what the channel sends). Returns a message's size.
        func composeCost(_ alert: Alert, smtp: SMTPConfiguration, count: Int) throws -> Int {
            guard let directory = EmailTemplates.locate(configured: templatesDir) else { throw CLIError("no Templates folder found") }
            let sender = SMTPSender(configuration: SMTPConfiguration(url: smtp.url, from: smtp.from, concurrency: 1))
            defer { sender.shutdown() }
            let links = AckLinks(signer: AckLinkSigner(key: (0..<32).map { _ in UInt8.random(in: 0...255) }), publicUrl: "https://tocsin.example")
            let channel = EmailChannel(sender: sender, templates: try EmailTemplates(directory: directory), publicUrl: "https://tocsin.example",
                                       ackLinks: links)
            let json = try TocsinJSON.encode(alert)
            let claimed = (0..<count).map { index in
                ClaimedDelivery(delivery: Delivery(alertId: alert.id, revision: alert.revision, subscriptionId: "sub-\(index)", orgId: "org-\(index)",
                                                   channel: .email),
                                target: "rssi\(index)@etablissement.test", alertJSON: json, eventType: alert.eventType, eventTime: alert.updatedAt,
                                orgName: "Établissement \(index)", locale: "fr",
                                secrets: [SubscriptionSecret(.unsubscribe, "unsubscribe-token-\(index)")])
            }
            var bytes = 0
            let alone = ContinuousClock.now
            for item in claimed { bytes &+= try channel.message(for: item).render().count }
            let aloneSeconds = (ContinuousClock.now - alone).seconds
            let shared = ContinuousClock.now
            for item in claimed { bytes &+= try channel.wireMessage(for: item).count }
            let sharedSeconds = (ContinuousClock.now - shared).seconds
            print(String(format: "compose: %.1f µs a message rendered for its recipient alone, %.1f µs from the alert's variant (%d messages, %d bytes each)",
                         aloneSeconds / Double(count) * 1e6, sharedSeconds / Double(count) * 1e6, count, bytes / (2 * count)))
            return bytes / (2 * count)
        }
    }
}

/// What the benchmarks share: their baseline load and the subscribers they create.
enum Baseline {
    /// Calls per second of `body`, called `count` times spread over `concurrency` tasks.
    static func rate(_ count: Int, over concurrency: Int, _ body: @escaping @Sendable (Int) async -> Void) async -> Double {
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var index = worker
                    while index < count {
                        await body(index)
                        index += concurrency
                    }
                }
            }
        }
        return Double(count) / (ContinuousClock.now - start).seconds
    }

    /// `count` organisations of Normandie cleared AMBER, each with one subscription on `channel` to the target and
    /// secret `subscription(index)` gives, inserted in one transaction.
    static func seed(_ store: SQLiteStore, count: Int, kind: Organisation.Kind, channel: Channel,
                     subscription: (Int) -> (target: String, secret: String?)) async throws {
        var orgs: [Organisation] = []
        var subs: [(Subscription, secret: String?)] = []
        for index in 0..<count {
            let org = Organisation(name: "Établissement \(index)", kind: kind, region: "28", tlpClearance: .amber)
            let (target, secret) = subscription(index)
            orgs.append(org)
            subs.append((Subscription(orgId: org.id, channel: channel, target: target), secret))
        }
        try await store.bulkInsert(organisations: orgs, subscriptions: subs)
    }
}

/// The peak resident memory of this process.
enum PeakMemory {
    static func megabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}

/// The CPU time this process has used so far, every thread, user and system, in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
