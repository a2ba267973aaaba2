import Foundation

/// The life of an alert as a state machine: published → updated* → cancelled, nothing after cancelled.
///
/// Each event returns the next revision to store or throws; the store applies it in one transaction.
public enum AlertLifecycle {
    /// Why an event cannot apply to an alert in its current state.
    public enum TransitionError: Error, Equatable, CustomStringConvertible {
        case alreadyCancelled(id: String)

        public var description: String {
            switch self {
            case .alreadyCancelled(let id): "alert \(id) is cancelled; a cancelled alert takes no new revision"
            }
        }
    }

    /// A new revision replacing the alert's content with `draft`'s, keeping its identity and first dates.
    public static func revise(_ alert: Alert, with draft: AlertDraft, by publisher: String?, now: Date = Date()) throws -> Alert {
        guard alert.status != .cancelled else { throw TransitionError.alreadyCancelled(id: alert.id) }
        var next = alert
        next.revision += 1
        next.status = .updated
        next.content = draft.content
        // What the draft leaves unsaid of the source's references and first date stays as it was; the source's name
        // is the alert's for good.
        next.content.sourceRef = draft.sourceRef ?? alert.content.sourceRef
        next.content.sourceVersion = draft.sourceVersion ?? alert.content.sourceVersion
        next.sourcePublishedAt = draft.sourcePublishedAt ?? alert.sourcePublishedAt
        next.updatedAt = now.millisecondPrecision
        next.publishedBy = publisher
        return next
    }

    /// A new revision that cancels the alert. `reason` is kept apart (`cancelReason`), so that each exit shows it in
    /// its reader's language rather than an English line appended to a French summary.
    public static func cancel(_ alert: Alert, reason: String?, by publisher: String?, now: Date = Date()) throws -> Alert {
        guard alert.status != .cancelled else { throw TransitionError.alreadyCancelled(id: alert.id) }
        var next = alert
        next.revision += 1
        next.status = .cancelled
        // Everyone who was told hears of the cancellation; a backfilled alert, told to no one, stays quiet.
        next.attributes[Alert.notifyAttribute] = nil
        if let reason, !reason.isEmpty { next.attributes[Alert.cancelReasonAttribute] = reason }
        next.updatedAt = now.millisecondPrecision
        next.publishedBy = publisher
        return next
    }
}
