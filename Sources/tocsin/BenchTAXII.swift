import ArgumentParser
import Foundation
import Logging
import Synchronization
import TocsinCore
import TocsinDelivery
import TocsinNet
import TocsinServer
import TocsinStore

extension Bench {
    /// The TAXII server on a large collection: alerts stored until one collection holds N objects, then, through
    /// the real HTTP server with the admin token, the 10 newest objects (`added_after` the 11th newest) and the whole
    /// collection page by page; the baseline is `GET /healthz` from the same client.
    struct TAXII: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "taxii",
            abstract: "Fetch the 10 newest objects of an N-object TAXII collection, and page through all of it; compare with GET /healthz.")

        @Option(help: "Objects in the collection (11 per alert: a report, a vulnerability, 9 indicators).") var objects: Int = 100_000
        @Option(help: "Page size when paging through the collection (at most 1000).") var pageSize: Int = 1_000
        @Option(name: .customLong("data-dir"), help: "Where to put the benchmark database (default: a new temporary directory).") var dataDir: String?

        func run() async throws {
            guard objects >= 100, objects <= 10_000_000 else { throw CLIError("--objects must be from 100 to 10000000") }
            guard (1...1_000).contains(pageSize) else { throw CLIError("--page-size must be from 1 to 1000") }
            var configuration = TocsinConfiguration()
            configuration.dataDir = dataDir ?? NSTemporaryDirectory() + "tocsin-taxii-\(UUID().uuidString)"
            configuration.port = 0
            configuration.logLevel = "error"
            bootstrapStandardErrorLogging(level: .error)
            defer { if dataDir == nil { try? FileManager.default.removeItem(atPath: configuration.dataDir) } }
            try FileManager.default.createDirectory(atPath: configuration.dataDir, withIntermediateDirectories: true)

            let alerts = (objects + 10) / 11
            print("Tocsin TAXII benchmark: \(alerts) AMBER alerts, \(alerts * 11) objects in one collection")
            let store = try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog, logger: Logger(label: "tocsin.store"))
            let token = APIToken.makeSecret()
            try await store.createToken(APIToken(role: .admin, orgId: nil, label: "bench"), secret: token)
            let storeStart = ContinuousClock.now
            for index in 0..<alerts {
                let indicators = (0..<9).map { Indicator(type: .sha256, value: String(format: "%016llx%048d", UInt64(index), $0)) }
                let draft = AlertDraft(title: "Alerte \(index)", summary: "Benchmark", severity: .high, tlp: .amber, cves: ["CVE-2024-3400"],
                                       indicators: indicators)
                _ = try await store.publish(Alert.first(from: draft), route: { _, _ in .nothing })
            }
            print(String(format: "stored:   %d alerts in %.1f s", alerts, (ContinuousClock.now - storeStart).seconds))

            let broker = try await TocsinBroker(configuration: configuration, logger: Logger(label: "tocsin"))
            let listening = Mutex<Int?>(nil)
            let server = Task { try await broker.run(onListening: { port in listening.withLock { $0 = port } }) }
            let startDeadline = ContinuousClock.now + .seconds(30)
            while listening.withLock({ $0 }) == nil, ContinuousClock.now < startDeadline { try await Task.sleep(for: .milliseconds(10)) }
            guard let port = listening.withLock({ $0 }) else { throw CLIError("the broker did not start listening within 30 s") }
            let base = "http://127.0.0.1:\(port)"
            let client = CurlHTTPClient()
            defer { client.shutdown() }
            let headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/taxii+json;version=2.1")]
            func get(_ path: String) async throws -> HTTPResult {
                guard case .success(let response) = await client.send(HTTPRequest(url: base + path, method: "GET", headers: headers, timeout: 600,
                                                                                  maxBodyBytes: 256 << 20)),
                      response.status == 200 else { throw CLIError("GET \(path) failed") }
                return response
            }

            // Baseline: GET /healthz, one request after the other, from the same client.
            let healthCount = 500
            let healthStart = ContinuousClock.now
            for _ in 0..<healthCount { _ = await client.send(HTTPRequest(url: base + "/healthz", method: "GET")) }
            let healthRate = Double(healthCount) / (ContinuousClock.now - healthStart).seconds

            let collections = try JSONSerialization.jsonObject(with: Data(try await get("/taxii2/api/collections/").body)) as? [String: Any]
            guard let collection = (collections?["collections"] as? [[String: Any]])?.first(where: { $0["title"] as? String == "TLP:AMBER" })?["id"] as? String
            else { throw CLIError("no TLP:AMBER collection") }
            let objectsPath = "/taxii2/api/collections/\(collection)/objects/"

            // The first read catches the collections up with the alert log: every object written once.
            let catchUpStart = ContinuousClock.now
            _ = try await get(objectsPath + "?limit=1")
            let catchUpSeconds = (ContinuousClock.now - catchUpStart).seconds

            // The whole collection, page by page, and the date_added of every object from the manifest.
            var dates: [String] = []
            var next: String?
            repeat {
                let page = try await get("/taxii2/api/collections/\(collection)/manifest/?limit=1000" + (next.map { "&next=\($0)" } ?? ""))
                let json = try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any]
                dates += (json?["objects"] as? [[String: Any]] ?? []).compactMap { $0["date_added"] as? String }
                next = json?["next"] as? String
            } while next != nil
            var read = 0
            var pages = 0
            let pagingStart = ContinuousClock.now
            next = nil
            repeat {
                let page = try await get(objectsPath + "?limit=\(pageSize)" + (next.map { "&next=\($0)" } ?? ""))
                let json = try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any]
                read += (json?["objects"] as? [Any])?.count ?? 0
                pages += 1
                next = json?["next"] as? String
            } while next != nil
            let pagingSeconds = (ContinuousClock.now - pagingStart).seconds
            guard read == dates.count else { throw CLIError("paging read \(read) objects, the manifest lists \(dates.count)") }

            // The 10 newest: added_after the 11th newest, 50 times, the median kept.
            guard dates.count > 11 else { throw CLIError("too few objects") }
            let after = dates[dates.count - 11].addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            var times: [Double] = []
            for _ in 0..<50 {
                let start = ContinuousClock.now
                let page = try await get(objectsPath + "?added_after=\(after)&limit=10")
                times.append((ContinuousClock.now - start).seconds)
                let json = try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any]
                guard (json?["objects"] as? [Any])?.count == 10 else { throw CLIError("the newest page did not hold 10 objects") }
            }
            times.sort()
            server.cancel()

            print(String(format: "baseline: GET /healthz %.0f requests/s (one client, one request at a time)", healthRate))
            print(String(format: "catch-up: %d objects written into the collections in %.2f s (first read after the alerts were stored)", dates.count, catchUpSeconds))
            print(String(format: "newest:   10 newest of %d objects: median %.1f ms, p90 %.1f ms (%.0f requests/s)",
                         dates.count, times[25] * 1000, times[45] * 1000, 1 / times[25]))
            print(String(format: "paging:   %d objects in %d pages of %d in %.2f s (%.0f objects/s, %.1f ms a page)",
                         read, pages, pageSize, pagingSeconds, Double(read) / pagingSeconds, pagingSeconds / Double(pages) * 1000))
        }
    }
}
