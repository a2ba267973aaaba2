import ArgumentParser
import Foundation
import Logging
import TocsinCore
import TocsinDelivery
import TocsinNet
import TocsinServer
import TocsinStore

extension Bench {
    /// The national chain on this machine: a national broker and one regional broker per region, each a
    /// `tocsin serve` process with its own data directory, the regional ones following the national one with a relay
    /// token; N establishments spread over the regions, one webhook each to a local receiver. One national alert,
    /// then the time until the last establishment's webhook and until the national reach view counts them all.
    struct Relay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish one national alert through regional brokers (separate processes) to N establishments; time delivery and the reach roll-up.")

        @Option(help: "Number of regional brokers (1 to 18), one per region.") var regions: Int = 18
        @Option(help: "Number of establishments, spread over the regions.") var orgs: Int = 3_000
        @Option(help: "Seconds to wait for each stage before giving up.") var timeout: Double = 300

        /// A `tocsin serve` child process.
        final class Child: @unchecked Sendable {
            let process = Process()
            let dataDir: String
            var port = 0

            init(dataDir: String) { self.dataDir = dataDir }

            func start(environment: [String: String]) async throws {
                process.executableURL = URL(fileURLWithPath: Bench.Relay.binary)
                process.arguments = ["serve", "--data-dir", dataDir, "--host", "127.0.0.1", "--port", "0"]
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                let out = dataDir + "/stdout.log"
                FileManager.default.createFile(atPath: out, contents: nil)
                FileManager.default.createFile(atPath: dataDir + "/stderr.log", contents: nil)
                process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
                process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: dataDir + "/stderr.log"))
                try process.run()
                let deadline = Date() + 60
                while Date() < deadline {
                    let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
                    if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
                       let port = Int(text[range].split(separator: ":").last ?? "") {
                        self.port = port
                        return
                    }
                    guard process.isRunning else { throw CLIError("a broker exited at start; see \(dataDir)/stderr.log") }
                    try await Task.sleep(for: .milliseconds(50))
                }
                throw CLIError("a broker did not report its port within 60 s")
            }

            func stop() {
                guard process.isRunning else { return }
                process.terminate()
                process.waitUntilExit()
            }
        }

        /// This very program, to start the brokers.
        static var binary: String {
            Bundle.main.executablePath ?? CommandLine.arguments[0]
        }

        func run() async throws {
            guard (1...18).contains(regions) else { throw CLIError("--regions must be from 1 to 18") }
            guard orgs >= regions, orgs <= 100_000 else { throw CLIError("--orgs must be from --regions to 100000") }
            bootstrapStandardErrorLogging(level: .error)
            let root = NSTemporaryDirectory() + "tocsin-bench-relay-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: root) }
            let receiver = try await BenchReceiver.start()
            let codes = Array(Region.names.keys.sorted().prefix(regions))
            print("Tocsin relay benchmark: 1 national broker, \(regions) regional brokers (separate processes), \(orgs) establishments")
            let environment = [
                "TOCSIN_LOG_LEVEL": "error", "TOCSIN_WEBHOOKS_ALLOWED_NETWORKS": "127.0.0.0/8", "TOCSIN_DELIVERY_POLL_INTERVAL": "100ms",
                "TOCSIN_STREAM_HEARTBEAT": "1s", "TOCSIN_RELAY_REACH_INTERVAL": "1s", "TOCSIN_DELIVERY_CONCURRENCY": "8",
                "TOCSIN_ESCALATION_ENABLED": "false",
            ]

            // The national broker: an ARS organisation per region, each with a relay token.
            let nationalDir = root + "/national"
            try FileManager.default.createDirectory(atPath: nationalDir, withIntermediateDirectories: true)
            var relayTokens: [String: String] = [:]
            let adminSecret = APIToken.makeSecret()
            do {
                let store = try SQLiteStore(path: nationalDir + "/tocsin.sqlite", channels: ChannelRegistry.catalog)
                try await store.createToken(APIToken(role: .admin, orgId: nil, label: "bench"), secret: adminSecret)
                var arsOrgs: [Organisation] = []
                for code in codes { arsOrgs.append(Organisation(name: "ARS \(code)", kind: .ars, region: code, tlpClearance: .amber)) }
                try await store.bulkInsert(organisations: arsOrgs, subscriptions: [])
                for org in arsOrgs {
                    let secret = APIToken.makeSecret()
                    try await store.createToken(APIToken(role: .relay, orgId: org.id, label: "bench"), secret: secret)
                    relayTokens[org.region ?? ""] = secret
                }
            }
            let national = Child(dataDir: nationalDir)
            var children = [national]
            defer { for child in children { child.stop() } }
            try await national.start(environment: environment.merging(["TOCSIN_BROKER_NAME": "national"]) { $1 })

            // The regional brokers, each with its establishments and the national broker as upstream.
            let hook = "http://127.0.0.1:\(receiver.port)/hook"
            var regionalAdmins: [(Child, String)] = []
            for (index, code) in codes.enumerated() {
                let dir = root + "/region-\(code)"
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let store = try SQLiteStore(path: dir + "/tocsin.sqlite", channels: ChannelRegistry.catalog)
                let admin = APIToken.makeSecret()
                try await store.createToken(APIToken(role: .admin, orgId: nil, label: "bench"), secret: admin)
                let count = orgs / regions + (index < orgs % regions ? 1 : 0)
                var establishments: [Organisation] = []
                var subscriptions: [(Subscription, secret: String?)] = []
                for n in 0..<count {
                    let org = Organisation(name: "Établissement \(code)-\(n)", kind: .ch, region: code, tlpClearance: .amber)
                    establishments.append(org)
                    subscriptions.append((Subscription(orgId: org.id, channel: .webhook, target: hook), StandardWebhooks.makeSecret()))
                }
                try await store.bulkInsert(organisations: establishments, subscriptions: subscriptions)
                try await store.addUpstream(UpstreamRecord(name: "national", url: "http://127.0.0.1:\(national.port)", token: relayTokens[code]!))
                let child = Child(dataDir: dir)
                children.append(child)
                try await child.start(environment: environment.merging(["TOCSIN_BROKER_NAME": "ARS \(code)", "TOCSIN_RELAY_REGIONS": code]) { $1 })
                regionalAdmins.append((child, admin))
            }
            let client = CurlHTTPClient(connectionsPerHost: 4)
            defer { client.shutdown() }
            func get(_ port: Int, _ path: String, token: String) async -> [String: Any] {
                guard case .success(let result) = await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)\(path)", method: "GET",
                                                                                 headers: [("Authorization", "Bearer \(token)")], maxBodyBytes: 4 << 20)),
                      result.status == 200 else { return [:] }
                return (try? JSONSerialization.jsonObject(with: Data(result.body))) as? [String: Any] ?? [:]
            }
            let connectDeadline = Date() + timeout
            for (child, admin) in regionalAdmins {
                while ((await get(child.port, "/api/v1/upstreams", token: admin)["items"] as? [[String: Any]])?.first?["state"] as? String) != "connected" {
                    guard Date() < connectDeadline else { throw CLIError("a regional broker did not connect to the national one") }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            print("brokers ready: national on port \(national.port), \(regions) regional brokers connected")

            // One national alert.
            let body = #"{"title":"Banc d'essai du relais","summary":"Alerte nationale relayée par les ARS.","severity":"high","tlp":"GREEN"}"#
            let start = ContinuousClock.now
            guard case .success(let published) = await client.send(HTTPRequest(url: "http://127.0.0.1:\(national.port)/api/v1/alerts",
                                                                                headers: [("Authorization", "Bearer \(adminSecret)"), ("Content-Type", "application/json")],
                                                                                body: Array(body.utf8))),
                  published.status == 201,
                  let alertId = ((try? JSONSerialization.jsonObject(with: Data(published.body))) as? [String: Any])?["id"] as? String else {
                throw CLIError("the national broker refused the alert")
            }
            while receiver.distinctCount < orgs {
                guard (ContinuousClock.now - start).seconds < timeout else { throw CLIError("only \(receiver.distinctCount) of \(orgs) webhooks arrived within \(Int(timeout)) s") }
                try await Task.sleep(for: .milliseconds(20))
            }
            let delivered = (ContinuousClock.now - start).seconds
            print(String(format: "national publish → last establishment's webhook: %.2f s (%d webhooks)", delivered, receiver.distinctCount))
            var counted = 0
            while counted < orgs {
                guard (ContinuousClock.now - start).seconds < timeout else { throw CLIError("the national reach view counted \(counted) of \(orgs) within \(Int(timeout)) s") }
                let report = await get(national.port, "/api/v1/alerts/\(alertId)/reach", token: adminSecret)
                counted = ((report["relayed"] as? [String: Any])?["counts"] as? [String: Any])?["delivered"] as? Int ?? 0
                if counted < orgs { try await Task.sleep(for: .milliseconds(100)) }
            }
            let rolledUp = (ContinuousClock.now - start).seconds
            print(String(format: "national publish → national reach view shows all %d delivered: %.2f s", orgs, rolledUp))
            try await receiver.stop()
        }
    }
}
