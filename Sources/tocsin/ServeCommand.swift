import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import TocsinCore
import TocsinServer
import TocsinStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the broker: REST API, feeds, metrics and the delivery worker.")

    @OptionGroup var options: StoreOptions
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one (default 8080).") var port: Int?
    @Flag(help: "On an empty database, create a demo organisation and print an admin token once.") var demo = false

    func run() async throws {
        var configuration = try options.loadConfiguration()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        TocsinLogging.bootstrap(configuration)
        try FileManager.default.createDirectory(atPath: configuration.dataDir, withIntermediateDirectories: true)
        guard let lock = DataDirectoryLock(directory: configuration.dataDir) else {
            throw CLIError("another broker is already serving \(configuration.dataDir) (it holds \(configuration.dataDir)/tocsin.lock); stop it or choose another --data-dir")
        }
        defer { lock.release() }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "tocsin")
        let broker = try await TocsinBroker(configuration: configuration, registry: registry, logger: logger)
        if demo, try await broker.store.isEmpty() {
            let org = Organisation(name: "CHU de démonstration", kind: .chu, region: "28", tlpClearance: .amber)
            try await broker.store.createOrganisation(org)
            let cert = Organisation(name: "CERT national de démonstration", kind: .cert, region: nil, tlpClearance: .red, national: true)
            try await broker.store.createOrganisation(cert)
            let token = APIToken(role: .admin, orgId: nil, label: "demo admin")
            let secret = APIToken.makeSecret()
            try await broker.store.createToken(token, secret: secret)
            FileHandle.standardOutput.write(Data("""
                Demo organisations created: \(org.name) (id \(org.id), region 28, cleared TLP:AMBER)
                  and \(cert.name) (id \(cert.id), national: every region, cleared TLP:RED)
                Admin token (shown once, keep it): \(secret)

                """.utf8))
        }
        // This process holds the data directory's lock, so no other broker can be sending what the store shows
        // as claimed: those claims belong to a process that died (kill -9, power loss) and are sent again now.
        let now = Date()
        let deliveries = try await broker.store.reclaimAbandonedDeliveries(now: now)
        let steps = try await broker.store.reclaimAbandonedEscalations(now: now)
        if deliveries + steps > 0 {
            logger.notice("took back what a stopped broker had claimed", metadata: ["deliveries": "\(deliveries)", "escalationSteps": "\(steps)"])
        }
        logger.info("starting", metadata: ["version": "\(TocsinVersion.current)", "database": "\(configuration.databasePath)"])
        let host = configuration.host
        try await broker.run { port in
            FileHandle.standardOutput.write(Data("Tocsin listening on http://\(host):\(port)\n".utf8))
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database, then list the migrations applied.")

    @OptionGroup var options: StoreOptions

    func run() async throws {
        let (configuration, store) = try options.openStore()
        print("Database \(configuration.databasePath) is up to date:")
        for name in try store.appliedMigrations() { print("  \(name)") }
    }
}
