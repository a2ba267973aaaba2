import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import TocsinCore
import TocsinNet
import TocsinPipeline
import TocsinStore

/// Follows the upstream brokers for as long as the broker runs: reads each one's live stream with the relay token
/// it issued, resuming from the checkpoint kept in the store, and hands every revision to the one publish pipeline
/// under the relay rules (`RelayPolicy`); then reports, in batches, the reach of the relayed alerts back up.
///
/// An upstream that cannot be reached is tried again with a growing pause (1 s up to 30 s); one that refuses the
/// token (revoked, expired) says so in its health and is tried again at the longest pause. When the stream cannot
/// resume from the checkpoint (the upstream answers `stream.reset`: its event ids restarted below it), or was out of
/// reach longer than `catchUpAfter`, the broker first catches up through the upstream's alert log
/// (`RelayService+CatchUp.swift`), then follows the stream again.
public final class RelayService: Service, Sendable {
    let configured: [UpstreamConfiguration]
    let store: any Store
    let pipeline: AlertPipeline
    let policy: RelayPolicy
    let client: CurlHTTPClient
    let reachInterval: TimeInterval
    let catchUpAfter: TimeInterval
    let shareNames: Bool
    let onChange: @Sendable () -> Void
    let logger: Logger
    private let healths = Mutex<[String: UpstreamHealth]>([:])
    private let stopping = Atomic<Bool>(false)

    init(upstreams: [UpstreamConfiguration], store: any Store, pipeline: AlertPipeline, policy: RelayPolicy, client: CurlHTTPClient,
         reachInterval: TimeInterval, catchUpAfter: TimeInterval = 600, shareNames: Bool, onChange: @escaping @Sendable () -> Void,
         logger: Logger = Logger(label: "tocsin.relay")) {
        self.configured = upstreams
        self.store = store
        self.pipeline = pipeline
        self.policy = policy
        self.client = client
        self.reachInterval = reachInterval
        self.catchUpAfter = catchUpAfter
        self.shareNames = shareNames
        self.onChange = onChange
        self.logger = logger
    }

    /// The upstreams of the configuration file and those added with `tocsin upstream add` (the file wins on a name).
    func upstreams() async -> [UpstreamConfiguration] {
        var all = configured
        let stored = (try? await store.upstreams()) ?? []
        for record in stored where !all.contains(where: { $0.name == record.name }) {
            all.append(UpstreamConfiguration(name: record.name, url: record.url, token: record.token))
        }
        return all
    }

