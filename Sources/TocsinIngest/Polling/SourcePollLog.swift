/// How important a poller event is; maps onto swift-log levels.
public enum SourcePollLogLevel: String, Sendable, Hashable {
    case debug, info, warning, error
}

/// Receives the poller's events: one line per round, per failed document and per skipped feed, with
/// structured metadata (`source`, `url`, `status`, `error`…). Messages and metadata never carry a secret.
public typealias SourcePollLog = @Sendable (_ level: SourcePollLogLevel, _ message: String, _ metadata: [String: String]) -> Void
