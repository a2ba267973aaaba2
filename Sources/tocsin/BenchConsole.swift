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
    /// Every page of the web console against a full store: N organisations over the 18 regions (one in ten without a
    /// subscription, so the unreachable pages have rows), M alerts each concerning the establishments of its region,
    /// a regional agency, and signed-in sessions of each role; then, through the real HTTP server, each page many
    /// times one after the other, its median and p99 printed beside `GET /healthz` from the same client. A page
    /// this build does not have (404) is named and skipped.
    struct Console: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time every console page (inbox, alert, boards, admin, import, login) with N organisations and M alerts in the store.")

        @Option(help: "Organisations, spread over the 18 regions.") var orgs: Int = 3_000
        @Option(help: "Alerts, each for one region and concerning its establishments.") var alerts: Int = 10_000
        @Option(help: "Requests per page.") var requests: Int = 200
        @Option(help: "The goal for a page's median, in milliseconds.") var goal: Double = 50
        @Option(name: .customLong("data-dir"), help: "Where to put the benchmark database (default: a new temporary directory).") var dataDir: String?

        func run() async throws {
            guard orgs >= 18, orgs <= 100_000 else { throw CLIError("--orgs must be from 18 to 100000") }
            guard alerts >= 10, alerts <= 1_000_000 else { throw CLIError("--alerts must be from 10 to 1000000") }
            guard requests >= 10, requests <= 100_000 else { throw CLIError("--requests must be from 10 to 100000") }
            var configuration = TocsinConfiguration()
            configuration.dataDir = dataDir ?? NSTemporaryDirectory() + "tocsin-console-\(UUID().uuidString)"
            configuration.port = 0
            configuration.logLevel = "error"
            bootstrapStandardErrorLogging(level: .error)
            defer { if dataDir == nil { try? FileManager.default.removeItem(atPath: configuration.dataDir) } }
            try FileManager.default.createDirectory(atPath: configuration.dataDir, withIntermediateDirectories: true)
            print("Tocsin console benchmark: \(orgs) organisations over \(Region.names.count) regions, \(alerts) alerts, \(requests) requests a page")

            // The directory: establishments of every region, one in ten with no subscription; an agency of Normandie.
            let store = try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog, logger: Logger(label: "tocsin.store"))
            let regions = Region.names.keys.sorted()
            var organisations: [Organisation] = []
            var subscriptions: [(Subscription, secret: String?)] = []
            let kinds: [Organisation.Kind] = [.chu, .ch, .clinic, .ehpad, .esms]
            for index in 0..<orgs {
                var org = Organisation(name: "Établissement \(index)", kind: kinds[index % kinds.count], region: regions[index % regions.count],
                                       tlpClearance: .amber)
                org.contacts = [Contact(role: .rssi, name: "RSSI \(index)", email: "rssi\(index)@etab.example")]
                organisations.append(org)
                if index % 10 != 0 {
                    subscriptions.append((Subscription(orgId: org.id, channel: .email, target: "rssi\(index)@etab.example"), nil))
                }
            }
            let agency = Organisation(name: "ARS Normandie", kind: .ars, region: "28", tlpClearance: .amber)
            organisations.append(agency)
            let seedStart = ContinuousClock.now
            try await store.bulkInsert(organisations: organisations, subscriptions: subscriptions)
            let byRegion = Dictionary(grouping: organisations, by: { $0.region ?? "" })

            // The alerts: each for one region, concerning its establishments (no delivery queued: the pages, not the
            // outbox, are measured); one in five acknowledged by a few establishments.
            var newest: [String: String] = [:]
            for index in 0..<alerts {
                let region = regions[index % regions.count]
                let indicators = (0..<5).map { Indicator(type: .sha256, value: String(format: "%016llx%048d", UInt64(index), $0)) }
                let draft = AlertDraft(title: "Alerte \(index) : vulnérabilité critique", summary: "Benchmark de la console.", severity: [.critical, .high, .medium][index % 3],
                                       tlp: index % 4 == 0 ? .amber : .green, cves: ["CVE-2024-3400"], regions: [region], indicators: indicators)
                let concerned = (byRegion[region] ?? []).map { ConcernedOrganisation(orgId: $0.id) }
                let published = try await store.publish(Alert.first(from: draft), route: { _, _ in
                    RoutingPlan(deliveries: [], supersedesWaiting: false, concerned: concerned)
                })
                newest[region] = published.alert.id
                if index % 5 == 0 {
                    for member in concerned.prefix(3) {
                        _ = try await store.acknowledge(alertId: published.alert.id, orgId: member.orgId,
                                                        mark: ReachMark(at: Date(), by: "bench", channel: "api"), note: nil)
                    }
                }
            }
            print(String(format: "seeded:   %d organisations, %d alerts in %.1f s", organisations.count, alerts, (ContinuousClock.now - seedStart).seconds))

            // Sessions of each role, as a signed-in browser holds them.
            func session(role: Role, orgId: String?) async throws -> String {
                let token = APIToken(role: role, orgId: orgId, label: "bench \(role.rawValue)")
                try await store.createToken(token, secret: APIToken.makeSecret())
                let secret = TocsinID.secret(prefix: "", bytes: 32)
                let now = Date()
                try await store.createConsoleSession(ConsoleSession(origin: .token, role: role, orgId: orgId, tokenId: token.id, locale: "fr",
                                                                    createdAt: now, expiresAt: now.addingTimeInterval(86_400)),
                                                     secretHash: TokenHash.hash(secret))
                return secret
            }
            let normandie = byRegion["28"]!.first { $0.kind != .ars }!
            let admin = try await session(role: .admin, orgId: nil)
            let publisher = try await session(role: .publisher, orgId: nil)
            let subscriber = try await session(role: .subscriber, orgId: normandie.id)
            let relay = try await session(role: .relay, orgId: agency.id)
            let alertId = newest["28"]!

            let broker = try await TocsinBroker(configuration: configuration, logger: Logger(label: "tocsin"))
            let listening = Mutex<Int?>(nil)
            let server = Task { try await broker.run(onListening: { port in listening.withLock { $0 = port } }) }
            let startDeadline = ContinuousClock.now + .seconds(60)
            while listening.withLock({ $0 }) == nil, ContinuousClock.now < startDeadline { try await Task.sleep(for: .milliseconds(10)) }
            guard let port = listening.withLock({ $0 }) else { throw CLIError("the broker did not start listening within 60 s") }
            let base = "http://127.0.0.1:\(port)"
            let client = CurlHTTPClient(connectionsPerHost: 1, maxConnections: 1)
            defer { client.shutdown() }

            func get(_ path: String, session: String?) async -> (status: Int, bytes: Int) {
                let headers = session.map { [("Cookie", "tocsin_session=\($0)")] } ?? []
                guard case .success(let response) = await client.send(HTTPRequest(url: base + path, method: "GET", headers: headers, timeout: 60,
                                                                                  maxBodyBytes: 64 << 20)) else { return (-1, 0) }
                return (response.status, response.body.count)
            }
            /// Milliseconds of each request, sorted, or nil when the page is not in this build.
            func measure(_ path: String, session: String?) async throws -> (times: [Double], bytes: Int)? {
                let first = await get(path, session: session)
                if first.status == 404 { return nil }
                guard first.status == 200 else { throw CLIError("GET \(path) answered \(first.status)") }
                for _ in 0..<5 { _ = await get(path, session: session) }
                var times: [Double] = []
                for _ in 0..<requests {
                    let start = ContinuousClock.now
                    _ = await get(path, session: session)
                    times.append((ContinuousClock.now - start).seconds * 1_000)
                }
                return (times.sorted(), first.bytes)
            }
            func quantile(_ sorted: [Double], _ q: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.down)))] }

            let baseline = try await measure("/healthz", session: nil)!
            print(String(format: "baseline: GET /healthz median %.2f ms, p99 %.2f ms (one client, one request at a time)",
                         quantile(baseline.times, 0.5), quantile(baseline.times, 0.99)))
            let pages: [(name: String, path: String, session: String?)] = [
                ("login page", "/console/login", nil),
                ("inbox (RSSI)", "/console/alerts", subscriber),
                ("inbox (admin)", "/console/alerts", admin),
                ("alert page (RSSI)", "/console/alerts/\(alertId)", subscriber),
                ("organisation (RSSI)", "/console/organisation", subscriber),
                ("inventory (RSSI)", "/console/inventory", subscriber),
                ("compose (analyst)", "/console/compose", publisher),
                ("reach board (analyst)", "/console/alerts/\(alertId)/reach", publisher),
                ("ARS board", "/console/region", relay),
                ("ARS alert page", "/console/region/alerts/\(alertId)", relay),
                ("ARS unreachable", "/console/region/unreachable", relay),
                ("ARS upstreams", "/console/region/upstreams", relay),
                ("admin organisations", "/console/admin/orgs", admin),
                ("admin tokens", "/console/admin/tokens", admin),
                ("admin import page", "/console/admin/import", admin),
            ]
            var over: [String] = []
            for page in pages {
                guard let result = try await measure(page.path, session: page.session) else {
                    print("absent:   \(page.name) (\(page.path)) is not in this build")
                    continue
                }
                let median = quantile(result.times, 0.5)
                let p99 = quantile(result.times, 0.99)
                if median >= goal { over.append(page.name) }
                print(String(format: "page:     %-24@ median %6.2f ms, p99 %6.2f ms, %7d bytes  %@", page.name as NSString, median, p99, result.bytes,
                             median < goal ? "" : "OVER \(Int(goal)) ms"))
            }
            server.cancel()
            print(over.isEmpty ? "every page's median under \(Int(goal)) ms" : "over \(Int(goal)) ms: \(over.joined(separator: ", "))")
        }
    }
}
