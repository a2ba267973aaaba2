import Foundation

/// One action in the audit log: who did what to which target, from where, and how it ended.
///
/// The log is append-only: no route or command changes or removes an entry. Refused attempts (401, 403) are kept as
/// well as successful ones, since they are what an investigation looks for first.
public struct AuditEntry: Codable, Sendable, Hashable {
    /// How an action ended.
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        /// Done.
        case ok
        /// Refused: no valid token (401) or not allowed (403).
        case refused
        /// Tried but failed: bad input, unknown target, conflict, server error.
        case failed
    }

    /// Position in the log, oldest first; set by the store.
    public var sequence: Int64
    public var at: Date
    /// The token id behind the action (`contact:<id>` for a console session opened by an emailed link), or `cli` /
    /// `source:<name>` for the broker's own actions; nil when no valid token was presented.
    public var actor: String?
    public var actorRole: Role?
    /// The organisation the actor acts for, when bound to one.
    public var orgId: String?
    /// What was done: `alert.publish`, `alert.revise`, `token.revoke`, `auth.refused`, `console.login.token`…
    public var action: String
    /// What it was done to (an alert, token, organisation, subscription or console session id), when there is one.
    public var target: String?
    /// The client's address as the broker saw it.
    public var sourceAddress: String?
    public var outcome: Outcome
    /// The HTTP status answered, for actions through the API.
    public var status: Int?
    /// A short reason for a refusal or failure; never a secret.
    public var detail: String?

    public init(sequence: Int64 = 0, at: Date = Date(), actor: String?, actorRole: Role?, orgId: String?, action: String, target: String?,
                sourceAddress: String?, outcome: Outcome, status: Int? = nil, detail: String? = nil) {
        self.sequence = sequence
        self.at = at.millisecondPrecision
        self.actor = actor
        self.actorRole = actorRole
        self.orgId = orgId
        self.action = String(action.prefix(200))
        // A target comes from the request (a path, an id): kept short, so that no request writes much.
        self.target = target.map { String($0.prefix(200)) }
        self.sourceAddress = sourceAddress
        self.outcome = outcome
        self.status = status
        self.detail = detail.map { String($0.prefix(500)) }
    }

    /// The outcome an HTTP status stands for.
    public static func outcome(status: Int) -> Outcome {
        switch status {
        case 200..<400: .ok
        case 401, 403: .refused
        default: .failed
        }
    }
}

/// Filters on the audit log; newest first.
public struct AuditQuery: Sendable {
    public var limit: Int
    /// Entries older than this sequence (the cursor of the previous page).
    public var before: Int64?
    public var actor: String?
    public var target: String?
    public var action: String?
    public var outcome: AuditEntry.Outcome?
    public var since: Date?
    public var until: Date?

    public init(limit: Int = 100, before: Int64? = nil, actor: String? = nil, target: String? = nil, action: String? = nil,
                outcome: AuditEntry.Outcome? = nil, since: Date? = nil, until: Date? = nil) {
        self.limit = min(max(limit, 1), 1000)
        self.before = before
        self.actor = actor
        self.target = target
        self.action = action
        self.outcome = outcome
        self.since = since
        self.until = until
    }
}
