import Foundation

/// What happens during one round, gathered as it goes and folded into the source's state at the end.
struct SourcePollRound: Sendable {
    let startedAt: Date
    var requests = 0
    var notModified = 0
    var documentsHanded = 0
    var documentsAttempted = 0
    /// The source's first successful round under `notify: new`: its documents are stored quietly.
    var quiet = false
    var outcome = SourceIngestOutcome()
    /// The HTTP status of the source URL itself.
    var sourceHTTPStatus: Int?
    /// The source URL could not be fetched or read: the round failed.
    var sourceErrors: [String] = []
    /// A ROLIE feed or `changes.csv` could not be fetched or read.
    var listingErrors: [String] = []
    /// Documents that could not be fetched or were rejected, with why.
    var documentErrors: [String] = []
    /// Documents done in this round, so that one listed by two feeds is fetched once.
    var documentsDone: Set<String> = []
    /// The task was cancelled during the round (shutdown): errors are reported but not counted as a failure.
    var interrupted = false

    init(startedAt: Date) {
        self.startedAt = startedAt
    }

    var hasErrors: Bool { !sourceErrors.isEmpty || !listingErrors.isEmpty || !documentErrors.isEmpty }

    var status: SourcePollStatus {
        if !sourceErrors.isEmpty { return .failed }
        if hasErrors { return .partial }
        return outcome.changedSomething ? .updated : .unchanged
    }

    /// The one-line account of the errors, for `lastError`.
    func errorMessage(secrets: [String]) -> String? {
        guard hasErrors else { return nil }
        var parts = sourceErrors + listingErrors
        if !documentErrors.isEmpty {
            let count = documentErrors.count
            let head = "\(count) of \(max(documentsAttempted, count)) document\(documentsAttempted == 1 ? "" : "s") failed"
            parts.append(head + ": " + documentErrors.prefix(5).joined(separator: "; ") + (count > 5 ? "; …" : ""))
        }
        return SourceRedaction.scrub(parts.joined(separator: "; "), secrets: secrets)
    }

    /// Folds the round into `state`: health, counters and the round's summary.
    func apply(to state: inout SourceState, finishedAt: Date, secrets: [String]) {
        state.lastAttemptAt = startedAt
        state.lastHTTPStatus = sourceHTTPStatus
        state.lastStatus = status
        state.itemsSeen &+= documentsHanded
        state.documentsFailed &+= documentErrors.count
        state.alertsPublished &+= outcome.published
        state.alertsRevised &+= outcome.revised
        state.alertsCancelled &+= outcome.cancelled
        state.alertsUnchanged &+= outcome.unchanged
        if let message = errorMessage(secrets: secrets) {
            state.lastError = interrupted ? "interrupted: " + message : message
            if !interrupted { state.consecutiveFailures &+= 1 }
        } else {
            state.lastError = nil
            state.consecutiveFailures = 0
            state.lastSuccessAt = finishedAt
        }
        let errors = (sourceErrors + listingErrors + documentErrors).prefix(20).map { SourceRedaction.scrub($0, secrets: secrets) }
        state.lastRound = SourceRoundSummary(
            startedAt: startedAt, finishedAt: finishedAt, requests: requests, notModified: notModified,
            documentsHanded: documentsHanded, documentsFailed: documentErrors.count, outcome: outcome, errors: Array(errors))
    }
}