    public func run() async throws {
        let upstreams = await upstreams()
        guard !upstreams.isEmpty else { return try await gracefulShutdown() }
        for upstream in upstreams {
            let mark = (try? await store.relayCatchUpMark(upstream: upstream.name)) ?? nil
            healths.withLock {
                var health = UpstreamHealth(name: upstream.name, url: upstream.url)
                health.lastEventId = mark?.lastEventId
                health.seenUntil = mark?.seenUntil
                health.lastCatchUpAt = mark?.caughtUpAt
                $0[upstream.name] = health
            }
        }
        logger.info("following upstreams", metadata: ["upstreams": "\(upstreams.map(\.name).joined(separator: ","))"])
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for upstream in upstreams {
                    group.addTask { await self.follow(upstream) }
                    group.addTask { await self.reportReach(upstream) }
                }
            }
        }
        stopping.store(true, ordering: .relaxed)
    }

    /// The health of every upstream.
    public func health() -> [UpstreamHealth] { healths.withLock { $0.values.sorted { $0.name < $1.name } } }

    func update(_ name: String, _ change: (inout UpstreamHealth) -> Void) {
        healths.withLock { if var health = $0[name] { change(&health); $0[name] = health } }
    }

    func failed(_ name: String, _ message: String) {
        update(name) {
            $0.state = .failing
            $0.errors += 1
            $0.lastError = message
            $0.lastErrorAt = Date()
        }
        logger.warning("upstream failing", metadata: ["upstream": "\(name)", "error": "\(message)"])
    }

    /// One item the curl thread hands to the task that stores.
    enum StreamItem: Sendable {
        /// The stream answered as a stream (its first line is the `retry:` field or a comment).
        case opened
        case event(ServerSentEventParser.Event)
        case ended(Result<Int, HTTPClientError>)
    }

    /// Follows one upstream until the broker stops.
    func follow(_ upstream: UpstreamConfiguration) async {
        var pause: TimeInterval = 1
        // The last moment the stream was known open: at the start, when the checkpoint last moved or the last catch-up
        // ended (none for a broker that never read this upstream: it reads the whole stream).
        let mark = (try? await store.relayCatchUpMark(upstream: upstream.name)) ?? nil
        var lastContact: Date? = mark.map { max($0.updatedAt, $0.caughtUpAt ?? .distantPast) }
        var pending: RelayCatchUp.Reason?
        while !Task.isCancelled {
            if pending == nil, RelayCatchUp.isLongOutage(lastContact: lastContact, now: Date(), after: catchUpAfter) { pending = .outage }
            if let reason = pending {
                guard await catchUp(upstream, reason: reason) else {
                    if Task.isCancelled { break }
                    pause = min(pause * 2, 30)
                    try? await Task.sleep(for: .seconds(pause))
                    continue
                }
                pending = nil
                lastContact = Date()
                pause = 1
            }
            let mark = (try? await store.relayCatchUpMark(upstream: upstream.name)) ?? nil
            let checkpoint = mark?.lastEventId
            update(upstream.name) { $0.state = .connecting }
            let (stream, continuation) = AsyncStream<StreamItem>.makeStream()
            // A new broker (no checkpoint) reads the upstream's log from its start: nothing published before is lost.
            let headers = [("Authorization", "Bearer \(upstream.token)"), ("Accept", "text/event-stream"),
                           ("Last-Event-ID", "\(checkpoint ?? 0)")]
                // The last alert event read and its time: the upstream answers `stream.reset` when its log no longer
                // holds that event (its ids restarted), even if they have since passed the checkpoint again.
                + (mark.flatMap { mark in mark.checkEventId.flatMap { id in mark.checkEventAt.map { at in
                    [("Tocsin-Resume-Check", "\(id)@\(Int64((at.timeIntervalSince1970 * 1000).rounded()))")] } } } ?? [])
            let url = upstream.streamURL
            // Set when an event could not be stored: this connection ends, and the next resumes from the checkpoint,
            // so that no later event moves the checkpoint past the one that failed.
            let abandoned = ConnectionFlag()
            let thread = Thread { [self] in
                var parser = ServerSentEventParser()
                var first = true
                let result = CurlStream.get(url: url, headers: headers) { bytes in
                    if first {
                        first = false
                        if bytes.first == UInt8(ascii: "r") || bytes.first == UInt8(ascii: ":") { continuation.yield(.opened) }
                    }
                    for event in parser.feed(bytes) { continuation.yield(.event(event)) }
                    return !self.stopping.load(ordering: .relaxed) && !abandoned.isSet
                }
                continuation.yield(.ended(result))
                continuation.finish()
            }
            thread.start()
            var progressed = false
            var opened = false
            reading: for await item in stream {
                switch item {
                case .opened:
                    opened = true
                    lastContact = Date()
                    update(upstream.name) { $0.state = .connected }
                case .event(let event):
                    lastContact = Date()
                    switch await handle(event, from: upstream) {
                    case .progressed: progressed = true
                    case .ignored: break
                    case .reset(let requested, let head, let reason):
                        logger.notice("the upstream cannot resume the stream from the checkpoint: catching up", metadata: [
                            "upstream": "\(upstream.name)", "checkpoint": "\(requested.map(String.init) ?? "?")", "head": "\(head.map(String.init) ?? "?")",
                            "reason": "\(reason ?? "?")"])
                        pending = .reset
                        progressed = true
                        abandoned.set()
                        break reading
                    case .failed:
                        abandoned.set()
                        break reading
                    }
                case .ended(let result):
                    if opened { lastContact = Date() }
                    switch result {
                    case .success(let status) where status == 401 || status == 403:
                        failed(upstream.name, "the upstream refused the relay token (HTTP \(status)): it was revoked, has expired or is unknown there; ask the upstream for a new relay token")
                        pause = 30
                    case .success(let status) where status >= 400:
                        failed(upstream.name, "the upstream's stream answered HTTP \(status)")
                    case .success:
                        if health().first(where: { $0.name == upstream.name })?.state != .failing {
                            update(upstream.name) { $0.state = .connecting }
                        }
                    case .failure(let error):
                        failed(upstream.name, "cannot reach the upstream: \(error)")
                    }
                }
            }
            if Task.isCancelled { stopping.store(true, ordering: .relaxed); return }
            pause = progressed ? 1 : min(pause * 2, 30)
            try? await Task.sleep(for: .seconds(pause))
        }
        stopping.store(true, ordering: .relaxed)
    }

    /// What handling one event did.
    enum Handled {
        /// The checkpoint moved past it.
        case progressed
        /// It carried nothing to store (no event id).
        case ignored
        /// It could not be stored: read it again from the checkpoint.
        case failed
        /// The upstream cannot resume from the checkpoint (`stream.reset`, with the id asked and its head).
        case reset(requested: Int64?, head: Int64?, reason: String?)
    }

    /// The data of a `stream.reset` event.
    struct ResetNotice: Decodable {
        var lastEventId: Int64?
        var head: Int64?
        var reason: String?
    }

    /// Handles one event of an upstream's stream.
    func handle(_ event: ServerSentEventParser.Event, from upstream: UpstreamConfiguration) async -> Handled {
        if event.type == "revoked" {
            failed(upstream.name, "the upstream revoked the relay token (or it expired): ask the upstream for a new relay token")
            return .ignored
        }
        if event.type == RelayCatchUp.resetEventType {
            let notice = try? JSONDecoder().decode(ResetNotice.self, from: Data(event.data.utf8))
            return .reset(requested: notice?.lastEventId, head: notice?.head, reason: notice?.reason)
        }
        guard let idText = event.id, let eventId = Int64(idText) else { return .ignored }
        update(upstream.name) { $0.state = .connected }
        do {
            let outcome: RelayOutcome
            switch event.type {
            case "alert.published", "alert.updated", "alert.cancelled":
                let alert = try TocsinJSON.decoder().decode(Alert.self, from: Data(event.data.utf8))
                outcome = try await pipeline.relay(alert, upstream: upstream.name, eventId: eventId, policy: policy)
            case RelayWithdrawal.eventType:
                let notice = try TocsinJSON.decoder().decode(RelayWithdrawal.self, from: Data(event.data.utf8))
                outcome = try await pipeline.relayWithdrawal(alertId: notice.id, revision: notice.revision, upstream: upstream.name,
                                                             eventId: eventId, policy: policy)
            default:
                try await store.saveRelayCheckpoint(upstream: upstream.name, eventId: eventId)
                update(upstream.name) { $0.lastEventId = eventId; $0.lastEventAt = Date() }
                return .progressed
            }
            let now = Date()
            record(outcome, from: upstream, event: "\(eventId)", now: now)
            update(upstream.name) { $0.lastEventId = eventId; $0.lastEventAt = now }
            return .progressed
        } catch let error as DecodingError {
            // An event this broker cannot read is counted and passed, never retried for ever.
            Counter(label: "tocsin_relay_dropped_total", dimensions: [("reason", RelayDrop.malformed.rawValue)]).increment()
            update(upstream.name) { $0.dropped[RelayDrop.malformed.rawValue, default: 0] += 1 }
            logger.warning("relayed event unreadable", metadata: ["upstream": "\(upstream.name)", "event": "\(eventId)", "error": "\(error)"])
            do { try await store.saveRelayCheckpoint(upstream: upstream.name, eventId: eventId) } catch { return .failed }
            return .progressed
        } catch {
            failed(upstream.name, "cannot store event \(eventId): \(error)")
            return .failed
        }
    }

    /// Counts and logs what became of one event or catch-up item (`event` names it in the logs).
    func record(_ outcome: RelayOutcome, from upstream: UpstreamConfiguration, event: String, now: Date) {
        switch outcome {
        case .stored(let result):
            onChange()
            update(upstream.name) {
                $0.relayed += 1
                $0.lagSeconds = max(0, now.timeIntervalSince(result.alert.updatedAt))
            }
            logger.info("alert relayed", metadata: ["upstream": "\(upstream.name)", "alert": "\(result.alert.id)",
                                                    "revision": "\(result.alert.revision)", "deliveries": "\(result.deliveriesQueued)"])
        case .dropped(let reason):
            Counter(label: "tocsin_relay_dropped_total", dimensions: [("reason", reason.rawValue)]).increment()
            update(upstream.name) { $0.dropped[reason.rawValue, default: 0] += 1 }
            logger.info("relayed event dropped", metadata: ["upstream": "\(upstream.name)", "event": "\(event)", "reason": "\(reason.rawValue)"])
        }
    }

    /// Sends the reach of the relayed alerts up every `reachInterval`, in batches, with the relay token; only the
    /// alerts this upstream relayed (their path's previous step is the upstream's broker or beyond) and whose reach
    /// changed since the last report.
    func reportReach(_ upstream: UpstreamConfiguration) async {
        var sent: [String: RelayedReach] = [:]
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(reachInterval))
            guard !Task.isCancelled else { return }
            do {
                let alerts = try await store.relayedAlertIds(upstream: upstream.name, limit: 500)
                var batch: [RelayedReach] = []
                for id in alerts {
                    guard let alert = try await store.alert(id: id) else { continue }
                    let report = RelayedReach.make(ReachReport.make(alert: alert, rows: try await store.reach(alertId: id), now: Date()),
                                                   shareNames: shareNames)
                    if sent[id] != report { batch.append(report) }
                }
                guard !batch.isEmpty else { continue }
                for chunk in stride(from: 0, to: batch.count, by: 100).map({ Array(batch[$0..<min($0 + 100, batch.count)]) }) {
                    let body = try TocsinJSON.encoder().encode(RelayReachBatch(reports: chunk))
                    let request = HTTPRequest(url: upstream.reachURL, headers: [("Authorization", "Bearer \(upstream.token)"),
                                                                                ("Content-Type", "application/json")],
                                              body: Array(body))
                    switch await client.send(request) {
                    case .success(let result) where (200..<300).contains(result.status):
                        for report in chunk { sent[report.alertId] = report }
                        update(upstream.name) { $0.reachReported += chunk.count; $0.lastReachReportAt = Date() }
                    case .success(let result):
                        failed(upstream.name, "the upstream refused a reach report (HTTP \(result.status))")
                    case .failure(let error):
                        failed(upstream.name, "cannot send a reach report: \(error)")
                    }
                }
            } catch {
                logger.warning("reach report failed", metadata: ["upstream": "\(upstream.name)", "error": "\(error)"])
            }
        }
    }
}

/// The body of `POST /api/v1/relay/reach`: a batch of reach reports from a downstream broker.
public struct RelayReachBatch: Codable, Sendable {
    public var reports: [RelayedReach]

    public init(reports: [RelayedReach]) { self.reports = reports }

    /// The most reports one batch may carry.
    public static let maximum = 500
}

/// A flag one connection's reader sets and its curl thread reads.
final class ConnectionFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
