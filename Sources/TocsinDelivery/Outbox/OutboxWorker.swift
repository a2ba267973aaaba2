import Foundation
import Logging
import Metrics
import Synchronization
import TocsinCore
import TocsinStore

/// Settings of the outbox worker.
public struct OutboxConfiguration: Sendable {
    /// Attempts in flight at once, over all channels.
    public var concurrency: Int
    /// How long a claim holds a delivery; past it, another worker (or this one after a restart) takes it again.
    public var lease: TimeInterval
    /// Longest sleep between two looks at the outbox when nothing wakes the worker.
    public var pollInterval: TimeInterval
    public var retryPolicy: RetryPolicy
    /// The longest one attempt may take (the channel's timeout); a claim is never started with less lease left.
    public var attemptTimeout: TimeInterval

    public init(concurrency: Int = 16, lease: TimeInterval = 60, pollInterval: TimeInterval = 1, retryPolicy: RetryPolicy = RetryPolicy(),
                attemptTimeout: TimeInterval = 15) {
        self.concurrency = max(concurrency, 1)
        self.lease = max(lease, 1)
        self.pollInterval = max(pollInterval, 0.01)
        self.retryPolicy = retryPolicy
        self.attemptTimeout = attemptTimeout
    }

    /// The most a claim takes when nothing is being sent: a fan-out starts sending after a claim this size, and
    /// the rest is claimed while it is sent.
    public var firstClaim: Int { max(concurrency / 2, 1) }

    /// How many deliveries one claim takes: as many as can surely be sent within the lease if every attempt ran
    /// to its timeout, up to 16 per slot.
    public var claimBatch: Int {
        concurrency * min(max(Int(lease / max(attemptTimeout, 0.001)) - 1, 1), 16)
    }
}

/// Drains the outbox: claims due deliveries under a lease, sends them through their channel with bounded
/// concurrency, and records each attempt and its consequence through the delivery state machine.
///
/// Nothing is held only in memory: a delivery is a row before it is tried, and its state changes only when the
/// result is committed. If the process dies, the leases run out and the next worker sends again with the same
/// delivery id (the `webhook-id`), so a receiver can drop the duplicate.
public final class OutboxWorker: Sendable {
    let store: any Store
    let channels: [Channel: any DeliveryChannel]
    /// The channels this worker can send, the only ones it claims.
    let channelNames: Set<Channel>
    let metrics: [Channel: ChannelMetrics]
    let configuration: OutboxConfiguration
    let logger: Logger
    let signal = WakeSignal()
    private let backlogPeak = Mutex(0)
    /// Deliveries the store wrote already claimed for this worker (`adopt`), not read yet: ids with their lease.
    private let adopted = Mutex<[(ids: ArraySlice<CompactID>, leaseUntil: Date)]>([])

    /// The most results that waited at once for the ledger (finished, not yet committed) since the worker started:
    /// at most about `resultBacklog` plus a claim, however large the fan-out.
    public var resultBacklogPeak: Int { backlogPeak.withLock { $0 } }

