import Foundation
import Logging
import Metrics
import TocsinCore
import TocsinStore

/// Settings of the escalation worker.
public struct EscalationWorkerConfiguration: Sendable {
    /// How long a claim holds a step; past it, another worker (or this one after a restart) takes it again.
    public var lease: TimeInterval
    /// Longest sleep between two looks at the due steps.
    public var pollInterval: TimeInterval
    /// Delays between tries of one send that failed for a reason worth retrying (a 4xx from the mail server, a
    /// connection failure).
    public var retryDelays: [TimeInterval]
    /// Steps claimed at once.
    public var batch: Int

    public init(lease: TimeInterval = 60, pollInterval: TimeInterval = 1, retryDelays: [TimeInterval] = [1, 3, 10], batch: Int = 16) {
        self.lease = max(lease, 1)
        self.pollInterval = max(pollInterval, 0.05)
        self.retryDelays = retryDelays
        self.batch = max(batch, 1)
    }
}

/// Fires escalation steps as they fall due: claims them under a lease (the store cancels, in the same transaction,
/// those of alerts the organisation acknowledged or the publisher cancelled), finds whom each writes to as the
/// directory stands now, sends one email per person, and records the outcome.
///
/// A step is a row before it is due and changes state only when its outcome is committed: if the process dies, the
/// step's lease runs out and the next worker sends it (with the same `Message-ID`s). A step recorded `sent` is
/// never sent again.
public final class EscalationWorker: Sendable {
    let store: any Store
    let sender: SMTPSender
    let notice: EscalationNotice
    let configuration: EscalationWorkerConfiguration
    let logger: Logger
    let signal = WakeSignal()
    /// The broker's acknowledgement links, which the organisation's own contacts get.
    let ackLinks: AckLinks

    public init(store: any Store, sender: SMTPSender, notice: EscalationNotice, ackLinks: AckLinks, configuration: EscalationWorkerConfiguration,
                logger: Logger = Logger(label: "tocsin.escalation")) {
        self.store = store
        self.ackLinks = ackLinks
        self.sender = sender
        self.notice = notice
        self.configuration = configuration
        self.logger = logger
        // Shown at zero from the start, so that a rate over them means something before the first step fires.
        for outcome in Self.outcomes { _ = Self.counter(outcome) }
    }

    /// What a step can come to, as the `outcome` label of `tocsin_escalations_total`.
    static let outcomes: [EscalationStepState] = [.sent, .skipped, .failed]

    static func counter(_ outcome: EscalationStepState) -> Counter {
        Counter(label: "tocsin_escalations_total", dimensions: [("outcome", outcome.rawValue)])
    }

    /// Tells the worker new steps were scheduled (one may already be due).
    public func wake() { signal.signal() }

    /// Runs until the task is cancelled; a step being sent is finished and recorded first.
    public func run() async {
        logger.info("escalation worker started", metadata: ["lease_s": "\(Int(configuration.lease))"])
        while !Task.isCancelled {
            // A read first: the claim is a write, taken only when a step is due.
            let next: Date?
            do {
                next = try await store.nextEscalationDueDate()
            } catch {
                logger.error("could not read the next escalation step", metadata: ["error": "\(error)"])
                next = nil
            }
            if let next, next <= Date() {
                let now = Date()
                let claimed: [ClaimedEscalation]
                do {
                    claimed = try await store.claimDueEscalations(now: now, leaseUntil: now.addingTimeInterval(configuration.lease),
                                                                  limit: configuration.batch)
                } catch {
                    logger.error("could not claim escalation steps", metadata: ["error": "\(error)"])
                    claimed = []
                }
                for step in claimed {
                    // Finished even during shutdown: a step half sent would otherwise be sent again after its lease.
                    await Task { await self.fire(step) }.value
                }
                if !claimed.isEmpty { continue }
            }
            var timeout = configuration.pollInterval
            // A due date already past that a claim did not take (a failing store) waits a full poll, not a spin.
            if let next, next > Date() { timeout = min(timeout, max(next.timeIntervalSinceNow, 0.01)) }
            await signal.wait(timeout: .milliseconds(Int(timeout * 1000)))
        }
        logger.info("escalation worker stopped")
    }

