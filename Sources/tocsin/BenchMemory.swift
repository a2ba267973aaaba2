import ArgumentParser
import Foundation
import TocsinCore
import TocsinDelivery
import TocsinNet
import TocsinStore

extension Bench {
    /// The broker's own memory with N webhook subscriptions: `tocsin serve` in a process of its own (so that nothing of
    /// the benchmark is counted), one alert published through its API to all N, every webhook to nginx. The resident
    /// memory is read from the kernel at start, and its peak once every delivery is recorded.
    struct Memory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Peak memory of `tocsin serve` (its own process) with N webhook subscriptions, through one fan-out to all of them.",
            discussion: "Needs nginx (`make bench-deps`).")

        @Option(help: "Webhook subscriptions (one organisation each).") var subscriptions: Int = 50_000
        @Option(help: "Seconds to wait for the fan-out before giving up.") var timeout: Double = 600

        func run() async throws {
            guard subscriptions >= 1, subscriptions <= 200_000 else { throw CLIError("--subscriptions must be from 1 to 200000") }
            let tools = try BenchTools.locate(["nginx"])
            bootstrapStandardErrorLogging(level: .error)
            let work = NSTemporaryDirectory() + "tocsin-memory-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: work + "/tocsin", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }
            let nginx = try await NginxReceiver.start(binary: tools["nginx"]!, directory: work + "/nginx")
            defer { nginx.stop() }

            print("Memory of `tocsin serve` with \(subscriptions) webhook subscriptions; nginx receiver on port \(nginx.port)")
            let admin = APIToken.makeSecret()
            do {
                let store = try SQLiteStore(path: work + "/tocsin/tocsin.sqlite", channels: ChannelRegistry.catalog)
                try await store.createToken(APIToken(role: .admin, orgId: nil, label: "bench"), secret: admin)
                try await Baseline.seed(store, count: subscriptions, kind: .ch, channel: .webhook) { index in
                    ("http://127.0.0.1:\(nginx.port)/tocsin/\(index)", StandardWebhooks.makeSecret())
                }
            }
            let broker = Relay.Child(dataDir: work + "/tocsin")
            defer { broker.stop() }
            try await broker.start(environment: [
                "TOCSIN_LOG_LEVEL": "error", "TOCSIN_WEBHOOKS_ALLOWED_NETWORKS": "127.0.0.0/8", "TOCSIN_ESCALATION_ENABLED": "false",
            ])
            let pid = broker.process.processIdentifier
            let client = CurlHTTPClient(connectionsPerHost: 2)
            defer { client.shutdown() }
            /// The status the broker answers (0 when it does not).
            func call(_ method: String, _ path: String, _ body: String? = nil) async -> Int {
                var headers = [("Authorization", "Bearer \(admin)")]
                if body != nil { headers.append(("Content-Type", "application/json")) }
                guard case .success(let result) = await client.send(HTTPRequest(url: "http://127.0.0.1:\(broker.port)\(path)", method: method,
                                                                                 headers: headers, body: Array((body ?? "").utf8), timeout: timeout,
                                                                                 maxBodyBytes: 1 << 20))
                else { return 0 }
                return result.status
            }
            // The routing index is built at the first publish, so the memory at start is read after a first look at the
            // broker only.
            _ = await call("GET", "/api/v1/orgs?limit=1")
            let atStart = BenchTools.residentMegabytes(pid: pid)
            print("resident at start: \(atStart) MiB")

            let body = #"{"title":"Banc d'essai mémoire","summary":"Une alerte vers chaque abonnement.","severity":"high","tlp":"GREEN"}"#
            let start = ContinuousClock.now
            let published = await call("POST", "/api/v1/alerts", body)
            guard published == 201 else { throw CLIError("the broker refused the alert (\(published))") }
            print(String(format: "publish answered in %.2f s (routing and %d outbox rows in one transaction)", (ContinuousClock.now - start).seconds, subscriptions))
            let arrived = try await nginx.waitFor("tocsin", subscriptions, since: start)
            // Every delivery recorded before the peak is read, through a connection of this process to the same file.
            let ledger = try SQLiteStore(path: work + "/tocsin/tocsin.sqlite", channels: ChannelRegistry.catalog)
            while (try await ledger.deliveryCounts()[.delivered] ?? 0) < subscriptions {
                guard (ContinuousClock.now - start).seconds < timeout else { throw CLIError("not every delivery was recorded within \(Int(timeout)) s") }
                try await Task.sleep(for: .milliseconds(100))
            }
            let recorded = (ContinuousClock.now - start).seconds
            print(String(format: "fan-out: the last of %d webhooks at nginx %.2f s after the publish, every delivery recorded at %.2f s",
                         subscriptions, arrived, recorded))
            print("peak resident memory of `tocsin serve`: \(BenchTools.peakMegabytes(pid: pid)) MiB (VmHWM); now \(BenchTools.residentMegabytes(pid: pid)) MiB")
        }
    }
}
