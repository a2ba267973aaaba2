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
    /// The flash lane on this machine: a declaration with 200 indicators through the API, the CERT's
    /// acknowledgement, a flash alert to a region of 300 establishments and then one to every establishment, each
    /// followed by scripted peers acknowledging through the API, and a revision from later indicators. It prints the
    /// time each step takes in the software; there are no human delays to leave out, since nobody waits.
    struct Flash: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the flash lane: declare, acknowledge, flash to a region then nationally, peers acknowledging, a revision.")

        @Option(help: "Number of establishments; the first 300 are in Normandie, the others spread over the other regions.") var orgs: Int = 3_000
        @Option(help: "Indicators in the declaration.") var indicators: Int = 200
        @Option(help: "Concurrent API clients acknowledging.") var clients: Int = 8
        @Option(help: "Delivery attempts in flight at once.") var concurrency: Int = 16
        @Option(name: .customLong("data-dir"), help: "Where to put the benchmark database (default: a new temporary directory).") var dataDir: String?

        func run() async throws {
            guard orgs >= 600, orgs <= 100_000 else { throw CLIError("--orgs must be from 600 to 100000") }
            guard (1...20_000).contains(indicators) else { throw CLIError("--indicators must be from 1 to 20000") }
            var configuration = TocsinConfiguration()
            configuration.dataDir = dataDir ?? NSTemporaryDirectory() + "tocsin-flash-\(UUID().uuidString)"
            configuration.deliveryConcurrency = concurrency
            configuration.channels[WebhookSettings.self].allowedNetworks = ["127.0.0.0/8"]
            configuration.port = 0
            configuration.logLevel = "error"
            configuration.deliveryPollInterval = 0.05
            bootstrapStandardErrorLogging(level: .error)
            defer { if dataDir == nil { try? FileManager.default.removeItem(atPath: configuration.dataDir) } }
            let receiver = try await BenchReceiver.start()
            let hook = "http://127.0.0.1:\(receiver.port)/hook"
            print("Tocsin flash-lane benchmark: \(orgs) establishments (300 in Normandie), a declaration of \(indicators) indicators, \(clients) API clients")

            // The directory: the establishments with a webhook each, a subscriber token each, and a CERT analyst.
            let others = Region.names.keys.sorted().filter { $0 != "28" }
            let kinds: [Organisation.Kind] = [.chu, .ch, .ch, .clinic, .ehpad]
            var organisations: [Organisation] = []
            var subscriptions: [(Subscription, secret: String?)] = []
            for index in 0..<orgs {
                let region = index < 300 ? "28" : others[index % others.count]
                let org = Organisation(name: "Établissement \(index)", kind: index == 0 ? .chu : kinds[index % kinds.count], region: region, tlpClearance: .amber)
                organisations.append(org)
                subscriptions.append((Subscription(orgId: org.id, channel: .webhook, target: hook), StandardWebhooks.makeSecret()))
            }
            let setup = try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog, logger: Logger(label: "tocsin.store"))
            try await setup.bulkInsert(organisations: organisations, subscriptions: subscriptions)
            var tokens: [String: String] = [:]
            for org in organisations {
                let secret = APIToken.makeSecret()
                try await setup.createToken(APIToken(role: .subscriber, orgId: org.id, label: "flash"), secret: secret)
                tokens[org.id] = secret
            }
            let cert = APIToken.makeSecret()
            try await setup.createToken(APIToken(role: .publisher, orgId: nil, label: "cert"), secret: cert)

            let broker = try await TocsinBroker(configuration: configuration, logger: Logger(label: "tocsin"))
            let listening = Mutex<Int?>(nil)
            let server = Task { try await broker.run(onListening: { port in listening.withLock { $0 = port } }) }
            let startDeadline = ContinuousClock.now + .seconds(30)
            while listening.withLock({ $0 }) == nil, ContinuousClock.now < startDeadline { try await Task.sleep(for: .milliseconds(10)) }
            guard let port = listening.withLock({ $0 }) else { throw CLIError("the broker did not start listening within 30 s") }
            let api = "http://127.0.0.1:\(port)/api/v1"
            let client = CurlHTTPClient(connectionsPerHost: clients)
            defer { client.shutdown() }

            func call(_ method: String, _ path: String, token: String, json: Any? = nil) async throws -> (Double, [String: Any]) {
                var headers = [("Authorization", "Bearer \(token)")]
                var body: [UInt8] = []
                if let json {
                    body = Array(try JSONSerialization.data(withJSONObject: json))
                    headers.append(("Content-Type", "application/json"))
                }
                let start = ContinuousClock.now
                guard case .success(let response) = await client.send(HTTPRequest(url: api + path, method: method, headers: headers, body: body,
                                                                                   timeout: 120, maxBodyBytes: 64 << 20)),
                      (200..<300).contains(response.status) else { throw CLIError("\(method) \(path) failed") }
                let seconds = (ContinuousClock.now - start).seconds
                return (seconds, (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:])
            }
            func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
            /// Waits until `count` distinct deliveries more than `before` reached the receiver; the seconds taken.
            func served(_ count: Int, after before: Int, since start: ContinuousClock.Instant) async throws -> Double {
                let deadline = ContinuousClock.now + .seconds(600)
                while receiver.distinctCount < before + count {
                    guard ContinuousClock.now < deadline else { throw CLIError("only \(receiver.distinctCount - before) of \(count) deliveries arrived") }
                    try await Task.sleep(for: .milliseconds(5))
                }
                return (ContinuousClock.now - start).seconds
            }
            let failures = Mutex(0)
            func acknowledge(_ ids: [String], alertId: String) async -> Double {
                let secrets = tokens
                return await Baseline.rate(ids.count, over: clients) { index in
                    let request = HTTPRequest(url: "\(api)/alerts/\(alertId)/ack", method: "POST", headers: [("Authorization", "Bearer \(secrets[ids[index]]!)")])
                    if case .success(let response) = await client.send(request), response.status == 200 { return }
                    failures.withLock { $0 += 1 }
                }
            }
            func indicatorList(_ count: Int, offset: Int) -> [[String: String]] {
                (0..<count).map { i in
                    let n = i + offset
                    switch n % 4 {
                    case 0: return ["type": "ipv4", "value": "10.\(n / 65_536 % 256).\(n / 256 % 256).\(n % 256)"]
                    case 1: return ["type": "domain", "value": "c2-\(n).flash-bench.example"]
                    case 2: return ["type": "sha256", "value": String(repeating: String(format: "%02x", n % 256), count: 32)]
                    default: return ["type": "url", "value": "https://drop-\(n).flash-bench.example/payload"]
                    }
                }
            }

            // 1. The victim in Normandie declares, the CERT acknowledges, then flashes to Normandie (300).
            let victim = organisations[0]
            let (declareSeconds, receipt) = try await call("POST", "/incidents", token: tokens[victim.id]!, json: [
                "summary": "Chiffrement en cours", "malware": "BenchLocker", "careImpact": "degraded", "indicators": indicatorList(indicators, offset: 0),
            ])
            guard let incidentId = receipt["id"] as? String, receipt["indicatorsAccepted"] as? Int == indicators else { throw CLIError("declaration refused") }
            let (ackSeconds, _) = try await call("POST", "/incidents/\(incidentId)/acknowledge", token: cert)
            var before = receiver.distinctCount
            var start = ContinuousClock.now
            let (regionalFlash, regional) = try await call("POST", "/incidents/\(incidentId)/flash", token: cert, json: ["regions": ["28"]])
            guard let regionalId = (regional["alert"] as? [String: Any])?["id"] as? String else { throw CLIError("no flash alert") }
            let regionalPeers = organisations[1..<300].map(\.id)
            // The victim's own webhook is served too: it is in the region.
            let regionalServed = try await served(300, after: before, since: start)
            let ackRegional = ContinuousClock.now
            _ = await acknowledge(regionalPeers, alertId: regionalId)
            let regionalAckSeconds = (ContinuousClock.now - ackRegional).seconds

            // 2. A second incident, flashed to every establishment.
            let second = organisations[300]
            let (_, receipt2) = try await call("POST", "/incidents", token: tokens[second.id]!, json: [
                "summary": "Hameçonnage ciblé", "indicators": indicatorList(indicators, offset: 10_000),
            ])
            guard let incident2 = receipt2["id"] as? String else { throw CLIError("second declaration refused") }
            _ = try await call("POST", "/incidents/\(incident2)/acknowledge", token: cert)
            before = receiver.distinctCount
            start = ContinuousClock.now
            let (nationalFlash, national) = try await call("POST", "/incidents/\(incident2)/flash", token: cert, json: [:])
            guard let nationalId = (national["alert"] as? [String: Any])?["id"] as? String else { throw CLIError("no national flash alert") }
            let nationalServed = try await served(orgs, after: before, since: start)
            let nationalPeers = organisations.map(\.id).filter { $0 != second.id }
            let ackNational = ContinuousClock.now
            let ackRate = await acknowledge(nationalPeers, alertId: nationalId)
            let nationalAckSeconds = (ContinuousClock.now - ackNational).seconds

            // 3. Day 2: ten more indicators revise the national flash alert.
            before = receiver.distinctCount
            start = ContinuousClock.now
            let (addSeconds, added) = try await call("POST", "/incidents/\(incident2)/indicators", token: tokens[second.id]!,
                                                     json: ["indicators": indicatorList(10, offset: 50_000)])
            guard added["flashRevision"] as? Int == 2 else { throw CLIError("the new indicators made no revision") }
            let revisionServed = try await served(orgs, after: before, since: start)
            let (timelineSeconds, shown) = try await call("GET", "/incidents/\(incident2)", token: cert)
            let timeline = shown["timeline"] as? [String: Any] ?? [:]

            server.cancel()
            _ = try? await server.value
            try await receiver.stop()

            print("declare (\(indicators) indicators, POST /incidents): \(ms(declareSeconds))")
            print("CERT acknowledgement (POST /incidents/{id}/acknowledge): \(ms(ackSeconds))")
            print("flash to Normandie (300): publish \(ms(regionalFlash)); every webhook served \(ms(regionalServed)); "
                  + "299 peers acknowledged through the API in \(ms(regionalAckSeconds))")
            print("flash national (\(orgs)): publish \(ms(nationalFlash)); every webhook served \(ms(nationalServed)); "
                  + "\(nationalPeers.count) peers acknowledged in \(ms(nationalAckSeconds)) (\(String(format: "%.0f", ackRate)) acks/s)")
            print("revision from 10 new indicators: POST /incidents/{id}/indicators \(ms(addSeconds)); every webhook served again \(ms(revisionServed))")
            print("incident timeline (GET /incidents/{id}, \(orgs) reach lines): \(ms(timelineSeconds)); peers delivered \(timeline["peersDelivered"] ?? "?"), "
                  + "acknowledged \(timeline["peersAcknowledged"] ?? "?") (the revision asked them again)")
            print("peak memory: \(PeakMemory.megabytes()) MiB (max resident set size of this process)")
            let failed = failures.withLock { $0 }
            if failed > 0 {
                print("MISMATCH: \(failed) acknowledgements refused")
                throw ExitCode(1)
            }
        }
    }
}
