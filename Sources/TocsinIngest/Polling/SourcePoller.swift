import Foundation

/// Polls configured sources: one round fetches a source with conditional GET and hands what changed to a
/// `SourceSink`, keeping validators, cursors and health in a `SourceStateStore`; `run(sources:)` repeats rounds
/// at each source's interval until cancelled.
///
/// All I/O goes through the injected fetcher, sink and store; the clock, the random source and the sleep are
/// injectable too, so that a round can be tested against a local server and the loop without waiting.
public struct SourcePoller: Sendable {
    /// Tuning and injectable effects.
    public struct Options: Sendable {
        public var schedule: SourceSchedule
        /// The most validators a state keeps; the oldest are dropped first.
        public var maximumValidators: Int
        public var now: @Sendable () -> Date
        /// Uniform in 0..<1; drives the jitter.
        public var random: @Sendable () -> Double
        /// Waits the given number of seconds; throws when the task is cancelled.
        public var sleep: @Sendable (TimeInterval) async throws -> Void

        public init(
            schedule: SourceSchedule = SourceSchedule(), maximumValidators: Int = 2_000,
            now: @escaping @Sendable () -> Date = { Date() },
            random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
            sleep: @escaping @Sendable (TimeInterval) async throws -> Void = SourcePoller.taskSleep
        ) {
            self.schedule = schedule
            self.maximumValidators = maximumValidators
            self.now = now
            self.random = random
            self.sleep = sleep
        }
    }

    let fetcher: any SourceFetcher
    let sink: any SourceSink
    let store: any SourceStateStore
    let options: Options
    let log: SourcePollLog
    private let gate = SourcePollGate()

    public init(fetcher: any SourceFetcher, sink: any SourceSink, store: any SourceStateStore, options: Options = Options(),
                log: @escaping SourcePollLog = { _, _, _ in }) {
        self.fetcher = fetcher
        self.sink = sink
        self.store = store
        self.options = options
        self.log = log
    }

    /// `Task.sleep` for a number of seconds (at most 30 days at a time).
    public static let taskSleep: @Sendable (TimeInterval) async throws -> Void = { seconds in
        guard seconds > 0 else { return try Task.checkCancellation() }
        try await Task.sleep(for: .milliseconds(Int64(min(seconds, 30 * 86_400) * 1_000)))
    }

    /// Runs one round for `source` and returns its state as saved.
    ///
    /// Never throws: every failure ends up in the state's `lastError` (and the log). When a round for the same
    /// source is already running, returns the saved state without polling.
    public func pollOnce(_ source: SourceConfiguration) async -> SourceState {
        guard await gate.enter(source.name) else {
            log(.debug, "source is already being polled", ["source": source.name])
            return ((try? await store.load(source.name)) ?? nil) ?? SourceState()
        }
        let state = await round(source)
        await gate.leave(source.name)
        return state
    }

    private func round(_ source: SourceConfiguration) async -> SourceState {
        let startedAt = options.now()
        var state: SourceState
        do {
            state = try await store.load(source.name) ?? SourceState()
        } catch {
            // Polling from an empty state would fetch everything again: skip the round instead.
            log(.error, "source state could not be loaded", ["source": source.name, "error": describe(error)])
            var failed = SourceState()
            failed.lastAttemptAt = startedAt
            failed.lastStatus = .failed
            failed.consecutiveFailures = 1
            failed.lastError = SourceRedaction.scrub("the source's state could not be loaded: \(describe(error))", secrets: source.secrets)
            failed.nextAttemptAt = nextAttempt(source, failures: 1, after: startedAt)
            return failed
        }
        var round = SourcePollRound(startedAt: startedAt)
        // Adding a source, or a catalogue, must not flood every establishment with its history.
        round.quiet = source.notify == .new && state.lastSuccessAt == nil
        switch source.kind {
        case .document, .feed: await pollDocument(source, state: &state, round: &round)
        case .csafProvider: await pollProvider(source, state: &state, round: &round)
        }
        let finishedAt = options.now()
        // A round cut short by shutdown is not the source's failure: keep its progress, not a failure count.
        round.interrupted = Task.isCancelled
        round.apply(to: &state, finishedAt: finishedAt, secrets: source.secrets)
        state.nextAttemptAt = nextAttempt(source, failures: state.consecutiveFailures, after: finishedAt)
        pruneValidators(&state, source: source)
        do {
            try await store.save(source.name, state)
        } catch {
            log(.error, "source state could not be saved", ["source": source.name, "error": describe(error)])
        }
        var metadata = [
            "source": source.name, "status": round.status.rawValue, "requests": "\(round.requests)",
            "notModified": "\(round.notModified)", "documents": "\(round.documentsHanded)",
            "failed": "\(round.documentErrors.count)", "published": "\(round.outcome.published)",
            "revised": "\(round.outcome.revised)", "cancelled": "\(round.outcome.cancelled)",
            "seconds": String(format: "%.3f", finishedAt.timeIntervalSince(startedAt)),
        ]
        if let error = state.lastError { metadata["error"] = error }
        let level: SourcePollLogLevel = round.hasErrors && !round.interrupted ? .warning : round.status == .unchanged ? .debug : .info
        log(level, "source polled", metadata)
        return state
    }

