import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import TocsinCore
import TocsinPipeline
import TocsinDelivery
import TocsinNet
import TocsinIngest
import TocsinStore

/// Polls the configured sources for as long as the broker runs, and answers for their health.
///
/// Each round's documents go through the same `IngestService` as the ingest API, so a document polled twice, or
/// polled and also posted, is stored once. The state of each source (validators for conditional GET, CSAF
/// cursors, health) is kept in the store and survives restarts.
public final class PollingService: Service, Sendable {
    let sources: [SourceConfiguration]
    let poller: SourcePoller
    let stateStore: StoreSourceStateStore
    let logger: Logger

    init(sources: [SourceConfiguration], store: any Store, ingest: IngestService, client: CurlHTTPClient, guardrail: TargetGuard,
         startSpread: TimeInterval, onChange: @escaping @Sendable () -> Void, logger: Logger = Logger(label: "tocsin.sources")) {
        self.sources = sources
        self.logger = logger
        stateStore = StoreSourceStateStore(store: store)
        let log: SourcePollLog = { level, message, metadata in
            let swiftLevel: Logger.Level = switch level {
            case .debug: .debug
            case .info: .info
            case .warning: .warning
            case .error: .error
            }
            logger.log(level: swiftLevel, "\(message)", metadata: metadata.mapValues { .string($0) })
        }
        let sink = IngestSourceSink(service: ingest, onChange: onChange)
        var options = SourcePoller.Options()
        options.schedule.startSpread = startSpread
        poller = SourcePoller(fetcher: CurlSourceFetcher(client: client, guardrail: guardrail), sink: sink, store: stateStore,
                              options: options, log: log)
    }

    public func run() async throws {
        let enabled = sources.filter(\.enabled)
        guard !enabled.isEmpty else {
            // A service that ends stops the broker: with nothing to poll, wait for the shutdown like the others.
            try await gracefulShutdown()
            return
        }
        logger.info("polling sources", metadata: ["sources": "\(enabled.map(\.name).joined(separator: ","))"])
        await cancelWhenGracefulShutdown { await self.poller.run(sources: enabled) }
    }

    /// One round for `name` now (the API's "poll now"); nil for an unknown source.
    func pollNow(_ name: String) async -> SourceHealth? {
        guard let source = sources.first(where: { $0.name == name }) else { return nil }
        let state = await poller.pollOnce(source)
        return SourceHealth(source: source, state: state)
    }

    /// The health of every configured source, as the API and `/metrics` show it.
    func health() async -> [SourceHealth] {
        var result: [SourceHealth] = []
        for source in sources {
            let state = (try? await stateStore.load(source.name)) ?? nil
            result.append(SourceHealth(source: source, state: state ?? SourceState()))
        }
        return result
    }
}

/// Source states kept in the broker's store, as JSON.
struct StoreSourceStateStore: SourceStateStore {
    let store: any Store

    func load(_ name: String) async throws -> SourceState? {
        guard let json = try await store.sourceState(name: name) else { return nil }
        return try TocsinJSON.decoder().decode(SourceState.self, from: Data(json.utf8))
    }

    func save(_ name: String, _ state: SourceState) async throws {
        try await store.saveSourceState(name: name, json: String(decoding: try TocsinJSON.encoder().encode(state), as: UTF8.self))
    }
}

/// Hands polled documents to the ingest service and wakes the delivery worker when something changed.
struct IngestSourceSink: SourceSink {
    let service: IngestService
    let onChange: @Sendable () -> Void

    func ingest(_ data: Data, format: IngestFormat, options: IngestOptions, origin: String) async throws -> SourceIngestOutcome {
        let report = try await service.ingest(data, format: format, options: options, publisher: .broker("source:\(options.sourceName ?? origin)"))
        let outcome = SourceIngestOutcome(published: report.count(.published), revised: report.count(.revised) + report.count(.flagged),
                                          unchanged: report.count(.unchanged) + report.count(.notFound), cancelled: report.count(.cancelled))
        if outcome.changedSomething { onChange() }
        return outcome
    }
}
