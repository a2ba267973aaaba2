import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import TocsinCore
import TocsinPipeline
import TocsinDelivery
import TocsinNet
import TocsinEnrich
import TocsinStore

/// Assembles a running broker from its configuration: the store, the outbox worker with its channels, and the
/// HTTP server with the API, health and metrics routes.
public struct TocsinBroker: Sendable {
    public let configuration: TocsinConfiguration
    public let store: SQLiteStore
    public let worker: OutboxWorker
    /// Fires escalation steps as they fall due; nil while email is off (the steps wait).
    public let escalation: EscalationWorker?
    public let httpClient: CurlHTTPClient
    /// The senders of the channels the registry declares and the settings turn on.
    let senders: [any DeliveryChannel]
    /// The pushed channels whose settings leave them off: their deliveries wait in the outbox.
    let channelsOff: [TocsinCore.Channel]
    public let registry: PrometheusCollectorRegistry
    /// Wakes the live streams when a revision is published, and ends them at shutdown.
    public let hub = EventHub()
    let logger: Logger
    /// The enrichment every alert goes through, built once from the configuration.
    public let enricher: Enricher
    /// Polls the configured sources.
    let polling: PollingService
    /// The pipeline's match and route steps (the declared inventories and the routing index, cached once), for the
    /// API, the feeds and the pollers.
    public let routing: AlertRouter
    /// The words of every locale, read once from the templates folder for emails, feeds and pages.
    public let messages: Messages
    /// The pages of the links people follow (acknowledgement), compiled once at start.
    let pages: PageTemplates
    /// The web console's pages and words, compiled once at start.
    let consolePages: ConsolePages
    /// The acknowledgement links in emails and webhook bodies, signed with the key the store keeps.
    public let ackLinks: AckLinks
    /// This broker's stable id (made at first start, kept in the store) and display name.
    public let identity: BrokerIdentity
    /// Follows the upstream brokers and reports the reach of what they relayed.
    let relay: RelayService