    /// A document or feed source: one conditional GET, and the body to the sink when it changed.
    private func pollDocument(_ source: SourceConfiguration, state: inout SourceState, round: inout SourcePollRound) async {
        switch await fetch(source.url, source: source, state: &state, round: &round) {
        case .notModified:
            break
        case .failed(let message):
            round.sourceErrors.append(message)
        case .content(let data, let validators):
            round.documentsAttempted += 1
            switch await hand(data, url: source.url, format: source.format.ingestFormat, options: source.ingestOptions(), round: &round) {
            case .accepted:
                state.validators[source.url] = validators
            case .rejected(let message), .failed(let message):
                // Without validators the next round fetches the document whole and tries again.
                state.validators[source.url] = nil
                round.sourceErrors.append(message)
            }
        }
    }

    private func nextAttempt(_ source: SourceConfiguration, failures: Int, after date: Date) -> Date {
        date.addingTimeInterval(options.schedule.delay(interval: source.interval, consecutiveFailures: failures, random: options.random()))
    }

    /// Drops the oldest document validators beyond `maximumValidators`; those of the source URL and of the
    /// listings are kept, since every round asks for them.
    private func pruneValidators(_ state: inout SourceState, source: SourceConfiguration) {
        let excess = state.validators.count - max(options.maximumValidators, 0)
        guard excess > 0 else { return }
        let listings = (state.csafPlan?.feeds.map(\.url) ?? []) + (state.csafPlan?.directories.map { $0 + "changes.csv" } ?? [])
        let kept = Set(state.cursors.keys).union(listings).union([source.url])
        let oldest = state.validators.filter { !kept.contains($0.key) }
            .sorted { ($0.value.storedAt, $0.key) < ($1.value.storedAt, $1.key) }.prefix(excess)
        for (url, _) in oldest { state.validators[url] = nil }
    }
}

extension SourcePoller {
    /// The result of one conditional GET.
    enum Fetched: Sendable {
        case notModified
        /// A 200 body, with the validators to keep once it has been processed.
        case content(Data, SourceValidators?)
        case failed(String)
    }

    /// What the sink did with a document.
    enum Handed: Sendable {
        case accepted(SourceIngestOutcome)
        /// The document is unreadable: this revision is not fetched again.
        case rejected(String)
        /// The sink could not take it now: fetched again next round.
        case failed(String)
    }

    /// GETs `url` with the source's headers (on its origin only) and the stored validators.
    func fetch(_ url: String, source: SourceConfiguration, state: inout SourceState, round: inout SourcePollRound,
               conditional: Bool = true) async -> Fetched {
        round.requests += 1
        let stored = conditional ? state.validators[url] : nil
        let headers = SourceConditionalRequest.headers(for: url, source: source, validators: stored)
        let response: SourceResponse
        do {
            response = try await fetcher.get(url, headers: headers, timeout: source.timeout, maxBytes: IngestLimits.documentBytes)
        } catch {
            return .failed("GET \(url): \(describe(error))")
        }
        if url == source.url { round.sourceHTTPStatus = response.status }
        switch response.status {
        case 304:
            round.notModified += 1
            state.validators[url]?.storedAt = options.now()
            return .notModified
        case 200, 203:
            guard response.body.count <= IngestLimits.documentBytes else {
                return .failed("GET \(url): \(SourceFetchError.responseTooLarge(limit: IngestLimits.documentBytes))")
            }
            return .content(response.body, SourceConditionalRequest.validators(of: response, at: options.now()))
        default:
            return .failed("GET \(url): HTTP \(response.status)")
        }
    }

    /// Hands one document to the sink and counts what it did.
    func hand(_ data: Data, url: String, format: IngestFormat, options ingestOptions: IngestOptions, round: inout SourcePollRound) async -> Handed {
        round.documentsHanded += 1
        do {
            var ingestOptions = ingestOptions
            ingestOptions.quiet = ingestOptions.quiet || round.quiet
            let outcome = try await sink.ingest(data, format: format, options: ingestOptions, origin: url)
            round.outcome += outcome
            return .accepted(outcome)
        } catch let error as IngestError {
            return .rejected("\(url): rejected: \(error.description)")
        } catch {
            return .failed("\(url): could not be stored: \(describe(error))")
        }
    }

    /// An error as one line, at most 500 characters (secrets are removed when it reaches the state).
    func describe(_ error: any Error) -> String {
        let text: String
        switch error {
        case let error as SourceFetchError: text = error.description
        case let error as IngestError: text = error.description
        case is CancellationError: text = "cancelled"
        default: text = String(describing: error)
        }
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count > 500 ? String(line.prefix(499)) + "…" : line
    }
}

/// Keeps two rounds of the same source from running at once (the loop and a manual "poll now").
private actor SourcePollGate {
    private var running: Set<String> = []

    func enter(_ name: String) -> Bool { running.insert(name).inserted }

    func leave(_ name: String) { running.remove(name) }
}