    /// Every organisation, for the targets that name others (the region's ARS, named organisations).
    func directory() async throws -> [Organisation] {
        var all: [Organisation] = []
        var cursor: String?
        repeat {
            let page = try await store.organisations(page: PageRequest(limit: 500, cursor: cursor))
            all += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return all
    }

    /// Sends one claimed step and records what came of it.
    func fire(_ claimed: ClaimedEscalation) async {
        let record = claimed.record
        var metadata: Logger.Metadata = [
            "alert": "\(record.alertId)", "org": "\(record.orgId)", "step": "\(record.step + 1)", "round": "\(record.round + 1)",
        ]
        let result: EscalationResult
        do {
            let targets = record.targets
            let directory = targets.regionARS || !targets.orgs.isEmpty ? try await directory() : []
            let recipients = targets.recipients(for: claimed.alert, organisation: claimed.organisation, directory: directory)
            if recipients.isEmpty {
                result = EscalationResult(id: record.id, attempts: record.attempts, state: .skipped, at: Date(),
                                          error: "no contact holds the step's roles (\(Self.describe(targets)))")
                metadata["reason"] = "\(result.error ?? "")"
            } else {
                result = try await send(claimed, to: recipients)
                metadata["recipients"] = "\(recipients.count)"
            }
        } catch {
            result = EscalationResult(id: record.id, attempts: record.attempts, state: .failed, at: Date(), error: "\(error)")
        }
        metadata["outcome"] = "\(result.state.rawValue)"
        // The mail server's words may name an address: the failure is kept on the step, not in the log.
        if result.error != nil, result.state != .skipped { metadata["detail"] = "GET /api/v1/alerts/\(record.alertId)/escalations" }
        Self.counter(result.state).increment()
        do {
            let kept = try await store.recordEscalation(result)
            if !kept { metadata["note"] = "claim taken over; outcome not recorded" }
        } catch {
            metadata["record_error"] = "\(error)"
        }
        switch result.state {
        case .sent: logger.info("escalation step sent", metadata: metadata)
        case .skipped: logger.warning("escalation step skipped", metadata: metadata)
        default: logger.error("escalation step failed", metadata: metadata)
        }
    }

    /// Roles and targets as a log line may name them: no person, no address.
    static func describe(_ targets: EscalationTargets) -> String {
        var parts = targets.roles.map(\.rawValue)
        if targets.regionARS { parts.append("regionARS") }
        parts += targets.orgs.map { "org:\($0)" }
        return parts.joined(separator: ",")
    }

    /// One email per recipient, each tried again on a failure worth retrying; `sent` when at least one left.
    func send(_ claimed: ClaimedEscalation, to recipients: [EscalationRecipient]) async throws -> EscalationResult {
        var delivered: [String] = []
        var failures: [String] = []
        for recipient in recipients {
            let ackUrl = recipient.ownOrganisation
                ? ackLinks.url(alert: claimed.alert, orgId: claimed.organisation.id, recipient: "contact:\(recipient.contact.id)", reader: .person) : nil
            let message = try notice.message(for: claimed, recipient: recipient, ackUrl: ackUrl).render()
            var outcome = await sender.send(to: [recipient.contact.email], message: message).outcome
            for delay in configuration.retryDelays {
                guard case .retryable = outcome else { break }
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                outcome = await sender.send(to: [recipient.contact.email], message: message).outcome
            }
            if case .success = outcome {
                delivered.append("contact:\(recipient.contact.id)")
            } else {
                failures.append("contact:\(recipient.contact.id): \(outcome.error ?? outcome.name)")
            }
        }
        let at = Date()
        guard !delivered.isEmpty else {
            return EscalationResult(id: claimed.record.id, attempts: claimed.record.attempts, state: .failed, at: at,
                                    error: failures.joined(separator: "; "))
        }
        return EscalationResult(id: claimed.record.id, attempts: claimed.record.attempts, state: .sent, at: at,
                                error: failures.isEmpty ? nil : "\(failures.count) of \(recipients.count) sends failed: " + failures.joined(separator: "; "),
                                recipients: delivered)
    }
}