    /// Opens the store (migrating it), reads the templates and the acknowledgement key, and prepares the worker;
    /// nothing listens until `run`.
    public init(configuration: TocsinConfiguration, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                logger: Logger = Logger(label: "tocsin")) async throws {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        store = try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog, logger: Logger(label: "tocsin.store"))
        enricher = try configuration.makeEnricher(warning: { logger.warning("\($0)") }, notice: { logger.info("\($0)") })
        messages = try configuration.loadMessages()
        let templatesDirectory = try configuration.templatesDirectory()
        pages = try PageTemplates(directory: templatesDirectory, messages: messages)
        consolePages = try ConsolePages(directory: templatesDirectory, messages: messages)
        ackLinks = AckLinks(signer: try await store.ackLinkSigner(), publicUrl: configuration.publicUrl)
        httpClient = CurlHTTPClient(connectionsPerHost: 16, maxConnections: max(configuration.deliveryConcurrency, 64), userAgent: "Tocsin/\(TocsinVersion.current)")
        let context = ChannelContext(httpClient: httpClient, publicUrl: configuration.publicUrl,
                                     templatesDirectory: templatesDirectory, messages: messages, ackLinks: ackLinks)
        let built = try ChannelRegistry.senders(configuration.channels, context: context)
        senders = built.senders
        channelsOff = built.off
        for channel in channelsOff {
            logger.notice("channel off until its settings are given (see docs/configuration.md); its deliveries wait in the outbox meanwhile",
                          metadata: ["channel": "\(channel)"])
        }
        worker = OutboxWorker(
            store: store, channels: senders,
            configuration: OutboxConfiguration(concurrency: configuration.deliveryConcurrency, lease: configuration.deliveryLease,
                                               pollInterval: configuration.deliveryPollInterval, retryPolicy: configuration.retryPolicy,
                                               attemptTimeout: configuration.attemptTimeout),
            logger: Logger(label: "tocsin.outbox"))
        if configuration.escalation.enabled, let email = senders.compactMap({ $0 as? EmailChannel }).first {
            escalation = EscalationWorker(
                store: store, sender: email.sender,
                notice: EscalationNotice(templates: email.templates, from: email.sender.configuration.from,
                                         replyTo: email.sender.configuration.replyTo, publicUrl: configuration.publicUrl),
                ackLinks: ackLinks,
                configuration: EscalationWorkerConfiguration(lease: configuration.escalationLease, pollInterval: configuration.escalationPollInterval),
                logger: Logger(label: "tocsin.escalation"))
        } else {
            escalation = nil
            if configuration.escalation.enabled {
                logger.notice("escalation waits for email (smtp.url and smtp.from): its steps are scheduled but not sent meanwhile")
            }
        }
        let sourceClient = CurlHTTPClient(connectionsPerHost: 2, userAgent: "Tocsin/\(TocsinVersion.current)")
        // What a poll round stored is sent at once and shown on the live streams.
        let wake: @Sendable () -> Void = { [hub, worker, escalation] in
            worker.wake()
            escalation?.wake()
            hub.notify()
        }
        routing = AlertRouter(store: store, messages: messages, digests: configuration.digests, escalation: configuration.escalation)
        identity = BrokerIdentity(id: try await store.brokerId(), name: configuration.brokerName)
        relay = RelayService(upstreams: configuration.upstreams, store: store,
                             pipeline: AlertPipeline(store: store, enricher: enricher, routing: routing),
                             policy: configuration.relayPolicy(brokerId: identity.id), client: sourceClient,
                             reachInterval: configuration.relayReachInterval, catchUpAfter: configuration.relayCatchUpAfter,
                             shareNames: configuration.relayShareNames, onChange: wake)
        polling = PollingService(sources: configuration.sources, store: store,
                                 ingest: IngestService(store: store, enricher: enricher, routing: routing),
                                 client: sourceClient, guardrail: try configuration.pollingGuard(),
                                 startSpread: configuration.pollingStartSpread, onChange: wake)
        // What reading the warninglists, the Public Suffix List and the templates allocated and freed goes back to
        // the system now, instead of staying resident in the allocator's arenas for the life of the process.
        ProcessMemory.releaseFreePages()
    }

    /// The router with every route and middleware; `answeringOtherMethods: false` leaves out the 405 answers to the
    /// methods a path does not take.
    public func makeRouter(answeringOtherMethods: Bool = true) -> Router<TocsinRequestContext> {
        var env = APIEnvironment(store: store, worker: worker, configuration: configuration, messages: messages, hub: hub)
        env.escalation = escalation
        env.enricher = enricher
        env.polling = polling
        env.routing = routing
        env.ackLinks = ackLinks
        env.pages = pages
        env.identity = identity
        env.relay = relay
        let router = Router(context: TocsinRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MetricsMiddleware())
        HealthRoutes(env: env, registry: registry).register(on: router)
        router.get("api/v1/openapi.json") { _, _ in
            JSONResponse.raw(OpenAPIDocument.bytes, contentType: "application/json; charset=utf-8")
        }
        FeedRoutes(env: env).register(on: router)
        MISPFeedRoutes(env: env).register(on: router)
        UnsubscribeRoutes(env: env).register(on: router)
        AckLinkRoutes(env: env).register(on: router)
        TAXIIRoutes(env: env).register(on: router)
        let email = senders.compactMap({ $0 as? EmailChannel }).first
        let mailer = email.map { ConsoleLoginMailer(sender: $0.sender, from: $0.sender.configuration.from, replyTo: $0.sender.configuration.replyTo) }
        ConsoleRoutes(env: ConsoleEnvironment(api: env, pages: consolePages, mailer: mailer)).register(on: router)
        let api = router.group("api/v1").add(middleware: BearerAuthMiddleware(store: store)).add(middleware: AuditMiddleware(store: store))
        AlertRoutes(env: env).register(on: api)
        AckRoutes(env: env).register(on: api)
        IngestRoutes(env: env).register(on: api)
        SourceRoutes(env: env).register(on: api)
        InventoryRoutes(env: env).register(on: api)
        OrganisationRoutes(env: env).register(on: api)
        SubscriptionRoutes(env: env).register(on: api)
        TokenRoutes(env: env).register(on: api)
        DeliveryRoutes(env: env).register(on: api)
        ReachRoutes(env: env).register(on: api)
        IncidentRoutes(env: env).register(on: api)
        SightingRoutes(env: env).register(on: api)
        CompromiseRoutes(env: env).register(on: api)
        EscalationRoutes(env: env).register(on: api)
        AuditRoutes(env: env).register(on: api)
        StreamRoutes(env: env, hub: env.hub).register(on: api)
        RelayRoutes(env: env).register(on: api)
        RelayCatchUpRoutes(env: env).register(on: api)
        if answeringOtherMethods { MethodNotAllowedRoutes.register(on: router) }
        return router
    }

    /// Every route the broker serves, as `GET /api/v1/alerts/{id}`: what the OpenAPI document must describe.
    public func routes() -> [(method: String, path: String)] {
        makeRouter(answeringOtherMethods: false).routes.map { ($0.method.rawValue, $0.path.description) }
    }

    /// Serves HTTP and drains the outbox until SIGINT/SIGTERM; `onListening` receives the bound port.
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let logger = self.logger
        let host = configuration.host
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "Tocsin"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["url": "http://\(host):\(port)"])
                onListening(port)
            },
            logger: Logger(label: "tocsin.http")
        )
        logger.info("channels ready", metadata: ["channels": "\(senders.map(\.channel.rawValue).joined(separator: ","))"])
        for name in TocsinConfiguration.unknownEnvironmentVariables() {
            logger.warning("environment variable names no setting and is ignored (see docs/configuration.md)", metadata: ["variable": "\(name)"])
        }
        // Services stop in reverse order on SIGTERM/SIGINT: first the outbox worker and the live streams (which
        // would otherwise hold their connections open), then the HTTP server, which finishes the requests in flight.
        let group = ServiceGroup(configuration: .init(
            services: [app, OutboxService(worker: worker, hub: hub), EscalationService(worker: escalation), polling, relay], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        httpClient.shutdown()
        for sender in senders { sender.shutdown() }
    }
}

/// Runs the outbox worker as a service beside the HTTP server, stopping it on graceful shutdown.
struct OutboxService: Service {
    let worker: OutboxWorker
    let hub: EventHub

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await worker.run()
        }
        hub.close()
    }
}

/// Runs the escalation worker beside the outbox worker, stopping it on graceful shutdown.
struct EscalationService: Service {
    let worker: EscalationWorker?

    func run() async throws {
        guard let worker else { return try await gracefulShutdown() }
        await cancelWhenGracefulShutdown {
            await worker.run()
        }
    }
}

/// The version printed by `tocsin --version` and sent as the webhook User-Agent.
public enum TocsinVersion {
    public static let current = "0.1.0"
}