    public init(store: any Store, channels: [any DeliveryChannel], configuration: OutboxConfiguration, logger: Logger = Logger(label: "tocsin.outbox")) {
        self.store = store
        self.channels = Dictionary(channels.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
        channelNames = Set(self.channels.keys)
        metrics = Dictionary(uniqueKeysWithValues: self.channels.keys.map { ($0, ChannelMetrics($0)) })
        self.configuration = configuration
        self.logger = logger
    }

    /// What ends a child of the worker's loop: an attempt, or a claim of the next batch.
    enum LoopEvent: Sendable {
        /// An attempt's results, and the deliveries of its unit left untried (to hand back).
        case finished([DeliveryResult], untried: [Delivery])
        case claimed([[ClaimedDelivery]], count: Int, limit: Int)
        /// The batch of results being recorded is committed.
        case recorded
        /// Buffered results may be due: without it they would wait for the next attempt to end, which a slow
        /// receiver can hold for its whole timeout.
        case tick
    }

    /// The most alerts one digest message carries; a busier period is sent as several messages, so that no mail
    /// server refuses one as too large.
    static let digestLimit = 50

    /// Results are recorded in one transaction once this many are in, or `resultDelay` after the last recording,
    /// or when nothing is left in flight. A transaction of 512 costs a sixth less per result than four of 128: each
    /// rewrites the index pages its deliveries touch. A crash loses at most what was not recorded yet, and those
    /// deliveries are sent again with the same `webhook-id`.
    ///
    /// One batch is recorded at a time; what finishes meanwhile waits in the next batch, which grows with the
    /// delay of the database. Past `resultBacklog` results waiting or being recorded, nothing more is claimed until
    /// they are committed: sending never runs ahead of the ledger, and a fan-out of 50,000 holds a bounded number of
    /// results in memory, not everything sent since the last commit.
    static let resultBatch = 512
    static let resultDelay = Duration.milliseconds(100)
    public static let resultBacklog = 2 * resultBatch

    /// What one task sends: the claimed deliveries of one subscription, in publication order, one after the
    /// other (so a receiver gets them in order; subscriptions go in parallel), or up to `digestLimit` deliveries of
    /// one digest subscription, sent as one message. A subscription's deliveries beyond `sequenceLimit` are handed
    /// back (`overflow`), so that a unit is always sent within its lease.
    static func units(_ claimed: [ClaimedDelivery], sequenceLimit: Int = 16) -> (units: [[ClaimedDelivery]], overflow: [Delivery]) {
        var units: [[ClaimedDelivery]] = []
        var overflow: [Delivery] = []
        var digestUnit: [String: Int] = [:]
        var sequenceUnit: [String: Int] = [:]
        for item in claimed {
            let subscription = item.delivery.subscriptionId
            guard item.digest != .immediate else {
                if let index = sequenceUnit[subscription] {
                    if units[index].count < sequenceLimit { units[index].append(item) } else { overflow.append(item.delivery) }
                } else {
                    sequenceUnit[subscription] = units.count
                    units.append([item])
                }
                continue
            }
            if let index = digestUnit[subscription], units[index].count < digestLimit {
                units[index].append(item)
            } else {
                digestUnit[subscription] = units.count
                units.append([item])
            }
        }
        return (units, overflow)
    }

    /// Tells the worker new deliveries are waiting.
    public func wake() { signal.signal() }

    /// Takes deliveries the store wrote already claimed for this worker, under the lease ending at `leaseUntil`
    /// (`OutboxStore.adoptNewDeliveries`). They are read and sent like a claim's, in the order given.
    func adopt(_ ids: [CompactID], leaseUntil: Date) {
        adopted.withLock { $0.append((ids[...], leaseUntil)) }
        signal.signal()
    }

    /// Up to `limit` adopted ids, oldest first, all under one lease.
    private func takeAdopted(limit: Int) -> (ids: [String], leaseUntil: Date)? {
        adopted.withLock { queue in
            guard let first = queue.first else { return nil }
            let ids = first.ids.prefix(limit).map(\.text)
            if first.ids.count <= limit { queue.removeFirst() } else { queue[0].ids = first.ids.dropFirst(limit) }
            return (ids, first.leaseUntil)
        }
    }

    private var hasAdopted: Bool { adopted.withLock { !$0.isEmpty } }

    /// What sending adopted deliveries needs (`OutboxStore.claimedDeliveries`).
    private func readAdopted(_ batch: (ids: [String], leaseUntil: Date)) async -> [ClaimedDelivery] {
        do {
            let store = self.store
            return try await Task { try await store.claimedDeliveries(ids: batch.ids, leaseUntil: batch.leaseUntil, now: Date()) }.value
        } catch {
            // Their lease runs out and they are claimed then, with the same ids.
            logger.error("could not read deliveries taken at publication", metadata: ["error": "\(error)", "count": "\(batch.ids.count)"])
            return []
        }
    }

    /// Runs until the task is cancelled, then finishes the attempts in flight and records them.
    public func run() async {
        logger.info("outbox worker started", metadata: [
            "channels": "\(channelNames.map(\.rawValue).sorted().joined(separator: ","))",
            "concurrency": "\(configuration.concurrency)",
        ])
        let concurrency = configuration.concurrency
        // New deliveries this worker can send at once are written already claimed for it: no claim of their own.
        store.adoptNewDeliveries(DeliveryAdoption(channels: channelNames, lease: configuration.lease) { [self] ids, leaseUntil in
            adopt(ids, leaseUntil: leaseUntil)
        })
        // Attempts and claims are children of one task group, so the loop reacts to whichever ends first: a claim
        // for the next batch runs while the current one is being sent.
        await withTaskGroup(of: LoopEvent.self) { group in
            var queue: [[ClaimedDelivery]] = []
            var queueHead = 0
            var running = 0
            var claiming = false
            var buffer: [DeliveryResult] = []
            var lastFlush = ContinuousClock.now
            // Results are committed in the background, one batch at a time, so that sending never waits for the
            // database; the batch being recorded (`recordingCount` results) is awaited before the worker stops.
            var recording: Task<Void, Never>?
            var recordingCount = 0
            var peak = 0
            var outboxMayHaveMore = true
            var lastClaim = ContinuousClock.now
            // A batch is small enough to be sent within its lease even if every attempt ran to its timeout.
            let batch = configuration.claimBatch
            var stale: [Delivery] = []
            var tickPending = false
            // Hands the buffered results to the ledger when none are being recorded and enough are in, enough time
            // went by, or nothing is left in flight; the recording's end comes back to the loop as `.recorded`.
            func recordIfDue() {
                guard recordingCount == 0, !buffer.isEmpty,
                      buffer.count >= Self.resultBatch || running == 0 || ContinuousClock.now - lastFlush > Self.resultDelay else { return }
                recordingCount = buffer.count
                recording = flush(&buffer, after: recording)
                lastFlush = ContinuousClock.now
                if let recording { group.addTask { await recording.value; return .recorded } }
            }
            // Results left in the buffer are due `resultDelay` after the last recording began, whatever is in flight.
            func tickIfWaiting() {
                guard recordingCount == 0, !buffer.isEmpty, !tickPending else { return }
                tickPending = true
                let wait = max(Self.resultDelay - (ContinuousClock.now - lastFlush), .milliseconds(1))
                group.addTask { try? await Task.sleep(for: wait); return .tick }
            }

            while !Task.isCancelled {
                let waiting = queue.count - queueHead
                let pollDue = ContinuousClock.now - lastClaim > .seconds(configuration.pollInterval)
                if !claiming, waiting < concurrency, buffer.count + recordingCount < Self.resultBacklog,
                   outboxMayHaveMore || pollDue || signal.consumeIfPending() || hasAdopted {
                    // From idle, a first claim small enough to start sending at once; the next ones, taken while
                    // it is being sent, fill the batch.
                    let limit = running == 0 && waiting == 0 ? min(batch, configuration.firstClaim) : batch - waiting
                    claiming = true
                    lastClaim = ContinuousClock.now
                    let sequenceLimit = max(Int(configuration.lease / max(configuration.attemptTimeout, 0.001)) - 1, 1)
                    let taken = takeAdopted(limit: limit)
                    group.addTask {
                        let claimed = if let taken { await self.readAdopted(taken) } else { await self.claim(limit: limit) }
                        let (units, overflow) = Self.units(claimed, sequenceLimit: sequenceLimit)
                        await self.release(overflow)
                        return .claimed(units, count: claimed.count, limit: limit)
                    }
                }
                while running < concurrency, queueHead < queue.count {
                    let unit = queue[queueHead]
                    queueHead += 1
                    // Too little lease left to finish: hand it back rather than risk a second worker sending it too.
                    if let lease = unit.first?.delivery.leaseUntil, lease.timeIntervalSinceNow < configuration.attemptTimeout {
                        stale += unit.map(\.delivery)
                        continue
                    }
                    running += 1
                    group.addTask {
                        let (results, untried) = await self.attempt(unit)
                        return .finished(results, untried: untried)
                    }
                }
                if !stale.isEmpty {
                    await release(stale)
                    stale.removeAll()
                }
                if running > 0 || claiming || recordingCount > 0 {
                    switch await group.next() {
                    case .finished(let results, let untried):
                        running -= 1
                        buffer += results
                        stale += untried
                    case .claimed(let claimed, let count, let limit):
                        claiming = false
                        queue = Array(queue[queueHead...]) + claimed
                        queueHead = 0
                        outboxMayHaveMore = count >= limit
                    case .recorded:
                        recordingCount = 0
                    case .tick:
                        tickPending = false
                    case nil:
                        break
                    }
                    if buffer.count + recordingCount > peak {
                        peak = buffer.count + recordingCount
                        backlogPeak.withLock { $0 = peak }
                    }
                    recordIfDue()
                    tickIfWaiting()
                    continue
                }
                // Nothing in flight: whatever is buffered is due.
                recordIfDue()
                if recordingCount > 0 { continue }
                if queueHead >= queue.count && !outboxMayHaveMore && !hasAdopted {
                    await waitForWork()
                    outboxMayHaveMore = true
                }
            }
            // Whatever is written from now on is claimed by the next worker; what this one took and did not read is
            // handed back with the rest (a revision committed after this line is left to its lease or a restart).
            store.adoptNewDeliveries(nil)
            var unstarted = queue[queueHead...].flatMap { $0.map(\.delivery) }
            for await event in group {
                switch event {
                case .finished(let results, let untried):
                    buffer += results
                    unstarted += untried
                case .claimed(let claimed, _, _): unstarted += claimed.flatMap { $0.map(\.delivery) }
                case .recorded, .tick: break
                }
            }
            while let taken = takeAdopted(limit: 500) { unstarted += await readAdopted(taken).map(\.delivery) }
            await release(unstarted)
            recording = flush(&buffer, after: recording)
            await recording?.value
        }
        logger.info("outbox worker stopped")
    }

    private func claim(limit: Int) async -> [ClaimedDelivery] {
        let now = Date()
        do {
            let store = self.store, channels = channelNames, lease = now.addingTimeInterval(configuration.lease)
            return try await Task { try await store.claimDueDeliveries(channels: channels, now: now, leaseUntil: lease, limit: limit) }.value
        } catch {
            logger.error("could not claim deliveries", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// Hands back claimed deliveries that were not started, so that they are due again at once.
    private func release(_ deliveries: [Delivery]) async {
        guard !deliveries.isEmpty else { return }
        let store = self.store
        do {
            try await Task { try await store.release(deliveries, now: Date()) }.value
            logger.info("claimed deliveries handed back", metadata: ["count": "\(deliveries.count)"])
        } catch {
            logger.error("could not hand back claimed deliveries; their lease will expire", metadata: ["error": "\(error)"])
        }
    }

    private func waitForWork() async {
        var timeout = configuration.pollInterval
        if let next = try? await store.nextDueDate(channels: channelNames) {
            timeout = min(timeout, max(next.timeIntervalSinceNow, 0.005))
        }
        await signal.wait(timeout: .milliseconds(Int(timeout * 1000)))
    }

    /// Hands the buffered results to a recording task that runs after `previous`; not cancelled with the worker,
    /// so what was sent is recorded even during shutdown.
    private func flush(_ buffer: inout [DeliveryResult], after previous: Task<Void, Never>?) -> Task<Void, Never>? {
        guard !buffer.isEmpty else { return previous }
        // Handed over, not copied: the next results start a fresh array.
        var batch: [DeliveryResult] = []
        swap(&batch, &buffer)
        return Task {
            await previous?.value
            await self.record(batch)
        }
    }

    private func record(_ batch: [DeliveryResult]) async {
        for attempt in 1...5 {
            do {
                try await store.recordResults(batch)
                // A delivery done may have released later ones of its subscription: look at the outbox again.
                if batch.contains(where: { $0.machine.state == .delivered || $0.machine.state == .dead }) { signal.signal() }
                return
            } catch {
                logger.error("could not record delivery results", metadata: ["error": "\(error)", "try": "\(attempt)", "count": "\(batch.count)"])
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        // The leases will run out and these deliveries will be tried again, with the same ids.
    }

    /// One attempt: send through the channel (one message for a digest), then let the state machine decide what
    /// follows for each delivery sent.
    func attempt(_ unit: [ClaimedDelivery]) async -> (results: [DeliveryResult], untried: [Delivery]) {
        guard let first = unit.first, let channel = channels[first.delivery.channel] else { return ([], []) }
        if first.digest == .immediate {
            // One subscription's deliveries, in order: after a failure the rest wait (handed back), so that none
            // overtakes the one to be retried.
            var results: [DeliveryResult] = []
            for (index, claimed) in unit.enumerated() {
                // Never start an attempt the lease may not cover: another claim could send it too.
                if let lease = claimed.delivery.leaseUntil, lease.timeIntervalSinceNow < configuration.attemptTimeout {
                    return (results, unit[index...].map(\.delivery))
                }
                let started = Date()
                let clock = ContinuousClock.now
                let outcome = await channel.send(claimed)
                if let result = record(claimed, outcome: outcome, started: started, elapsed: ContinuousClock.now - clock, finished: Date(),
                                       random: Double.random(in: 0..<1)) {
                    results.append(result)
                }
                if case .success = outcome { continue }
                return (results, unit[(index + 1)...].map(\.delivery))
            }
            return (results, [])
        }
        let started = Date()
        let clock = ContinuousClock.now
        let outcome = await channel.sendDigest(unit)
        let elapsed = ContinuousClock.now - clock
        let finished = Date()
        // One draw of jitter for the whole unit: a digest that fails is retried whole, not scattered.
        let random = Double.random(in: 0..<1)
        return (unit.compactMap { record($0, outcome: outcome, started: started, elapsed: elapsed, finished: finished, random: random) }, [])
    }

    private func record(_ claimed: ClaimedDelivery, outcome: AttemptOutcome, started: Date, elapsed: Duration, finished: Date,
                        random: Double) -> DeliveryResult? {
        guard let metrics = metrics[claimed.delivery.channel] else { return nil }
        var machine = DeliveryMachine(claimed.delivery)
        let action: DeliveryMachine.Action
        do {
            action = try machine.finish(outcome, now: finished, policy: configuration.retryPolicy, random: random)
        } catch {
            logger.error("delivery state machine refused a result", metadata: ["delivery": "\(claimed.delivery.id)", "error": "\(error)"])
            return nil
        }
        metrics.sent.increment()
        metrics.latency.recordSeconds(elapsed.seconds)
        // Built only for the lines that are logged: a successful attempt logs at debug level.
        func details(_ extra: Logger.Metadata = [:]) -> Logger.Metadata {
            var metadata: Logger.Metadata = [
                "delivery": "\(claimed.delivery.id)", "alert": "\(claimed.delivery.alertId)", "channel": "\(claimed.delivery.channel.rawValue)",
                "attempt": "\(machine.attempts)", "outcome": "\(outcome.name)",
            ]
            if let status = outcome.status { metadata["status"] = "\(status)" }
            if let error = outcome.error { metadata["error"] = "\(error)" }
            return metadata.merging(extra) { $1 }
        }
        switch action {
        case .recordDelivered:
            logger.debug("delivered", metadata: details())
        case .scheduleRetry(let at):
            metrics.failed(outcome.name).increment()
            logger.notice("delivery failed, retry scheduled", metadata: details(["retry_at": "\(RFC3339.format(at))"]))
        case .markDead, .disableSubscription:
            metrics.failed(outcome.name).increment()
            logger.warning("delivery dead", metadata: details())
        case .send, .requeue:
            break
        }
        let record = DeliveryAttempt(deliveryId: claimed.delivery.id, number: machine.attempts, startedAt: started,
                                     durationMs: Int(elapsed.seconds * 1000), outcome: outcome.name, status: outcome.status, error: outcome.error)
        return DeliveryResult(deliveryId: claimed.delivery.id, subscriptionId: claimed.delivery.subscriptionId, attempt: record,
                              machine: machine, action: action, finishedAt: finished)
    }
}

/// The metrics of one channel, made once rather than looked up at every attempt (names after Alertmanager's).
struct ChannelMetrics: Sendable {
    let sent: Counter
    let latency: Metrics.Timer
    let failures: [String: Counter]

    init(_ channel: Channel) {
        let dimensions = [("channel", channel.rawValue)]
        sent = Counter(label: "tocsin_notifications_total", dimensions: dimensions)
        latency = Metrics.Timer(label: "tocsin_notification_latency_seconds", dimensions: dimensions)
        failures = Dictionary(uniqueKeysWithValues: ["retryable", "permanent", "gone"].map {
            ($0, Counter(label: "tocsin_notifications_failed_total", dimensions: dimensions + [("reason", $0)]))
        })
    }

    /// The failure counter for an outcome name (`retryable`, `permanent`, `gone`).
    func failed(_ reason: String) -> Counter { failures[reason] ?? failures["permanent"]! }
}
